//! `not-lua51`: the script uses something gopher-lua accepts and Lua 5.1 does not (`goto`,
//! labels): it runs in Argo CD, but no Lua 5.1 tool can check it.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check;

/// The script is not strict Lua 5.1.
pub struct NotLua51;

impl Check for NotLua51 {
    fn code(&self) -> &'static str {
        "not-lua51"
    }
    fn level(&self) -> Level {
        // Argo CD's gopher-lua runs it; only portability suffers.
        Level::Warning
    }
    fn description(&self) -> &'static str {
        "the script is not strict Lua 5.1 (gopher-lua accepts it, other Lua 5.1 tools do not)"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        match lua_check::parse_lua51(&input.script.script) {
            Ok(()) => Vec::new(),
            Err(errors) => {
                let first = errors.into_iter().next().unwrap_or_default();
                vec![self.finding(format!("is not strict Lua 5.1: {first}"), None)]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn a_strict_script_has_no_finding() {
        let f = findings(
            &NotLua51,
            "local s = 'Healthy'\nreturn { status = s }",
            false,
        );
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn a_construct_lua51_compiles_but_its_grammar_forbids_is_found() {
        // PUC Lua 5.1 hands the number to C's strtod, which reads a hexadecimal float; the Lua
        // 5.1 grammar has no such number, and neither has gopher-lua.
        let f = findings(&NotLua51, CANDIDATE, false);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, "not-lua51");
        assert_eq!(f[0].level, Level::Warning);
        assert_eq!(
            f[0].message,
            "is not strict Lua 5.1: error occurred while creating ast: unexpected token `return`. \
             (starting from line 2, character 1 and ending on line 2, character 7)\n\
             additional information: unexpected expression when looking for a statement"
        );
    }

    const CANDIDATE: &str =
        "local x = 0x1p4\nreturn { status = \"Healthy\", message = tostring(x) }";
}
