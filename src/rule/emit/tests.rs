//! Golden scripts (one tiny rule per construct) and printer tests.
//!
//! Each golden case is checked against `src/rule/emit/golden/<case>.lua`, which a reviewer reads
//! in the diff; `UPDATE_GOLDEN=1 cargo test --lib rule::emit` rewrites them.

use super::lua::{self, BinOp, Expr, Stat};
use super::{emit, print};
use crate::rule::model::*;
use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/rule/emit/golden")
}

/// Compares `rule`'s script with the golden file `name.lua` (or rewrites it on request).
fn golden(name: &str, rule: &Rule) {
    let path = golden_dir().join(format!("{name}.lua"));
    let script = emit(rule);
    if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &script).expect("golden directory is writable");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        script == want,
        "{} differs (UPDATE_GOLDEN=1 rewrites it):\n--- want\n{want}\n--- got\n{script}",
        path.display()
    );
}

/// A rule with one clause `when` -> Degraded "hit", else Healthy "ok".
fn one(name: &str, when: Predicate) -> Rule {
    Rule::named(name)
        .when("hit", when, Status::Degraded, Message::text("hit"))
        .otherwise(Status::Healthy, Message::text("ok"))
}

fn ready() -> ConditionSelector {
    cond("Ready", "True")
}

fn failed() -> ConditionSelector {
    cond_any("Failed").with_reason_not("Retrying")
}

fn cases() -> Vec<(&'static str, Rule)> {
    [
        field_cases(),
        condition_cases(),
        combination_cases(),
        sharing_cases(),
        message_cases(),
    ]
    .concat()
}

/// Cases that read fields.
fn field_cases() -> Vec<(&'static str, Rule)> {
    vec![
        ("exists", one("exists", exists("status.phase"))),
        (
            "exists_odd_keys",
            one(
                "keys that are not Lua names",
                all(vec![
                    exists("metadata.labels"),
                    Predicate::Exists(Path::from_keys(["metadata", "labels", "app.k8s.io/end"])),
                    Predicate::Exists(Path::from_keys(["spec", "end"])),
                ]),
            ),
        ),
        (
            "one_of_strings",
            one(
                "one of",
                one_of("status.phase", &["Failed", "Error", "Lost"]),
            ),
        ),
        (
            "one_of_numbers_and_bools",
            one(
                "numbers and bools",
                any(vec![
                    Predicate::OneOf(
                        Path::parse("status.code"),
                        vec![Scalar::Num(0.0), Scalar::Num(-2.5), Scalar::Num(1e21)],
                    ),
                    Predicate::OneOf(Path::parse("status.nan"), vec![Scalar::Num(f64::NAN)]),
                    equals("status.ready", false),
                ]),
            ),
        ),
    ]
}

/// Cases that test conditions.
fn condition_cases() -> Vec<(&'static str, Rule)> {
    vec![
        (
            "condition_one_of",
            one(
                "condition type one of",
                ConditionSelector {
                    type_: TextMatch::OneOf(vec!["Failed".into(), "Error".into()]),
                    status: TextMatch::OneOf(vec!["True".into(), "Unknown".into()]),
                    reason: TextMatch::Any,
                }
                .holds(),
            ),
        ),
        (
            "condition_none_of",
            one(
                "condition reason none of",
                ConditionSelector {
                    type_: TextMatch::is("Ready"),
                    status: TextMatch::NoneOf(vec!["True".into()]),
                    reason: TextMatch::NoneOf(vec!["Pending".into(), "Waiting".into()]),
                }
                .holds(),
            ),
        ),
        (
            "condition_any",
            one(
                "any condition",
                ConditionSelector {
                    type_: TextMatch::Any,
                    status: TextMatch::Any,
                    reason: TextMatch::Any,
                }
                .holds(),
            ),
        ),
        (
            "conditions_share_reads",
            Rule::named("several selectors")
                .when(
                    "failed",
                    failed().holds(),
                    Status::Degraded,
                    Message::text("failed"),
                )
                .when(
                    "ready",
                    ready().holds(),
                    Status::Healthy,
                    Message::text("ready"),
                )
                .otherwise(Status::Progressing, Message::text("waiting")),
        ),
    ]
}

/// Cases that compare fields and combine tests.
fn combination_cases() -> Vec<(&'static str, Rule)> {
    vec![
        (
            "fields_equal_differ",
            Rule::named("fields equal or differ")
                .when(
                    "equal",
                    Predicate::FieldsEqual(Path::parse("spec.v"), Path::parse("status.v")),
                    Status::Healthy,
                    Message::text("same"),
                )
                .when(
                    "differ",
                    differ("spec.v", "status.v"),
                    Status::Progressing,
                    Message::text("upgrading"),
                )
                .otherwise(Status::Unknown, Message::text("")),
        ),
        (
            "observed_differs",
            one(
                "observed differs",
                Predicate::ObservedDiffers {
                    desired: Path::parse("spec.source"),
                    observed: Path::parse("status.sync.comparedTo.source"),
                },
            ),
        ),
        (
            "all_any_not",
            one(
                "nesting",
                any(vec![
                    all(vec![exists("status.a"), not(exists("status.b"))]),
                    not(any(vec![equals("status.c", "x"), ready().holds()])),
                    all(vec![]),
                    any(vec![]),
                ]),
            ),
        ),
    ]
}

/// Cases where the emitter shares work between clauses: one computed test, merged verdicts.
/// `spec.source` differs from the source the status was computed for.
fn stale_source() -> Predicate {
    Predicate::ObservedDiffers {
        desired: Path::parse("spec.source"),
        observed: Path::parse("status.sync.comparedTo.source"),
    }
}

fn sharing_cases() -> Vec<(&'static str, Rule)> {
    vec![
        (
            "shared_predicate",
            Rule::named("a test two clauses share")
                .when(
                    "stale and ready",
                    all(vec![differ("spec.v", "status.v"), ready().holds()]),
                    Status::Progressing,
                    Message::text("stale"),
                )
                .when(
                    "stale",
                    differ("spec.v", "status.v"),
                    Status::Degraded,
                    Message::text("stale, not ready"),
                )
                .otherwise(Status::Healthy, Message::text("ok")),
        ),
        (
            "shared_tree_comparison",
            Rule::named("a tree comparison two clauses share")
                .when(
                    "failed",
                    exists("status.error"),
                    Status::Degraded,
                    Message::text("failed"),
                )
                .when(
                    "stale and ready",
                    all(vec![stale_source(), ready().holds()]),
                    Status::Progressing,
                    Message::text("stale"),
                )
                .when(
                    "stale",
                    stale_source(),
                    Status::Degraded,
                    Message::text("stale, not ready"),
                )
                .otherwise(Status::Healthy, Message::text("ok")),
        ),
        (
            "same_verdict_merged",
            Rule::named("consecutive clauses with one verdict")
                .when(
                    "a",
                    exists("status.a"),
                    Status::Degraded,
                    Message::text("bad"),
                )
                .when(
                    "b",
                    exists("status.b"),
                    Status::Degraded,
                    Message::text("bad"),
                )
                .when(
                    "c",
                    exists("status.c"),
                    Status::Degraded,
                    Message::text("other"),
                )
                .when(
                    "d",
                    exists("status.d"),
                    Status::Degraded,
                    Message::text("bad"),
                )
                .otherwise(Status::Healthy, Message::text("ok")),
        ),
    ]
}

/// Cases about messages and literals.
fn message_cases() -> Vec<(&'static str, Rule)> {
    vec![
        (
            "messages",
            Rule::named("messages")
                .when(
                    "bound condition",
                    failed().holds(),
                    Status::Degraded,
                    Message::condition_after(&failed(), "failed: ", "failed"),
                )
                .when(
                    "field with prefix and text around",
                    exists("status.phase"),
                    Status::Progressing,
                    Message::text("phase")
                        .then(Message::field_after("status.phase", " ", ""))
                        .then_text(", ")
                        .then_text("version ")
                        .then(Message::field("status.version", "unknown")),
                )
                .otherwise(
                    Status::Progressing,
                    Message::condition(&ready(), "not ready")
                        .then_text("; ")
                        .then(Message::condition(&ready(), "")),
                ),
        ),
        (
            "non_ascii",
            Rule::named("Größe \"quoted\"\nnext line")
                .when(
                    "non-ASCII value",
                    equals("status.état", "prêt ✓"),
                    Status::Healthy,
                    Message::text("prêt\t\\ \"ok\" ✓"),
                )
                .otherwise(Status::Progressing, Message::text("en attente…")),
        ),
        (
            "empty_message",
            Rule::named("empty").otherwise(Status::Healthy, Message(vec![])),
        ),
    ]
}

fn case(name: &str) -> Rule {
    cases()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("no golden case {name}"))
}

#[test]
fn exists_compares_the_field_local_with_nil() {
    golden("exists", &case("exists"));
}

#[test]
fn keys_that_are_not_lua_names_are_indexed_with_brackets() {
    golden("exists_odd_keys", &case("exists_odd_keys"));
}

#[test]
fn one_of_strings_is_an_or_of_comparisons() {
    golden("one_of_strings", &case("one_of_strings"));
}

#[test]
fn numbers_print_as_shortest_exponent_and_nan_as_zero_over_zero() {
    golden(
        "one_of_numbers_and_bools",
        &case("one_of_numbers_and_bools"),
    );
}

#[test]
fn condition_one_of_tests_each_value_of_a_field_read_once() {
    golden("condition_one_of", &case("condition_one_of"));
}

#[test]
fn condition_none_of_tests_every_value_is_different() {
    golden("condition_none_of", &case("condition_none_of"));
}

#[test]
fn condition_any_matches_every_table_entry() {
    golden("condition_any", &case("condition_any"));
}

#[test]
fn several_selectors_share_one_scan_and_field_reads() {
    golden("conditions_share_reads", &case("conditions_share_reads"));
}

#[test]
fn fields_equal_and_differ_require_two_scalars() {
    golden("fields_equal_differ", &case("fields_equal_differ"));
}

#[test]
fn observed_differs_declares_the_recursive_helpers() {
    golden("observed_differs", &case("observed_differs"));
}

#[test]
fn all_any_not_nest_with_parentheses_only_where_needed() {
    golden("all_any_not", &case("all_any_not"));
}

#[test]
fn a_test_two_clauses_share_is_computed_once() {
    golden("shared_predicate", &case("shared_predicate"));
}

#[test]
fn a_shared_tree_comparison_stays_inline_so_it_runs_only_when_reached() {
    golden("shared_tree_comparison", &case("shared_tree_comparison"));
}

#[test]
fn consecutive_clauses_with_one_verdict_share_one_if() {
    golden("same_verdict_merged", &case("same_verdict_merged"));
}

#[test]
fn messages_read_non_empty_strings_with_prefix_and_fallback() {
    golden("messages", &case("messages"));
}

#[test]
fn non_ascii_bytes_become_decimal_escapes_and_comment_question_marks() {
    golden("non_ascii", &case("non_ascii"));
}

#[test]
fn an_empty_message_is_the_empty_string() {
    golden("empty_message", &case("empty_message"));
}

#[test]
fn every_golden_file_has_a_case() {
    let names: Vec<String> = cases().iter().map(|(n, _)| format!("{n}.lua")).collect();
    let dir = std::fs::read_dir(golden_dir()).expect("golden directory exists");
    for entry in dir.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        assert!(names.contains(&file), "{file} has no case: delete it");
    }
}

#[cfg(feature = "audit")]
#[test]
fn every_golden_script_parses_as_strict_lua51() {
    for (name, _) in cases() {
        let path = golden_dir().join(format!("{name}.lua"));
        let script = std::fs::read_to_string(&path).expect("golden file exists");
        let parsed = crate::audit::lua_check::parse_lua51(&script);
        assert!(parsed.is_ok(), "{name}: {parsed:?}\n{script}");
        let closed = crate::audit::lua_check::closed_library_uses(&script);
        assert!(closed.is_empty(), "{name} uses {closed:?}");
    }
}

/// The Lua of every golden case gives the native evaluator's verdict on generated states,
/// so constructs the catalog does not use yet are checked too.
#[cfg(feature = "audit")]
#[test]
fn every_golden_case_agrees_with_the_native_evaluator() {
    use crate::argocd::runtime::{Outcome, Runtime};
    use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
    let rt = Runtime::default();
    for (name, rule) in cases() {
        let config = Config {
            cases: 300,
            failure_persistence: None,
            ..Config::default()
        };
        let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
        let mut runner = TestRunner::new_with_rng(config, rng);
        let script = emit(&rule);
        let result = runner.run(&crate::audit::states::states_for(&rule), |obj| {
            let native = crate::rule::evaluate_rule(&rule, &obj);
            match rt.run(&script, &obj) {
                Ok(Outcome::Health(h)) if h == native => Ok(()),
                other => Err(TestCaseError::fail(format!(
                    "native {native:?}, Lua {other:?}"
                ))),
            }
        });
        assert!(result.is_ok(), "{name}: {result:?}\n{script}");
    }
}

fn n(s: &str) -> Expr {
    lua::name(s)
}

fn and(a: Expr, b: Expr) -> Expr {
    lua::bin(a, BinOp::And, b)
}

fn or(a: Expr, b: Expr) -> Expr {
    lua::bin(a, BinOp::Or, b)
}

fn cat(a: Expr, b: Expr) -> Expr {
    lua::bin(a, BinOp::Concat, b)
}

#[test]
fn and_right_of_or_is_parenthesised_for_the_reader_and_the_idiom_is_not() {
    assert_eq!(
        print::expr(&or(n("a"), and(n("b"), n("c")))),
        "a or (b and c)"
    );
    assert_eq!(
        print::expr(&or(and(n("a"), n("b")), n("c"))),
        "a and b or c"
    );
}

#[test]
fn or_inside_and_keeps_its_parentheses() {
    assert_eq!(
        print::expr(&and(or(n("a"), n("b")), n("c"))),
        "(a or b) and c"
    );
    assert_eq!(
        print::expr(&and(n("a"), or(n("b"), n("c")))),
        "a and (b or c)"
    );
}

#[test]
fn left_associative_operators_parenthesise_a_right_operand_of_equal_rank() {
    assert_eq!(print::expr(&or(or(n("a"), n("b")), n("c"))), "a or b or c");
    assert_eq!(
        print::expr(&or(n("a"), or(n("b"), n("c")))),
        "a or (b or c)"
    );
    let eq = |a, b| lua::eq(a, b);
    assert_eq!(print::expr(&eq(eq(n("a"), n("b")), n("c"))), "a == b == c");
    assert_eq!(
        print::expr(&eq(n("a"), eq(n("b"), n("c")))),
        "a == (b == c)"
    );
}

#[test]
fn not_of_a_comparison_keeps_its_parentheses() {
    let raw = Expr::Not(Box::new(lua::eq(n("a"), n("b"))));
    assert_eq!(print::expr(&raw), "not (a == b)");
    assert_eq!(print::expr(&Expr::Not(Box::new(n("a")))), "not a");
    let twice = Expr::Not(Box::new(Expr::Not(Box::new(n("a")))));
    assert_eq!(print::expr(&twice), "not not a");
    assert_eq!(
        print::expr(&and(Expr::Not(Box::new(n("a"))), n("b"))),
        "not a and b"
    );
}

#[test]
fn not_of_a_comparison_is_built_as_the_opposite_comparison() {
    assert_eq!(print::expr(&lua::not(lua::eq(n("a"), n("b")))), "a ~= b");
    assert_eq!(print::expr(&lua::not(lua::ne(n("a"), n("b")))), "a == b");
}

#[test]
fn concat_is_right_associative() {
    let right = cat(n("a"), cat(n("b"), n("c")));
    assert_eq!(print::expr(&right), "a .. b .. c");
    let left = cat(cat(n("a"), n("b")), n("c"));
    assert_eq!(print::expr(&left), "(a .. b) .. c");
    assert_eq!(
        print::expr(&lua::concat([n("a"), n("b"), n("c")])),
        "a .. b .. c"
    );
}

#[test]
fn concat_binds_tighter_than_comparison_and_looser_than_not() {
    assert_eq!(
        print::expr(&lua::eq(cat(n("a"), n("b")), n("c"))),
        "a .. b == c"
    );
    assert_eq!(
        print::expr(&cat(lua::eq(n("a"), n("b")), n("c"))),
        "(a == b) .. c"
    );
    assert_eq!(
        print::expr(&cat(or(n("a"), n("b")), n("c"))),
        "(a or b) .. c"
    );
}

#[test]
fn negative_numbers_print_as_unary_minus_operands() {
    assert_eq!(
        print::expr(&Expr::Not(Box::new(Expr::Num(-1.0)))),
        "not -1e0"
    );
    assert_eq!(print::expr(&lua::eq(n("a"), Expr::Num(-0.5))), "a == -5e-1");
    assert_eq!(
        print::expr(&lua::eq(n("a"), Expr::Num(f64::INFINITY))),
        "a == (0/0)"
    );
}

#[test]
fn index_and_call_use_dots_only_for_lua_names() {
    assert_eq!(print::expr(&lua::field(n("t"), "status")), "t.status");
    assert_eq!(print::expr(&lua::field(n("t"), "end")), "t[\"end\"]");
    assert_eq!(print::expr(&lua::field(n("t"), "a-b")), "t[\"a-b\"]");
    assert_eq!(print::expr(&lua::index(n("t"), n("k"))), "t[k]");
    let of_or = lua::field(or(n("a"), n("b")), "x");
    assert_eq!(print::expr(&of_or), "(a or b).x");
    assert_eq!(print::expr(&lua::call("type", vec![n("a")])), "type(a)");
}

#[test]
fn a_block_of_one_simple_statement_stays_on_its_line() {
    let assign = Stat::Assign(vec!["a".into(), "b".into()], vec![n("x"), n("y")]);
    let stats = vec![
        Stat::Local(vec!["a".into(), "b".into()], vec![]),
        lua::if1(n("c"), assign.clone()),
        Stat::If(n("c"), vec![assign.clone(), lua::ret_bool(true)]),
        Stat::ForIn(
            vec!["_".into(), "v".into()],
            n("t"),
            vec![lua::if1(n("v"), assign)],
        ),
    ];
    let want = "local a, b\n\
                if c then a, b = x, y end\n\
                if c then\n  a, b = x, y\n  return true\nend\n\
                for _, v in t do\n  if v then a, b = x, y end\nend\n";
    assert_eq!(print::block(&stats), want);
}

#[test]
fn string_literals_escape_every_byte_outside_printable_ascii() {
    assert_eq!(super::lua_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
    assert_eq!(super::lua_string("é1"), "\"\\195\\1691\"");
    assert_eq!(super::lua_string("\t\0"), "\"\\009\\000\"");
}

#[test]
fn local_names_come_from_their_hints_and_skip_keywords_and_globals() {
    let mut scope =
        super::scope::Scope::new(&Rule::named("x").otherwise(Status::Healthy, Message(vec![])));
    let ready: Vec<String> = (0..700).map(|_| scope.fresh("ready")).collect();
    assert_eq!(&ready[..3], ["ready", "ready_2", "ready_3"]);
    assert_eq!(scope.fresh("end"), "end_");
    assert_eq!(scope.fresh("type"), "type_2");
    assert_eq!(scope.fresh("observedGeneration"), "observed_generation");
    assert_eq!(
        scope.fresh("app.kubernetes.io/name"),
        "app_kubernetes_io_name"
    );
    assert_eq!(scope.fresh("3scale"), "v_3scale");
    let mut unique = ready.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ready.len());
}
