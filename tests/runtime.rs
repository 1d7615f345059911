//! The Argo CD runtime behaves as Argo CD does: environment, object conversion, result handling.

use mas_health::argocd::runtime::{self, Libraries, Outcome, Runtime, INVALID_STATUS};
use mas_health::{Health, Status};
use serde_json::json;

fn run(script: &str, obj: serde_json::Value) -> Outcome {
    runtime::run(script, &obj).expect("the runtime starts")
}

fn healthy(msg: &str) -> Outcome {
    Outcome::Health(Health::new(Status::Healthy, msg))
}

#[test]
fn closed_state_has_no_string_math_os_io_or_coroutine() {
    let script = r#"
        local missing = {}
        for _, name in ipairs({"string", "math", "os", "io", "debug", "coroutine"}) do
          if _G[name] ~= nil then table.insert(missing, name) end
        end
        return { status = "Healthy", message = table.concat(missing, ",") }
    "#;
    assert_eq!(run(script, json!({})), healthy(""));
}

#[test]
fn string_methods_fail_with_closed_libraries() {
    let out = run(r#"return { status = ("x"):upper() }"#, json!({}));
    assert!(matches!(out, Outcome::Error(_)), "{out:?}");
}

#[test]
fn open_libraries_give_string_methods() {
    let out = Runtime::with_libraries(Libraries::Open)
        .run(
            r#"return { status = ("healthy"):gsub("^h", "H") }"#,
            &json!({}),
        )
        .expect("runtime starts");
    assert_eq!(out, healthy(""));
}

#[test]
fn require_os_gives_only_time_and_date() {
    let script = r#"
        local os = require("os")
        local names = {}
        for k, _ in pairs(os) do table.insert(names, k) end
        table.sort(names)
        return { status = "Healthy", message = table.concat(names, ",") }
    "#;
    assert_eq!(run(script, json!({})), healthy("date,time"));
}

#[test]
fn null_is_nil_and_nulls_are_dropped_from_arrays() {
    let script = r#"
        local c = obj.status.conditions
        local n = 0
        for _ in ipairs(c) do n = n + 1 end
        if obj.status.gone ~= nil then return { status = "Degraded" } end
        return { status = "Healthy", message = c[1].type .. tostring(n) }
    "#;
    let obj = json!({"status": {"gone": null, "conditions": [null, {"type": "Ready"}, null]}});
    assert_eq!(run(script, obj), healthy("Ready1"));
}

#[test]
fn empty_array_and_empty_object_are_both_empty_tables() {
    let script = r#"
        if type(obj.a) == "table" and type(obj.b) == "table" and next(obj.a) == nil
           and next(obj.b) == nil and getmetatable(obj.a) == nil then
          return { status = "Healthy" }
        end
        return { status = "Degraded" }
    "#;
    assert_eq!(run(script, json!({"a": [], "b": {}})), healthy(""));
}

#[test]
fn numbers_are_floats_that_compare_with_integers() {
    let script = r#"
        if obj.n == 3 and obj.f == 0.5 then return { status = "Healthy", message = tostring(obj.n) } end
        return { status = "Degraded" }
    "#;
    assert_eq!(run(script, json!({"n": 3, "f": 0.5})), healthy("3"));
}

#[test]
fn invalid_or_lower_case_status_is_unknown_invalid() {
    for s in [
        r#"return { status = "healthy" }"#,
        r#"return { status = "Fine" }"#,
        r#"return { message = "no status" }"#,
    ] {
        assert_eq!(
            run(s, json!({})),
            Outcome::Health(Health::new(Status::Unknown, INVALID_STATUS)),
            "{s}"
        );
    }
}

#[test]
fn nil_empty_table_and_wrong_types_give_an_empty_status() {
    for s in [
        "return nil",
        "local x = 1",
        "return {}",
        r#"return { status = "Healthy", message = 5 }"#,
        r#"return { status = "Healthy", message = { "a" } }"#,
        r#"return { status = 1 }"#,
        r#"return { "Healthy" }"#,
    ] {
        assert_eq!(run(s, json!({})), Outcome::Empty, "{s}");
    }
}

#[test]
fn non_table_return_is_an_error() {
    assert!(
        matches!(run(r#"return "Healthy""#, json!({})), Outcome::Error(e) if e.contains("expect table output"))
    );
}

#[test]
fn runtime_and_syntax_errors_are_errors_with_text() {
    let Outcome::Error(e) = run("return obj.status.phase", json!({})) else {
        panic!("indexing nil must fail");
    };
    assert!(e.contains("index"), "{e}");
    assert!(matches!(run("return {", json!({})), Outcome::Error(_)));
    assert!(matches!(run("goto x", json!({})), Outcome::Error(_)));
}

#[test]
fn runaway_script_is_stopped_like_a_timeout() {
    let Outcome::Error(e) = run("while true do end", json!({})) else {
        panic!("an endless loop must be stopped");
    };
    assert!(e.contains("deadline"), "{e}");
}

#[test]
fn status_key_matches_case_insensitively_like_go_json() {
    assert_eq!(
        run(r#"return { Status = "Healthy" }"#, json!({})),
        healthy("")
    );
}

#[test]
fn extra_fields_are_ignored_and_functions_cannot_be_encoded() {
    assert_eq!(
        run(
            r#"return { status = "Healthy", message = "m", extra = { 1, 2 } }"#,
            json!({})
        ),
        healthy("m")
    );
    assert!(matches!(
        run(
            r#"return { status = "Healthy", f = function() end }"#,
            json!({})
        ),
        Outcome::Error(_)
    ));
}

#[test]
fn compiled_bytecode_gives_the_same_outcome() {
    let script = r#"return { status = "Healthy", message = obj.metadata.name }"#;
    let obj = json!({"metadata": {"name": "max"}});
    let code = runtime::compile(script).expect("compiles");
    assert_eq!(
        Runtime::default().run_compiled(&code, &obj).expect("runs"),
        healthy("max")
    );
}

#[test]
fn endless_loops_stop_even_inside_coroutines() {
    // As Argo CD's deadline ends the whole evaluation, catching the error in the coroutine's
    // resume does not let the script go on to return a verdict (issue #17).
    let script = r#"
        local co = coroutine.create(function() while true do end end)
        local ok, err = coroutine.resume(co)
        return { status = "Degraded", message = tostring(ok) .. " " .. tostring(err) }
    "#;
    let out = Runtime::with_libraries(Libraries::Open)
        .run(script, &json!({}))
        .expect("runtime starts");
    assert!(
        matches!(&out, Outcome::Error(e) if e.contains("context deadline exceeded")),
        "{out:?}"
    );
}

#[test]
fn newproxy_and_gcinfo_are_absent_as_in_gopher_lua() {
    let out = run(
        r#"return { status = "Healthy", message = type(newproxy) .. type(gcinfo) }"#,
        json!({}),
    );
    assert_eq!(out, healthy("nilnil"));
}

#[test]
fn table_time_and_date_exist_as_argo_cds_safe_os_registers_them() {
    let out = run(
        r#"return { status = "Healthy", message = type(table.time) .. type(table.date) }"#,
        json!({}),
    );
    assert_eq!(out, healthy("functionfunction"));
}

#[test]
fn a_table_returned_twice_in_the_result_is_an_error_as_in_gopher_json() {
    let out = run(
        r#"local t = {} return { status = "Healthy", a = t, b = t }"#,
        json!({}),
    );
    assert!(matches!(out, Outcome::Error(_)), "{out:?}");
}

#[test]
fn goto_and_labels_run_as_gopher_lua_runs_them() {
    let script = r#"
        local n = 0
        for i = 1, 5 do
          if i % 2 == 0 then goto continue end
          n = n + i
          ::continue::
        end
        return { status = "Healthy", message = tostring(n) }
    "#;
    assert_eq!(run(script, json!({})), healthy("9"));
}

#[test]
fn luajit_libraries_are_absent_in_both_modes_as_in_gopher_lua() {
    let script = r#"
        local found = {}
        for _, name in ipairs({"jit", "bit", "ffi"}) do
          if _G[name] ~= nil or package.loaded[name] ~= nil then table.insert(found, name) end
          if pcall(require, name) then table.insert(found, "require " .. name) end
        end
        for _, name in ipairs({"table.new", "string.buffer", "jit.util"}) do
          if pcall(require, name) then table.insert(found, "require " .. name) end
        end
        return { status = "Healthy", message = table.concat(found, ",") }
    "#;
    for libs in [Libraries::Closed, Libraries::Open] {
        let out = Runtime::with_libraries(libs)
            .run(script, &json!({}))
            .expect("runtime starts");
        assert_eq!(out, healthy(""), "{libs:?}");
    }
}

#[test]
fn endless_loops_stop_with_open_libraries_too() {
    for script in [
        "while true do end",
        "local i = 0 repeat i = i + 1 until false",
        "local t = {} for i = 1, 1e12 do t[i % 10] = i end",
    ] {
        let out = Runtime::with_libraries(Libraries::Open)
            .run(script, &json!({}))
            .expect("runtime starts");
        assert_eq!(
            out,
            Outcome::Error("runtime error: context deadline exceeded".to_owned()),
            "{script}"
        );
    }
}

#[test]
fn numbers_print_as_lua_5_1_prints_them() {
    let script = r#"
        return { status = "Healthy", message = table.concat({ tostring(3), tostring(0.5),
          tostring(1e15), tostring(1e16), tostring(-0.25), tostring(2^53), tostring(obj.n) }, " ") }
    "#;
    assert_eq!(
        run(script, json!({"n": 42})),
        healthy("3 0.5 1e+15 1e+16 -0.25 9.007199254741e+15 42")
    );
}

#[test]
fn a_script_that_allocates_without_bound_is_stopped() {
    let out = Runtime::with_libraries(Libraries::Open)
        .run(
            r#"local s = string.rep("x", 2^30) return { status = "Healthy" }"#,
            &json!({}),
        )
        .expect("runtime starts");
    assert!(
        matches!(&out, Outcome::Error(e) if e.contains("memory")),
        "{out:?}"
    );
}
