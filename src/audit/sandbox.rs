//! A sandbox for scripts someone else wrote: Argo CD's runtime (same state, same load and call,
//! same handling of the result) with every function that touches the machine replaced by a
//! recorder, module loading from files closed, precompiled bytecode refused and `print`
//! silenced.

use crate::argocd::runtime::{self, interpret, Libraries, Outcome, Runtime, RuntimeError};
use mlua::{Function, Lua, MultiValue, Table, Value as LuaValue};
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// Functions that touch the machine, as (library, name); `""` is the global table.
pub const DANGEROUS: &[(&str, &str)] = &[
    ("os", "execute"),
    ("os", "remove"),
    ("os", "rename"),
    ("os", "exit"),
    ("os", "tmpname"),
    ("os", "getenv"),
    ("os", "setlocale"),
    ("io", "open"),
    ("io", "popen"),
    ("io", "lines"),
    ("io", "read"),
    ("io", "write"),
    ("io", "close"),
    ("io", "input"),
    ("io", "output"),
    ("io", "tmpfile"),
    ("", "dofile"),
    ("", "loadfile"),
    ("", "require"),
    ("package", "loadlib"),
];

/// One evaluation in the sandbox: what Argo CD makes of it, and what the script tried to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// What Argo CD makes of the result.
    pub outcome: Outcome,
    /// Calls to functions that touch the machine, in order (none of them ran).
    pub calls: Vec<String>,
    /// For an empty status, why Argo CD records one.
    pub empty_reason: Option<String>,
    /// `string.rep` calls whose result gopher-lua would allocate past the memory limit (in
    /// PUC Lua and LuaJIT a count of 2^31 or more wraps to nothing: the run shows no sign).
    pub allocations: Vec<String>,
}

impl Recorded {
    /// An evaluation that could not start: Argo CD would report the error as Unknown.
    pub fn failed(error: impl Into<String>) -> Self {
        Recorded {
            outcome: Outcome::Error(error.into()),
            calls: Vec::new(),
            empty_reason: None,
            allocations: Vec::new(),
        }
    }
}

/// Calls noted by the recorders of one evaluation.
type Log = Rc<RefCell<Vec<String>>>;

/// Argo CD's runtime for foreign scripts: nothing a script does reaches the machine.
#[derive(Debug, Clone, Copy)]
pub struct Sandbox {
    runtime: Runtime,
}

impl Sandbox {
    /// A sandbox with the given libraries and the runtime's default limits.
    pub fn new(libraries: Libraries) -> Self {
        Sandbox {
            runtime: Runtime::with_libraries(libraries),
        }
    }

    /// Runs `script` on `obj` in a fresh state with the recorders in place. Errors are those of
    /// preparing the state; the script's own errors are in [`Recorded::outcome`].
    pub fn run(&self, script: &str, obj: &Value) -> Result<Recorded, RuntimeError> {
        let lua = self.runtime.state(obj)?;
        let log = Log::default();
        record_dangerous(&lua, &log)?;
        close_file_loaders(&lua)?;
        refuse_bytecode(&lua, &log, self.runtime.memory_limit)?;
        silence_output(&lua)?;
        let allocations = Log::default();
        record_huge_rep(&lua, &allocations, self.runtime.memory_limit)?;
        let (outcome, empty_reason) =
            match runtime::load(&lua, script).and_then(|f| runtime::returned(&f)) {
                Ok(last) => {
                    let outcome = interpret(&last);
                    let reason = (outcome == Outcome::Empty).then(|| empty_reason(&last));
                    (outcome, reason)
                }
                Err(e) => (Outcome::Error(e), None),
            };
        let calls = log.borrow().clone();
        let allocations = allocations.borrow().clone();
        Ok(Recorded {
            outcome,
            calls,
            empty_reason,
            allocations,
        })
    }
}

/// Wraps `string.rep` (the string methods share it) to note calls whose result gopher-lua
/// would allocate beyond `limit` bytes: it converts the count to a 64-bit int and allocates
/// `len * count`, where PUC Lua and LuaJIT convert to a 32-bit int, so 2^31 wraps to "".
fn record_huge_rep(lua: &Lua, log: &Log, limit: usize) -> mlua::Result<()> {
    let Ok(string) = lua.globals().get::<Table>("string") else {
        return Ok(());
    };
    let Ok(rep) = string.get::<Function>("rep") else {
        return Ok(());
    };
    let log = log.clone();
    let note = lua.create_function(move |lua, args: MultiValue| {
        let mut it = args.iter();
        let len = it
            .next()
            .and_then(|v| lua.coerce_string(v.clone()).ok().flatten())
            .map_or(0, |s| s.as_bytes().len());
        let count = it
            .next()
            .and_then(|v| lua.coerce_number(v.clone()).ok().flatten())
            .map_or(0.0, f64::trunc);
        let bytes = len as f64 * count;
        if bytes > limit as f64 {
            log.borrow_mut().push(format!(
                "string.rep of {len} byte(s) {count} times ({} MiB)",
                (bytes / 1048576.0).round()
            ));
        }
        Ok(())
    })?;
    // The original `rep` is called from Lua, not from the Rust callback: its errors stay Lua's
    // own strings, and by a tail call the script's frame is the caller, so they keep the
    // script's line ("health.lua:1: bad argument #1 to 'rep'") as without the recorder.
    let wrapped: Function = lua
        .load("local rep, note = ... return function(...) note(...) return rep(...) end")
        .set_name("=mas-health rep")
        .call((rep, note))?;
    string.set("rep", wrapped)
}

/// Replaces every function of [`DANGEROUS`] present in the state by a recorder that notes the
/// call (as `os.execute`, `require("x")`, ...) and returns nil.
fn record_dangerous(lua: &Lua, log: &Log) -> mlua::Result<()> {
    let globals = lua.globals();
    for (lib, name) in DANGEROUS {
        let table: Option<Table> = if lib.is_empty() {
            Some(globals.clone())
        } else {
            globals.get(*lib).ok()
        };
        let Some(table) = table else { continue };
        if matches!(table.get::<LuaValue>(*name), Ok(LuaValue::Nil) | Err(_)) {
            continue;
        }
        let recorder = if *name == "require" {
            require_recorder(lua, log.clone())?
        } else {
            let label = if lib.is_empty() {
                (*name).to_owned()
            } else {
                format!("{lib}.{name}")
            };
            let log = log.clone();
            lua.create_function(move |_, _: MultiValue| {
                log.borrow_mut().push(label.clone());
                Ok(LuaValue::Nil)
            })?
        };
        table.set(*name, recorder)?;
    }
    Ok(())
}

/// `require` that still gives the standard and preloaded modules (`require("os")` is how Argo
/// CD offers `os.time`), and records any other module instead of looking for a file.
fn require_recorder(lua: &Lua, log: Log) -> mlua::Result<Function> {
    let package: Option<Table> = lua.globals().get("package").ok();
    let loaded: Option<Table> = package.as_ref().and_then(|p| p.get("loaded").ok());
    let preload: Option<Table> = package.as_ref().and_then(|p| p.get("preload").ok());
    lua.create_function(move |_, module: LuaValue| {
        let m = match &module {
            LuaValue::String(s) => s.to_string_lossy(),
            other => other.type_name().to_owned(),
        };
        if let Some(v) = loaded
            .as_ref()
            .and_then(|l| l.get::<LuaValue>(m.as_str()).ok())
            .filter(|v| !v.is_nil())
        {
            return Ok(v);
        }
        if let Some(f) = preload
            .as_ref()
            .and_then(|p| p.get::<Function>(m.as_str()).ok())
        {
            return f.call::<LuaValue>(m.as_str());
        }
        log.borrow_mut().push(format!("require(\"{m}\")"));
        Ok(LuaValue::Nil)
    })
}

/// No file may be loaded as a module: only preloaded and standard modules resolve, even when a
/// script calls `package.loaders[2]` itself.
fn close_file_loaders(lua: &Lua) -> mlua::Result<()> {
    let Ok(package) = lua.globals().get::<Table>("package") else {
        return Ok(());
    };
    package.set("path", "")?;
    package.set("cpath", "")?;
    if let Ok(loaders) = package.get::<Table>("loaders") {
        let only_preload = lua.create_table()?;
        only_preload.set(1, loaders.get::<LuaValue>(1)?)?;
        package.set("loaders", only_preload)?;
    }
    Ok(())
}

/// `load` and `loadstring` that take text only. Lua 5.1 loads precompiled bytecode, whose
/// verifier is known to be escapable; gopher-lua refuses it, so refusing it matches Argo CD.
/// The pieces a reader function gives are collected outside the Lua state, so they are capped
/// at the state's memory limit: beyond it `load` answers nil and "not enough memory", as Lua
/// does when the state runs out.
fn refuse_bytecode(lua: &Lua, log: &Log, memory_limit: usize) -> mlua::Result<()> {
    let globals = lua.globals();
    for name in ["load", "loadstring"] {
        if !globals.contains_key(name)? {
            continue;
        }
        let log = log.clone();
        let f =
            lua.create_function(move |lua, (chunk, chunkname): (LuaValue, Option<String>)| {
                let bytes = match chunk_bytes(chunk, memory_limit)? {
                    Ok(b) => b,
                    Err(why) => return Ok((LuaValue::Nil, Some(why))),
                };
                if bytes.first() == Some(&27) {
                    log.borrow_mut()
                        .push("load of precompiled bytecode".to_owned());
                    return Ok((
                        LuaValue::Nil,
                        Some("binary chunks are not loaded".to_owned()),
                    ));
                }
                let chunk = lua
                    .load(bytes)
                    .set_name(chunkname.unwrap_or_else(|| "=(load)".to_owned()))
                    .set_mode(mlua::chunk::ChunkMode::Text);
                match chunk.into_function() {
                    Ok(f) => Ok((LuaValue::Function(f), None)),
                    Err(e) => Ok((LuaValue::Nil, Some(runtime::error_text(&e)))),
                }
            })?;
        globals.set(name, f)?;
    }
    Ok(())
}

/// The text of a chunk given to `load`: a string, or the pieces a reader function returns,
/// at most `limit` bytes of them.
fn chunk_bytes(chunk: LuaValue, limit: usize) -> mlua::Result<Result<Vec<u8>, String>> {
    let mut bytes: Vec<u8> = Vec::new();
    match chunk {
        LuaValue::String(s) => bytes.extend_from_slice(&s.as_bytes()),
        LuaValue::Function(reader) => loop {
            match reader.call::<LuaValue>(())? {
                LuaValue::String(piece) if !piece.as_bytes().is_empty() => {
                    let piece = piece.as_bytes();
                    if bytes.len().saturating_add(piece.len()) > limit {
                        return Ok(Err("not enough memory".to_owned()));
                    }
                    bytes.extend_from_slice(&piece)
                }
                _ => break,
            }
        },
        other => {
            return Ok(Err(format!(
                "bad argument to load ({} given)",
                other.type_name()
            )))
        }
    }
    Ok(Ok(bytes))
}

/// Standard streams are file objects whose methods write, and `print` would mix a script's
/// output into ours.
fn silence_output(lua: &Lua) -> mlua::Result<()> {
    let globals = lua.globals();
    if let Ok(io) = globals.get::<Table>("io") {
        for stream in ["stdin", "stdout", "stderr"] {
            io.set(stream, LuaValue::Nil)?;
        }
    }
    globals.set("print", lua.create_function(|_, _: MultiValue| Ok(()))?)
}

/// Why a returned value gives Argo CD an empty status.
fn empty_reason(v: &LuaValue) -> String {
    let LuaValue::Table(t) = v else {
        return "the script returns nil (or nothing)".to_owned();
    };
    for field in ["status", "message"] {
        for pair in t.pairs::<LuaValue, LuaValue>().flatten() {
            if let (LuaValue::String(k), val) = &pair {
                if k.to_string_lossy().eq_ignore_ascii_case(field)
                    && !matches!(val, LuaValue::String(_))
                {
                    return format!("`{field}` is not a string (a Lua {})", val.type_name());
                }
            }
        }
    }
    "the script returns an empty table (or a list)".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::{Health, Status};
    use serde_json::json;

    fn run(script: &str, libs: Libraries) -> Recorded {
        Sandbox::new(libs)
            .run(script, &json!({"status": {}}))
            .expect("state")
    }

    #[test]
    fn dangerous_calls_are_recorded_and_not_run() {
        let r = run(
            "os.execute('true') io.open('/nonexistent/x', 'w') dofile('/x.lua') require('nope')\n\
             return { status = 'Healthy', message = 'ok' }",
            Libraries::Open,
        );
        assert_eq!(
            r.calls,
            ["os.execute", "io.open", "dofile", "require(\"nope\")"]
        );
        assert_eq!(
            r.outcome,
            Outcome::Health(Health::new(Status::Healthy, "ok"))
        );
    }

    #[test]
    fn require_os_still_gives_time_and_date_without_open_libraries() {
        let r = run(
            "local os = require('os') return { status = 'Healthy', message = type(os.time) }",
            Libraries::Closed,
        );
        assert!(r.calls.is_empty(), "{:?}", r.calls);
        assert_eq!(
            r.outcome,
            Outcome::Health(Health::new(Status::Healthy, "function"))
        );
    }

    #[test]
    fn bytecode_is_refused_and_text_loads() {
        let r = run(
            "local f, e = loadstring('\\027Lua') local g = loadstring('return 1')\n\
             return { status = 'Healthy', message = tostring(e) .. ' ' .. tostring(g()) }",
            Libraries::Closed,
        );
        assert_eq!(r.calls, ["load of precompiled bytecode"]);
        assert_eq!(
            r.outcome,
            Outcome::Health(Health::new(
                Status::Healthy,
                "binary chunks are not loaded 1"
            ))
        );
    }

    #[test]
    fn string_rep_errors_stay_lua_strings_under_the_recorder() {
        let r = run(
            "local ok, e = pcall(function() return 1 + #string.rep() end)\n\
             return { status = 'Healthy', message = type(e) .. ': ' .. tostring(e) }",
            Libraries::Open,
        );
        assert_eq!(
            r.outcome,
            Outcome::Health(Health::new(
                Status::Healthy,
                "string: health.lua:1: bad argument #1 to 'rep' (string expected, got no value)"
            ))
        );
    }

    #[test]
    fn an_empty_status_says_why() {
        let r = run(
            "return { status = 'Healthy', message = 5 }",
            Libraries::Closed,
        );
        assert_eq!(r.outcome, Outcome::Empty);
        assert_eq!(
            r.empty_reason.as_deref(),
            Some("`message` is not a string (a Lua integer)")
        );
        let r = run("return nil", Libraries::Closed);
        assert_eq!(
            r.empty_reason.as_deref(),
            Some("the script returns nil (or nothing)")
        );
    }

    #[test]
    fn syntax_and_runtime_errors_are_outcomes_as_in_the_runtime() {
        let script = "return obj.status.phase.x";
        let r = run(script, Libraries::Closed);
        let plain = Runtime::default()
            .run(script, &json!({"status": {}}))
            .expect("state");
        assert_eq!(r.outcome, plain);
        assert!(matches!(r.outcome, Outcome::Error(_)));
        assert!(matches!(
            run("return {", Libraries::Closed).outcome,
            Outcome::Error(_)
        ));
    }
}
