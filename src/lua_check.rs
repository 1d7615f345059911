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
/// identifiers, and method calls (`s:lower()`), which on strings need the string library.
pub fn closed_library_uses(script: &str) -> Vec<String> {
    let result = full_moon::parse_fallible(script, LuaVersion::lua51());
    let mut found = Vec::new();
    for token in result.ast().nodes().tokens() {
        match token.token().token_type() {
            TokenType::Identifier { identifier } => {
                let name = identifier.as_str();
                if CLOSED_LIBRARIES.contains(&name) && !found.iter().any(|f| f == name) {
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
