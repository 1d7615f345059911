//! Prints the Lua tree: parentheses come from Lua 5.1 precedence, literals are escaped so every
//! Lua reader decodes the same bytes, and each statement takes one line.

use super::lua::{BinOp, Expr, Stat};
use std::fmt::Write as _;

/// Lua 5.1 keywords, which cannot be names or `t.k` keys.
const KEYWORDS: [&str; 21] = [
    "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "if", "in", "local",
    "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
];

/// Binding strength, Lua 5.1 (manual 2.5.6): or < and < comparison < `..` < `+ -` < `* / %` <
/// unary (`not # -`) < `^`. Only the operators the tree has are listed; the gaps keep the levels.
fn precedence(op: BinOp) -> u8 {
    match op {
        BinOp::Or => 1,
        BinOp::And => 2,
        BinOp::Eq | BinOp::Ne => 3,
        BinOp::Concat => 4,
    }
}

/// The level of unary operators.
const UNARY: u8 = 7;
/// The level of anything that never needs parentheses around it.
const ATOM: u8 = 9;

fn right_assoc(op: BinOp) -> bool {
    match op {
        BinOp::Concat => true,
        BinOp::Or | BinOp::And | BinOp::Eq | BinOp::Ne => false,
    }
}

fn symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Or => "or",
        BinOp::And => "and",
        BinOp::Eq => "==",
        BinOp::Ne => "~=",
        BinOp::Concat => "..",
    }
}

/// How strongly `e` binds, as an operand.
fn level(e: &Expr) -> u8 {
    match e {
        Expr::Bin(_, op, _) => precedence(*op),
        Expr::Not(_) => UNARY,
        // A negative numeral is a unary minus applied to a positive one.
        Expr::Num(n) if n.is_finite() && n.is_sign_negative() => UNARY,
        Expr::Nil
        | Expr::Bool(_)
        | Expr::Num(_)
        | Expr::Str(_)
        | Expr::Name(_)
        | Expr::Index(..)
        | Expr::Call(..)
        | Expr::Table(_) => ATOM,
    }
}

/// Whether `s` can be written as a Lua name (a local, or the key of `t.k`).
pub fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&s)
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
            0x20..=0x7e => out.push(char::from(b)),
            _ => {
                let _ = write!(out, "\\{b:03}");
            }
        }
    }
    out.push('"');
    out
}

/// A Lua numeral for a finite f64 that reads back exactly (Rust's `{:e}` is the shortest form
/// that round-trips); non-finite values can never equal a number converted from JSON, so they
/// become an expression that equals nothing.
fn number(n: f64) -> String {
    if n.is_finite() {
        format!("{n:e}")
    } else {
        "(0/0)".to_owned()
    }
}

/// Prints an expression.
#[cfg(test)]
pub fn expr(e: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, e);
    out
}

fn write_expr(out: &mut String, e: &Expr) {
    match e {
        Expr::Nil => out.push_str("nil"),
        Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Expr::Num(n) => out.push_str(&number(*n)),
        Expr::Str(s) => out.push_str(&lua_string(s)),
        Expr::Name(n) => out.push_str(n),
        Expr::Index(t, k) => {
            write_prefix(out, t);
            match k.as_ref() {
                Expr::Str(s) if is_name(s) => {
                    out.push('.');
                    out.push_str(s);
                }
                k => {
                    out.push('[');
                    write_expr(out, k);
                    out.push(']');
                }
            }
        }
        Expr::Call(f, args) => {
            write_prefix(out, f);
            out.push('(');
            write_list(out, args);
            out.push(')');
        }
        Expr::Bin(a, op, b) => write_bin(out, a, *op, b),
        Expr::Not(a) => {
            out.push_str("not ");
            write_operand(out, a, UNARY);
        }
        Expr::Table(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(" = ");
                write_expr(out, v);
            }
            out.push('}');
        }
    }
}

fn write_bin(out: &mut String, a: &Expr, op: BinOp, b: &Expr) {
    let p = precedence(op);
    // The side the operator associates towards may hold the same operator bare.
    let (left, right) = if right_assoc(op) {
        (p + 1, p)
    } else {
        (p, p + 1)
    };
    write_operand(out, a, left);
    out.push(' ');
    out.push_str(symbol(op));
    out.push(' ');
    // `a or b and c` is legal and means `a or (b and c)`, but reads otherwise: write the
    // parentheses, as a reviewer (and the audit's `precedence` check) would want them.
    let and_under_or = op == BinOp::Or && matches!(b, Expr::Bin(_, BinOp::And, _));
    write_operand(out, b, if and_under_or { u8::MAX } else { right });
}

/// Writes `e`, in parentheses when it binds more loosely than `min`.
fn write_operand(out: &mut String, e: &Expr, min: u8) {
    if level(e) < min {
        out.push('(');
        write_expr(out, e);
        out.push(')');
    } else {
        write_expr(out, e);
    }
}

/// Writes the table or function part of `t[k]` or `f()`, which Lua requires to be a name, an
/// index, a call or a parenthesised expression.
fn write_prefix(out: &mut String, e: &Expr) {
    match e {
        Expr::Name(_) | Expr::Index(..) | Expr::Call(..) => write_expr(out, e),
        Expr::Nil
        | Expr::Bool(_)
        | Expr::Num(_)
        | Expr::Str(_)
        | Expr::Bin(..)
        | Expr::Not(_)
        | Expr::Table(_) => {
            out.push('(');
            write_expr(out, e);
            out.push(')');
        }
    }
}

fn write_list(out: &mut String, es: &[Expr]) {
    for (i, e) in es.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, e);
    }
}

/// One level of indentation.
const INDENT: &str = "  ";

/// Where a declaration of many locals wraps: a reviewer's diff view, not a token count.
const WIDTH: usize = 100;

fn indent(depth: usize) -> String {
    INDENT.repeat(depth)
}

/// Prints statements, one a line, each block indented by two spaces.
pub fn block(stats: &[Stat]) -> String {
    let mut out = String::new();
    write_block(&mut out, stats, 0);
    out
}

fn write_block(out: &mut String, stats: &[Stat], depth: usize) {
    for s in stats {
        out.push_str(&indent(depth));
        write_stat(out, s, depth);
        out.push('\n');
    }
}

fn write_stat(out: &mut String, s: &Stat, depth: usize) {
    match s {
        Stat::Local(names, values) if values.is_empty() => {
            out.push_str("local ");
            write_names(out, names, depth);
        }
        Stat::Local(names, values) => {
            out.push_str("local ");
            write_assign(out, names, values);
        }
        Stat::Assign(names, values) => write_assign(out, names, values),
        Stat::If(c, body) => {
            out.push_str("if ");
            write_expr(out, c);
            out.push_str(" then");
            write_body(out, body, depth);
        }
        Stat::IfElse(arms, otherwise) => write_if_else(out, arms, otherwise, depth),
        Stat::ForIn(names, e, body) => {
            let _ = write!(out, "for {} in ", names.join(", "));
            write_expr(out, e);
            out.push_str(" do");
            write_body(out, body, depth);
        }
        Stat::Function(f, params, body) => {
            let _ = write!(out, "local function {f}({})", params.join(", "));
            write_body(out, body, depth);
        }
        Stat::Return(e) => {
            out.push_str("return ");
            write_expr(out, e);
        }
    }
}

fn write_assign(out: &mut String, names: &[String], values: &[Expr]) {
    out.push_str(&names.join(", "));
    if !values.is_empty() {
        out.push_str(" = ");
        write_list(out, values);
    }
}

/// Names of a declaration, wrapped before [`WIDTH`] with the continuation under the first name.
fn write_names(out: &mut String, names: &[String], depth: usize) {
    let start = out.rfind('\n').map_or(0, |i| i + 1);
    let mut column = out.len() - start;
    let hang = " ".repeat(column);
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push(',');
            column += 1;
            if column + 1 + n.len() > WIDTH.max(depth * INDENT.len() + 40) {
                out.push('\n');
                out.push_str(&hang);
                column = hang.len();
            } else {
                out.push(' ');
                column += 1;
            }
        }
        out.push_str(n);
        column += n.len();
    }
}

/// `if ... elseif ... else ... end`: a verdict chain, each test on its own line and what it
/// decides on the lines below it, so a reviewer reads one decision a line.
fn write_if_else(out: &mut String, arms: &[(Expr, Vec<Stat>)], otherwise: &[Stat], depth: usize) {
    for (i, (c, body)) in arms.iter().enumerate() {
        if i > 0 {
            out.push_str(&indent(depth));
            out.push_str("else");
        }
        out.push_str("if ");
        write_expr(out, c);
        out.push_str(" then\n");
        write_block(out, body, depth + 1);
    }
    if !otherwise.is_empty() {
        out.push_str(&indent(depth));
        out.push_str("else\n");
        write_block(out, otherwise, depth + 1);
    }
    out.push_str(&indent(depth));
    out.push_str("end");
}

/// `end` after a block [`write_arm`] wrote.
fn close(out: &mut String, inline: bool, depth: usize) {
    if inline {
        out.push_str(" end");
    } else {
        out.push_str(&indent(depth));
        out.push_str("end");
    }
}

/// A block's statements then `end`.
fn write_body(out: &mut String, body: &[Stat], depth: usize) {
    let inline = write_arm(out, body, depth);
    close(out, inline, depth);
}

/// A block's statements after its opening keyword: on that line when the block is one
/// statement that opens no block of its own (returns true), else one a line below it, each
/// line ended.
fn write_arm(out: &mut String, body: &[Stat], depth: usize) -> bool {
    if let [single] = body {
        if !opens_block(single) {
            out.push(' ');
            write_stat(out, single, depth);
            return true;
        }
    }
    out.push('\n');
    write_block(out, body, depth + 1);
    false
}

fn opens_block(s: &Stat) -> bool {
    match s {
        Stat::If(..) | Stat::IfElse(..) | Stat::ForIn(..) | Stat::Function(..) => true,
        Stat::Local(..) | Stat::Assign(..) | Stat::Return(_) => false,
    }
}
