//! Rule -> Lua tree: clauses as plain `if`s over the locals a [`Scope`] fills.

use super::lua::{self, BinOp, Expr, Stat};
use super::names::{cut, lua_name, selector_name};
use super::scope::{Scope, MESSAGE, VERDICT};
use crate::rule::model::{Clause, Message, Part, Path, Predicate, Rule, Scalar, Source, Status};

/// The statements of `rule`'s script, header excluded: the reads, any helpers, the shared
/// tests, then one `if ... elseif ... else` chain choosing the verdict and a single `return`
/// (one return instead of one per clause keeps the script short, which is its compile cost).
pub(super) fn chunk(rule: &Rule) -> Vec<Stat> {
    let groups = verdict_groups(&rule.clauses);
    let mut scope = Scope::new(rule);
    let text = (text_reads(rule, &groups) >= TEXT_HELPER_USES).then(|| scope.fresh("text"));
    let mut lower = Lower {
        scope,
        shared: shared_predicates(&groups),
        pending: Vec::new(),
        tree: None,
        text,
    };
    let mut arms = Vec::new();
    for (tests, clause) in &groups {
        arms.push(lower.arm(tests, clause));
    }
    let default = (rule.default_status, lower.message(&rule.default_message));
    let shared = std::mem::take(&mut lower.pending);
    let helpers = lower.helpers();
    let choice = if arms.is_empty() {
        vec![verdict(default.0, default.1)]
    } else {
        let (s, m) = (lower.scope.declared(VERDICT), lower.scope.declared(MESSAGE));
        let set = |(status, message): (Status, Expr)| {
            vec![Stat::Assign(
                vec![s.clone(), m.clone()],
                vec![lua::str(status.as_str()), message],
            )]
        };
        let arms = arms.into_iter().map(|(c, v)| (c, set(v))).collect();
        vec![
            Stat::IfElse(arms, set(default)),
            Stat::Return(Expr::Table(vec![
                ("status", lua::name(&s)),
                ("message", lua::name(&m)),
            ])),
        ]
    };
    let mut out = lower.scope.reads();
    out.extend(helpers);
    out.extend(shared);
    out.extend(choice);
    out
}

/// Message reads from which on the `text` helper is shorter than writing its test inline.
const TEXT_HELPER_USES: usize = 3;

/// How many values the script's messages read, each lowered once (merged clauses share one).
fn text_reads(rule: &Rule, groups: &[(Vec<&Predicate>, &Clause)]) -> usize {
    let reads = |m: &Message| {
        m.0.iter()
            .filter(|p| matches!(p, Part::Read { .. }))
            .count()
    };
    groups.iter().map(|(_, c)| reads(&c.message)).sum::<usize>() + reads(&rule.default_message)
}

struct Lower<'r> {
    scope: Scope,
    /// Predicates tested more than once, with the local holding each once computed.
    shared: Vec<(&'r Predicate, Option<String>)>,
    /// Locals computed for shared predicates, placed before the verdict chain.
    pending: Vec<Stat>,
    /// The recursive `zero` and `same_tree` helpers, once a tree comparison needs them.
    tree: Option<(String, String)>,
    /// The `text(v)` helper (`v` when a non-empty string, else false), when messages read
    /// enough values for it to be shorter than the inline test.
    text: Option<String>,
}

impl<'r> Lower<'r> {
    /// The test of one arm of the verdict chain (any of `tests`) and its verdict.
    fn arm(&mut self, tests: &[&'r Predicate], clause: &Clause) -> (Expr, (Status, Expr)) {
        let tests: Vec<Expr> = tests.iter().map(|p| self.predicate(p)).collect();
        let message = self.message(&clause.message);
        (lua::any(tests), (clause.status, message))
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
        let n = self.scope.fresh(&cut(&describe(p)));
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
        let names = (self.scope.fresh("is_zero"), self.scope.fresh("same_tree"));
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
                    parts.push(text_or(value, prefix, fallback, self.text.as_deref()));
                }
            }
        }
        lua::concat(parts)
    }

    /// The helper locals the lowered clauses use.
    fn helpers(&mut self) -> Vec<Stat> {
        let mut out = Vec::new();
        if let Some(text) = self.text.clone() {
            let v = self.scope.fresh("value");
            let body = vec![Stat::Return(non_empty_text(lua::name(&v)))];
            out.push(Stat::Function(text, vec![v], body));
        }
        if let Some((zero, same)) = self.tree.clone() {
            out.push(zero_fn(&zero, &mut self.scope));
            out.push(same_tree_fn(&same, &zero, &mut self.scope));
        }
        out
    }
}

/// `prefix .. v` when `v` is a non-empty string, else the literal `fallback`; the test is a
/// call of the `text` helper when the script has one.
fn text_or(value: Expr, prefix: &str, fallback: &str, text: Option<&str>) -> Expr {
    let with_prefix = || lua::concat([lua::str(prefix), value.clone()]);
    let used = match (text, prefix.is_empty()) {
        // `text(v)` is already `v` or false.
        (Some(f), true) => lua::call(f, vec![value.clone()]),
        (Some(f), false) => lua::all([lua::call(f, vec![value.clone()]), with_prefix()]),
        (None, true) => non_empty_text(value.clone()),
        (None, false) => lua::all([
            lua::is_type(value.clone(), "string"),
            lua::ne(value.clone(), lua::str("")),
            with_prefix(),
        ]),
    };
    lua::any([used, lua::str(fallback)])
}

/// `type(v) == "string" and v ~= "" and v`: `v` when a non-empty string, else false.
fn non_empty_text(value: Expr) -> Expr {
    lua::all([
        lua::is_type(value.clone(), "string"),
        lua::ne(value.clone(), lua::str("")),
        value,
    ])
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
        .filter(|(p, shared)| *shared && !compares_trees(p))
        .map(|(p, _)| (p, None))
        .collect()
}

/// Whether testing `p` calls the recursive tree comparison. Shared tests are computed before
/// the verdict chain, whatever clause decides; a tree comparison stays inline in its clause, so
/// it runs only when reached (it is the one test that costs more than a few comparisons, and
/// could exhaust the Lua stack on a deeply nested object an earlier clause already decided).
fn compares_trees(p: &Predicate) -> bool {
    match p {
        Predicate::ObservedDiffers { .. } => true,
        Predicate::All(ps) | Predicate::Any(ps) => ps.iter().any(compares_trees),
        Predicate::Not(q) => compares_trees(q),
        Predicate::Always
        | Predicate::Exists(_)
        | Predicate::OneOf(..)
        | Predicate::Condition(_)
        | Predicate::FieldsEqual(..)
        | Predicate::FieldsDiffer(..) => false,
    }
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
    let (v, x) = (scope.fresh("item"), scope.fresh("child"));
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
    let [a, b, k, x] = ["left", "right", "key", "entry"].map(|hint| scope.fresh(hint));
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

/// A name for the local holding a shared test, from what it tests (`not_ready_and_has_phase`).
fn describe(p: &Predicate) -> String {
    let last = |path: &Path| path.keys().last().map_or("obj".to_owned(), |k| lua_name(k));
    let join = |ps: &[Predicate], word: &str| {
        let parts: Vec<String> = ps.iter().map(describe).collect();
        parts.join(word)
    };
    match p {
        Predicate::Always => "always".to_owned(),
        Predicate::Exists(path) => format!("has_{}", last(path)),
        Predicate::OneOf(path, values) => match values.as_slice() {
            [Scalar::Str(s)] => format!("{}_is_{}", last(path), lua_name(s)),
            _ => format!("{}_matches", last(path)),
        },
        Predicate::Condition(sel) => selector_name(sel),
        Predicate::FieldsEqual(a, b) => format!("{}_equals_{}", last(a), last(b)),
        Predicate::FieldsDiffer(a, b) => format!("{}_differs_from_{}", last(a), last(b)),
        Predicate::ObservedDiffers { desired, .. } => format!("{}_changed", last(desired)),
        Predicate::All(ps) => join(ps, "_and_"),
        Predicate::Any(ps) => join(ps, "_or_"),
        Predicate::Not(q) => format!("not_{}", describe(q)),
    }
}
