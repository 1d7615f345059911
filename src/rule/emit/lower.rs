//! Rule -> Lua tree: clauses as plain `if`s over the locals a [`Scope`] fills.

use super::lua::{self, BinOp, Expr, Stat};
use super::scope::Scope;
use crate::rule::model::{Clause, Message, Part, Path, Predicate, Rule, Scalar, Source, Status};

/// The statements of `rule`'s script, header excluded.
pub(super) fn chunk(rule: &Rule) -> Vec<Stat> {
    let groups = verdict_groups(&rule.clauses);
    let mut lower = Lower {
        scope: Scope::new(rule),
        shared: shared_predicates(&groups),
        pending: Vec::new(),
        tree: None,
    };
    let mut clauses = Vec::new();
    for (tests, clause) in &groups {
        clauses.extend(lower.clause(tests, clause));
    }
    let message = lower.message(&rule.default_message);
    clauses.push(verdict(rule.default_status, message));
    let helpers = lower.helpers();
    let mut out = lower.scope.reads();
    out.extend(helpers);
    out.extend(clauses);
    out
}

struct Lower<'r> {
    scope: Scope,
    /// Predicates tested more than once, with the local holding each once computed.
    shared: Vec<(&'r Predicate, Option<String>)>,
    /// Locals computed for shared predicates, to place before the clause being lowered.
    pending: Vec<Stat>,
    /// The recursive `zero` and `same_tree` helpers, once a tree comparison needs them.
    tree: Option<(String, String)>,
}

impl<'r> Lower<'r> {
    /// `if <any of tests> then return <clause's verdict> end`, after the shared tests it computes.
    fn clause(&mut self, tests: &[&'r Predicate], clause: &Clause) -> Vec<Stat> {
        let tests: Vec<Expr> = tests.iter().map(|p| self.predicate(p)).collect();
        let test = lua::any(tests);
        let mut out = std::mem::take(&mut self.pending);
        let message = self.message(&clause.message);
        out.push(lua::if1(test, verdict(clause.status, message)));
        out
    }

    /// The test of `p`; a shared predicate is computed once into a local.
    fn predicate(&mut self, p: &'r Predicate) -> Expr {
        let Some(i) = self.shared.iter().position(|(q, _)| *q == p) else {
            return self.lower(p);
        };
        if let Some(n) = &self.shared[i].1 {
            return lua::name(n);
        }
        let e = self.lower(p);
        let n = self.scope.fresh();
        self.pending.push(Stat::Local(vec![n.clone()], vec![e]));
        self.shared[i].1 = Some(n.clone());
        lua::name(&n)
    }

    fn lower(&mut self, p: &'r Predicate) -> Expr {
        match p {
            Predicate::Always => Expr::Bool(true),
            Predicate::Exists(path) => lua::ne(self.scope.field(path), Expr::Nil),
            Predicate::OneOf(path, values) => {
                let v = self.scope.field(path);
                lua::any(values.iter().map(|x| lua::eq(v.clone(), scalar(x))))
            }
            // A matched condition is a table, so the local is true exactly when one matched.
            Predicate::Condition(sel) => self.scope.condition(sel),
            Predicate::FieldsEqual(a, b) => self.scalars(a, BinOp::Eq, b),
            Predicate::FieldsDiffer(a, b) => self.scalars(a, BinOp::Ne, b),
            Predicate::ObservedDiffers { desired, observed } => {
                let (d, o) = (self.scope.field(desired), self.scope.field(observed));
                let same = lua::call(&self.tree_helpers(), vec![d, o.clone()]);
                lua::all([lua::ne(o, Expr::Nil), lua::not(same)])
            }
            Predicate::All(ps) => {
                let es: Vec<Expr> = ps.iter().map(|q| self.predicate(q)).collect();
                lua::all(es)
            }
            Predicate::Any(ps) => {
                let es: Vec<Expr> = ps.iter().map(|q| self.predicate(q)).collect();
                lua::any(es)
            }
            Predicate::Not(q) => lua::not(self.predicate(q)),
        }
    }

    /// Both fields present scalars, then compared. A value converted from JSON is nil, a
    /// table or a scalar (string, number, boolean), so "present and not a table" is "scalar".
    fn scalars(&mut self, a: &Path, op: BinOp, b: &Path) -> Expr {
        let (a, b) = (self.scope.field(a), self.scope.field(b));
        lua::all([
            lua::ne(a.clone(), Expr::Nil),
            lua::ne(b.clone(), Expr::Nil),
            lua::not(lua::is_type(a.clone(), "table")),
            lua::not(lua::is_type(b.clone(), "table")),
            lua::bin(a, op, b),
        ])
    }

    /// The name of `same_tree`, declaring both tree helpers on first use.
    fn tree_helpers(&mut self) -> String {
        if let Some((_, same)) = &self.tree {
            return same.clone();
        }
        let names = (self.scope.fresh(), self.scope.fresh());
        let same = names.1.clone();
        self.tree = Some(names);
        same
    }

    /// A message as an expression that is always a string.
    fn message(&mut self, m: &Message) -> Expr {
        let mut parts: Vec<Expr> = Vec::new();
        for part in &m.0 {
            match part {
                Part::Text(t) if t.is_empty() => {}
                Part::Text(t) => match parts.last_mut() {
                    Some(Expr::Str(last)) => last.push_str(t),
                    _ => parts.push(lua::str(t)),
                },
                Part::Read {
                    source,
                    prefix,
                    fallback,
                } => {
                    let value = match source {
                        Source::Field(path) => self.scope.field(path),
                        Source::Condition(sel, key) => self.scope.condition_field(sel, key),
                    };
                    parts.push(text_or(value, prefix, fallback));
                }
            }
        }
        lua::concat(parts)
    }

    /// The helper locals the lowered clauses use.
    fn helpers(&mut self) -> Vec<Stat> {
        let mut out = Vec::new();
        if let Some((zero, same)) = self.tree.clone() {
            out.push(zero_fn(&zero, &mut self.scope));
            out.push(same_tree_fn(&same, &zero, &mut self.scope));
        }
        out
    }
}

/// `prefix .. v` when `v` is a non-empty string, else the literal `fallback`.
fn text_or(value: Expr, prefix: &str, fallback: &str) -> Expr {
    let used = if prefix.is_empty() {
        value.clone()
    } else {
        lua::concat([lua::str(prefix), value.clone()])
    };
    let usable = [
        lua::is_type(value.clone(), "string"),
        lua::ne(value, lua::str("")),
        used,
    ];
    lua::any([lua::all(usable), lua::str(fallback)])
}

/// `return {status = <literal>, message = <message>}`
fn verdict(status: Status, message: Expr) -> Stat {
    Stat::Return(Expr::Table(vec![
        ("status", lua::str(status.as_str())),
        ("message", message),
    ]))
}

fn scalar(v: &Scalar) -> Expr {
    match v {
        Scalar::Str(s) => lua::str(s),
        Scalar::Num(n) => Expr::Num(*n),
        Scalar::Bool(b) => Expr::Bool(*b),
    }
}

/// Clauses in order, consecutive clauses with the same verdict merged into one: `if a then
/// return v end if b then return v end` decides as `if a or b then return v end`.
fn verdict_groups(clauses: &[Clause]) -> Vec<(Vec<&Predicate>, &Clause)> {
    let mut out: Vec<(Vec<&Predicate>, &Clause)> = Vec::new();
    for c in clauses {
        match out.last_mut() {
            Some((tests, last)) if last.status == c.status && last.message == c.message => {
                tests.push(&c.when);
            }
            _ => out.push((vec![&c.when], c)),
        }
    }
    out
}

/// Predicates worth a local: more than a single comparison, and tested more than once.
fn shared_predicates<'r>(
    groups: &[(Vec<&'r Predicate>, &Clause)],
) -> Vec<(&'r Predicate, Option<String>)> {
    let mut seen: Vec<(&Predicate, bool)> = Vec::new();
    for (tests, _) in groups {
        for p in tests {
            count(p, &mut seen);
        }
    }
    seen.into_iter()
        .filter(|(_, shared)| *shared)
        .map(|(p, _)| (p, None))
        .collect()
}

/// Counts `p` and, the first time it is seen, the predicates nested in it (a repeated
/// predicate's parts are computed within its local, once).
fn count<'p>(p: &'p Predicate, seen: &mut Vec<(&'p Predicate, bool)>) {
    if !is_single_test(p) {
        if let Some(entry) = seen.iter_mut().find(|(q, _)| *q == p) {
            entry.1 = true;
            return;
        }
        seen.push((p, false));
    }
    match p {
        Predicate::All(ps) | Predicate::Any(ps) => ps.iter().for_each(|q| count(q, seen)),
        Predicate::Not(q) => count(q, seen),
        Predicate::Always
        | Predicate::Exists(_)
        | Predicate::OneOf(..)
        | Predicate::Condition(_)
        | Predicate::FieldsEqual(..)
        | Predicate::FieldsDiffer(..)
        | Predicate::ObservedDiffers { .. } => {}
    }
}

/// Whether `p` lowers to one comparison or one local, which a local would not make cheaper.
fn is_single_test(p: &Predicate) -> bool {
    match p {
        Predicate::Always | Predicate::Exists(_) | Predicate::Condition(_) => true,
        Predicate::OneOf(_, values) => values.len() <= 1,
        Predicate::Not(q) => is_single_test(q),
        Predicate::FieldsEqual(..)
        | Predicate::FieldsDiffer(..)
        | Predicate::ObservedDiffers { .. }
        | Predicate::All(_)
        | Predicate::Any(_) => false,
    }
}

/// `zero(v)`: absent, `false`, `""`, `0`, or a table holding only such values.
fn zero_fn(zero: &str, scope: &mut Scope) -> Stat {
    let (v, x) = (scope.fresh(), scope.fresh());
    let val = lua::name(&v);
    let is_zero = lua::any([
        lua::not(val.clone()),
        lua::eq(val.clone(), lua::str("")),
        lua::eq(val.clone(), Expr::Num(0.0)),
    ]);
    let entry_not_zero = lua::not(lua::call(zero, vec![lua::name(&x)]));
    let each = Stat::ForIn(
        vec!["_".to_owned(), x],
        lua::call("pairs", vec![val.clone()]),
        vec![lua::if1(entry_not_zero, lua::ret_bool(false))],
    );
    let body = vec![
        lua::if1(is_zero, lua::ret_bool(true)),
        lua::if1(lua::not(lua::is_type(val, "table")), lua::ret_bool(false)),
        each,
        lua::ret_bool(true),
    ];
    Stat::Function(zero.to_owned(), vec![v], body)
}

/// `same_tree(a, b)`: equal once zero values count as absent; lists entry by entry.
fn same_tree_fn(same: &str, zero: &str, scope: &mut Scope) -> Stat {
    let [a, b, k, x] = [(); 4].map(|()| scope.fresh());
    let (ea, eb, ek, ex) = (lua::name(&a), lua::name(&b), lua::name(&k), lua::name(&x));
    let z = |e: &Expr| lua::call(zero, vec![e.clone()]);
    let both_zero = lua::all([z(&ea), z(&eb)]);
    let not_tables = lua::any([
        lua::not(lua::is_type(ea.clone(), "table")),
        lua::not(lua::is_type(eb.clone(), "table")),
    ]);
    let differs = lua::not(lua::call(
        same,
        vec![ex.clone(), lua::index(eb.clone(), ek.clone())],
    ));
    let extra = lua::all([
        lua::eq(lua::index(ea.clone(), ek), Expr::Nil),
        lua::not(z(&ex)),
    ]);
    let pairs = |t: &Expr, test: Expr| {
        Stat::ForIn(
            vec![k.clone(), x.clone()],
            lua::call("pairs", vec![t.clone()]),
            vec![lua::if1(test, lua::ret_bool(false))],
        )
    };
    let body = vec![
        lua::if1(both_zero, lua::ret_bool(true)),
        lua::if1(not_tables, Stat::Return(lua::eq(ea.clone(), eb.clone()))),
        pairs(&ea, differs),
        pairs(&eb, extra),
        lua::ret_bool(true),
    ];
    Stat::Function(same.to_owned(), vec![a, b], body)
}
