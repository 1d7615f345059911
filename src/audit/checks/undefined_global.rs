//! `undefined-global`: the script reads a global that nothing assigns and that neither Lua 5.1
//! nor Argo CD provides, such as a misspelt `nill`: it is always nil, so `x ~= nill` is always
//! true and `nill.x` always raises an error.
//!
//! Error: a name that is always nil changes the branch it is tested in, hence the verdict.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check::{line, visit_with};
use full_moon::ast::{
    Assignment, Expression, FunctionBody, FunctionDeclaration, GenericFor, LocalAssignment,
    LocalFunction, NumericFor, Parameter, Prefix, Var,
};
use full_moon::tokenizer::TokenReference;
use full_moon::visitors::Visitor;

/// A global read that is always nil.
pub struct UndefinedGlobal;

/// Lua 5.1's base functions and libraries, and what Argo CD sets. Libraries Argo CD closes are
/// listed too: `needs-open-libs` speaks about those.
const KNOWN: &[&str] = &[
    "_G",
    "_VERSION",
    "assert",
    "collectgarbage",
    "dofile",
    "error",
    "gcinfo",
    "getfenv",
    "getmetatable",
    "ipairs",
    "load",
    "loadfile",
    "loadstring",
    "module",
    "newproxy",
    "next",
    "pairs",
    "pcall",
    "print",
    "rawequal",
    "rawget",
    "rawset",
    "require",
    "select",
    "setfenv",
    "setmetatable",
    "tonumber",
    "tostring",
    "type",
    "unpack",
    "xpcall",
    "table",
    "string",
    "math",
    "os",
    "io",
    "debug",
    "coroutine",
    "package",
    "obj",
    "actionParams",
    "self",
];

/// Names bound anywhere (locals, parameters, loop variables, assigned globals) and names read
/// as globals with their first line. Scopes are ignored: a name bound anywhere counts as bound,
/// so a finding is never a name the script defines somewhere.
#[derive(Default)]
struct Names {
    bound: Vec<String>,
    read: Vec<(String, usize)>,
}

impl Names {
    fn bind(&mut self, t: &TokenReference) {
        self.bound.push(t.token().to_string());
    }
    fn read(&mut self, t: &TokenReference) {
        let name = t.token().to_string();
        if !self.read.iter().any(|(n, _)| *n == name) {
            self.read.push((name, line(t)));
        }
    }
}

impl Visitor for Names {
    fn visit_local_assignment(&mut self, n: &LocalAssignment) {
        n.names().iter().for_each(|t| self.bind(t));
    }
    fn visit_local_function(&mut self, n: &LocalFunction) {
        self.bind(n.name());
    }
    fn visit_function_body(&mut self, n: &FunctionBody) {
        for p in n.parameters() {
            if let Parameter::Name(t) = p {
                self.bind(t);
            }
        }
    }
    fn visit_generic_for(&mut self, n: &GenericFor) {
        n.names().iter().for_each(|t| self.bind(t));
    }
    fn visit_numeric_for(&mut self, n: &NumericFor) {
        self.bind(n.index_variable());
    }
    fn visit_assignment(&mut self, n: &Assignment) {
        for v in n.variables() {
            if let Var::Name(t) = v {
                self.bind(t);
            }
        }
    }
    fn visit_function_declaration(&mut self, n: &FunctionDeclaration) {
        let names: Vec<&TokenReference> = n.name().names().iter().collect();
        match names.as_slice() {
            [only] if n.name().method_name().is_none() => self.bind(only),
            [first, ..] => self.read(first),
            [] => {}
        }
    }
    fn visit_expression(&mut self, e: &Expression) {
        if let Expression::Var(Var::Name(t)) = e {
            self.read(t);
        }
    }
    fn visit_prefix(&mut self, p: &Prefix) {
        if let Prefix::Name(t) = p {
            self.read(t);
        }
    }
}

impl Check for UndefinedGlobal {
    fn code(&self) -> &'static str {
        "undefined-global"
    }
    fn level(&self) -> Level {
        Level::Error
    }
    fn description(&self) -> &'static str {
        "reads a global nothing assigns (a misspelt `nil`, a missing `local`): always nil"
    }
    fn check(&self, input: &Input<'_>) -> Vec<Finding> {
        let names = visit_with::<Names>(&input.script.script).unwrap_or_default();
        names
            .read
            .iter()
            .filter(|(n, _)| !names.bound.contains(n) && !KNOWN.contains(&n.as_str()))
            .map(|(n, l)| {
                self.finding(
                    format!("line {l}: reads `{n}`, a global nothing assigns: it is always nil"),
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
    fn a_misspelt_nil_is_found() {
        let script = "local hs = { status = \"Progressing\" }\n\
            if obj.status ~= nill then hs.status = \"Healthy\" end\nreturn hs";
        assert_eq!(
            findings(&UndefinedGlobal, script, false),
            [UndefinedGlobal.finding(
                "line 2: reads `nill`, a global nothing assigns: it is always nil".to_owned(),
                None
            )]
        );
    }

    #[test]
    fn locals_parameters_assigned_globals_and_builtins_are_not() {
        let script = "hs = {}\nlocal function ok(c) return type(c) == \"table\" end\n\
            function verdict(s) return { status = s } end\n\
            for i, c in ipairs(obj.status and obj.status.conditions or {}) do if ok(c) then hs.n = i end end\n\
            for j = 1, 2 do hs.j = j end\n\
            return verdict(tostring(actionParams) ~= nil and \"Healthy\" or \"Progressing\")";
        let f = findings(&UndefinedGlobal, script, false);
        assert!(f.is_empty(), "{f:?}");
    }
}
