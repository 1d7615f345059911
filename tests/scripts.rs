//! Every generated script is strict Lua 5.1, uses no closed library, is deterministic, and
//! lua-out/ holds exactly what the generator produces.

mod support;

use mas_health::argocd::runtime;
use mas_health::emit;
use mas_health::io as output;
use proptest::prelude::*;

#[test]
fn every_generated_script_parses_as_strict_lua51() {
    for e in mas_health::Catalog::standard().entries().to_vec() {
        let script = emit(&e.rule);
        if let Err(errors) = mas_health::parse_lua51(&script) {
            panic!("{}: {errors:?}\n{script}", e.key());
        }
        runtime::check_syntax(&script).unwrap_or_else(|err| panic!("{}: {err}", e.key()));
    }
}

#[test]
fn no_generated_script_references_a_closed_library() {
    for e in mas_health::Catalog::standard().entries().to_vec() {
        let script = emit(&e.rule);
        let uses = mas_health::closed_library_uses(&script);
        assert!(uses.is_empty(), "{} uses {uses:?}", e.key());
    }
}

#[test]
fn closed_library_check_catches_string_methods_and_libraries() {
    let uses = mas_health::closed_library_uses("local s = string.lower(x) return x:upper()");
    assert_eq!(uses, vec!["string".to_owned(), ":".to_owned()]);
    let uses = mas_health::closed_library_uses("local m = math.floor(1) local t = os.time()");
    assert_eq!(uses, vec!["math".to_owned(), "os".to_owned()]);
}

#[test]
fn field_names_and_table_keys_are_not_library_uses() {
    let script =
        "local k = { string = true, os = 1 }\nreturn { status = obj.string, message = k.math }";
    assert!(mas_health::closed_library_uses(script).is_empty());
}

#[test]
fn emission_is_deterministic_and_has_a_header() {
    for e in mas_health::Catalog::standard().entries().to_vec() {
        let a = emit(&e.rule);
        assert_eq!(a, emit(&e.rule));
        let first = a.lines().next().unwrap_or_default();
        assert_eq!(first, format!("-- mas-health: {}", e.rule.name));
    }
}

#[test]
fn lua_out_matches_the_generator() {
    let root = support::root().join("lua-out");
    let files = output::lua_out(&mas_health::Catalog::standard(), &output::Target::default())
        .expect("every output renders");
    for f in files {
        let path = root.join(&f.path);
        let on_disk = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("{} is missing: run `mas-health generate`", path.display()));
        assert!(
            on_disk == f.contents,
            "{} is stale: run `mas-health generate`",
            path.display()
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_string_survives_emission_as_a_literal(s in "\\PC*|[\\x00-\\x7f]*|.*") {
        let lit = emit::lua_string(&s);
        let script = format!("local s = {lit}\nreturn {{ status = \"Healthy\", message = s }}");
        prop_assert!(mas_health::parse_lua51(&script).is_ok());
        let out = runtime::run(&script, &serde_json::json!({})).expect("runtime starts");
        prop_assert_eq!(out.health().map(|h| h.message.clone()), Some(s.clone()));
    }

    #[test]
    fn any_text_in_a_rule_message_reaches_argo_cd_unchanged(s in "\\PC*", name in "\\PC*") {
        let rule = mas_health::Rule::named(&name).otherwise(mas_health::Status::Progressing, mas_health::Message::text(&s));
        let script = emit(&rule);
        prop_assert!(mas_health::parse_lua51(&script).is_ok());
        let out = runtime::run(&script, &serde_json::json!({})).expect("runtime starts");
        prop_assert_eq!(out.health().map(|h| h.message.clone()), Some(s.clone()));
    }
}
