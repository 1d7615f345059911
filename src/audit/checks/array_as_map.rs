//! `array-as-map`: `obj.status.conditions.type` (or `.status`, `.message`, `.reason`) indexes
//! the conditions LIST with a field name: a Lua sequence has no such key, so it is always nil.
//!
//! Error: the value read is nil whatever the object says, so every test of it is decided.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check::{line, snippet, visit_with};
use full_moon::ast::{Index, Suffix, VarExpression};
use full_moon::visitors::Visitor;

/// A condition's field read from the list of conditions.
pub struct ArrayAsMap;

/// Fields of a condition, which the list holding them does not have.
const CONDITION_FIELDS: [&str; 6] = [
    "type",
    "status",
    "reason",
    "message",
    "lastTransitionTime",
    "observedGeneration",
];

#[derive(Default)]
struct Find(Vec<String>);

impl Find {
    fn look(&mut self, node: &impl std::fmt::Display, l: usize, suffixes: &[&Suffix]) {
        let names: Vec<Option<String>> = suffixes
            .iter()
            .map(|s| match s {
                Suffix::Index(Index::Dot { name, .. }) => Some(name.token().to_string()),
                _ => None,
            })
            .collect();
        for w in names.windows(2) {
            if let [Some(list), Some(field)] = w {
                if list == "conditions" && CONDITION_FIELDS.contains(&field.as_str()) {
                    self.0.push(format!(
                        "line {l}: `{}` reads `{field}` from the list of conditions, which has none: \
                         it is always nil (loop over the list and read each condition's `{field}`)",
                        snippet(node, 80)
                    ));
                    return;
                }
            }
        }
    }
}

impl Visitor for Find {
    fn visit_var_expression(&mut self, v: &VarExpression) {
        let suffixes: Vec<&Suffix> = v.suffixes().collect();
        self.look(v, line(v), &suffixes);
    }
}

impl Check for ArrayAsMap {
    fn code(&self) -> &'static str {
        "array-as-map"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "reads a condition's field (`.type`, `.status`, ...) from the conditions list itself"
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
    fn a_field_of_the_list_is_found() {
        let script = "if obj.status ~= nil and obj.status.conditions ~= nil\n\
            and obj.status.conditions.type == \"Ready\" then return { status = \"Healthy\" } end\n\
            return { status = \"Progressing\" }";
        assert_eq!(
            findings(&ArrayAsMap, script, false),
            [ArrayAsMap.finding(
                "line 2: `obj.status.conditions.type` reads `type` from the list of conditions, \
                 which has none: it is always nil (loop over the list and read each condition's `type`)"
                    .to_owned(),
                None
            )]
        );
    }

    #[test]
    fn a_field_of_an_element_is_not() {
        let script = "local cs = obj.status and obj.status.conditions or {}\n\
            if cs[1] ~= nil and obj.status.conditions[1].type == \"Ready\" then return { status = \"Healthy\" } end\n\
            return { status = \"Progressing\", message = tostring(#cs) }";
        let f = findings(&ArrayAsMap, script, false);
        assert!(f.is_empty(), "{f:?}");
    }
}
