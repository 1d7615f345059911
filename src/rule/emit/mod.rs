//! The Lua emitter: turns a [`Rule`] into one self-contained Lua 5.1 chunk for Argo CD.
//!
//! `lower` builds a small Lua tree (`lua`) from the rule and `print` writes it, placing
//! parentheses from precedence. The chunk is safe by construction, written for the person who
//! reviews it, and shaped for gopher-lua, which compiles every script on every evaluation (up to
//! Argo CD 3.5), so tokens are cost:
//! - a header of a few comment lines (the rule, its cases in order with their verdicts, the
//!   command that explains a verdict), no other comment, and locals named for what they hold
//!   (`names`; a name is one token whatever its length);
//! - every field the rule uses is read once into a local, each step guarded by
//!   `type(x) == "table"`;
//! - one pass over `status.conditions` records, for each condition test, the first matching
//!   entry, so no verdict depends on the order of conditions and the array is read once;
//! - each clause is then a plain `if` over those locals, its verdict on the line below its
//!   test, and messages take a value only when it is a non-empty string, falling back to a
//!   literal;
//! - the last statement returns a literal status.
//!
//! Only base functions (`type`, `ipairs`, `pairs`) are used, which Argo CD opens without
//! `useOpenLibs`. Output is deterministic: the same rule gives the same bytes.

mod lower;
mod lua;
mod names;
mod print;
mod scope;
#[cfg(test)]
mod tests;

use super::model::Rule;
pub use print::lua_string;

/// Emits the Lua script for `rule`. The header names the rule, not a kind, so kinds that share a
/// rule share byte-identical scripts (which the nested output writes once).
pub fn emit(rule: &Rule) -> String {
    let mut out = header(rule);
    out.push_str(&print::block(&lower::chunk(rule)));
    out
}

/// The lines a reviewer reads first: the rule, each case in the order it is tested with the
/// verdict it gives, and the command that shows which case decided. Comments are lexed on every
/// compile in gopher-lua, so the header is all there is.
fn header(rule: &Rule) -> String {
    let mut cases: Vec<String> = rule
        .clauses
        .iter()
        .map(|c| format!("{} -> {}", comment(&c.name), c.status.as_str()))
        .collect();
    cases.push(format!("otherwise {}", rule.default_status.as_str()));
    let mut out = format!("-- mas-health: {}\n", comment(&rule.name));
    let mut line = String::from("-- The first case that holds decides:");
    for (i, case) in cases.iter().enumerate() {
        let sep = if i + 1 == cases.len() { "." } else { ";" };
        if line.len() + 1 + case.len() + 1 > HEADER_WIDTH {
            out.push_str(&line);
            out.push('\n');
            line = String::from("--  ");
        }
        line.push(' ');
        line.push_str(case);
        line.push_str(sep);
    }
    out.push_str(&line);
    out.push('\n');
    out.push_str(
        "-- Which case decided for an object, and every value it read: mas-health explain FILE\n",
    );
    out
}

/// Where the header wraps.
const HEADER_WIDTH: usize = 100;

/// A comment made safe: one line of printable ASCII.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}
