//! `open-libs-unneeded`: `useOpenLibs` is set but the script uses no library that needs it; it
//! only widens what the script could do.

use super::needs_open_libs::library_uses;
use super::{Check, Input};
use crate::audit::{Finding, Level};

/// `useOpenLibs` for nothing.
pub struct OpenLibsUnneeded;

impl Check for OpenLibsUnneeded {
    fn code(&self) -> &'static str {
        "open-libs-unneeded"
    }
    fn level(&self) -> Level {
        Level::Info
    }
    fn description(&self) -> &'static str {
        "has useOpenLibs but uses no library that needs it"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        // A built-in folder's script gets open libraries whatever it uses: nothing to drop.
        if !input.script.open_libs
            || input.script.from_folder()
            || !library_uses(&input.script.script).is_empty()
        {
            return Vec::new();
        }
        vec![self.finding(
            "has useOpenLibs but uses no library that needs it: drop it".to_owned(),
            None,
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{findings, findings_with, script};
    use super::*;

    #[test]
    fn open_libs_for_a_plain_script_are_found() {
        assert_eq!(
            findings(&OpenLibsUnneeded, "return { status = \"Healthy\" }", true),
            [OpenLibsUnneeded.finding(
                "has useOpenLibs but uses no library that needs it: drop it".to_owned(),
                None
            )]
        );
        assert_eq!(OpenLibsUnneeded.level(), Level::Info);
    }

    #[test]
    fn open_libs_that_are_used_or_absent_are_not() {
        let lower = "return { status = \"Healthy\", message = string.lower(\"A\") }";
        assert!(findings(&OpenLibsUnneeded, lower, true).is_empty());
        assert!(findings(&OpenLibsUnneeded, "return { status = \"Healthy\" }", false).is_empty());
    }

    #[test]
    fn a_built_in_folder_s_script_is_not() {
        let mut s = script(
            "example.com",
            "Inline",
            "return { status = \"Healthy\" }",
            true,
        );
        s.origin = "folder example.com/Inline".to_owned();
        assert!(s.from_folder());
        assert!(findings_with(&OpenLibsUnneeded, &s, 0, None).is_empty());
    }
}
