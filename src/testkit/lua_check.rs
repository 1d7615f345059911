//! Static checks of Lua text: does it parse as strict Lua 5.1, and does it reach for a library
//! that Argo CD leaves closed.

use full_moon::ast::{Ast, Expression, Index, Prefix, Suffix, Var};
use full_moon::node::Node;
use full_moon::tokenizer::{Symbol, TokenReference, TokenType};
use full_moon::LuaVersion;

/// Globals that exist only with `useOpenLibs` (or not at all) in Argo CD.
pub const CLOSED_LIBRARIES: &[&str] = &["string", "math", "os", "io", "debug", "coroutine"];

/// Runs `f` on a thread with a large stack: the parser recurses once per nesting level and per
/// operator, and a valid script with thousands of `+` terms would overflow a normal stack.
fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> Option<T> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(512 << 20)
            .spawn_scoped(scope, f)
            .ok()?
            .join()
            .ok()
    })
}

/// The script's tokens in source order, without whitespace and comments. The lexer is linear;
/// walking the parsed tree's tokens is not (it recurses through every nested operator).
fn lex(script: &str) -> Vec<full_moon::tokenizer::Token> {
    use full_moon::tokenizer::{Lexer, LexerResult};
    let tokens = match Lexer::new(script, LuaVersion::lua51()).collect() {
        LexerResult::Ok(t) | LexerResult::Recovered(t, _) => t,
        LexerResult::Fatal(_) => Vec::new(),
    };
    tokens
        .into_iter()
        .filter(|t| {
            !matches!(
                t.token_type(),
                TokenType::Whitespace { .. }
                    | TokenType::SingleLineComment { .. }
                    | TokenType::MultiLineComment { .. }
                    | TokenType::Shebang { .. }
                    | TokenType::Eof
            )
        })
        .collect()
}

/// Parses `script` as strict Lua 5.1; returns the parser's messages when it is not.
pub fn parse_lua51(script: &str) -> Result<(), Vec<String>> {
    on_big_stack(|| {
        let result = full_moon::parse_fallible(script, LuaVersion::lua51());
        if result.errors().is_empty() {
            Ok(())
        } else {
            Err(result.errors().iter().map(|e| e.to_string()).collect())
        }
    })
    .unwrap_or_else(|| Err(vec!["the parser gave up on this script".to_owned()]))
}

/// What a script uses that a closed-library Argo CD state lacks: library names used as
/// variables, and method calls (`s:lower()`), which on strings need the string library. A name
/// read as a field (`x.string`) or written as a table key (`{ string = 1 }`) is not a use.
pub fn closed_library_uses(script: &str) -> Vec<String> {
    on_big_stack(|| closed_library_uses_inner(script)).unwrap_or_default()
}

fn closed_library_uses_inner(script: &str) -> Vec<String> {
    let owned = lex(script);
    let tokens: Vec<&TokenType> = owned.iter().map(|t| t.token_type()).collect();
    let symbol = |t: Option<&&TokenType>, want: Symbol| matches!(t, Some(TokenType::Symbol { symbol }) if *symbol == want);
    // `local os = require("os")` is how Argo CD offers os.time and os.date: a name bound
    // from require is the module, not a closed global.
    let mut required: Vec<&str> = Vec::new();
    for w in tokens.windows(4) {
        if let (
            TokenType::Symbol {
                symbol: Symbol::Local,
            },
            TokenType::Identifier { identifier: name },
            TokenType::Symbol {
                symbol: Symbol::Equal,
            },
            TokenType::Identifier { identifier: call },
        ) = (w[0], w[1], w[2], w[3])
        {
            if call.as_str() == "require" {
                required.push(name.as_str());
            }
        }
    }
    let mut found: Vec<String> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| tokens.get(j));
        let next = tokens.get(i + 1);
        match token {
            TokenType::Identifier { identifier } => {
                let name = identifier.as_str();
                if required.contains(&name) {
                    continue;
                }
                let field = symbol(prev, Symbol::Dot) || symbol(prev, Symbol::Colon);
                let key = (symbol(prev, Symbol::LeftBrace)
                    || symbol(prev, Symbol::Comma)
                    || symbol(prev, Symbol::Semicolon))
                    && symbol(next, Symbol::Equal);
                if CLOSED_LIBRARIES.contains(&name)
                    && !field
                    && !key
                    && !found.iter().any(|f| f == name)
                {
                    found.push(name.to_owned());
                }
            }
            TokenType::Symbol {
                symbol: Symbol::Colon,
            } if !found.iter().any(|f| f == ":") => found.push(":".to_owned()),
            _ => {}
        }
    }
    found
}

/// What a script reads, for generating states to run it on: its string literals and the field
/// paths it indexes from `obj` (`obj.status.phase` gives `["status", "phase"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Every string literal.
    pub strings: Vec<String>,
    /// Every `obj.a.b...` path.
    pub paths: Vec<Vec<String>>,
    /// Every `lib.name` the script names, for lib in [`CLOSED_LIBRARIES`].
    pub library_functions: Vec<String>,
    /// What the script does with a path that tells the type it expects there.
    pub usage: Vec<(Vec<String>, Usage)>,
    /// String literals compared with a `.type` field (`c.type == "Ready"`).
    pub compared_with_type: Vec<String>,
    /// Each field name and a string literal compared with it (`("reason", "Aborted")` for
    /// `c.reason == "Aborted"`).
    pub compared_with: Vec<(String, String)>,
}

impl Reads {
    /// Whether `literal` may be a value of a field named `field`: the script compares it with
    /// no field, or with one of that name. A literal it only compares with `reason` names a
    /// reason, which an operator never writes as a `phase`.
    pub fn may_be_value_of(&self, field: &str, literal: &str) -> bool {
        let mut fields = self
            .compared_with
            .iter()
            .filter(|(_, l)| l == literal)
            .peekable();
        fields.peek().is_none() || fields.any(|(f, _)| f.eq_ignore_ascii_case(field))
    }
}

/// The type a script's use of a path implies (`obj.status.replicas > 0` wants a number).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// Compared with a number or used in arithmetic.
    Number,
    /// Compared with `true` or `false`.
    Bool,
    /// Walked with `ipairs`, measured with `#` or indexed with `[`.
    List,
    /// Indexed with a string (`x["key"]`), or read with `.` through a local.
    Map,
    /// Walked with `pairs`: a list or a map.
    Pairs,
}

/// The usage the tokens around a path (`before` it, `after` it) imply.
fn usage_around(before: &[&TokenType], after: &[&TokenType]) -> Option<Usage> {
    use Symbol as S;
    let sym = |t: Option<&&TokenType>| match t {
        Some(TokenType::Symbol { symbol }) => Some(*symbol),
        _ => None,
    };
    let name = |t: Option<&&TokenType>| match t {
        Some(TokenType::Identifier { identifier }) => Some(identifier.as_str().to_owned()),
        _ => None,
    };
    let number = |t: Option<&&TokenType>| matches!(t, Some(TokenType::Number { .. }));
    let arith = |s: Option<Symbol>| {
        matches!(
            s,
            Some(S::LessThan | S::GreaterThan | S::LessThanEqual | S::GreaterThanEqual)
                | Some(S::Plus | S::Minus | S::Star | S::Slash | S::Percent)
        )
    };
    let (next, next2) = (after.first(), after.get(1));
    let (prev, prev2) = (
        before.last(),
        before.len().checked_sub(2).and_then(|i| before.get(i)),
    );
    let equality = |s: Option<Symbol>| matches!(s, Some(S::TwoEqual | S::TildeEqual));
    let boolean = |s: Option<Symbol>| matches!(s, Some(S::True | S::False));
    // `x[1]` and `#x` read a list, `x["key"]` a map.
    if sym(prev) == Some(S::Hash) || (sym(next) == Some(S::LeftBracket) && number(next2)) {
        return Some(Usage::List);
    }
    if sym(next) == Some(S::LeftBracket) {
        return Some(Usage::Map);
    }
    if sym(prev) == Some(S::LeftParen) {
        match name(prev2).as_deref() {
            // `table.getn` measures a list, as `#` does.
            Some("ipairs" | "getn") => return Some(Usage::List),
            Some("pairs") => return Some(Usage::Pairs),
            _ => {}
        }
    }
    if arith(sym(next)) || arith(sym(prev)) {
        return Some(Usage::Number);
    }
    if (equality(sym(next)) && number(next2)) || (equality(sym(prev)) && number(prev2)) {
        return Some(Usage::Number);
    }
    if (equality(sym(next)) && boolean(sym(next2))) || (equality(sym(prev)) && boolean(sym(prev2)))
    {
        return Some(Usage::Bool);
    }
    None
}

/// The name of the field the literal at `tokens[i]` is compared with (`c.reason == "X"`,
/// `"X" ~= obj.status.phase`), if it is compared with a field, or with a local named like
/// a one-word field (`local phase = env.phase` then `phase == "pending"`): scripts bind such
/// fields to locals of their name.
fn compared_field(tokens: &[&TokenType], i: usize) -> Option<String> {
    let found = compared_name(tokens, i)?;
    (found.1 || enum_like(&found.0)).then_some(found.0)
}

/// The name the literal at `tokens[i]` is compared with (or is the default of, after `or`),
/// and whether it is a field's (after a dot) rather than a bare name's.
fn compared_name(tokens: &[&TokenType], i: usize) -> Option<(String, bool)> {
    let is = |k: Option<usize>, want: Symbol| matches!(k.and_then(|k| tokens.get(k)), Some(TokenType::Symbol { symbol }) if *symbol == want);
    let eq = |k: Option<usize>| is(k, Symbol::TwoEqual) || is(k, Symbol::TildeEqual);
    let name = |k: Option<usize>| match k.and_then(|k| tokens.get(k)) {
        Some(TokenType::Identifier { identifier }) => Some(identifier.as_str().to_owned()),
        _ => None,
    };
    // `env.phase or "pending"`: the field's default is one of its values too.
    if eq(i.checked_sub(1)) || is(i.checked_sub(1), Symbol::Or) {
        let field = is(i.checked_sub(3), Symbol::Dot);
        return name(i.checked_sub(2)).map(|n| (n, field));
    }
    if !eq(Some(i + 1)) {
        return None;
    }
    // `"Ready" == c.type`: the last name of the dotted chain after the operator.
    let mut k = i + 2;
    name(Some(k))?;
    while is(Some(k + 1), Symbol::Dot) && name(Some(k + 2)).is_some() {
        k += 2;
    }
    name(Some(k)).map(|n| (n, k > i + 2))
}

/// When the path at `tokens[start..end]` is bound to a local (`local d = obj.status.d`), the
/// usage the local's uses imply; a local indexed with `.` holds a table.
fn alias_usage(tokens: &[&TokenType], start: usize, end: usize) -> Option<Usage> {
    let sym = |t: Option<&&TokenType>, want: Symbol| matches!(t, Some(TokenType::Symbol { symbol }) if *symbol == want);
    let name = match (
        start.checked_sub(3).map(|k| &tokens[k..start]),
        tokens.get(end),
    ) {
        (Some([l, TokenType::Identifier { identifier }, e]), next)
            if sym(Some(l), Symbol::Local)
                && sym(Some(e), Symbol::Equal)
                && !sym(next, Symbol::LeftParen) =>
        {
            identifier.as_str()
        }
        _ => return None,
    };
    (end..tokens.len()).find_map(|k| match tokens[k] {
        TokenType::Identifier { identifier }
            if identifier.as_str() == name
                && !sym(k.checked_sub(1).and_then(|p| tokens.get(p)), Symbol::Dot) =>
        {
            let after = tokens.get(k + 1);
            if sym(after, Symbol::Dot) || sym(after, Symbol::Colon) {
                return Some(Usage::Map);
            }
            usage_around(&tokens[..k], &tokens[k + 1..])
        }
        _ => None,
    })
}

/// Collects [`Reads`] from `script` (empty when it does not parse).
pub fn reads(script: &str) -> Reads {
    on_big_stack(|| reads_inner(script)).unwrap_or_default()
}

fn reads_inner(script: &str) -> Reads {
    let owned = lex(script);
    let tokens: Vec<&TokenType> = owned.iter().map(|t| t.token_type()).collect();
    let mut out = Reads::default();
    let ident = |t: Option<&&TokenType>| match t {
        Some(TokenType::Identifier { identifier }) => Some(identifier.as_str().to_owned()),
        _ => None,
    };
    let dot = |t: Option<&&TokenType>| matches!(t, Some(TokenType::Symbol { symbol }) if *symbol == Symbol::Dot);
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenType::StringLiteral { literal, .. } => {
                let s = literal.as_str().to_owned();
                if let Some(field) = compared_field(&tokens, i) {
                    if field == "type" && !out.compared_with_type.contains(&s) {
                        out.compared_with_type.push(s.clone());
                    }
                    let pair = (field, s.clone());
                    if !out.compared_with.contains(&pair) {
                        out.compared_with.push(pair);
                    }
                }
                if !out.strings.contains(&s) {
                    out.strings.push(s);
                }
            }
            TokenType::Identifier { identifier } => {
                let name = identifier.as_str();
                let after_dot = i > 0 && dot(tokens.get(i - 1));
                if name == "obj" && !after_dot {
                    let mut path = Vec::new();
                    let mut j = i + 1;
                    while dot(tokens.get(j)) {
                        match ident(tokens.get(j + 1)) {
                            Some(k) => path.push(k),
                            None => break,
                        }
                        j += 2;
                    }
                    if path.is_empty() {
                        continue;
                    }
                    let usage = usage_around(&tokens[..i], &tokens[j.min(tokens.len())..])
                        .or_else(|| alias_usage(&tokens, i, j));
                    if let Some(u) = usage {
                        if !out.usage.contains(&(path.clone(), u)) {
                            out.usage.push((path.clone(), u));
                        }
                    }
                    if !out.paths.contains(&path) {
                        out.paths.push(path);
                    }
                } else if CLOSED_LIBRARIES.contains(&name) && !after_dot && dot(tokens.get(i + 1)) {
                    if let Some(f) = ident(tokens.get(i + 2)) {
                        let full = format!("{name}.{f}");
                        if !out.library_functions.contains(&full) {
                            out.library_functions.push(full);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Runs `f` on the script's syntax tree when it parses as strict Lua 5.1, on a large stack
/// (visitors recurse once per nesting level, as the parser does).
pub fn with_ast<T: Send>(script: &str, f: impl FnOnce(&Ast) -> T + Send) -> Option<T> {
    on_big_stack(|| {
        let result = full_moon::parse_fallible(script, LuaVersion::lua51());
        result.errors().is_empty().then(|| f(result.ast()))
    })
    .flatten()
}

/// A visitor run over the script's syntax tree, when it parses as strict Lua 5.1.
pub fn visit_with<V: full_moon::visitors::Visitor + Default + Send>(script: &str) -> Option<V> {
    with_ast(script, |ast| {
        let mut v = V::default();
        v.visit_ast(ast);
        v
    })
}

/// The line a node starts on (0 when it has no position).
pub fn line(node: &impl Node) -> usize {
    node.start_position().map_or(0, |p| p.line())
}

/// A node's source text on one line, cut to `max` characters, for a message.
pub fn snippet(node: &impl std::fmt::Display, max: usize) -> String {
    let text = node.to_string();
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(max) {
        Some((i, _)) => format!("{}...", &one_line[..i]),
        None => one_line,
    }
}

/// The value of a string literal expression.
pub fn string_literal(e: &Expression) -> Option<String> {
    match e {
        Expression::String(t) => token_string(t),
        Expression::Parentheses { expression, .. } => string_literal(expression),
        _ => None,
    }
}

fn token_string(t: &TokenReference) -> Option<String> {
    match t.token_type() {
        TokenType::StringLiteral { literal, .. } => Some(literal.to_string()),
        _ => None,
    }
}

/// A name followed by field accesses (`c.status`, `obj.status["conditions"]`) as its parts;
/// `None` for anything else (calls, computed indexes).
pub fn dotted(e: &Expression) -> Option<Vec<String>> {
    let Expression::Var(var) = e else {
        return None;
    };
    match var {
        Var::Name(t) => Some(vec![t.token().to_string()]),
        Var::Expression(ve) => {
            let Prefix::Name(first) = ve.prefix() else {
                return None;
            };
            let mut parts = vec![first.token().to_string()];
            for s in ve.suffixes() {
                match s {
                    Suffix::Index(Index::Dot { name, .. }) => parts.push(name.token().to_string()),
                    Suffix::Index(Index::Brackets { expression, .. }) => {
                        parts.push(string_literal(expression).unwrap_or_else(|| "[]".to_owned()))
                    }
                    _ => return None,
                }
            }
            Some(parts)
        }
        _ => None,
    }
}

/// Whether the script reads an entry of a `name` list at a position (`conditions[1]`,
/// `conditions[#conditions]`): it then relies on the order the list is written in.
pub fn indexes_by_position(script: &str, name: &str) -> bool {
    let owned = lex(script);
    owned.windows(2).any(|w| {
        matches!(w[0].token_type(), TokenType::Identifier { identifier } if identifier.as_str() == name)
            && matches!(w[1].token_type(), TokenType::Symbol { symbol } if *symbol == Symbol::LeftBracket)
    })
}

/// The field names the script reads (`x.name`, `x["name"]`), and those of them it walks or
/// measures as collections (`ipairs(x.name)`, `pairs(x.name)`, `#x.name`).
pub fn field_names(script: &str) -> (Vec<String>, Vec<String>) {
    let owned = lex(script);
    let t: Vec<&TokenType> = owned.iter().map(|t| t.token_type()).collect();
    let sym = |k: usize, want: Symbol| matches!(t.get(k), Some(TokenType::Symbol { symbol }) if *symbol == want);
    let mut names: Vec<String> = Vec::new();
    let mut collections: Vec<String> = Vec::new();
    for (i, token) in t.iter().enumerate() {
        let name = match token {
            TokenType::Identifier { identifier } if i > 0 && sym(i - 1, Symbol::Dot) => {
                identifier.as_str().to_owned()
            }
            TokenType::StringLiteral { literal, .. }
                if i > 0 && sym(i - 1, Symbol::LeftBracket) && sym(i + 1, Symbol::RightBracket) =>
            {
                literal.as_str().to_owned()
            }
            _ => continue,
        };
        // The start of the dotted chain this name ends, to see what is done with it.
        let mut start = i;
        while start >= 2 && (sym(start - 1, Symbol::Dot) || sym(start - 1, Symbol::LeftBracket)) {
            start -= 2;
        }
        let walked = start >= 2
            && sym(start - 1, Symbol::LeftParen)
            && matches!(t[start - 2], TokenType::Identifier { identifier } if ["ipairs", "pairs"].contains(&identifier.as_str()))
            && (sym(i + 1, Symbol::RightParen) || sym(i + 2, Symbol::RightParen));
        let measured = start >= 1 && sym(start - 1, Symbol::Hash);
        if (walked || measured) && !collections.contains(&name) {
            collections.push(name.clone());
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    (names, collections)
}

/// Names of fields that hold one word of a fixed set (a phase, a state), never a sentence.
const ENUM_LIKE: &[&str] = &["phase", "state", "status", "type", "reason", "health"];

/// Whether a field of this name holds one word of a fixed set (`phase`, `currentPhase`).
pub fn enum_like(key: &str) -> bool {
    ENUM_LIKE
        .iter()
        .any(|e| key.eq_ignore_ascii_case(e) || key.ends_with(&capitalized(e)))
}

/// `phase` as `Phase`, for names such as `currentPhase`.
fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_paired_with_the_field_they_are_compared_with() {
        let r = reads(
            "if c.reason == \"Aborted\" then end\n\
             if \"Paused\" == obj.status.phase then end\n\
             if c.type ~= \"Ready\" then end\nlocal free = \"Running\"\n\
             local phase = env.phase\nif phase == \"pending\" then end\n\
             local p = obj.status.phase\nif p == \"Stopped\" then end\n\
             local s = env.state or \"unknown\"",
        );
        assert_eq!(
            r.compared_with,
            [
                ("reason".to_owned(), "Aborted".to_owned()),
                ("phase".to_owned(), "Paused".to_owned()),
                ("type".to_owned(), "Ready".to_owned()),
                ("phase".to_owned(), "pending".to_owned()),
                ("state".to_owned(), "unknown".to_owned()),
            ]
        );
        // A local named like a one-word field holds it; `p` says nothing.
        assert!(!r.may_be_value_of("reason", "pending"));
        assert!(r.may_be_value_of("reason", "Stopped"));
        assert_eq!(r.compared_with_type, ["Ready"]);
        assert!(!r.may_be_value_of("phase", "Aborted"));
        assert!(r.may_be_value_of("reason", "Aborted"));
        assert!(r.may_be_value_of("Phase", "Paused"));
        assert!(r.may_be_value_of("phase", "Running"));
    }

    #[test]
    fn a_path_measured_with_table_getn_is_a_list() {
        let r = reads("if table.getn(obj.status.active) > 0 then end\nlocal n = obj.status.count");
        assert_eq!(
            r.usage,
            [(vec!["status".to_owned(), "active".to_owned()], Usage::List)]
        );
    }
}
