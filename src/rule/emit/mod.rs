//! The Lua emitter: turns a [`Rule`] into one self-contained Lua 5.1 chunk for Argo CD.
//!
//! [`lower`] builds a small Lua tree ([`lua`]) from the rule and [`print`] writes it, placing
//! parentheses from precedence. The chunk is safe by construction and shaped for gopher-lua,
//! which compiles every script on every evaluation (up to Argo CD 3.5), so bytes are cost:
//! - one header comment naming the rule, no other comment, short local names;
//! - every field the rule uses is read once into a local, each step guarded by
//!   `type(x) == "table"`;
//! - one pass over `status.conditions` records, for each condition test, the first matching
//!   entry, so no verdict depends on the order of conditions and the array is read once;
//! - each clause is then a plain `if` over those locals, and messages take a value only when
//!   it is a non-empty string, falling back to a literal;
//! - the last statement returns a literal status.
//!
//! Only base functions (`type`, `ipairs`, `pairs`) are used, which Argo CD opens without
//! `useOpenLibs`. Output is deterministic: the same rule gives the same bytes.

mod lower;
mod lua;
mod print;
mod scope;
#[cfg(test)]
mod tests;

use super::model::Rule;
pub use print::lua_string;

/// Emits the Lua script for `rule`. The header names the rule, not a kind, so kinds that share a
/// rule share byte-identical scripts (which the nested output writes once).
pub fn emit(rule: &Rule) -> String {
    let mut out = format!("-- mas-health: {}\n", comment(&rule.name));
    out.push_str(&print::block(&lower::chunk(rule)));
    out
}

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
