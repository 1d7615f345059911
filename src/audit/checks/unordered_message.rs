//! `unordered-message`: a message built inside a `pairs()` loop over a map. Argo CD fills object
//! tables from Go maps, so `pairs()` runs in a different order on each evaluation and the
//! message changes while nothing did.
//!
//! Warning: Argo CD compares only the status to decide whether health changed, so a flapping
//! message is noise in the UI and in notifications, not a wrong verdict. A loop over a list
//! (`ipairs`, or `pairs` of `conditions`) keeps its order and is left alone.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check::{dotted, line, visit_with};
use full_moon::ast::{
    Assignment, BinOp, Call, Expression, FunctionArgs, FunctionCall, GenericFor, Prefix, Suffix,
    Var,
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

/// Lines inside a loop body where a message grows: `msg = msg .. x` or `table.insert(msgs, x)`.
#[derive(Default)]
struct Grows(Vec<usize>);

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
            self.0.push(line(a));
        }
    }
    fn visit_function_call(&mut self, c: &FunctionCall) {
        let text = c.to_string();
        let inserts = text.trim_start().starts_with("table.insert(");
        let into = text
            .split_once('(')
            .and_then(|(_, rest)| rest.split(',').next())
            .is_some_and(message_like);
        if inserts && into {
            self.0.push(line(c));
        }
    }
}

#[derive(Default)]
struct Find(Vec<usize>);

impl Visitor for Find {
    fn visit_generic_for(&mut self, n: &GenericFor) {
        if over_map(n) {
            let mut g = Grows::default();
            n.block().visit(&mut g);
            self.0.extend(g.0);
        }
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
        let mut lines = visit_with::<Find>(&input.script.script)
            .unwrap_or_default()
            .0;
        lines.dedup();
        lines
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
