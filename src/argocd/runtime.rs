//! The Argo CD Lua runtime: runs a health script (ours or anyone's) the way Argo CD does.
//!
//! A fresh state per evaluation with only base, table and package opened (plus `require("os")`
//! giving `time` and `date`), the object set as global `obj` after Argo CD's conversion (null ->
//! nil, nulls dropped from arrays, every number a float, no array metatables), Argo CD's
//! one-second timeout (a wall-clock and an instruction limit, which `pcall` cannot catch), scripts
//! loaded as text only, and Argo CD's handling of what the script returns.

use super::Verdict;
use crate::rule::{Health, Status};
use mlua::{
    Function, HookTriggers, Lua, LuaOptions, LuaSerdeExt, MultiValue, StdLib, Table,
    Value as LuaValue, VmState,
};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use thiserror::Error;

/// The message Argo CD reports when a script returns a status it does not know.
pub const INVALID_STATUS: &str = "Lua returned an invalid health status";

/// Errors setting up the interpreter (never errors of the script, which are [`Outcome::Error`]).
#[derive(Debug, Error)]
pub enum RuntimeError {
    /// The Lua state could not be created or prepared.
    #[error("cannot prepare the Lua state: {0}")]
    Setup(String),
}

impl From<mlua::Error> for RuntimeError {
    fn from(e: mlua::Error) -> Self {
        // mlua's error is not Send without its `send` feature; keep the text.
        RuntimeError::Setup(e.to_string())
    }
}

/// What Argo CD makes of one evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A valid status and a message (an invalid status has already become Unknown).
    Health(Health),
    /// Argo CD records an empty status: the script returned nil, an empty table, or a table whose
    /// `status` or `message` has the wrong type.
    Empty,
    /// Argo CD reports `Unknown` with this text: a syntax or runtime error, the time limit, or a
    /// return value that is not a table.
    Error(String),
}

impl Outcome {
    /// The verdict Argo CD stores: errors are Unknown with their text.
    pub fn verdict(&self) -> Verdict {
        match self {
            Outcome::Health(h) => Verdict::from(h.clone()),
            Outcome::Empty => Verdict::empty(),
            Outcome::Error(e) => Verdict::from(Health::new(Status::Unknown, e.clone())),
        }
    }

    /// The verdict when the script produced one with a valid status.
    pub fn health(&self) -> Option<&Health> {
        match self {
            Outcome::Health(h) => Some(h),
            _ => None,
        }
    }
}

/// Which standard libraries the script sees, as Argo CD's `useOpenLibs` sets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Libraries {
    /// The default: base, table, package, and `require("os")` with `time` and `date` only.
    #[default]
    Closed,
    /// `useOpenLibs: true`: every standard library.
    Open,
}

/// The interpreter settings for a run.
#[derive(Debug, Clone, Copy)]
pub struct Runtime {
    /// Which libraries are open.
    pub libraries: Libraries,
    /// VM instructions allowed before the run stops as Argo CD's timeout would stop it.
    pub instruction_limit: u64,
    /// Bytes the state may allocate.
    pub memory_limit: usize,
    /// Wall-clock time one evaluation may take, Argo CD's timeout (1 s).
    pub time_limit: Duration,
}

impl Default for Runtime {
    fn default() -> Self {
        Runtime {
            libraries: Libraries::Closed,
            // Far more than any health check needs, and well under a second of interpretation.
            instruction_limit: 20_000_000,
            memory_limit: 64 << 20,
            time_limit: Duration::from_secs(1),
        }
    }
}

const HOOK_EVERY: u32 = 1000;

/// The error Argo CD reports when an evaluation runs out of time.
pub const DEADLINE: &str = "context deadline exceeded";

/// Runs `script` on `obj` with the default (closed-library) runtime.
pub fn run(script: &str, obj: &Value) -> Result<Outcome, RuntimeError> {
    Runtime::default().run(script, obj)
}

impl Runtime {
    /// A runtime with the given libraries and the default limits.
    pub fn with_libraries(libraries: Libraries) -> Self {
        Runtime {
            libraries,
            ..Runtime::default()
        }
    }

    /// Creates a fresh state prepared as Argo CD prepares one, with `obj` set.
    pub fn state(&self, obj: &Value) -> Result<Lua, RuntimeError> {
        // `jit` is opened only to switch the compiler off (see `interpret_only`), then removed.
        let libs = match self.libraries {
            Libraries::Closed => StdLib::TABLE | StdLib::PACKAGE | StdLib::OS | StdLib::JIT,
            // ALL_SAFE leaves out ffi; bit and jit are removed below.
            Libraries::Open => StdLib::ALL_SAFE,
        };
        let lua = Lua::new_with(libs, LuaOptions::default())?;
        interpret_only(&lua)?;
        if self.libraries == Libraries::Closed {
            close_libraries(&lua)?;
        }
        // gopher-lua has neither: newproxy's __gc could also run code after the time limit.
        lua.globals().set("newproxy", LuaValue::Nil)?;
        lua.globals().set("gcinfo", LuaValue::Nil)?;
        // LuaJIT states take mlua's allocator only in GC64 builds; elsewhere the memory is
        // bounded by the process (the audit's child process, LuaJIT's own 2 GB ceiling).
        match lua.set_memory_limit(self.memory_limit) {
            Ok(_) | Err(mlua::Error::MemoryControlNotAvailable) => {}
            Err(e) => return Err(e.into()),
        }
        lua.globals().set("obj", to_lua(&lua, obj)?)?;
        self.limit_instructions(&lua)?;
        Ok(lua)
    }

    /// Stops the run once it has used its instructions or its wall-clock time. Once spent, the
    /// limit stays spent: every later hook call fails again, so a script that catches the error
    /// with `pcall` and loops cannot go on.
    fn limit_instructions(&self, lua: &Lua) -> Result<(), RuntimeError> {
        let budget = self.instruction_limit;
        let deadline = Instant::now() + self.time_limit;
        let used = Cell::new(0u64);
        // A global hook also counts instructions run inside coroutines.
        lua.set_global_hook(
            HookTriggers::new().every_nth_instruction(HOOK_EVERY),
            move |lua, _| {
                used.set(used.get().saturating_add(u64::from(HOOK_EVERY)));
                if used.get() <= budget && Instant::now() < deadline {
                    return Ok(VmState::Continue);
                }
                // From now on every instruction fails, so the error also reaches code outside
                // the `pcall` that catches this one.
                lua.set_global_hook(HookTriggers::new().every_nth_instruction(1), |_, _| {
                    Err(mlua::Error::RuntimeError(DEADLINE.to_owned()))
                })?;
                Err(mlua::Error::RuntimeError(DEADLINE.to_owned()))
            },
        )?;
        Ok(())
    }

    /// Runs `script` on `obj` in a fresh state, as Argo CD up to 3.5 does for every evaluation.
    pub fn run(&self, script: &str, obj: &Value) -> Result<Outcome, RuntimeError> {
        let lua = self.state(obj)?;
        Ok(match load(&lua, script) {
            Ok(f) => call(&f),
            Err(e) => Outcome::Error(e),
        })
    }

    /// Runs precompiled bytecode (from [`compile`]) on `obj` in a fresh state, as Argo CD 3.6
    /// does with its cache of compiled scripts.
    pub fn run_compiled(&self, bytecode: &[u8], obj: &Value) -> Result<Outcome, RuntimeError> {
        let lua = self.state(obj)?;
        let func = match lua
            .load(bytecode)
            .set_name("=health.lua")
            .set_mode(mlua::chunk::ChunkMode::Binary)
            .into_function()
        {
            Ok(f) => f,
            Err(e) => return Ok(Outcome::Error(error_text(&e))),
        };
        Ok(call(&func))
    }
}

/// Switches LuaJIT's compiler off and removes the libraries gopher-lua does not have.
///
/// The instruction hook that stands in for Argo CD's timeout does not fire inside compiled
/// traces, so `while true do end` would never stop with the JIT on; interpreting only also keeps
/// each evaluation's cost flat (a fresh state never lives long enough to profit from traces).
fn interpret_only(lua: &Lua) -> Result<(), RuntimeError> {
    let globals = lua.globals();
    let jit: Table = globals.get("jit")?;
    jit.get::<Function>("off")?.call::<()>(())?;
    let package: Table = globals.get("package")?;
    let loaded: Table = package.get("loaded")?;
    for name in ["jit", "bit", "ffi"] {
        globals.set(name, LuaValue::Nil)?;
        loaded.set(name, LuaValue::Nil)?;
    }
    // LuaJIT preloads `table.new`, `table.clear`, `string.buffer` and `jit.*` modules.
    package.set("preload", lua.create_table()?)?;
    Ok(())
}

/// Leaves what Argo CD's closed state has: base, table, package, and `require("os")` giving
/// `time` and `date`.
fn close_libraries(lua: &Lua) -> Result<(), RuntimeError> {
    // Lua 5.1's base library also opens `coroutine`, and the os library is only wanted
    // behind require: Argo CD's closed state has neither as a global.
    let globals = lua.globals();
    let os: Table = globals.get("os")?;
    let safe = lua.create_table()?;
    safe.set("time", os.get::<LuaValue>("time")?)?;
    safe.set("date", os.get::<LuaValue>("date")?)?;
    // Argo CD's OpenSafeOs registers its functions under the table library's name, so
    // `table.time` and `table.date` exist there too.
    let table: Table = globals.get("table")?;
    table.set("time", os.get::<LuaValue>("time")?)?;
    table.set("date", os.get::<LuaValue>("date")?)?;
    globals.set("os", LuaValue::Nil)?;
    globals.set("coroutine", LuaValue::Nil)?;
    let package: Table = globals.get("package")?;
    let loaded: Table = package.get("loaded")?;
    loaded.set("os", LuaValue::Nil)?;
    loaded.set("coroutine", LuaValue::Nil)?;
    let preload: Table = package.get("preload")?;
    preload.set("os", lua.create_function(move |_, ()| Ok(safe.clone()))?)?;
    Ok(())
}

/// Compiles `script` once into bytecode for [`Runtime::run_compiled`]; a syntax error is returned
/// as the text Argo CD would report.
pub fn compile(script: &str) -> Result<Vec<u8>, String> {
    let lua = Lua::new_with(StdLib::NONE, LuaOptions::default()).map_err(|e| e.to_string())?;
    let func = load(&lua, script)?;
    Ok(func.dump(false))
}

/// Checks that `script` compiles, returning the error text otherwise.
pub fn check_syntax(script: &str) -> Result<(), String> {
    compile(script).map(|_| ())
}

pub(crate) fn error_text(e: &mlua::Error) -> String {
    // mlua wraps Lua's message with a traceback on callback errors; Argo CD shows the first line.
    let text = match e {
        mlua::Error::CallbackError { cause, .. } => cause.to_string(),
        other => other.to_string(),
    };
    text.lines().next().unwrap_or_default().to_owned()
}

/// Loads `script` as Argo CD does, as text named `health.lua`; a syntax error is returned as
/// the text Argo CD reports. Callers may change the state between [`Runtime::state`] and this.
///
/// Text only: gopher-lua cannot load precompiled bytecode (`\x1bLua`, LuaJIT's `\x1bLJ`), so
/// a script that is bytecode is a parse error here too, never run.
pub(crate) fn load(lua: &Lua, script: &str) -> Result<Function, String> {
    lua.load(script)
        .set_name("=health.lua")
        .set_mode(mlua::chunk::ChunkMode::Text)
        .into_function()
        .map_err(|e| error_text(&e))
}

/// Calls a loaded script and gives the value Argo CD reads, or the error text it reports.
pub(crate) fn returned(func: &Function) -> Result<LuaValue, String> {
    let values = func.call::<MultiValue>(()).map_err(|e| error_text(&e))?;
    // Argo CD reads the top of the stack: the last value returned, nil when there is none.
    Ok(values.into_iter().last().unwrap_or(LuaValue::Nil))
}

/// Calls a loaded script and applies Argo CD's handling of what it returns.
fn call(func: &Function) -> Outcome {
    match returned(func) {
        Ok(last) => interpret(&last),
        Err(e) => Outcome::Error(e),
    }
}

/// Applies Argo CD's handling of a script's return value.
pub fn interpret(v: &LuaValue) -> Outcome {
    match v {
        LuaValue::Nil => Outcome::Empty,
        LuaValue::Table(_) => match encode(v, &mut HashSet::new(), 1) {
            Err(e) => Outcome::Error(e),
            Ok(Value::Array(_)) => Outcome::Empty,
            Ok(Value::Object(map)) => decode(&map),
            Ok(_) => Outcome::Empty,
        },
        other => Outcome::Error(format!(
            "expect table output, but found {}",
            other.type_name()
        )),
    }
}

/// Decodes `{status, message}` as Go's encoding/json does into Argo CD's HealthStatus: keys match
/// case-insensitively, the last matching key in sorted order wins, and any wrongly typed match
/// makes the whole result an empty status.
fn decode(map: &Map<String, Value>) -> Outcome {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort();
    let mut status = String::new();
    let mut message = String::new();
    let mut type_error = false;
    for k in keys {
        let folded = fold(k);
        let target = if folded == fold("status") {
            &mut status
        } else if folded == fold("message") {
            &mut message
        } else {
            continue;
        };
        match &map[k] {
            Value::String(s) => *target = s.clone(),
            _ => type_error = true,
        }
    }
    if type_error {
        return Outcome::Empty;
    }
    match Status::parse(&status) {
        Some(st) => Outcome::Health(Health::new(st, message)),
        None => Outcome::Health(Health::new(Status::Unknown, INVALID_STATUS)),
    }
}

fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// Encodes a Lua value to JSON as gopher-json does for Argo CD: an empty table is `[]`, a table
/// with keys 1..n is an array, one with string keys an object; anything else is an error.
///
/// Like gopher-json, a table met a second time anywhere in the value (not only within its own
/// nesting) is an error: its set of visited tables is never emptied. The set is hashed, so a
/// result of many tables encodes in linear time (a list kept quadratic time: 40 s of CPU).
fn encode(
    v: &LuaValue,
    visited: &mut HashSet<*const std::ffi::c_void>,
    depth: usize,
) -> Result<Value, String> {
    if let LuaValue::Table(t) = v {
        if !visited.insert(t.to_pointer()) {
            return Err("cannot encode recursively nested tables to JSON".to_owned());
        }
        // Each level holds a frame of ours and Lua references: a bound keeps both in reach on
        // any thread's stack. No health result comes near it.
        if depth > MAX_RESULT_DEPTH {
            return Err(format!(
                "cannot encode a result nested deeper than {MAX_RESULT_DEPTH} levels"
            ));
        }
    }
    match v {
        LuaValue::Nil => Ok(Value::Null),
        LuaValue::Boolean(b) => Ok(Value::Bool(*b)),
        LuaValue::Integer(i) => Ok(Value::from(*i)),
        LuaValue::Number(n) => serde_json::Number::from_f64(*n)
            .map(Value::Number)
            .ok_or_else(|| format!("json: unsupported value: {n}")),
        LuaValue::String(s) => Ok(Value::String(s.to_string_lossy())),
        LuaValue::Table(t) => {
            let mut ints: Vec<(i64, Value)> = Vec::new();
            let mut strs: Map<String, Value> = Map::new();
            for pair in t.pairs::<LuaValue, LuaValue>() {
                let (k, val) = pair.map_err(|e| e.to_string())?;
                let encoded = encode(&val, visited, depth + 1)?;
                match k {
                    LuaValue::Integer(i) => ints.push((i, encoded)),
                    LuaValue::Number(n) if n.fract() == 0.0 && n.abs() < 9e15 => {
                        ints.push((n as i64, encoded))
                    }
                    LuaValue::String(s) => {
                        strs.insert(s.to_string_lossy(), encoded);
                    }
                    _ => return Err("cannot encode mixed or invalid key types".to_owned()),
                }
            }
            if !ints.is_empty() && !strs.is_empty() {
                return Err("cannot encode mixed or invalid key types".to_owned());
            }
            if strs.is_empty() {
                ints.sort_by_key(|(i, _)| *i);
                if ints
                    .iter()
                    .enumerate()
                    .any(|(n, (i, _))| *i != n as i64 + 1)
                {
                    return Err("cannot encode sparse array".to_owned());
                }
                return Ok(Value::Array(ints.into_iter().map(|(_, v)| v).collect()));
            }
            Ok(Value::Object(strs))
        }
        other => Err(format!("cannot encode {} to JSON", other.type_name())),
    }
}

/// The deepest result encoded.
const MAX_RESULT_DEPTH: usize = 1_000;

/// Removes nulls from every array, as gopher-lua's `LTable.Append` does when Argo CD converts
/// an object; object members that are null are kept here and become nil (absent) in Lua.
pub fn drop_array_nulls(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|i| !i.is_null())
                .map(drop_array_nulls)
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), drop_array_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Converts a JSON value to the Lua value Argo CD would hand a script.
pub fn to_lua(lua: &Lua, v: &Value) -> Result<LuaValue, RuntimeError> {
    let opts = mlua::serde::ser::Options::new()
        .serialize_none_to_null(false)
        .serialize_unit_to_null(false)
        .set_array_metatable(false);
    Ok(lua.to_value_with(&drop_array_nulls(v), opts)?)
}
