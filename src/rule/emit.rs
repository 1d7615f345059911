//! The Lua emitter: turns a [`Rule`] into one self-contained Lua 5.1 chunk for Argo CD.
//!
//! The chunk is safe by construction and shaped for gopher-lua, which compiles every script on
//! every evaluation (up to Argo CD 3.5) and pays for each function prototype it compiles:
//! - a prelude reads every field the rule uses into a local, each step guarded by
//!   `type(x) == "table"`;
//! - one pass over `status.conditions` records, for each condition test, the first matching
//!   entry, so no verdict depends on the order of conditions and the array is read once;
//! - each clause is then a plain `if` over those locals, and messages take a value only when
//!   `type(v) == "string"`, falling back to a literal;
//! - the last statement returns a literal status.
//!
//! Only base functions (`type`, `ipairs`, `pairs`) are used, which Argo CD opens without
//! `useOpenLibs`. Output is deterministic: the same rule gives the same bytes.

use super::model::{
    ConditionSelector, Message, Part, Path, Predicate, Rule, Scalar, Source, TextMatch,
};
use crate::argocd::paths::CONDITIONS;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Emits the Lua script for `rule`. The header names the rule, not a kind, so kinds that share a
/// rule share byte-identical scripts (which the nested output writes once).
pub fn emit(rule: &Rule) -> String {
    Emitter::new(rule).script()
}

/// Quotes `s` as a Lua 5.1 string literal that every Lua reader decodes to the same bytes.
///
/// Only printable ASCII is written as itself: gopher-lua's scanner reads a literal rune by rune
/// and keeps only the low byte of each, so raw UTF-8 would be corrupted there. Every other byte
/// becomes a three-digit decimal escape, which no following digit can extend.
pub fn lua_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        match b {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                let _ = write!(out, "\\{b:03}");
            }
        }
    }
    out.push('"');
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

struct Emitter<'r> {
    rule: &'r Rule,
    /// Local variable of every path prefix the rule reads, keyed by the path's keys.
    vars: BTreeMap<Vec<String>, String>,
    selectors: Vec<&'r ConditionSelector>,
    uses_scalar: bool,
    uses_tree: bool,
}

fn sanitize(key: &str) -> String {
    key.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

impl<'r> Emitter<'r> {
    fn new(rule: &'r Rule) -> Self {
        let selectors = rule.condition_selectors();
        let mut paths: Vec<Vec<String>> = rule
            .paths_read()
            .iter()
            .map(|p| p.keys().to_vec())
            .collect();
        if !selectors.is_empty() {
            paths.push(CONDITIONS.iter().map(|k| (*k).to_owned()).collect());
        }
        let mut vars: BTreeMap<Vec<String>, String> = BTreeMap::new();
        let mut taken: Vec<String> = Vec::new();
        for path in &paths {
            for len in 1..=path.len() {
                let prefix = path[..len].to_vec();
                if vars.contains_key(&prefix) {
                    continue;
                }
                let base = format!(
                    "f_{}",
                    prefix
                        .iter()
                        .map(|k| sanitize(k))
                        .collect::<Vec<_>>()
                        .join("_")
                );
                let mut name = base.clone();
                let mut n = 2;
                while taken.contains(&name) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                taken.push(name.clone());
                vars.insert(prefix, name);
            }
        }
        let mut e = Emitter {
            rule,
            vars,
            selectors,
            uses_scalar: false,
            uses_tree: false,
        };
        for c in &rule.clauses {
            c.when.visit(&mut |p| match p {
                Predicate::FieldsEqual(..) | Predicate::FieldsDiffer(..) => e.uses_scalar = true,
                Predicate::ObservedDiffers { .. } => e.uses_tree = true,
                _ => {}
            });
        }
        e
    }

    fn var(&self, path: &Path) -> String {
        self.vars
            .get(path.keys())
            .cloned()
            .unwrap_or_else(|| "nil".to_owned())
    }

    fn cond_var(&self, sel: &ConditionSelector) -> String {
        let i = self.selectors.iter().position(|s| *s == sel).unwrap_or(0);
        format!("c{}", i + 1)
    }

    fn script(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "-- {}. Generated by mas-health; do not edit.",
            comment(&self.rule.name)
        );
        self.prelude(&mut out);
        self.condition_scan(&mut out);
        self.helpers(&mut out);
        for clause in &self.rule.clauses {
            let _ = writeln!(out, "-- {}", comment(&clause.name));
            let _ = writeln!(out, "if {} then", self.predicate(&clause.when));
            // Inside `if cN ~= nil`, a message read from cN needs no second nil test.
            let bound = match &clause.when {
                Predicate::Condition(sel) => Some(sel),
                _ => None,
            };
            let _ = writeln!(
                out,
                "  return {{ status = {}, message = {} }}",
                lua_string(clause.status.as_str()),
                self.message(&clause.message, bound)
            );
            let _ = writeln!(out, "end");
        }
        let _ = writeln!(
            out,
            "return {{ status = {}, message = {} }}",
            lua_string(self.rule.default_status.as_str()),
            self.message(&self.rule.default_message, None)
        );
        out
    }

    /// Reads every path into locals, parent before child, each step guarded.
    fn prelude(&self, out: &mut String) {
        if self.vars.is_empty() {
            return;
        }
        // Lua 5.1 allows 200 locals; declare in lines of a readable length.
        let names: Vec<&String> = self.vars.values().collect();
        for chunk in names.chunks(6) {
            let list: Vec<&str> = chunk.iter().map(|s| s.as_str()).collect();
            let _ = writeln!(out, "local {}", list.join(", "));
        }
        let mut parents: Vec<Vec<String>> = vec![Vec::new()];
        parents.extend(self.vars.keys().cloned());
        for parent in parents {
            let children: Vec<(&Vec<String>, &String)> = self
                .vars
                .iter()
                .filter(|(k, _)| k.len() == parent.len() + 1 && k.starts_with(&parent))
                .collect();
            if children.is_empty() {
                continue;
            }
            let pvar = if parent.is_empty() {
                "obj".to_owned()
            } else {
                self.vars[&parent].clone()
            };
            let _ = writeln!(out, "if type({pvar}) == \"table\" then");
            for (k, v) in children {
                let key = k.last().map(String::as_str).unwrap_or_default();
                let _ = writeln!(out, "  {v} = {pvar}[{}]", lua_string(key));
            }
            let _ = writeln!(out, "end");
        }
    }

    /// One pass over the conditions: `cN` is the first entry matching test N.
    fn condition_scan(&self, out: &mut String) {
        if self.selectors.is_empty() {
            return;
        }
        let list = self.vars[&CONDITIONS
            .iter()
            .map(|k| (*k).to_owned())
            .collect::<Vec<_>>()]
            .clone();
        for sel in &self.selectors {
            let _ = writeln!(
                out,
                "-- {}: the first condition with {}",
                self.cond_var(sel),
                comment(&describe(sel))
            );
        }
        let names: Vec<String> = self.selectors.iter().map(|s| self.cond_var(s)).collect();
        for chunk in names.chunks(8) {
            let _ = writeln!(out, "local {}", chunk.join(", "));
        }
        let _ = writeln!(out, "if type({list}) == \"table\" then");
        let _ = writeln!(out, "  for _, c in ipairs({list}) do");
        let _ = writeln!(out, "    if type(c) == \"table\" then");
        for sel in &self.selectors {
            let name = self.cond_var(sel);
            let mut tests = vec![format!("{name} == nil")];
            for (field, m) in [
                ("type", &sel.type_),
                ("status", &sel.status),
                ("reason", &sel.reason),
            ] {
                if let Some(t) = text_match(&format!("c.{field}"), m) {
                    tests.push(t);
                }
            }
            let _ = writeln!(out, "      if {} then {name} = c end", tests.join(" and "));
        }
        let _ = writeln!(out, "    end");
        let _ = writeln!(out, "  end");
        let _ = writeln!(out, "end");
    }

    fn helpers(&self, out: &mut String) {
        if self.uses_scalar {
            out.push_str("local scalar = { string = true, number = true, boolean = true }\n");
        }
        if self.uses_tree {
            out.push_str(
                "local function zero(v)\n\
                 \x20 if v == nil or v == \"\" or v == false or v == 0 then return true end\n\
                 \x20 if type(v) ~= \"table\" then return false end\n\
                 \x20 for _, x in pairs(v) do\n\
                 \x20   if not zero(x) then return false end\n\
                 \x20 end\n\
                 \x20 return true\n\
                 end\n\
                 local function same_tree(a, b)\n\
                 \x20 if zero(a) and zero(b) then return true end\n\
                 \x20 if type(a) ~= \"table\" or type(b) ~= \"table\" then return a == b end\n\
                 \x20 for k, x in pairs(a) do\n\
                 \x20   if not same_tree(x, b[k]) then return false end\n\
                 \x20 end\n\
                 \x20 for k, y in pairs(b) do\n\
                 \x20   if a[k] == nil and not zero(y) then return false end\n\
                 \x20 end\n\
                 \x20 return true\n\
                 end\n",
            );
        }
    }

    fn predicate(&self, p: &Predicate) -> String {
        match p {
            Predicate::Always => "true".to_owned(),
            Predicate::Exists(path) => format!("{} ~= nil", self.var(path)),
            Predicate::OneOf(path, values) => {
                let v = self.var(path);
                let tests: Vec<String> = values
                    .iter()
                    .map(|x| format!("{v} == {}", scalar_literal(x)))
                    .collect();
                match tests.len() {
                    0 => "false".to_owned(),
                    1 => tests.join(""),
                    _ => format!("({})", tests.join(" or ")),
                }
            }
            Predicate::Condition(sel) => format!("{} ~= nil", self.cond_var(sel)),
            Predicate::FieldsEqual(a, b) | Predicate::FieldsDiffer(a, b) => {
                let op = if matches!(p, Predicate::FieldsEqual(..)) {
                    "=="
                } else {
                    "~="
                };
                let (a, b) = (self.var(a), self.var(b));
                format!("(scalar[type({a})] and scalar[type({b})] and {a} {op} {b})")
            }
            Predicate::ObservedDiffers { desired, observed } => {
                let (d, o) = (self.var(desired), self.var(observed));
                format!("({o} ~= nil and not same_tree({d}, {o}))")
            }
            Predicate::All(ps) => {
                if ps.is_empty() {
                    "true".to_owned()
                } else {
                    let parts: Vec<String> = ps
                        .iter()
                        .map(|p| format!("({})", self.predicate(p)))
                        .collect();
                    parts.join(" and ")
                }
            }
            Predicate::Any(ps) => {
                if ps.is_empty() {
                    "false".to_owned()
                } else {
                    let parts: Vec<String> = ps
                        .iter()
                        .map(|p| format!("({})", self.predicate(p)))
                        .collect();
                    parts.join(" or ")
                }
            }
            Predicate::Not(p) => format!("not ({})", self.predicate(p)),
        }
    }

    /// A Lua expression that always evaluates to a string.
    fn message(&self, m: &Message, bound: Option<&ConditionSelector>) -> String {
        let mut parts: Vec<String> = Vec::new();
        for part in &m.0 {
            match part {
                Part::Text(t) => parts.push(lua_string(t)),
                Part::Read {
                    source,
                    prefix,
                    fallback,
                } => {
                    let (guard, value) = match source {
                        Source::Field(path) => (None, self.var(path)),
                        Source::Condition(sel, field) => {
                            let c = self.cond_var(sel);
                            let guard = (bound != Some(sel)).then(|| format!("{c} ~= nil"));
                            (guard, format!("{c}[{}]", lua_string(field)))
                        }
                    };
                    let mut tests = Vec::new();
                    tests.extend(guard);
                    tests.push(format!("type({value}) == \"string\""));
                    tests.push(format!("{value} ~= \"\""));
                    let used = if prefix.is_empty() {
                        value.clone()
                    } else {
                        format!("{} .. {value}", lua_string(prefix))
                    };
                    parts.push(format!(
                        "({} and {used} or {})",
                        tests.join(" and "),
                        lua_string(fallback)
                    ));
                }
            }
        }
        if parts.is_empty() {
            return "\"\"".to_owned();
        }
        parts.join(" .. ")
    }
}

/// A condition test in words, for the comment above the scan.
fn describe(sel: &ConditionSelector) -> String {
    let part = |field: &str, m: &TextMatch| match m {
        TextMatch::Any => None,
        TextMatch::OneOf(v) => Some(format!("{field} {}", v.join(" or "))),
        TextMatch::NoneOf(v) => Some(format!("{field} not {}", v.join(" or "))),
    };
    let parts: Vec<String> = [
        part("type", &sel.type_),
        part("status", &sel.status),
        part("reason", &sel.reason),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "any content".to_owned()
    } else {
        parts.join(", ")
    }
}

fn scalar_literal(v: &Scalar) -> String {
    match v {
        Scalar::Str(s) => lua_string(s),
        Scalar::Bool(b) => b.to_string(),
        Scalar::Num(n) => number_literal(*n),
    }
}

/// A Lua numeral for a finite f64 that reads back exactly; non-finite values can never equal
/// a number converted from JSON, so they become an expression that equals nothing.
fn number_literal(n: f64) -> String {
    if n.is_finite() {
        // Rust's `{:e}` is the shortest representation that round-trips.
        format!("{n:e}")
    } else {
        "(0/0)".to_owned()
    }
}

fn text_match(expr: &str, m: &TextMatch) -> Option<String> {
    match m {
        TextMatch::Any => None,
        TextMatch::OneOf(set) if set.is_empty() => Some("false".to_owned()),
        TextMatch::OneOf(set) => {
            let t: Vec<String> = set
                .iter()
                .map(|s| format!("{expr} == {}", lua_string(s)))
                .collect();
            Some(if t.len() == 1 {
                t.join("")
            } else {
                format!("({})", t.join(" or "))
            })
        }
        TextMatch::NoneOf(set) if set.is_empty() => None,
        TextMatch::NoneOf(set) => {
            let t: Vec<String> = set
                .iter()
                .map(|s| format!("{expr} ~= {}", lua_string(s)))
                .collect();
            Some(t.join(" and "))
        }
    }
}
