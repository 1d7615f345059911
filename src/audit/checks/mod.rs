//! The audit's checks, one per finding code, each in its own file with its tests beside it.
//!
//! A check is a value implementing [`Check`] and listed once in [`ALL`]. It is a trait, not an
//! enum matched in one place, so that everything about a finding (code, level, description,
//! logic, inputs and expected findings) lives in one file, as selene keeps its lints; the
//! registry test below stands in for an exhaustive match by requiring every code to be unique
//! and listed in the README.

use super::runs::{Runs, Shown};
use super::sandbox::Recorded;
use super::{Context, Finding, Level, Script};
use serde_json::Value;

mod array_as_map;
mod disagrees;
mod dropped_by_operator;
pub mod duplicate_key;
mod duplicate_yaml_key;
mod empty_status;
mod healthy_without_status;
mod huge_allocation;
mod invalid_status;
mod live_disagrees;
mod needs_open_libs;
mod never_matches;
mod never_used_key;
mod not_lua51;
mod open_libs_unneeded;
mod open_libs_unsafe;
mod order_dependent;
mod parse_error;
mod precedence;
mod premature_healthy;
mod replaces_builtin;
mod runtime_error;
mod time_budget;
pub mod timeout;
mod too_slow;
mod touches_machine;
mod transient_degraded;
mod undefined_global;
mod unordered_message;
pub mod unreadable_key;
mod unused_key;
mod wildcard_overlap;
mod wrong_group;

/// What a check looks at: the script, what the audit runs against, and what running it gave.
pub struct Input<'a> {
    /// The script under audit.
    pub script: &'a Script,
    /// Fixtures, manifests and rules the audit runs against.
    pub ctx: &'a Context<'a>,
    /// The error Argo CD reports when the script does not compile.
    pub syntax: &'a Result<(), String>,
    /// The states and each run (none when the script does not compile).
    pub runs: &'a Runs,
}

/// One kind of finding: a stable code, a level, and the logic that finds it.
pub trait Check: Sync {
    /// The stable name of the finding (`runtime-error`, ...).
    fn code(&self) -> &'static str;
    /// How bad the finding is; every finding of this check has this level.
    fn level(&self) -> Level;
    /// What the check finds, in a sentence.
    fn description(&self) -> &'static str;
    /// Whether the check still has something to say about a script that does not compile
    /// (checks of its text and runs have not).
    fn on_unparsable(&self) -> bool {
        false
    }
    /// The findings for one script.
    fn check(&self, input: &Input<'_>) -> Vec<Finding>;

    /// A finding of this check.
    fn finding(&self, message: String, example: Option<Value>) -> Finding {
        Finding {
            level: self.level(),
            code: self.code().to_owned(),
            message,
            example,
            orders: Vec::new(),
        }
    }
}

/// Every check, in the order their findings are reported within a level.
pub static ALL: &[&dyn Check] = &[
    &wrong_group::WrongGroup,
    &never_used_key::NeverUsedKey,
    &unused_key::UnusedKey,
    &replaces_builtin::ReplacesBuiltin,
    &parse_error::ParseError,
    &not_lua51::NotLua51,
    &needs_open_libs::NeedsOpenLibs,
    &open_libs_unsafe::OpenLibsUnsafe,
    &open_libs_unneeded::OpenLibsUnneeded,
    &precedence::Precedence,
    &undefined_global::UndefinedGlobal,
    &never_matches::NeverMatches,
    &array_as_map::ArrayAsMap,
    &unordered_message::UnorderedMessage,
    &wildcard_overlap::WildcardOverlap,
    &too_slow::TooSlow,
    &time_budget::TimeBudget,
    &touches_machine::TouchesMachine,
    &runtime_error::RuntimeError,
    &huge_allocation::HugeAllocation,
    &invalid_status::InvalidStatus,
    &empty_status::EmptyStatus,
    &order_dependent::OrderDependent,
    &healthy_without_status::HealthyWithoutStatus,
    &premature_healthy::PrematureHealthy,
    &transient_degraded::TransientDegraded,
    &disagrees::Disagrees,
    &live_disagrees::LiveDisagrees,
    &timeout::Timeout,
    &unreadable_key::UnreadableKey,
    &duplicate_key::DuplicateKey,
    &dropped_by_operator::DroppedByOperator,
    &duplicate_yaml_key::DuplicateYamlKey,
];

/// Whether a run (of the script on a state) shows a problem, and what it looks like.
pub type Shows = dyn Fn(&Runs, &Value, &Recorded) -> Option<String>;

/// The finding of `check` for the first state whose run `shows` a problem, its example the
/// fixture or the smallest generated state, its message made by `message`. Realistic states
/// are run before malformed ones, so a problem only a malformed state shows (one no API server
/// stores) is only a warning, whatever the check's level.
pub fn on_first_state(
    check: &dyn Check,
    runs: &Runs,
    shows: &Shows,
    message: &dyn Fn(&Shown) -> String,
) -> Vec<Finding> {
    let Some(s) = runs.first_shown(shows) else {
        return Vec::new();
    };
    let mut f = check.finding(message(&s), Some(s.example));
    if s.malformed {
        f.level = f.level.max(Level::Warning);
        f.message
            .push_str(" (only on a malformed state: a field of a type no API server stores)");
    }
    vec![f]
}

/// The check with this code.
pub fn by_code(code: &str) -> Option<&'static dyn Check> {
    ALL.iter().copied().find(|c| c.code() == code)
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Running one check on an inline script, the way the audit runs it.

    use super::super::{Context, Finding, Script};
    use super::Check;
    use crate::catalog::Catalog;

    /// A script keyed under `group/kind`.
    pub fn script(group: &str, kind: &str, text: &str, open_libs: bool) -> Script {
        Script {
            file: "inline".to_owned(),
            origin: "test".to_owned(),
            group: group.to_owned(),
            kind: kind.to_owned(),
            script: text.to_owned(),
            open_libs,
        }
    }

    /// The findings of `check` alone on `script`, with `cases` generated states and, when
    /// given, the deployed (group, kind) pairs.
    pub fn findings_with(
        check: &dyn Check,
        script: &Script,
        cases: u32,
        deployed: Option<&[(String, String)]>,
    ) -> Vec<Finding> {
        findings_in(check, script, cases, deployed, false)
    }

    /// As [`findings_with`], with malformed states too when `malformed`.
    pub fn findings_in(
        check: &dyn Check,
        script: &Script,
        cases: u32,
        deployed: Option<&[(String, String)]>,
        malformed: bool,
    ) -> Vec<Finding> {
        let catalog = Catalog::standard();
        let ctx = Context {
            fixtures: &[],
            deployed,
            cases,
            catalog: &catalog,
            keys: &[],
            malformed,
            schemas: None,
            live: None,
        };
        crate::audit::run_checks(script, &ctx, &[check]).0
    }

    /// The code and level of each finding, for asserting them exactly.
    pub fn levels(f: &[Finding]) -> Vec<(&str, crate::audit::Level)> {
        f.iter().map(|f| (f.code.as_str(), f.level)).collect()
    }

    /// The findings of `check` on an `example.com/Inline` script, with 20 generated states.
    pub fn findings(check: &dyn Check, text: &str, open_libs: bool) -> Vec<Finding> {
        findings_with(
            check,
            &script("example.com", "Inline", text, open_libs),
            20,
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let mut codes: Vec<&str> = ALL.iter().map(|c| c.code()).collect();
        assert!(codes.iter().all(|c| c
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch == '-' || ch.is_ascii_digit())));
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n, "a code is used twice");
    }

    #[test]
    fn every_code_is_listed_in_the_readme() {
        let readme = include_str!("../../../README.md");
        for c in ALL {
            assert!(
                readme.contains(&format!("`{}`", c.code())),
                "{} missing",
                c.code()
            );
            assert!(!c.description().is_empty());
        }
    }

    #[test]
    fn a_check_is_found_by_its_code() {
        assert_eq!(
            by_code("runtime-error").map(|c| c.level()),
            Some(Level::Error)
        );
        assert!(by_code("no-such-check").is_none());
    }
}
