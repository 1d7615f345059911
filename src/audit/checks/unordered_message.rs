//! `unordered-message`: a message built inside a `pairs()` loop over a map. Argo CD fills object
//! tables from Go maps, so `pairs()` runs in a different order on each evaluation and the
//! message changes while nothing did.
//!
//! Warning: Argo CD compares only the status to decide whether health changed, so a flapping
//! message is noise in the UI and in notifications, not a wrong verdict. A loop over a list
//! (`ipairs`, or `pairs` of `conditions`) keeps its order and is left alone.
//!
//! The message may be built under another name first: a string or list grown inside the loop
//! (`notReady = notReady .. name`, `table.insert(names, name)`) that the message is later made
//! from (`hs.message = "not ready: " .. notReady`, `message = table.concat(names, ", ")`).

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check::{dotted, line, visit_with};
use full_moon::ast::{
    Assignment, BinOp, Call, Expression, Field, FunctionArgs, FunctionCall, GenericFor, Prefix,
    Suffix, Var,
};
use full_moon::visitors::{Visit, Visitor};

/// A message whose parts come in a random order.
pub struct UnorderedMessage;

/// Whether a name is where a script keeps its message.
fn message_like(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("msg") || n.contains("message")
}

/// The arguments of a call `f(...)` with `f` a plain name.
fn call_of<'a>(c: &'a FunctionCall, name: &str) -> Option<Vec<&'a Expression>> {
    let Prefix::Name(n) = c.prefix() else {
        return None;
    };
    if n.token().to_string() != name {
        return None;
    }
    match c.suffixes().next() {
        Some(Suffix::Call(Call::AnonymousCall(args))) => match &**args {
            FunctionArgs::Parentheses { arguments, .. } => Some(arguments.iter().collect()),
            _ => None,
        },
        _ => None,
    }
}

/// Whether the loop runs over `pairs()` of something that is not the conditions list.
fn over_map(n: &GenericFor) -> bool {
    let Some(Expression::FunctionCall(c)) = n.expressions().iter().next() else {
        return false;
    };
    let Some(args) = call_of(c, "pairs") else {
        return false;
    };
    let list = args
        .first()
        .and_then(|a| dotted(a))
        .is_some_and(|p| p.last().is_some_and(|l| l == "conditions"));
    !list
}

/// Inside a loop body: lines where a message grows (`msg = msg .. x`, `table.insert(msgs, x)`),
/// and other names that grow the same way, with their lines, in case the message is made
/// from them later.
#[derive(Default)]
struct Grows {
    lines: Vec<usize>,
    names: Vec<(String, usize)>,
}

impl Visitor for Grows {
    fn visit_assignment(&mut self, a: &Assignment) {
        let to_message = a.variables().iter().any(|v| match v {
            Var::Name(t) => message_like(&t.token().to_string()),
            Var::Expression(_) => dotted(&Expression::Var(v.clone()))
                .is_some_and(|p| p.last().is_some_and(|l| message_like(l))),
            _ => false,
        });
        let concatenates = a.expressions().iter().any(|e| {
            matches!(
                e,
                Expression::BinaryOperator {
                    binop: BinOp::TwoDots(_),
                    ..
                }
            )
        });
        if to_message && concatenates {
            self.lines.push(line(a));
        } else if concatenates {
            // `names = names .. x`: a plain name that grows from itself.
            let name = match a.variables().iter().next() {
                Some(Var::Name(t)) => Some(t.token().to_string()),
                _ => None,
            };
            let from_itself = a
                .expressions()
                .iter()
                .next()
                .zip(name.as_deref())
                .is_some_and(|(e, n)| mentions(&e.to_string(), n));
            if let (Some(n), true) = (name, from_itself) {
                self.names.push((n, line(a)));
            }
        }
    }
    fn visit_function_call(&mut self, c: &FunctionCall) {
        let text = c.to_string();
        let inserts = text.trim_start().starts_with("table.insert(");
        let into = text
            .split_once('(')
            .and_then(|(_, rest)| rest.split(',').next())
            .map(str::trim);
        match into {
            Some(n) if inserts && message_like(n) => self.lines.push(line(c)),
            Some(n) if inserts && is_name(n) => self.names.push((n.to_owned(), line(c))),
            _ => {}
        }
    }
}

/// Whether `text` is a plain Lua name.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether the Lua source `text` names `name` as a whole word (not as a field `x.name`).
fn mentions(text: &str, name: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(name).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + name.len()..].chars().next();
        !before.is_some_and(|c| word(c) || c == '.' || c == ':') && !after.is_some_and(word)
    })
}

/// Every expression a message is made from: assigned to a message-like name or field, or given
/// as the `message` of a table (`return { status = ..., message = ... }`).
#[derive(Default)]
struct MessagesMade(Vec<String>);

impl Visitor for MessagesMade {
    fn visit_assignment(&mut self, a: &Assignment) {
        for (v, e) in a.variables().iter().zip(a.expressions().iter()) {
            let to_message = match v {
                Var::Name(t) => message_like(&t.token().to_string()),
                Var::Expression(_) => dotted(&Expression::Var(v.clone()))
                    .is_some_and(|p| p.last().is_some_and(|l| message_like(l))),
                _ => false,
            };
            if to_message {
                self.0.push(e.to_string());
            }
        }
    }
    fn visit_field(&mut self, f: &Field) {
        if let Field::NameKey { key, value, .. } = f {
            if message_like(&key.token().to_string()) {
                self.0.push(value.to_string());
            }
        }
    }
}

/// What grows inside `pairs()` loops, and what every message is made from.
#[derive(Default)]
struct Find {
    grows: Grows,
    made: MessagesMade,
}

impl Visitor for Find {
    fn visit_generic_for(&mut self, n: &GenericFor) {
        if over_map(n) {
            n.block().visit(&mut self.grows);
        }
    }
    fn visit_assignment(&mut self, a: &Assignment) {
        self.made.visit_assignment(a);
    }
    fn visit_field(&mut self, f: &Field) {
        self.made.visit_field(f);
    }
}

impl Find {
    /// The lines where a message, or something a message is made from, grows in a `pairs()`
    /// loop, in order.
    fn lines(self) -> Vec<usize> {
        let Find { grows, made } = self;
        let mut lines = grows.lines;
        for (name, l) in grows.names {
            if made.0.iter().any(|e| mentions(e, &name)) {
                lines.push(l);
            }
        }
        lines.sort_unstable();
        lines.dedup();
        lines
    }
}

impl Check for UnorderedMessage {
    fn code(&self) -> &'static str {
        "unordered-message"
    }
    fn level(&self) -> Level {
        Level::Warning
    }
    fn description(&self) -> &'static str {
        "builds the message inside a pairs() loop: its parts come in a random order in Argo CD"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        visit_with::<Find>(&input.script.script)
            .unwrap_or_default()
            .lines()
            .into_iter()
            .map(|l| {
                self.finding(
                    format!(
                        "line {l}: the message grows inside a pairs() loop, whose order changes on \
                         every evaluation in Argo CD: sort the keys first"
                    ),
                    None,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn a_message_concatenated_or_inserted_in_pairs_is_found() {
        let script = "local msg, parts = \"\", {}\n\
            for k, v in pairs(obj.status or {}) do\n\
            msg = msg .. k .. \"; \"\n\
            table.insert(parts, k)\n\
            end\n\
            local msgs = {}\n\
            for k, _ in pairs(obj.metadata) do table.insert(msgs, k) end\n\
            return { status = \"Progressing\", message = msg .. table.concat(msgs, \",\") }";
        let messages: Vec<String> = findings(&UnorderedMessage, script, false)
            .into_iter()
            .map(|f| f.message)
            .collect();
        let text = |l: usize| {
            format!(
                "line {l}: the message grows inside a pairs() loop, whose order changes on every \
                 evaluation in Argo CD: sort the keys first"
            )
        };
        assert_eq!(messages, [text(3), text(7)]);
        assert_eq!(UnorderedMessage.level(), Level::Warning);
    }

    #[test]
    fn a_message_made_later_from_a_local_grown_in_pairs_is_found() {
        let script = "local waiting = \"\"\n\
            local names = {}\n\
            for name, replica in pairs(obj.status.replicas or {}) do\n\
            if replica.ready ~= true then\n\
            waiting = waiting .. name .. \" \"\n\
            table.insert(names, name)\n\
            end\n\
            end\n\
            local hs = { status = \"Progressing\" }\n\
            hs.message = \"waiting for: \" .. waiting\n\
            return { status = hs.status, message = table.concat(names, \", \") }";
        let messages: Vec<String> = findings(&UnorderedMessage, script, false)
            .into_iter()
            .map(|f| f.message)
            .collect();
        let text = |l: usize| {
            format!(
                "line {l}: the message grows inside a pairs() loop, whose order changes on every \
                 evaluation in Argo CD: sort the keys first"
            )
        };
        assert_eq!(messages, [text(5), text(6)]);
    }

    #[test]
    fn a_local_grown_in_pairs_that_no_message_is_made_from_is_not() {
        // `seen` grows in a pairs() loop but only decides the status; `names.count` is a field
        // that happens to share the local's name.
        let script = "local seen = \"\"\n\
            for name, _ in pairs(obj.status.replicas or {}) do seen = seen .. name end\n\
            local hs = { status = \"Healthy\", message = obj.status.seen }\n\
            if seen ~= \"\" then hs.status = \"Progressing\" end\n\
            return hs";
        let f = findings(&UnorderedMessage, script, false);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn ipairs_and_pairs_over_conditions_are_not() {
        let script = "local msg = \"\"\n\
            for _, c in ipairs(obj.status.conditions) do msg = msg .. c.type end\n\
            for _, c in pairs(obj.status.conditions) do msg = msg .. c.type end\n\
            local n = 0\n\
            for k in pairs(obj.metadata) do n = n + 1 end\n\
            return { status = \"Progressing\", message = msg .. n }";
        let f = findings(&UnorderedMessage, script, false);
        assert!(f.is_empty(), "{f:?}");
    }
}
