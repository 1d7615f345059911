//! `mas-health rollout` end to end, on recorded app-of-apps rollouts (tests/rollout/): the
//! summary line and the `--fail-on` exit codes of each situation, the JSON document, cycles and
//! children missing from the input, bad input.

mod support;

use support::cmd;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = cmd().arg("rollout").args(args).output().expect("runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Checks a situation: the first line printed, and the exit code without `--fail-on`, with
/// `--fail-on degraded` and with `--fail-on blocked`.
fn situation(name: &str, summary: &str, degraded: i32, blocked: i32) {
    let dir = format!("tests/rollout/{name}");
    let plain = run(&[&dir]);
    assert_eq!(plain.code, Some(0), "{name}: {}", plain.stderr);
    assert_eq!(plain.stdout.lines().next(), Some(summary), "{name}");
    assert!(plain.stderr.is_empty(), "{name}: {}", plain.stderr);
    let code = |fail_on: &str| run(&[&dir, "--fail-on", fail_on]).code;
    assert_eq!(
        code("degraded"),
        Some(degraded),
        "{name} --fail-on degraded"
    );
    assert_eq!(code("blocked"), Some(blocked), "{name} --fail-on blocked");
}

#[test]
fn finished() {
    situation("finished", "inst1: finished: 4 Applications Healthy", 0, 0);
}

#[test]
fn waiting_on_a_mas_resource() {
    situation(
        "waiting-on-suite",
        "inst1: wave 130 ibm-mas-suite waits on core.mas.ibm.com/Suite mas-inst1-core/inst1 \
         (Progressing: waiting for Ready: SystemDatabaseReady is not True: waiting for MongoCfg \
         inst1-system to report Ready)",
        0,
        1,
    );
}

#[test]
fn stopped_by_a_degraded_resource() {
    situation(
        "degraded",
        "inst1: wave 130 ibm-mas-suite stopped by core.mas.ibm.com/Suite mas-inst1-core/inst1 \
         (Degraded: Unable to reach the license service at https://sls.ibm-sls.svc: connection \
         refused)",
        1,
        1,
    );
}

#[test]
fn a_failed_hook_needs_a_person() {
    situation(
        "failed-hook",
        "inst1: needs a person: PreSync wave 0 ibm-mas-suite hook batch/Job \
         mas-inst1-core/mas-pre-check failed (Failed: Job has reached the specified backoff \
         limit); fix what the hook reports, then sync again: argocd app sync \
         openshift-gitops/ibm-mas-suite",
        1,
        1,
    );
}

#[test]
fn a_missing_child_with_no_automated_sync_needs_a_person() {
    // inst1-manage (syncPolicy: {}) was created by its parent's sync and never synced: its
    // parent's wave waits on it, and nothing will ever sync it by itself.
    situation(
        "child-missing",
        "inst1: needs a person: inst1-manage is OutOfSync and was never synced: it has no \
         automated sync policy (OutOfSync); sync it: argocd app sync \
         openshift-gitops/inst1-manage",
        1,
        1,
    );
}

#[test]
fn an_application_that_cannot_render_needs_a_person() {
    situation(
        "cannot-render",
        "restricted-gs: needs a person: restricted-gs cannot render its manifests \
         (ComparisonError: Failed to load target state: failed to generate manifest for source 1 \
         of 1: rpc error: code = Unknown desc = apps/restricted-gs: app path does not exist); fix \
         its source or spec as the message says, then refresh it: oc annotate application \
         restricted-gs -n argocd argocd.argoproj.io/refresh=hard --overwrite",
        1,
        1,
    );
}

#[test]
fn an_application_never_synced_without_automated_sync_needs_a_person() {
    situation(
        "never-synced",
        "app: needs a person: app is OutOfSync and was never synced: it has no automated sync \
         policy (OutOfSync); sync it: argocd app sync argocd/app",
        1,
        1,
    );
}

#[test]
fn a_sync_held_by_a_sync_window_needs_a_person() {
    situation(
        "sync-window",
        "inst1-manage: needs a person: inst1-manage is held by a sync window (sync Running: Sync \
         operation blocked by sync window; windows of its project: deny '0 6 * * 1-5' for 12h); \
         wait until the window allows syncs, or ask the AppProject's owner to change its \
         syncWindows",
        1,
        1,
    );
}

#[test]
fn a_sync_failed_after_its_retries_needs_a_person() {
    situation(
        "retries-exhausted",
        "inst1-sls: needs a person: inst1-sls failed to sync after 5 retries (sync Error: rpc \
         error: code = Unavailable desc = connection error: desc = \"transport: Error while \
         dialing: dial tcp 172.30.12.4:8081: connect: connection refused\" (retried 5 times).); \
         fix the cause the message names, then sync again: argocd app sync \
         openshift-gitops/inst1-sls",
        1,
        1,
    );
}

#[test]
fn an_install_plan_waiting_for_approval_needs_a_person() {
    situation(
        "manual-approval",
        "inst1: needs a person: wave 0 inst1-sls operators.coreos.com/Subscription \
         ibm-sls/ibm-sls waits for manual approval of InstallPlan ibm-sls/install-k9dfs \
         (Progressing: install plan install-k9dfs waits for manual approval); approve it: oc \
         patch installplan install-k9dfs -n ibm-sls --type merge -p \
         '{\"spec\":{\"approved\":true}}'",
        1,
        1,
    );
    let out = run(&["tests/rollout/manual-approval", "--output", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(doc["state"], "needs-person");
    let sls = &doc["roots"][0]["children"][0];
    assert_eq!(sls["blocker"]["kind"], "needs-person");
    assert_eq!(
        sls["blocker"]["need"]["problem"],
        "waits for manual approval of InstallPlan ibm-sls/install-k9dfs"
    );
}

#[test]
fn stale_child_health_does_not_finish_the_wave() {
    situation(
        "stale-child-health",
        "inst1: PreSync wave 0 ibm-mas-suite waits on hook batch/Job \
         mas-inst1-core/mas-pre-check (Running: job.batch/mas-pre-check created)",
        0,
        1,
    );
    // The root stored Healthy for the child; the live child says its sync is running.
    let out = run(&["tests/rollout/stale-child-health"]).stdout;
    let line = out
        .lines()
        .find(|l| l.contains("openshift-gitops/ibm-mas-suite:"))
        .expect("the child's line");
    assert!(line.contains("Progressing"), "{line}");
    assert!(line.contains("(Argo CD stored Healthy)"), "{line}");
}

#[test]
fn applications_only_say_what_is_unknown() {
    // Without live objects, resources of a Healthy Application are taken as Argo CD aggregated
    // them, and the one a running sync waits on is "unknown: give the live object".
    let out = run(&["tests/rollout/waiting-on-suite/applications.yaml"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().next(),
        Some(
            "inst1: wave 130 ibm-mas-suite waits on core.mas.ibm.com/Suite mas-inst1-core/inst1 \
             (unknown: give the live object)"
        ),
    );
    assert!(
        out.stdout.contains(
            "Synced     unknown      operators.coreos.com/Subscription ibm-sls/ibm-sls: give \
             the live object"
        ),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("inst1-sls waits on"),
        "a Healthy child vouches for its resources: {}",
        out.stdout
    );
}

#[test]
fn json_output_is_one_document_with_documented_keys() {
    let out = run(&["tests/rollout/degraded", "--output", "json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(doc["state"], "stopped");
    assert_eq!(
        doc["summary"][0],
        "inst1: wave 130 ibm-mas-suite stopped by core.mas.ibm.com/Suite mas-inst1-core/inst1 \
         (Degraded: Unable to reach the license service at https://sls.ibm-sls.svc: connection \
         refused)"
    );
    let root = &doc["roots"][0];
    assert_eq!(root["name"], "inst1");
    assert_eq!(root["operation"]["phase"], "Failed");
    let children: Vec<&str> = root["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(children, ["inst1-sls", "ibm-mas-suite", "inst1-manage"]);
    let suite = &root["children"][1];
    assert_eq!(suite["wave"], 2);
    assert_eq!(suite["current"]["wave"], 130);
    let blocker = &suite["blocker"];
    assert_eq!(blocker["kind"], "stops");
    assert_eq!(blocker["resource"]["kind"], "Suite");
    assert_eq!(blocker["status"], "Degraded");
    let waves = suite["waves"].as_array().expect("waves");
    let keys: Vec<(String, i64)> = waves
        .iter()
        .map(|w| (w["phase"].to_string(), w["wave"].as_i64().unwrap_or(-1)))
        .collect();
    assert_eq!(
        keys,
        [
            ("\"PreSync\"".to_owned(), 0),
            ("\"Sync\"".to_owned(), 100),
            ("\"Sync\"".to_owned(), 130)
        ]
    );
    let suite_cr = &waves[2]["resources"][0];
    assert_eq!(suite_cr["health"]["from"], "live");
    assert_eq!(suite_cr["health"]["check"], "rule core.mas.ibm.com/Suite");
    assert_eq!(suite_cr["result"]["status"], "Synced");
    let secret = &waves[1]["resources"][0];
    assert_eq!(secret["health"]["status"], serde_json::Value::Null);
    assert!(doc["problems"].as_array().is_some_and(Vec::is_empty));
}

#[test]
fn cycles_and_missing_children_are_reported_not_followed() {
    let out = run(&["tests/rollout/cycle.yaml", "--fail-on", "blocked"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().next(),
        Some(
            "root: wave 3 parent waits on argoproj.io/Application openshift-gitops/ghost \
             (unknown: give the live object)"
        )
    );
    assert!(
        out.stdout.contains(
            "problem: cycle in openshift-gitops/child: cycle openshift-gitops/parent -> \
             openshift-gitops/child -> openshift-gitops/parent: not followed"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "problem: missing-child in openshift-gitops/parent: lists Application \
             openshift-gitops/ghost, which is not in the input"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn bad_documents_exit_2_and_the_good_ones_are_still_used() {
    let out = run(&["tests/rollout/finished", "tests/rollout/bad-input.yaml"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stdout.lines().next(),
        Some("inst1: finished: 4 Applications Healthy")
    );
    let errors: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{}", out.stderr);
    assert!(
        errors[0].starts_with("error: tests/rollout/bad-input.yaml:10: invalid YAML"),
        "{}",
        out.stderr
    );
    assert!(
        errors[1].starts_with("error: tests/rollout/bad-input.yaml:12: "),
        "{}",
        out.stderr
    );
    assert_eq!(run(&["no/such/dir.yaml"]).code, Some(2));
    let no_apps = run(&["tests/rollout/finished/live.yaml"]);
    assert_eq!(no_apps.code, Some(2));
    assert!(
        no_apps.stderr.contains("no Argo CD Applications"),
        "{}",
        no_apps.stderr
    );
    let empty = cmd()
        .args(["rollout", "-"])
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(empty.status.code(), Some(2));
}

#[test]
fn standard_input_and_directories_read_the_same() {
    let text = ["applications.yaml", "live.yaml"]
        .iter()
        .map(|f| {
            std::fs::read_to_string(format!(
                "{}/tests/rollout/waiting-on-suite/{f}",
                support::ROOT
            ))
            .expect("fixture")
        })
        .collect::<Vec<_>>()
        .join("---\n");
    let out = cmd()
        .args(["rollout", "-"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        run(&["tests/rollout/waiting-on-suite"]).stdout
    );
}

#[cfg(unix)]
#[test]
fn directory_symlinks_are_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = format!("{}/tests/rollout/finished", support::ROOT);
    for f in ["applications.yaml", "live.yaml"] {
        std::fs::copy(format!("{src}/{f}"), dir.path().join(f)).expect("copy");
    }
    std::fs::write(dir.path().join("notes.txt"), "not read").expect("write");
    // A link back to the directory itself would loop for ever if followed.
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).expect("symlink");
    let out = cmd().arg("rollout").arg(dir.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("inst1: finished: 4 Applications Healthy\n"));
}

#[test]
fn of_an_application_given_twice_the_newer_copy_is_used_and_said() {
    // snapshot-1.yaml (generation 11, read first) still rendered; snapshot-2.yaml (generation
    // 12) cannot: the rollout is the newer one's.
    let out = run(&["tests/rollout/duplicate", "--fail-on", "degraded"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("restricted-gs: needs a person: restricted-gs cannot render"),
        "{}",
        out.stdout
    );
    assert_eq!(
        out.stderr,
        "note: argoproj.io/Application argocd/restricted-gs is given twice \
         (tests/rollout/duplicate/snapshot-2.yaml:1 and tests/rollout/duplicate/snapshot-1.yaml:1); \
         the newer copy, tests/rollout/duplicate/snapshot-2.yaml:1, is used\n"
    );
}

#[test]
fn two_different_copies_that_nothing_dates_are_an_error_naming_both() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = |health: &str| {
        format!(
            "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  \
             namespace: argocd\n  generation: 3\nstatus:\n  sync:\n    status: Synced\n  \
             health:\n    status: {health}\n"
        )
    };
    std::fs::write(dir.path().join("1.yaml"), app("Healthy")).expect("write");
    std::fs::write(dir.path().join("2.yaml"), app("Degraded")).expect("write");
    let out = cmd().arg("rollout").arg(dir.path()).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let one = dir.path().join("1.yaml");
    let two = dir.path().join("2.yaml");
    assert!(
        stderr.starts_with(&format!(
            "error: argoproj.io/Application argocd/a is given twice ({}:1 and {}:1) with \
             different content and nothing that dates them",
            one.display(),
            two.display()
        )),
        "{stderr}"
    );
}

#[test]
fn an_application_without_metadata_and_entries_naming_no_resource_are_errors() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nstatus:\n  sync:\n    \
                status: Synced\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\n\
                metadata:\n  name: a\n  namespace: argocd\nstatus:\n  health:\n    status: \
                Healthy\n  resources:\n  - kind: ConfigMap\n    name: ok\n  - 7\n  - kind: \
                Secret\n";
    let out = cmd()
        .args(["rollout", "-"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("a: finished: 1 Application Healthy\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("Application /"), "{stdout}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: -:1: argoproj.io/Application: an Application without metadata.name: left out\n\
         error: -:7: argoproj.io/Application argocd/a: status.resources[1] names no resource \
         (needs kind and name): 7: left out\n\
         error: -:7: argoproj.io/Application argocd/a: status.resources[2] names no resource \
         (needs kind and name): {\"kind\":\"Secret\"}: left out\n"
    );
}

#[test]
fn an_automated_sync_held_by_a_deny_window_needs_a_person_while_the_window_lasts() {
    let dir = "tests/rollout/sync-window-automated";
    // Tuesday 09:41 UTC, inside the project's weekday deny window (06:00 for 12h).
    let inside = |extra: &[&str]| {
        let mut args = vec![dir, "--at", "2026-12-01T09:41:02Z"];
        args.extend_from_slice(extra);
        run(&args)
    };
    let plain = inside(&[]);
    assert_eq!(plain.code, Some(0), "{}", plain.stderr);
    assert_eq!(
        plain.stdout.lines().next(),
        Some(
            "inst1-manage: needs a person: inst1-manage is OutOfSync and a sync window holds its \
             automated sync (OutOfSync: sync windows: deny '0 6 * * 1-5' for 12h); wait until \
             the window allows syncs, or ask the AppProject's owner to change its syncWindows"
        )
    );
    assert_eq!(inside(&["--fail-on", "degraded"]).code, Some(1));
    assert_eq!(inside(&["--fail-on", "blocked"]).code, Some(1));
    // 19:00, after the window: nothing holds the automated sync.
    let after = run(&[dir, "--at", "2026-12-01T19:00:00Z", "--fail-on", "degraded"]);
    assert_eq!(after.code, Some(0), "{}", after.stdout);
    assert_eq!(run(&[dir, "--at", "yesterday"]).code, Some(2));
}

#[test]
fn a_child_argo_cd_calls_healthy_while_its_resource_is_missing_is_flagged_with_the_versions() {
    let name = "healthy-child-missing-resource";
    situation(
        name,
        "inst1: wave 0 inst1-kafka stopped by kafka.strimzi.io/KafkaUser strimzi/masuser \
         (SyncFailed: the server could not find the requested resource)",
        1,
        1,
    );
    let dir = format!("tests/rollout/{name}");
    let child_line = |args: &[&str]| {
        let out = run(args);
        out.stdout
            .lines()
            .find(|l| {
                l.trim_start()
                    .starts_with("Application openshift-gitops/inst1-kafka")
            })
            .map(str::to_owned)
            .expect("the child's line")
    };
    assert_eq!(
        child_line(&[&dir]),
        "  Application openshift-gitops/inst1-kafka (wave 1 of inst1): sync OutOfSync, health \
         Degraded: sync failed: one or more objects failed to apply, reason: the server could \
         not find the requested resource  [rule argoproj.io/Application]; WARNING: Argo CD \
         reports it Healthy although kafka.strimzi.io/KafkaUser strimzi/masuser is missing: \
         Argo CD 3.4, 3.5, main leave missing resources out of an Application's health \
         (argo-cd #27917), so its parent's wave may move on early"
    );
    // Up to 3.3 the missing KafkaUser made the child Missing: no such hazard.
    assert!(!child_line(&[&dir, "--argocd-version", "3.3"]).contains("WARNING"));
    let json: serde_json::Value =
        serde_json::from_str(&run(&[&dir, "--output", "json"]).stdout).expect("one document");
    let child = &json["roots"][0]["children"][0];
    assert_eq!(child["name"], "inst1-kafka");
    assert!(child["hazard"]
        .as_str()
        .is_some_and(|h| h.contains("strimzi/masuser is missing")));
    assert_eq!(json["roots"][0]["hazard"], serde_json::Value::Null);
}

#[test]
fn a_kind_argo_cd_checks_with_a_script_not_evaluated_here_is_unknown_not_no_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: scale, \
               namespace: openshift-gitops}\nstatus:\n  sync: {status: Synced}\n  health: \
               {status: Healthy}\n  resources:\n  - {group: keda.sh, version: v1alpha1, kind: \
               ScaledObject, namespace: mas, name: so, status: Synced}\n";
    let live = "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: so, \
                namespace: mas}\n";
    std::fs::write(dir.path().join("objects.yaml"), format!("{app}---\n{live}")).expect("written");
    let out = run(&[dir.path().to_str().expect("utf-8")]);
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains("keda.sh/ScaledObject mas/so"))
        .expect("the resource's line");
    assert_eq!(
        line.split_whitespace().take(2).collect::<Vec<_>>(),
        ["Synced", "unknown"],
        "{line}"
    );
    assert!(
        line.contains(
            "Argo CD has a built-in check for keda.sh/ScaledObject (not evaluated: give \
             --argocd-builtins DIR)"
        ),
        "{line}"
    );
    assert!(!out.stdout.contains("no check"), "{}", out.stdout);
}
