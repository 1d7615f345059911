//! `never-matches`: a condition's `status` compared with a string Kubernetes never puts there.
//! Condition statuses are exactly `True`, `False` or `Unknown`, so `c.status == "true"` is never
//! true and `c.status ~= "false"` always is.
//!
//! Error: the branch it guards is never (or always) taken, whatever the object says.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check::{dotted, line, snippet, string_literal, visit_with};
use full_moon::ast::{BinOp, Expression};
use full_moon::visitors::Visitor;

/// A condition status compared with a value it never has.
pub struct NeverMatches;

const CONDITION_STATUSES: [&str; 3] = ["True", "False", "Unknown"];

/// Whether comparing `path` (a field access) with `literal` can never match: a `.status` read
/// from a condition (the path goes through `conditions`) compared with anything but the three
/// condition statuses, or any `.status` (but `obj.status`) compared with another spelling of
/// them (`"true"`, `"FALSE"`).
fn never(path: &[String], literal: &str) -> bool {
    if path.last().map(String::as_str) != Some("status") || CONDITION_STATUSES.contains(&literal) {
        return false;
    }
    let other_case = CONDITION_STATUSES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(literal));
    let of_condition = path.iter().any(|p| p == "conditions");
    let whole_status = path.len() == 2 && path[0] == "obj";
    of_condition || (other_case && !whole_status)
}

#[derive(Default)]
struct Find(Vec<String>);

impl Visitor for Find {
    fn visit_expression(&mut self, e: &Expression) {
        let Expression::BinaryOperator { lhs, binop, rhs } = e else {
            return;
        };
        if !matches!(binop, BinOp::TwoEqual(_) | BinOp::TildeEqual(_)) {
            return;
        }
        let pair = match (dotted(lhs), string_literal(rhs)) {
            (Some(p), Some(s)) => Some((p, s)),
            _ => dotted(rhs).zip(string_literal(lhs)),
        };
        if let Some((path, literal)) = pair.filter(|(p, s)| never(p, s)) {
            let verdict = if matches!(binop, BinOp::TwoEqual(_)) {
                "never true"
            } else {
                "always true"
            };
            self.0.push(format!(
                "line {}: `{}` is {verdict}: a condition's status is \"True\", \"False\" or \"Unknown\", never \"{literal}\" ({})",
                line(e),
                snippet(e, 80),
                path.join(".")
            ));
        }
    }
}

impl Check for NeverMatches {
    fn code(&self) -> &'static str {
        "never-matches"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "compares a condition's status with a string other than True, False or Unknown"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let found = visit_with::<Find>(&input.script.script).unwrap_or_default();
        found.0.into_iter().map(|m| self.finding(m, None)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;

    #[test]
    fn lower_case_and_wrong_words_are_found() {
        let script = "for _, c in ipairs(obj.status.conditions) do\n\
            if c.type == \"Ready\" and c.status == \"true\" then return { status = \"Healthy\" } end\n\
            if \"false\" ~= c.status then return { status = \"Progressing\" } end\n\
            end\n\
            if obj.status.conditions[1].status == \"Ready\" then return { status = \"Healthy\" } end\n\
            return { status = \"Progressing\" }";
        let messages: Vec<String> = findings(&NeverMatches, script, false)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            messages,
            [
                "line 2: `c.status == \"true\"` is never true: a condition's status is \"True\", \"False\" or \"Unknown\", never \"true\" (c.status)",
                "line 3: `\"false\" ~= c.status` is always true: a condition's status is \"True\", \"False\" or \"Unknown\", never \"false\" (c.status)",
                "line 5: `obj.status.conditions[1].status == \"Ready\"` is never true: a condition's status is \"True\", \"False\" or \"Unknown\", never \"Ready\" (obj.status.conditions.[].status)",
            ]
        );
        assert_eq!(NeverMatches.level(), Level::Error);
    }

    #[test]
    fn the_right_words_and_other_statuses_are_not() {
        let script = "local hs = {}\n\
            for _, c in ipairs(obj.status.conditions) do\n\
            if c.type == \"Ready\" and c.status == \"True\" then hs.status = \"Healthy\" end\n\
            end\n\
            if hs.status == \"Healthy\" or obj.status.phase == \"true\" or obj.status == \"true\" then return hs end\n\
            return { status = \"Progressing\" }";
        let f = findings(&NeverMatches, script, false);
        assert!(f.is_empty(), "{f:?}");
    }
}
