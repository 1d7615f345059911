//! `precedence`: an expression whose operators bind otherwise than it reads. `a or b and c` is
//! `a or (b and c)` (so `obj.status == nil or next(obj.status) == nil and x` ignores `x` when
//! status is nil), and `not a == b` is `(not a) == b`, a boolean compared with `b`.
//!
//! Warning: Lua's reading is well defined and may be the one meant; parentheses say so. The
//! idiom `a and b or c` is left alone.

use super::{Check, Input};
use crate::audit::{Finding, Level};
use crate::testkit::lua_check::{line, snippet, visit_with};
use full_moon::ast::{BinOp, Expression, UnOp};
use full_moon::visitors::Visitor;

/// Operators mixed without parentheses where Lua's precedence may not be what was meant.
pub struct Precedence;

#[derive(Default)]
struct Find(Vec<String>);

fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::TwoEqual(_)
            | BinOp::TildeEqual(_)
            | BinOp::LessThan(_)
            | BinOp::LessThanEqual(_)
            | BinOp::GreaterThan(_)
            | BinOp::GreaterThanEqual(_)
    )
}

impl Visitor for Find {
    fn visit_expression(&mut self, e: &Expression) {
        let Expression::BinaryOperator { lhs, binop, rhs } = e else {
            return;
        };
        let and_under_or = matches!(binop, BinOp::Or(_))
            && matches!(
                **rhs,
                Expression::BinaryOperator {
                    binop: BinOp::And(_),
                    ..
                }
            );
        if and_under_or {
            self.0.push(format!(
                "line {}: `{}` is `a or (b and c)`: `and` binds tighter than `or`; add parentheses",
                line(e),
                snippet(e, 80)
            ));
        }
        let not_compared = is_comparison(binop)
            && matches!(
                **lhs,
                Expression::UnaryOperator {
                    unop: UnOp::Not(_),
                    ..
                }
            );
        if not_compared {
            self.0.push(format!(
                "line {}: `{}` compares `not ...` (a boolean): `not` binds tighter than `{}`",
                line(e),
                snippet(e, 80),
                binop.token().token()
            ));
        }
    }
}

impl Check for Precedence {
    fn code(&self) -> &'static str {
        "precedence"
    }
    fn level(&self) -> Level {
        Level::Warning
    }
    fn description(&self) -> &'static str {
        "`a or b and c` or `not a == b` without parentheses: Lua reads them otherwise than they look"
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
    fn and_under_or_and_not_compared_are_found() {
        let script = "local x = true\n\
            if obj.status == nil or next(obj.status) == nil and x then return { status = \"Progressing\" } end\n\
            if not obj.kind == \"Suite\" then return { status = \"Degraded\" } end\n\
            return { status = \"Healthy\" }";
        assert_eq!(
            findings(&Precedence, script, false),
            [
                Precedence.finding(
                    "line 2: `obj.status == nil or next(obj.status) == nil and x` is `a or (b and c)`: \
                     `and` binds tighter than `or`; add parentheses"
                        .to_owned(),
                    None
                ),
                Precedence.finding(
                    "line 3: `not obj.kind == \"Suite\"` compares `not ...` (a boolean): `not` binds \
                     tighter than `==`"
                        .to_owned(),
                    None
                ),
            ]
        );
        assert_eq!(Precedence.level(), Level::Warning);
    }

    #[test]
    fn parentheses_and_the_ternary_idiom_are_not() {
        let script = "local x = true\n\
            if (obj.status == nil or next(obj.status) == nil) and x then return { status = \"Progressing\" } end\n\
            if not (obj.kind == \"Suite\") then return { status = \"Degraded\" } end\n\
            local m = x and \"yes\" or \"no\"\n\
            return { status = \"Healthy\", message = m }";
        assert!(findings(&Precedence, script, false).is_empty());
    }
}
