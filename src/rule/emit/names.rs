//! Names that say what a local holds, made from the field keys and condition tests they hold.
//!
//! gopher-lua compiles a script on every evaluation up to Argo CD 3.5, but a name is one token
//! whatever its length, so names cost nothing there and the reviewer of an argocd-cm pull
//! request reads `ready_message`, not `k`.

use super::print::is_name;
use crate::rule::model::{ConditionSelector, TextMatch};
use std::collections::BTreeSet;

/// Globals a script uses, which no local may shadow.
const GLOBALS: [&str; 4] = ["obj", "type", "ipairs", "pairs"];

/// The longest name made from keys and values; longer ones are cut at a word boundary.
const MAX_LEN: usize = 40;

/// The names a script has given out.
#[derive(Default)]
pub(super) struct Names {
    taken: BTreeSet<String>,
}

impl Names {
    /// Names `reserved` for the locals every script may need (`verdict`, `message`), so a
    /// field with the same key gets a longer name instead.
    pub(super) fn reserving(reserved: &[&str]) -> Names {
        Names {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Takes `name` itself (one of the reserved names).
    pub(super) fn reserved(&self, name: &str) -> String {
        debug_assert!(self.taken.contains(name));
        name.to_owned()
    }

    /// The first of `candidates` (made into Lua names) that is free, else the last with `_2`,
    /// `_3`, ... appended.
    pub(super) fn first_free<I: IntoIterator<Item = String>>(&mut self, candidates: I) -> String {
        let mut last = String::from("value");
        for c in candidates {
            let c = lua_name(&c);
            if self.is_free(&c) {
                return self.take(c);
            }
            last = c;
        }
        (2..)
            .map(|i| format!("{last}_{i}"))
            .find(|n| self.is_free(n))
            .map(|n| self.take(n))
            .unwrap_or_default()
    }

    fn is_free(&self, n: &str) -> bool {
        is_name(n) && !GLOBALS.contains(&n) && !self.taken.contains(n)
    }

    fn take(&mut self, n: String) -> String {
        self.taken.insert(n.clone());
        n
    }
}

/// Candidate names for the field at `keys`: its own key, then with its parent's, then the
/// whole path (`status.health.message`: `message`, `health_message`, `status_health_message`).
pub(super) fn field_candidates(keys: &[String]) -> Vec<String> {
    (1..=keys.len().max(1))
        .map(|n| keys[keys.len().saturating_sub(n)..].join("_"))
        .collect()
}

/// The name of a condition test: its type, then what it asks of the status and reason
/// (`Failure` True: `failure`; `Ready` with any status: `ready_condition`).
pub(super) fn selector_name(sel: &ConditionSelector) -> String {
    let what = match &sel.type_ {
        TextMatch::OneOf(types) => alternatives(types),
        TextMatch::Any => "condition".to_owned(),
        TextMatch::NoneOf(types) => format!("not_{}", alternatives(types)),
    };
    let status = match &sel.status {
        TextMatch::OneOf(s) if s == &["True"] => String::new(),
        TextMatch::NoneOf(s) if s == &["False"] => String::new(),
        TextMatch::Any => "_condition".to_owned(),
        TextMatch::OneOf(s) => format!("_{}", alternatives(s)),
        TextMatch::NoneOf(s) => format!("_not_{}", alternatives(s)),
    };
    let reason = match &sel.reason {
        TextMatch::Any => String::new(),
        TextMatch::OneOf(r) => format!("_{}", alternatives(r)),
        TextMatch::NoneOf(r) => format!("_not_{}", alternatives(r)),
    };
    let status = if what.ends_with("condition") && status == "_condition" {
        String::new()
    } else {
        status
    };
    cut(&lua_name(&format!("{what}{status}{reason}")))
}

/// `a_or_b` for two values, `a_etc` for more.
fn alternatives(values: &[String]) -> String {
    match values {
        [] => "nothing".to_owned(),
        [one] => one.clone(),
        [a, b] => format!("{a}_or_{b}"),
        [a, ..] => format!("{a}_etc"),
    }
}

/// `name` cut to [`MAX_LEN`] at a word boundary: a name made from many values stays readable.
pub(super) fn cut(name: &str) -> String {
    if name.len() <= MAX_LEN {
        return name.to_owned();
    }
    let end = name[..MAX_LEN]
        .rfind('_')
        .filter(|&i| i > 0)
        .unwrap_or(MAX_LEN);
    name[..end].to_owned()
}

/// `text` as a Lua name in snake case: `observedGeneration` -> `observed_generation`,
/// `app.kubernetes.io/name` -> `app_kubernetes_io_name`.
pub(super) fn lua_name(text: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            prev_lower = false;
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_matches('_').to_owned();
    match out.chars().next() {
        None => "value".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("v_{out}"),
        Some(_) if !is_name(&out) => format!("{out}_"),
        Some(_) => out,
    }
}
