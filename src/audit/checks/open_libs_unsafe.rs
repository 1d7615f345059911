//! `open-libs-unsafe`: a script with `useOpenLibs` (unrestricted `os` and `io`) names a function
//! that touches the machine, which Argo CD would run inside its controller.

use super::{Check, Input};
use crate::audit::sandbox::DANGEROUS;
use crate::audit::{Finding, Level};
use crate::testkit::lua_check;

/// `useOpenLibs` with `io.*` or a dangerous `os` function named.
pub struct OpenLibsUnsafe;

/// The `io.*` and dangerous `os.*` functions the script names.
fn risky(script: &str) -> Vec<String> {
    lua_check::reads(script)
        .library_functions
        .into_iter()
        .filter(|f| {
            f.starts_with("io.")
                || DANGEROUS
                    .iter()
                    .any(|(l, n)| *l == "os" && *f == format!("os.{n}"))
        })
        .collect()
}

impl Check for OpenLibsUnsafe {
    fn code(&self) -> &'static str {
        "open-libs-unsafe"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "runs with useOpenLibs and names os or io functions that touch the machine"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        if !input.script.open_libs {
            return Vec::new();
        }
        let risky = risky(&input.script.script);
        if risky.is_empty() {
            return Vec::new();
        }
        vec![self.finding(
            format!(
                "runs with useOpenLibs (unrestricted os and io) and names {}",
                risky.join(", ")
            ),
            None,
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    const EXECUTE: &str =
        "os.execute(\"true\")\nlocal f = io.open(\"/x\")\nreturn { status = \"Healthy\" }";

    #[test]
    fn os_execute_and_io_open_with_open_libs_are_found() {
        assert_eq!(
            findings(&OpenLibsUnsafe, EXECUTE, true),
            [OpenLibsUnsafe.finding(
                "runs with useOpenLibs (unrestricted os and io) and names os.execute, io.open"
                    .to_owned(),
                None
            )]
        );
    }

    #[test]
    fn harmless_os_functions_or_closed_libraries_are_not() {
        let time = "return { status = \"Healthy\", message = tostring(os.time() > 0) }";
        assert!(findings(&OpenLibsUnsafe, time, true).is_empty());
        // Without useOpenLibs, os is not there to call: needs-open-libs says so.
        assert!(findings(&OpenLibsUnsafe, EXECUTE, false).is_empty());
    }
}
