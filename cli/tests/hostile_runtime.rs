//! Hostile scripts in the runtime and the audit sandbox (issue #17): the time and memory limits cannot
//! be caught or escaped, bytecode is refused, and a returned table encodes in linear time.

mod support;

use mas_health::argocd::runtime::{Libraries, Outcome, Runtime};
use mas_health::audit::Sandbox;
use serde_json::json;
use std::time::Duration;
use std::time::Instant;
use support::deadline;

// Item 1: every run ends, and the limit cannot be caught.

#[test]
fn the_time_limit_cannot_be_caught_by_pcall() {
    let script = "while true do pcall(function() while true do end end) end";
    for libs in [Libraries::Closed, Libraries::Open] {
        let start = Instant::now();
        let out = Runtime::with_libraries(libs)
            .run(script, &json!({}))
            .expect("state");
        assert!(deadline(&out), "{out:?}");
        assert!(
            start.elapsed() < Duration::from_secs(3),
            "{:?}",
            start.elapsed()
        );
        let rec = Sandbox::new(libs).run(script, &json!({})).expect("state");
        assert!(deadline(&rec.outcome), "{:?}", rec.outcome);
    }
}

#[test]
fn a_caught_limit_does_not_let_the_script_return_a_verdict() {
    let script = "local ok = pcall(function() while true do end end)\n\
                  return { status = 'Healthy', message = tostring(ok) }";
    let out = Runtime::default().run(script, &json!({})).expect("state");
    assert!(deadline(&out), "{out:?}");
}

#[test]
fn the_wall_clock_limit_stops_slow_instructions() {
    // Few instructions, each slow: the instruction count alone would allow this for minutes.
    let script = "local s = string.rep('x', 1000000) \
                  while true do local t = s:upper() end";
    let rt = Runtime {
        instruction_limit: u64::MAX,
        ..Runtime::with_libraries(Libraries::Open)
    };
    let start = Instant::now();
    let out = rt.run(script, &json!({})).expect("state");
    assert!(deadline(&out), "{out:?}");
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

// Item 2: what `load` collects from a reader counts against the memory limit.

#[test]
fn load_with_a_reader_stops_at_the_memory_limit() {
    // 16 MiB built with closed libraries, handed to load 100,000 times (1.6 TB).
    let script = r#"
        local s = "x"
        for _ = 1, 24 do s = s .. s end
        local n = 0
        local f, err = load(function()
          n = n + 1
          if n > 100000 then return nil end
          return s
        end)
        return { status = "Degraded", message = tostring(f) .. " " .. tostring(err) }
    "#;
    let rec = Sandbox::new(Libraries::Closed)
        .run(script, &json!({}))
        .expect("state");
    assert_eq!(
        rec.outcome,
        Outcome::Health(mas_health::Health::new(
            mas_health::Status::Degraded,
            "nil not enough memory"
        ))
    );
}

// Item 3: a script is text; precompiled bytecode is a parse error, as in Argo CD.

#[test]
fn bytecode_scripts_are_parse_errors_everywhere() {
    use mas_health::argocd::runtime::{check_syntax, compile};
    const BINARY: &str = "syntax error: attempt to load a binary chunk (mode is 't')";
    for script in ["\x1bLJ\x02\x0a", "\x1bLua\x51\x00", "\x1bLJ"] {
        let err = check_syntax(script).expect_err("bytecode is not a script");
        assert_eq!(err, BINARY);
        assert!(compile(script).is_err());
        let out = Runtime::default().run(script, &json!({})).expect("state");
        assert_eq!(out, Outcome::Error(BINARY.to_owned()));
        let rec = Sandbox::new(Libraries::Open)
            .run(script, &json!({}))
            .expect("state");
        assert_eq!(rec.outcome, Outcome::Error(BINARY.to_owned()));
    }
}

// Item 15: encoding a returned table is linear, and deep nesting is an error, not a stack
// overflow.

#[test]
fn a_result_of_many_tables_encodes_in_linear_time() {
    let script = "local items = {}\n\
                  for i = 1, 400000 do items[i] = {} end\n\
                  return { status = 'Healthy', message = 'many', items = items }";
    let rt = Runtime::with_libraries(Libraries::Closed);
    let start = Instant::now();
    let out = rt.run(script, &json!({})).expect("state");
    assert_eq!(
        out,
        Outcome::Health(mas_health::Health::new(mas_health::Status::Healthy, "many"))
    );
    // Quadratic, this took 40 s here; linear, a fraction of a second.
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_result_nested_too_deep_is_an_error_not_a_stack_overflow() {
    let nested = |levels: usize| {
        format!(
            "local t = {{}}\nfor i = 2, {levels} do t = {{ t }} end\n\
             return {{ status = 'Healthy', message = 'deep', x = t }}"
        )
    };
    let rt = Runtime::with_libraries(Libraries::Closed);
    // The result object is one level, `x` the rest.
    let out = rt.run(&nested(999), &json!({})).expect("state");
    assert!(matches!(out, Outcome::Health(_)), "{out:?}");
    let too_deep =
        Outcome::Error("cannot encode a result nested deeper than 1000 levels".to_owned());
    for levels in [1_000, 100_000] {
        let out = rt.run(&nested(levels), &json!({})).expect("state");
        assert_eq!(out, too_deep);
    }
}
