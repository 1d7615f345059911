//! `huge-allocation`: the script asks `string.rep` for more memory than the runtime allows.
//! gopher-lua (what Argo CD runs) allocates `string.rep(" ", 2^31)` in full, 2 GiB, which can
//! take the application controller down; PUC Lua and LuaJIT wrap the count to a negative
//! number and return "", so the run itself looks clean.

use super::{Check, Input};
use crate::audit::{Finding, Level};

/// A `string.rep` larger than the runtime's memory limit.
pub struct HugeAllocation;

impl Check for HugeAllocation {
    fn code(&self) -> &'static str {
        "huge-allocation"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "calls string.rep for more memory than the runtime allows: gopher-lua allocates it all"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let first = input
            .runs
            .ran()
            .find_map(|(state, r)| r.allocations.first().map(|a| (state, a)));
        match first {
            Some((state, a)) => vec![self.finding(
                format!(
                    "asks for {a}: gopher-lua in Argo CD allocates all of it on every \
                     evaluation (PUC Lua and LuaJIT return \"\" for a count of 2^31 or more)"
                ),
                Some(state.value.clone()),
            )],
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn a_rep_of_two_to_the_31_is_found() {
        let script = "local pad = string.rep(\" \", 2^31)\n\
                      return { status = \"Healthy\", message = pad }";
        // The string library is there with useOpenLibs only (Argo CD's closed state has none).
        let f = findings(&HugeAllocation, script, true);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].level, Level::Error);
        assert_eq!(
            f[0].message,
            "asks for string.rep of 1 byte(s) 2147483648 times (2048 MiB): gopher-lua in \
             Argo CD allocates all of it on every evaluation (PUC Lua and LuaJIT return \"\" \
             for a count of 2^31 or more)"
        );
        // The method form shares the function.
        let f = findings(
            &HugeAllocation,
            "local s = (\"ab\"):rep(2^40) return {}",
            true,
        );
        assert_eq!(f.len(), 1, "{f:?}");
    }

    #[test]
    fn a_small_rep_is_not() {
        let script = "return { status = \"Healthy\", message = string.rep(\"-\", 80) }";
        assert!(findings(&HugeAllocation, script, true).is_empty());
        assert!(findings(&HugeAllocation, "return {}", true).is_empty());
    }
}
