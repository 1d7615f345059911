//! `needs-open-libs`: the script uses `string`, `math`, `os`, ... without `useOpenLibs`; Argo
//! CD leaves those closed, so each use raises an error.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check;

/// A closed library is used without `useOpenLibs`.
pub struct NeedsOpenLibs;

/// The closed libraries the script uses as globals. Method calls (`x:f()`) are left to the
/// runs: on a table they are fine, on a string they fail, and a run shows which.
pub(super) fn library_uses(script: &str) -> Vec<String> {
    lua_check::closed_library_uses(script)
        .into_iter()
        .filter(|u| u != ":")
        .collect()
}

impl Check for NeedsOpenLibs {
    fn code(&self) -> &'static str {
        "needs-open-libs"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "uses a library Argo CD leaves closed without useOpenLibs"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let uses = library_uses(&input.script.script);
        if input.script.open_libs || uses.is_empty() {
            return Vec::new();
        }
        vec![self.finding(
            format!(
                "uses {} without useOpenLibs: Argo CD leaves those closed, so each use raises an error",
                uses.join(", ")
            ),
            None,
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    const LOWER: &str =
        "local p = string.lower(obj.kind)\nreturn { status = \"Healthy\", message = p }";

    #[test]
    fn string_without_open_libs_is_found() {
        assert_eq!(
            findings(&NeedsOpenLibs, LOWER, false),
            [NeedsOpenLibs.finding(
                "uses string without useOpenLibs: Argo CD leaves those closed, so each use raises an error"
                    .to_owned(),
                None
            )]
        );
    }

    #[test]
    fn with_open_libs_or_through_require_it_is_not() {
        assert!(findings(&NeedsOpenLibs, LOWER, true).is_empty());
        let required =
            "local os = require(\"os\")\nreturn { status = \"Healthy\", message = type(os.time) }";
        assert!(findings(&NeedsOpenLibs, required, false).is_empty());
        let field =
            "local t = { string = 1 }\nreturn { status = \"Healthy\", message = obj.string }";
        assert!(findings(&NeedsOpenLibs, field, false).is_empty());
    }
}
