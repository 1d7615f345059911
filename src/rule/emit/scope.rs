//! Locals and reads: names that say what they hold, the guarded field reads and the single
//! conditions scan.
//!
//! Lowering asks for a field or a condition test and gets the local that will hold it; the
//! statements that fill those locals are written afterwards from what was asked, so a script
//! can never read a local that nothing assigns.

use super::lua::{self, Expr, Stat};
use super::names::{field_candidates, lua_name, selector_name, Names};
use crate::argocd::paths::CONDITIONS;
use crate::rule::model::{ConditionSelector, Part, Path, Rule, Source, TextMatch};
use std::collections::{BTreeMap, BTreeSet};

/// The locals holding the verdict chain's choice, named before any field can take the names.
pub(super) const VERDICT: &str = "verdict";
/// See [`VERDICT`].
pub(super) const MESSAGE: &str = "message";

/// The locals of one script and what fills them.
pub(super) struct Scope {
    names: Names,
    /// The local holding each field the script reads, and each prefix of it, by key path.
    fields: BTreeMap<Vec<String>, String>,
    /// The condition tests, in scan order.
    selectors: Vec<Selector>,
    /// Locals the lowering assigns itself, declared with the others.
    declared: Vec<String>,
}

/// A condition test: the local holding the first condition it matches, and the locals holding
/// fields of that condition, which the scan reads when it finds the match.
struct Selector {
    sel: ConditionSelector,
    local: String,
    reads: Vec<(String, String)>,
}

impl Scope {
    /// A scope whose first names go to `rule`'s fields in tree order, then its condition tests,
    /// so a field keeps its own key as its name wherever it can. The lists here only set that
    /// order: lowering asks again for every local it uses, and gets the same one, or a new one
    /// for anything these lists missed.
    pub(super) fn new(rule: &Rule) -> Scope {
        let mut scope = Scope {
            names: Names::reserving(&[VERDICT, MESSAGE]),
            fields: BTreeMap::new(),
            selectors: Vec::new(),
            declared: Vec::new(),
        };
        let selectors = rule.condition_selectors();
        let mut prefixes: BTreeSet<Vec<String>> = BTreeSet::new();
        let conditions = (!selectors.is_empty()).then(conditions_path);
        for path in rule.paths_read().into_iter().chain(conditions.as_ref()) {
            for len in 1..=path.keys().len() {
                prefixes.insert(path.keys()[..len].to_vec());
            }
        }
        for keys in prefixes {
            let n = scope.names.first_free(field_candidates(&keys));
            scope.fields.insert(keys, n);
        }
        for sel in selectors {
            scope.condition(sel);
        }
        for m in rule.messages() {
            for part in &m.0 {
                if let Part::Read {
                    source: Source::Condition(sel, key),
                    ..
                } = part
                {
                    scope.condition_field(sel, key);
                }
            }
        }
        scope
    }

    /// A name no other local of the script has, made from `hint` (`hint`, else `hint_2`, ...;
    /// keywords and the globals a script uses are never given).
    pub(super) fn fresh(&mut self, hint: &str) -> String {
        self.names.first_free([hint.to_owned()])
    }

    /// One of the reserved locals ([`VERDICT`], [`MESSAGE`]) declared at the top of the
    /// script, which the caller assigns.
    pub(super) fn declared(&mut self, name: &str) -> String {
        let n = self.names.reserved(name);
        if !self.declared.contains(&n) {
            self.declared.push(n.clone());
        }
        n
    }

    /// The local holding the field at `path` (`obj` itself for the empty path).
    pub(super) fn field(&mut self, path: &Path) -> Expr {
        let keys = path.keys();
        let mut local = lua::name("obj");
        for len in 1..=keys.len() {
            let prefix = &keys[..len];
            let n = match self.fields.get(prefix) {
                Some(n) => n.clone(),
                None => {
                    let n = self.names.first_free(field_candidates(prefix));
                    self.fields.insert(prefix.to_vec(), n.clone());
                    n
                }
            };
            local = lua::name(&n);
        }
        local
    }

    /// The local holding the first condition `sel` matches, or nil.
    pub(super) fn condition(&mut self, sel: &ConditionSelector) -> Expr {
        let i = self.selector(sel);
        lua::name(&self.selectors[i].local)
    }

    /// The local holding field `key` of the first condition `sel` matches (nil when none does).
    pub(super) fn condition_field(&mut self, sel: &ConditionSelector, key: &str) -> Expr {
        let i = self.selector(sel);
        if let Some((_, n)) = self.selectors[i].reads.iter().find(|(k, _)| k == key) {
            return lua::name(n);
        }
        let hint = format!("{}_{}", self.selectors[i].local, lua_name(key));
        let n = self.fresh(&hint);
        self.selectors[i].reads.push((key.to_owned(), n.clone()));
        lua::name(&n)
    }

    /// The index of `sel` among the condition tests, added if new.
    fn selector(&mut self, sel: &ConditionSelector) -> usize {
        if let Some(i) = self.selectors.iter().position(|s| s.sel == *sel) {
            return i;
        }
        let local = self.fresh(&selector_name(sel));
        self.selectors.push(Selector {
            sel: sel.clone(),
            local,
            reads: Vec::new(),
        });
        self.selectors.len() - 1
    }

    /// The statements that fill every local asked for: one declaration, the guarded field
    /// reads, then the scan.
    pub(super) fn reads(mut self) -> Vec<Stat> {
        let list = (!self.selectors.is_empty()).then(|| self.field(&conditions_path()));
        let mut names: Vec<String> = self.fields.values().cloned().collect();
        names.extend(self.selectors.iter().map(|s| s.local.clone()));
        for s in &self.selectors {
            names.extend(s.reads.iter().map(|(_, n)| n.clone()));
        }
        names.extend(self.declared.iter().cloned());
        if names.is_empty() {
            return Vec::new();
        }
        let mut out = vec![Stat::Local(names, vec![])];
        out.extend(self.field_reads());
        if let Some(list) = list {
            out.push(self.scan(list));
        }
        out
    }

    /// Per table read, one guarded assignment of all its children.
    fn field_reads(&self) -> Vec<Stat> {
        let mut out = Vec::new();
        let root: (&[String], &str) = (&[], "obj");
        let parents = std::iter::once(root)
            .chain(self.fields.iter().map(|(k, n)| (k.as_slice(), n.as_str())));
        for (parent, local) in parents {
            let (names, values): (Vec<String>, Vec<Expr>) = self
                .fields
                .iter()
                .filter(|(k, _)| k.len() == parent.len() + 1 && k.starts_with(parent))
                .map(|(k, n)| (n.clone(), lua::field(lua::name(local), &k[parent.len()])))
                .unzip();
            if !names.is_empty() {
                let guard = lua::is_type(lua::name(local), "table");
                out.push(lua::if1(guard, Stat::Assign(names, values)));
            }
        }
        out
    }

    /// One pass over the conditions: each selector's local takes the first entry it matches.
    /// A condition field two tests compare is read once into a local.
    fn scan(&mut self, list: Expr) -> Stat {
        let entry = self.fresh("condition");
        let mut reads: (Vec<String>, Vec<Expr>) = (Vec::new(), Vec::new());
        let mut fields: Vec<Expr> = Vec::new();
        for (key, part) in SELECTOR_FIELDS {
            let uses: usize = self.selectors.iter().map(|s| tests(part(&s.sel))).sum();
            let read = lua::field(lua::name(&entry), key);
            if uses > 1 {
                let n = self.fresh(&format!("condition_{key}"));
                reads.0.push(n.clone());
                reads.1.push(read);
                fields.push(lua::name(&n));
            } else {
                fields.push(read);
            }
        }
        let mut body = Vec::new();
        if !reads.0.is_empty() {
            body.push(Stat::Local(reads.0, reads.1));
        }
        for s in &self.selectors {
            let mut test = vec![lua::not(lua::name(&s.local))];
            for ((_, part), value) in SELECTOR_FIELDS.iter().zip(&fields) {
                test.extend(text_match(value, part(&s.sel)));
            }
            let mut names = vec![s.local.clone()];
            let mut values = vec![lua::name(&entry)];
            for (key, n) in &s.reads {
                names.push(n.clone());
                values.push(lua::field(lua::name(&entry), key));
            }
            body.push(lua::if1(lua::all(test), Stat::Assign(names, values)));
        }
        let entry_ok = Stat::If(lua::is_type(lua::name(&entry), "table"), body);
        let each = Stat::ForIn(
            vec!["_".to_owned(), entry],
            lua::call("ipairs", vec![list.clone()]),
            vec![entry_ok],
        );
        Stat::If(lua::is_type(list, "table"), vec![each])
    }
}

/// The condition fields a selector tests, with the key each is read from.
type SelectorField = (&'static str, fn(&ConditionSelector) -> &TextMatch);
const SELECTOR_FIELDS: [SelectorField; 3] = [
    ("type", |s| &s.type_),
    ("status", |s| &s.status),
    ("reason", |s| &s.reason),
];

/// How many comparisons testing `m` takes.
fn tests(m: &TextMatch) -> usize {
    match m {
        TextMatch::Any => 0,
        TextMatch::OneOf(set) | TextMatch::NoneOf(set) => set.len(),
    }
}

/// The test that `value` matches `m`; none when everything matches.
fn text_match(value: &Expr, m: &TextMatch) -> Option<Expr> {
    let compare = |set: &[String], op: fn(Expr, Expr) -> Expr| {
        set.iter()
            .map(|s| op(value.clone(), lua::str(s)))
            .collect::<Vec<_>>()
    };
    match m {
        TextMatch::Any => None,
        TextMatch::OneOf(set) => Some(lua::any(compare(set, lua::eq))),
        TextMatch::NoneOf(set) if set.is_empty() => None,
        TextMatch::NoneOf(set) => Some(lua::all(compare(set, lua::ne))),
    }
}

fn conditions_path() -> Path {
    Path::from_keys(CONDITIONS)
}
