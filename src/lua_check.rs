//! Static checks of Lua text: does it parse as strict Lua 5.1, and does it reach for a library
//! that Argo CD leaves closed.

use full_moon::node::Node;
use full_moon::tokenizer::{Symbol, TokenType};
use full_moon::LuaVersion;

/// Globals that exist only with `useOpenLibs` (or not at all) in Argo CD.
pub const CLOSED_LIBRARIES: &[&str] = &["string", "math", "os", "io", "debug", "coroutine"];

/// Parses `script` as strict Lua 5.1; returns the parser's messages when it is not.
pub fn parse_lua51(script: &str) -> Result<(), Vec<String>> {
    let result = full_moon::parse_fallible(script, LuaVersion::lua51());
    if result.errors().is_empty() {
        Ok(())
    } else {
        Err(result.errors().iter().map(|e| e.to_string()).collect())
    }
}

/// What a script uses that a closed-library Argo CD state lacks: library names used as
/// variables, and method calls (`s:lower()`), which on strings need the string library. A name
/// read as a field (`x.string`) or written as a table key (`{ string = 1 }`) is not a use.
pub fn closed_library_uses(script: &str) -> Vec<String> {
    let result = full_moon::parse_fallible(script, LuaVersion::lua51());
    // The AST yields a bracket pair's two tokens together: order tokens by position.
    let mut refs: Vec<_> = result.ast().nodes().tokens().collect();
    refs.sort_by_key(|t| t.token().start_position().bytes());
    let tokens: Vec<&TokenType> = refs.iter().map(|t| t.token().token_type()).collect();
    let symbol = |t: Option<&&TokenType>, want: Symbol| matches!(t, Some(TokenType::Symbol { symbol }) if *symbol == want);
    let mut found: Vec<String> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let prev = i.checked_sub(1).and_then(|j| tokens.get(j));
        let next = tokens.get(i + 1);
        match token {
            TokenType::Identifier { identifier } => {
                let name = identifier.as_str();
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
