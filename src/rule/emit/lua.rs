//! A small Lua 5.1 syntax tree: only the expressions and statements the emitter writes.
//!
//! Lowering builds this tree and [`super::print`] turns it into text, so no part of the emitter
//! places a parenthesis or a keyword by hand.

/// A binary operator. Lua 5.1 has more; these are the ones a health script needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `~=`
    Ne,
    /// `..` (right associative)
    Concat,
}

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `nil`
    Nil,
    /// `true` or `false`
    Bool(bool),
    /// A number; non-finite values print as an expression that equals nothing.
    Num(f64),
    /// A string literal.
    Str(String),
    /// A local or global name.
    Name(String),
    /// `t[k]`, printed `t.k` when `k` is a string that is a Lua name.
    Index(Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Box<Expr>, Vec<Expr>),
    /// `a op b`
    Bin(Box<Expr>, BinOp, Box<Expr>),
    /// `not a`
    Not(Box<Expr>),
    /// `{k = v, ...}` with keys that are Lua names.
    Table(Vec<(&'static str, Expr)>),
}

/// A statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stat {
    /// `local a, b = x, y` (values may be empty: a declaration).
    Local(Vec<String>, Vec<Expr>),
    /// `a, b = x, y` to names declared earlier.
    Assign(Vec<String>, Vec<Expr>),
    /// `if c then ... end`
    If(Expr, Vec<Stat>),
    /// `if c1 then ... elseif c2 then ... else ... end` (the `else` block may be empty).
    IfElse(Vec<(Expr, Vec<Stat>)>, Vec<Stat>),
    /// `for a, b in e do ... end`
    ForIn(Vec<String>, Expr, Vec<Stat>),
    /// `local function f(a, b) ... end`
    Function(String, Vec<String>, Vec<Stat>),
    /// `return e`
    Return(Expr),
}

/// A name as an expression.
pub fn name(n: &str) -> Expr {
    Expr::Name(n.to_owned())
}

/// A string literal.
pub fn str(s: &str) -> Expr {
    Expr::Str(s.to_owned())
}

/// `t.key`
pub fn field(t: Expr, key: &str) -> Expr {
    Expr::Index(Box::new(t), Box::new(str(key)))
}

/// `t[k]`
pub fn index(t: Expr, k: Expr) -> Expr {
    Expr::Index(Box::new(t), Box::new(k))
}

/// `f(args)` for a global or local function name.
pub fn call(f: &str, args: Vec<Expr>) -> Expr {
    Expr::Call(Box::new(name(f)), args)
}

/// `a op b`
pub fn bin(a: Expr, op: BinOp, b: Expr) -> Expr {
    Expr::Bin(Box::new(a), op, Box::new(b))
}

/// `a == b`
pub fn eq(a: Expr, b: Expr) -> Expr {
    bin(a, BinOp::Eq, b)
}

/// `a ~= b`
pub fn ne(a: Expr, b: Expr) -> Expr {
    bin(a, BinOp::Ne, b)
}

/// `type(e) == "<t>"`
pub fn is_type(e: Expr, t: &str) -> Expr {
    eq(call("type", vec![e]), str(t))
}

/// `not e`, written `a ~= b` for `not (a == b)` and back: the values a script compares have no
/// metatables, so the two are the same test.
pub fn not(e: Expr) -> Expr {
    match e {
        Expr::Bin(a, BinOp::Eq, b) => Expr::Bin(a, BinOp::Ne, b),
        Expr::Bin(a, BinOp::Ne, b) => Expr::Bin(a, BinOp::Eq, b),
        e => Expr::Not(Box::new(e)),
    }
}

/// `a and b and ...`; `true` when empty.
pub fn all(es: impl IntoIterator<Item = Expr>) -> Expr {
    fold(es, BinOp::And).unwrap_or(Expr::Bool(true))
}

/// `a or b or ...`; `false` when empty.
pub fn any(es: impl IntoIterator<Item = Expr>) -> Expr {
    fold(es, BinOp::Or).unwrap_or(Expr::Bool(false))
}

/// Left-associated chain, as Lua reads `a and b and c`. An operand that is itself such a chain
/// is spliced in: `and` and `or` are associative (for values too), and the flat form needs no
/// parentheses.
fn fold(es: impl IntoIterator<Item = Expr>, op: BinOp) -> Option<Expr> {
    let mut flat = Vec::new();
    for e in es {
        splice(e, op, &mut flat);
    }
    flat.into_iter().reduce(|acc, e| bin(acc, op, e))
}

fn splice(e: Expr, op: BinOp, out: &mut Vec<Expr>) {
    match e {
        Expr::Bin(a, o, b) if o == op => {
            splice(*a, op, out);
            splice(*b, op, out);
        }
        e => out.push(e),
    }
}

/// `if c then <one statement> end`
pub fn if1(c: Expr, s: Stat) -> Stat {
    Stat::If(c, vec![s])
}

/// `return true` / `return false`
pub fn ret_bool(b: bool) -> Stat {
    Stat::Return(Expr::Bool(b))
}

/// `a .. b .. ...`, right-associated as Lua reads it; `""` when empty.
pub fn concat(es: impl IntoIterator<Item = Expr>) -> Expr {
    let mut es: Vec<Expr> = es.into_iter().collect();
    let mut acc = es.pop().unwrap_or_else(|| str(""));
    while let Some(e) = es.pop() {
        acc = bin(e, BinOp::Concat, acc);
    }
    acc
}
