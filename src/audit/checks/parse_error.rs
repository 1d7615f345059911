//! `parse-error`: the script does not compile, so Argo CD reports Unknown with the error for
//! every object of the kind.

use super::{Check, Input};
use crate::audit::{Finding, Level};

/// The script does not compile.
pub struct ParseError;

impl Check for ParseError {
    fn code(&self) -> &'static str {
        "parse-error"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "the script does not compile: every object of the kind is Unknown"
    }
    fn on_unparsable(&self) -> bool {
        true
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        match input.syntax {
            Err(e) => vec![self.finding(format!("does not parse: {e}"), None)],
            Ok(()) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn an_unfinished_table_is_found() {
        let f = findings(&ParseError, "hs = { status = \"Healthy\"\nreturn hs", false);
        assert_eq!(
            f,
            [ParseError.finding(
                "does not parse: syntax error: health.lua:2: '}' expected (to close '{' at line 1) near 'return'"
                    .to_owned(),
                None
            )]
        );
        assert_eq!(f[0].level, Level::Error);
    }

    #[test]
    fn a_script_that_compiles_is_not() {
        assert!(findings(&ParseError, "return { status = \"Healthy\" }", false).is_empty());
    }
}
