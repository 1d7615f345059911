//! The library on small hand-written inputs: tree shape, waves, and Argo CD's blocker rules.

use super::*;
use serde_json::{json, Value};

fn app(name: &str, resources: Value, extra_status: Value) -> Value {
    let source = json!({"repoURL": "https://example.com/r.git", "path": name});
    let mut status = json!({
        "sync": {"status": "Synced", "comparedTo": {"source": source}},
        "health": {"status": "Healthy"},
        "resources": resources,
    });
    if let (Some(s), Some(extra)) = (status.as_object_mut(), extra_status.as_object()) {
        s.extend(extra.clone());
    }
    json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
           "metadata": {"name": name, "namespace": "argocd"},
           "spec": {"source": source}, "status": status})
}

fn child(name: &str, wave: i64) -> Value {
    json!({"group": "argoproj.io", "kind": "Application", "namespace": "argocd",
           "name": name, "status": "Synced", "syncWave": wave})
}

fn suite(ready: &str, failure: &str) -> Value {
    json!({"apiVersion": "core.mas.ibm.com/v1", "kind": "Suite",
           "metadata": {"name": "s", "namespace": "mas"},
           "status": {"conditions": [
               {"type": "Ready", "status": ready, "message": "ready text"},
               {"type": "Failure", "status": failure, "message": "broken"}]}})
}

fn suite_entry(wave: i64) -> Value {
    json!({"group": "core.mas.ibm.com", "kind": "Suite", "namespace": "mas", "name": "s",
           "status": "Synced", "syncWave": wave})
}

fn view(objects: &[Value]) -> Rollout {
    rollout(objects, &Catalog::standard())
}

#[test]
fn applications_in_a_cycle_with_no_root_are_shown_once_and_reported() {
    let a = app("a", json!([child("b", 0)]), json!({}));
    let b = app("b", json!([child("a", 0)]), json!({}));
    let r = view(&[a, b]);
    assert_eq!(r.roots.len(), 1);
    assert_eq!(r.roots[0].name, "a");
    assert_eq!(r.roots[0].children[0].name, "b");
    assert_eq!(r.problems.len(), 1);
    assert_eq!(r.problems[0].kind, "cycle");
}

#[test]
fn an_application_listing_itself_is_a_cycle() {
    let r = view(&[app("me", json!([child("me", 0)]), json!({}))]);
    assert_eq!(r.roots.len(), 1);
    assert_eq!(
        r.problems[0].message,
        "cycle argocd/me -> argocd/me: not followed"
    );
}

#[test]
fn a_long_chain_is_cut_and_reported() {
    let apps: Vec<Value> = (0..200)
        .map(|i| {
            app(
                &format!("a{i:03}"),
                json!([child(&format!("a{:03}", i + 1), 0)]),
                json!({}),
            )
        })
        .collect();
    let r = view(&apps);
    // What lies below the cut is not followed, and none of it is taken for a root.
    assert_eq!(r.roots.len(), 1, "{:?}", r.summary);
    let kinds: Vec<&str> = r.problems.iter().map(|p| p.kind).collect();
    assert_eq!(kinds, ["too-deep"]);
}

#[test]
fn degraded_stops_and_progressing_waits_in_the_lowest_unfinished_wave() {
    let resources = json!([suite_entry(5), {"kind": "ConfigMap", "namespace": "mas",
                                            "name": "cm", "status": "Synced", "syncWave": 1}]);
    let root = app("root", resources, json!({}));
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": "cm", "namespace": "mas"}});
    let waiting = view(&[root.clone(), suite("False", "False"), cm.clone()]);
    assert_eq!(waiting.state, Progress::Waiting);
    assert_eq!(
        waiting.summary[0],
        "root: wave 5 root waits on core.mas.ibm.com/Suite mas/s (Progressing: waiting for \
         Ready: ready text)"
    );
    let stopped = view(&[root, suite("False", "True"), cm]);
    assert_eq!(stopped.state, Progress::Stopped);
    let b = stopped.roots[0].blocker.as_ref().expect("blocker");
    assert_eq!(b.kind, BlockerKind::Stops);
    assert!(b.reason.contains("does not retry"), "{}", b.reason);
}

#[test]
fn without_live_objects_a_healthy_application_vouches_for_its_resources() {
    let r = view(&[app("root", json!([suite_entry(0)]), json!({}))]);
    assert_eq!(r.state, Progress::Finished);
    let node = &r.roots[0].waves[0].resources[0];
    assert_eq!(node.health.from, HealthFrom::Unknown);
    assert_eq!(node.health.label(), "unknown");
}

#[test]
fn stored_health_is_used_when_no_live_object_is_given() {
    let mut entry = suite_entry(0);
    entry["health"] = json!({"status": "Degraded", "message": "stored text"});
    let failed = json!({"operationState": {"phase": "Failed", "message": "boom"}});
    let r = view(&[app("root", json!([entry]), failed)]);
    assert_eq!(r.state, Progress::Stopped);
    let b = r.roots[0].blocker.as_ref().expect("blocker");
    assert_eq!(
        (b.status.as_str(), b.message.as_str()),
        ("Degraded", "stored text")
    );
}

#[test]
fn a_failed_sync_with_nothing_recorded_needs_a_person_at_the_application() {
    let failed = json!({"operationState": {"phase": "Error", "message": "rpc error"}});
    let r = view(&[app("root", json!([]), failed)]);
    assert_eq!(r.state, Progress::NeedsPerson);
    assert_eq!(
        r.summary[0],
        "root: needs a person: root failed to sync and is not retried (sync Error: rpc error); \
         fix the cause the message names, then sync again: argocd app sync argocd/root"
    );
}

#[test]
fn a_sync_failed_after_its_retries_says_how_many() {
    let failed = json!({"operationState": {"phase": "Failed", "retryCount": 3,
        "message": "one or more objects failed to apply (retried 3 times)."}});
    let r = view(&[app("root", json!([]), failed)]);
    let need = r.roots[0].blocker.as_ref().and_then(|b| b.need.as_ref());
    assert_eq!(
        need.map(|n| n.problem.as_str()),
        Some("failed to sync after 3 retries")
    );
}

#[test]
fn a_disabled_automated_policy_needs_a_person_and_an_enabled_one_does_not() {
    let out_of_sync = |automated: Value| {
        let mut a = app("root", json!([]), json!({}));
        a["status"]["sync"]["status"] = json!("OutOfSync");
        a["status"]["operationState"] = json!({"phase": "Succeeded", "message": "ok"});
        a["spec"]["syncPolicy"] = json!({"automated": automated});
        view(&[a])
    };
    let disabled = out_of_sync(json!({"enabled": false}));
    assert_eq!(
        disabled.summary[0],
        "root: needs a person: root is OutOfSync: its automated sync is disabled \
         (automated.enabled: false) (OutOfSync); sync it: argocd app sync argocd/root"
    );
    let enabled = out_of_sync(json!({"prune": true}));
    assert_eq!(enabled.state, Progress::Finished);
}

#[test]
fn the_newer_copy_of_an_application_is_used_and_equal_copies_are_undecided() {
    let mut old = app("root", json!([]), json!({}));
    old["metadata"]["generation"] = json!(4);
    let mut new = old.clone();
    new["metadata"]["generation"] = json!(5);
    new["status"]["conditions"] =
        json!([{"type": "ComparisonError", "message": "app path does not exist"}]);
    assert_eq!(tree::newer(&old, &new), Some(std::cmp::Ordering::Less));
    for input in [[old.clone(), new.clone()], [new.clone(), old.clone()]] {
        assert_eq!(view(&input).state, Progress::NeedsPerson);
    }
    let mut other = old.clone();
    other["status"]["health"]["status"] = json!("Degraded");
    assert_eq!(tree::newer(&old, &other), None);
    assert_eq!(
        tree::newer(&old, &old.clone()),
        Some(std::cmp::Ordering::Equal)
    );
}

#[test]
fn an_install_plan_waiting_for_approval_names_the_patch_that_approves_it() {
    let plan = json!({"apiVersion": "operators.coreos.com/v1alpha1", "kind": "InstallPlan",
        "metadata": {"name": "install-x7", "namespace": "ibm-sls"},
        "spec": {"approval": "Manual", "approved": false},
        "status": {"phase": "RequiresApproval"}});
    let entry = json!({"group": "operators.coreos.com", "kind": "InstallPlan",
        "namespace": "ibm-sls", "name": "install-x7", "status": "Synced"});
    let r = view(&[app("root", json!([entry]), json!({})), plan.clone()]);
    assert_eq!(
        r.summary[0],
        "root: needs a person: wave 0 root operators.coreos.com/InstallPlan ibm-sls/install-x7 \
         waits for manual approval (Progressing: phase RequiresApproval); approve it: oc patch \
         installplan install-x7 -n ibm-sls --type merge -p '{\"spec\":{\"approved\":true}}'"
    );
    let mut approved = plan;
    approved["spec"]["approved"] = json!(true);
    approved["status"]["phase"] = json!("Installing");
    let entry = r.roots[0].waves[0].resources[0].reference();
    let r = view(&[
        app(
            "root",
            json!([{"group": entry.group, "kind": entry.kind,
            "namespace": entry.namespace, "name": entry.name}]),
            json!({}),
        ),
        approved,
    ]);
    assert_eq!(r.state, Progress::Waiting);
}

#[test]
fn a_name_that_is_not_a_plain_word_is_quoted_in_a_command() {
    assert_eq!(person::shell_word("ibm-sls"), "ibm-sls");
    assert_eq!(person::shell_word("a b'c"), r"'a b'\''c'");
    assert_eq!(person::shell_word(""), "''");
}

#[test]
fn hooks_only_the_sync_recorded_are_shown_in_their_phase() {
    let op = json!({"operationState": {"phase": "Running", "message": "m", "syncResult": {
        "resources": [{"group": "batch", "kind": "Job", "namespace": "mas", "name": "post",
                       "status": "Synced", "hookType": "PostSync", "hookPhase": "Running",
                       "syncPhase": "PostSync", "message": "job started"}]}}});
    let r = view(&[app("root", json!([suite_entry(0)]), op)]);
    let node = &r.roots[0];
    assert_eq!(node.waves.len(), 2);
    assert_eq!(node.waves[1].phase, SyncPhase::PostSync);
    assert_eq!(
        r.summary[0],
        "root: PostSync wave 0 root waits on hook batch/Job mas/post (Running: job started)"
    );
}

#[test]
fn nonsense_input_gives_a_view_not_a_panic() {
    let odd = [
        json!(null),
        json!([1, 2]),
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application"}),
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
               "metadata": {"name": 5}, "status": {"resources": "x", "operationState": []}}),
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
               "metadata": {"name": "x"}, "status": {"resources": [1, null, {"syncWave": "a"}],
               "operationState": {"phase": 3, "syncResult": {"resources": [{}, {}]}}}}),
    ];
    let r = view(&odd);
    assert!(!r.summary.is_empty());
    assert!(!render_text(&r).is_empty());
    assert!(serde_json::to_string(&r).is_ok());
}
