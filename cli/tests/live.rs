//! `--cluster` against a stand-in API server (tests/kubeapi): HTTPS with a self-signed CA and a
//! bearer token from a kubeconfig the test writes, so TLS and auth run kube-rs's real path.
//! Every recorded rollout reads the same from the cluster as from files; every error class has
//! a message a person can act on and exit 2; only GET requests are ever sent.

mod kubeapi;
mod support;

use assert_cmd::Command;
use kubeapi::{Server, State, TOKEN};
use serde_json::{json, Value};

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn mas_health(args: &[&str]) -> Run {
    let out = Command::new(support::exe())
        .current_dir(support::ROOT)
        .env_remove("KUBECONFIG")
        .args(args)
        .output()
        .expect("runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A server with the objects of `path`, and a kubeconfig for it.
fn serve(path: &str, change: impl FnOnce(&mut State)) -> (Server, tempfile::TempDir, String) {
    let mut state = State {
        resource_version: "1000".to_owned(),
        ..State::default()
    };
    state.add(kubeapi::load(&support::root().join(path)));
    change(&mut state);
    let server = Server::start(state);
    let dir = tempfile::tempdir().expect("tempdir");
    let kubeconfig = server.kubeconfig(dir.path(), TOKEN);
    let kc = kubeconfig.to_string_lossy().into_owned();
    (server, dir, kc)
}

fn live(kubeconfig: &str, extra: &[&str]) -> Run {
    let mut args = vec!["rollout", "--cluster", "--kubeconfig", kubeconfig];
    args.extend_from_slice(extra);
    mas_health(&args)
}

fn assert_only_gets(server: &Server) {
    let log = server.log();
    assert!(!log.is_empty(), "the server saw requests");
    for (method, path) in &log {
        assert_eq!(method, "GET", "{path}");
    }
}

/// The live form prints what the file form prints, with the same exit codes.
fn same_as_files(situation: &str) {
    let path = format!("tests/rollout/{situation}");
    let (server, _dir, kc) = serve(&path, |_| {});
    for fail_on in [None, Some("degraded"), Some("blocked")] {
        let extra: Vec<&str> = fail_on.map_or(vec![], |f| vec!["--fail-on", f]);
        let mut file_args = vec!["rollout", path.as_str()];
        file_args.extend_from_slice(&extra);
        let files = mas_health(&file_args);
        let cluster = live(&kc, &extra);
        assert_eq!(cluster.stderr, files.stderr, "{situation} {fail_on:?}");
        assert_eq!(cluster.stdout, files.stdout, "{situation} {fail_on:?}");
        assert_eq!(cluster.code, files.code, "{situation} {fail_on:?}");
    }
    let json_files = mas_health(&["rollout", &path, "--output", "json"]);
    let json_live = live(&kc, &["--output", "json"]);
    assert_eq!(json_live.stdout, json_files.stdout, "{situation} json");
    assert_only_gets(&server);
}

#[test]
fn finished_reads_the_same_from_the_cluster() {
    same_as_files("finished");
}

#[test]
fn waiting_on_suite_reads_the_same_from_the_cluster() {
    same_as_files("waiting-on-suite");
}

#[test]
fn degraded_reads_the_same_from_the_cluster() {
    same_as_files("degraded");
}

#[test]
fn failed_hook_reads_the_same_from_the_cluster() {
    same_as_files("failed-hook");
}

#[test]
fn missing_child_reads_the_same_from_the_cluster() {
    same_as_files("child-missing");
}

#[test]
fn stale_child_health_reads_the_same_from_the_cluster() {
    same_as_files("stale-child-health");
}

#[test]
fn a_cycle_reads_the_same_from_the_cluster() {
    same_as_files("cycle.yaml");
}

#[test]
fn aggregated_discovery_answers_in_two_requests() {
    let (server, _dir, kc) = serve("tests/rollout/degraded", |s| s.aggregated = true);
    let out = live(&kc, &["--fail-on", "degraded"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert!(out
        .stdout
        .starts_with("inst1: wave 130 ibm-mas-suite stopped by core.mas.ibm.com/Suite"));
    let discovery: Vec<String> = server
        .log()
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| !p.contains("/namespaces/") && !p.contains('?'))
        .collect();
    assert_eq!(discovery, ["/api", "/apis"]);
}

#[test]
fn root_applications_can_be_named() {
    let (_server, _dir, kc) = serve("tests/rollout/degraded", |_| {});
    let named = live(&kc, &["openshift-gitops/inst1"]);
    let all = live(&kc, &[]);
    assert_eq!(named.code, Some(0), "{}", named.stderr);
    assert_eq!(named.stdout, all.stdout);
    let unknown = live(&kc, &["no-such-app"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown
            .stderr
            .contains("error: not found: no Application named no-such-app"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn an_expired_token_says_log_in_again() {
    let (server, _dir, kc) = serve("tests/rollout/finished", |s| s.expired_token = true);
    let out = live(&kc, &[]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        format!(
            "error: the cluster at {url} did not accept your credentials (401 Unauthorized): log \
             in again: oc login {url} (or kubectl: refresh the kubeconfig's user)\n",
            url = server.url()
        )
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

#[test]
fn a_forbidden_kind_names_the_rule_that_grants_it() {
    let (_server, _dir, kc) = serve("tests/rollout/degraded", |s| {
        s.forbidden.push("suites".into())
    });
    let out = live(&kc, &[]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "error: not allowed to get suites.core.mas.ibm.com in namespace mas-inst1-core \
             (403 Forbidden: suites.core.mas.ibm.com is forbidden: User \"tester\" cannot get \
             resource \"suites\" in API group \"core.mas.ibm.com\" in the namespace \
             \"mas-inst1-core\"); a ClusterRole (or Role in the namespace) with the rule \
             {apiGroups: [\"core.mas.ibm.com\"], resources: [\"suites\"], verbs: [\"get\", \
             \"list\", \"watch\"]} bound to you grants it"
        ),
        "{}",
        out.stderr
    );
    // The rest is still read: the view is printed, the Suite unknown.
    assert!(
        out.stdout
            .contains("core.mas.ibm.com/Suite mas-inst1-core/inst1: give the live object"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("sls.ibm.com/LicenseService ibm-sls/sls: LicenseService is ready"));
}

#[test]
fn a_kind_not_served_is_reported_not_a_crash() {
    let (_server, _dir, kc) = serve("tests/rollout/degraded", |s| s.unserve("Suite"));
    let out = live(&kc, &[]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: core.mas.ibm.com/Suite is not served by this cluster (is its CRD installed?)\n"
    );
    assert!(
        out.stdout
            .contains("core.mas.ibm.com/Suite mas-inst1-core/inst1: give the live object"),
        "{}",
        out.stdout
    );
}

#[test]
fn argo_cd_not_installed_is_reported() {
    let (_server, _dir, kc) = serve("tests/rollout/degraded", |s| s.unserve("Application"));
    let out = live(&kc, &[]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "error: argoproj.io/Application is not served by this cluster (is its CRD installed?)\n"
    );
}

#[test]
fn an_unreachable_server_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let kc = dir.path().join("kubeconfig");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: \
             https://127.0.0.1:{port}\nusers:\n- name: u\n  user:\n    token: t\ncontexts:\n- \
             name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\n"
        ),
    )
    .expect("write");
    let out = live(&kc.to_string_lossy(), &[]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.starts_with(&format!(
            "error: cannot reach the cluster at https://127.0.0.1:{port}: "
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn a_missing_kubeconfig_is_reported() {
    let out = live("/nonexistent/kubeconfig", &[]);
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr
            .starts_with("error: no usable cluster configuration: /nonexistent/kubeconfig: "),
        "{}",
        out.stderr
    );
}

#[test]
fn too_many_requests_is_waited_out() {
    let (server, _dir, kc) = serve("tests/rollout/finished", |s| s.throttle = 1);
    let out = live(&kc, &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().next(),
        Some("inst1: finished: 4 Applications Healthy")
    );
    let log = server.log();
    assert_eq!(log[0].1, log[1].1, "the throttled request is sent again");
}

#[test]
fn lists_page_and_restart_when_the_continue_token_expires() {
    let (server, _dir, kc) = serve("tests/rollout/degraded", |s| {
        s.max_page = 1;
        s.expire_continue = 1;
    });
    let files = mas_health(&["rollout", "tests/rollout/degraded"]);
    let out = live(&kc, &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, files.stdout);
    let lists: Vec<String> = server
        .log()
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| p.starts_with("/apis/argoproj.io/v1alpha1/applications?"))
        .collect();
    // Page 1, page 2 refused (410 Expired), the list again from page 1, then the rest.
    assert_eq!(
        lists[0],
        "/apis/argoproj.io/v1alpha1/applications?limit=500"
    );
    assert_eq!(
        lists[1],
        "/apis/argoproj.io/v1alpha1/applications?limit=500&continue=o1"
    );
    assert_eq!(
        lists[2],
        "/apis/argoproj.io/v1alpha1/applications?limit=500"
    );
    assert_eq!(lists.len(), 2 + 4, "{lists:?}");
}

/// A MAS-sized rollout: a root, 19 child Applications, 600 resources of 40 kinds in 6
/// namespaces.
fn mas_sized() -> Vec<Value> {
    let app = |name: &str, resources: Vec<Value>| {
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": name, "namespace": "openshift-gitops"},
            "status": {"sync": {"status": "Synced"}, "health": {"status": "Progressing"},
                "resources": resources}})
    };
    let mut children: Vec<Vec<Value>> = vec![Vec::new(); 19];
    let mut live = Vec::new();
    for j in 0..600 {
        let (kind, group, ns, name) = (
            format!("Kind{}", j % 40),
            format!("g{}.example.com", j % 4),
            format!("ns-{}", j % 6),
            format!("r{j}"),
        );
        children[j % 19].push(json!({"group": group, "version": "v1", "kind": kind,
            "namespace": ns, "name": name, "status": "Synced"}));
        live.push(json!({"apiVersion": format!("{group}/v1"), "kind": kind,
            "metadata": {"name": name, "namespace": ns},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}}));
    }
    let mut out = Vec::new();
    let mut root = Vec::new();
    for (i, resources) in children.into_iter().enumerate() {
        let name = format!("child-{i}");
        root.push(
            json!({"group": "argoproj.io", "version": "v1alpha1", "kind": "Application",
            "namespace": "openshift-gitops", "name": name, "status": "Synced"}),
        );
        out.push(app(&name, resources));
    }
    out.push(app("root", root));
    out.extend(live);
    out
}

#[test]
fn a_mas_sized_rollout_takes_one_request_per_kind_and_namespace() {
    let mut state = State::default();
    state.add(mas_sized());
    let server = Server::start(state);
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = server.kubeconfig(dir.path(), TOKEN);
    let out = live(&kc.to_string_lossy(), &["--verbose"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.starts_with("root: "), "{}", out.stdout);
    let log = server.log();
    // Discovery: /api, /apis, then one APIResourceList per group read (argoproj.io and the
    // four example groups); one LIST of Applications; 40 kinds x 6 namespaces share 120
    // (kind, namespace) pairs (j % 40 and j % 6 repeat every 120), one LIST each.
    let budget = 120 + 20 + (2 + 5);
    assert_eq!(log.len(), 2 + 5 + 1 + 120, "{log:?}");
    assert!(log.len() <= budget);
    assert_eq!(
        out.stderr,
        format!("{} requests to the API server\n", log.len())
    );
    assert_only_gets(&server);
}

/// Read-only smoke test against a real cluster (kind, k3d, OpenShift).
#[test]
#[ignore = "needs MAS_HEALTH_TEST_KUBECONFIG naming a real cluster; run with --ignored"]
fn smoke_against_a_real_cluster() {
    let Ok(kc) = std::env::var("MAS_HEALTH_TEST_KUBECONFIG") else {
        panic!("skipped: set MAS_HEALTH_TEST_KUBECONFIG to a kubeconfig of a real cluster");
    };
    let out = live(&kc, &["--verbose", "--output", "json"]);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(
        out.stderr.contains("requests to the API server"),
        "{}",
        out.stderr
    );
    match out.code {
        Some(0) => {
            let doc: Value = serde_json::from_str(&out.stdout).expect("one JSON document");
            assert!(doc["state"].is_string());
        }
        Some(2) => assert!(out.stderr.contains("error: "), "{}", out.stderr),
        other => panic!("unexpected exit {other:?}: {}", out.stderr),
    }
}

/// Durations (`12s`, `3m05s`, `2h10m`, `7d03h`) become `Ns`: wall-clock durations vary from
/// run to run.
fn without_durations(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            // Digits and units in turn; a duration ends with a unit not followed by a letter.
            let mut j = i;
            let mut end = None;
            while j < chars.len() && chars[j].is_ascii_digit() {
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j < chars.len() && "dhms".contains(chars[j]) {
                    j += 1;
                    end = Some(j);
                } else {
                    break;
                }
            }
            if let Some(e) = end.filter(|e| chars.get(*e).is_none_or(|c| !c.is_alphanumeric())) {
                out.push_str("Ns");
                i = e;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// A server that starts at the first snapshot and moves on with each watch.
fn timeline(
    snapshots: &[&str],
    change: impl FnOnce(&mut State),
) -> (Server, tempfile::TempDir, String) {
    let (first, rest) = snapshots.split_first().expect("a snapshot");
    serve(&format!("tests/rollout/{first}"), |s| {
        for snap in rest {
            let objects = kubeapi::load(&support::root().join(format!("tests/rollout/{snap}")));
            s.add(objects.clone());
            s.timeline.push_back(objects);
        }
        // `add` also made the later snapshots current: start from the first again.
        s.objects = kubeapi::load(&support::root().join(format!("tests/rollout/{first}")));
        change(s);
    })
}

const HOOK_LINE: &str = "inst1: PreSync wave 0 ibm-mas-suite waits on hook batch/Job \
    mas-inst1-core/mas-pre-check (Running: job.batch/mas-pre-check created)";
const SUITE_LINE: &str = "inst1: wave 130 ibm-mas-suite waits on core.mas.ibm.com/Suite \
    mas-inst1-core/inst1 (Progressing: waiting for Ready: SystemDatabaseReady is not True: \
    waiting for MongoCfg inst1-system to report Ready)";

#[test]
fn watch_follows_a_rollout_to_the_end() {
    let (server, _dir, kc) = timeline(
        &["stale-child-health", "waiting-on-suite", "finished"],
        |s| s.expire_watch = 1,
    );
    let at = "2026-11-30T09:14:10Z";
    let out = live(&kc, &["--watch", "--timeout", "60s", "--at", at]);
    println!("{}", out.stdout); // the README's recorded session (with --nocapture)
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    // The sync started at 09:02:10 and nothing dates the hook or the Suite later: 12 minutes.
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines[0].ends_with(", blocked for 12m00s"), "{}", out.stdout);
    assert!(lines[1].ends_with(", blocked for 12m00s"), "{}", out.stdout);
    assert_eq!(
        without_durations(&out.stdout),
        format!(
            "[Ns] {HOOK_LINE}, blocked for Ns\n[Ns] {SUITE_LINE}, blocked for Ns\n[Ns] inst1: \
             finished: 4 Applications Healthy\n\
             finished after Ns; waves:\n  inst1: PreSync wave 0 ibm-mas-suite: Ns, held longest \
             by batch/Job mas-inst1-core/mas-pre-check (Ns)\n  inst1: wave 130 ibm-mas-suite: \
             Ns, held longest by core.mas.ibm.com/Suite mas-inst1-core/inst1 (Ns)\n"
        )
    );
    let watches: Vec<String> = server
        .log()
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| p.contains("watch=true"))
        .collect();
    // The first watch is refused (410): the Applications are listed again and watched from
    // the new list; later watches go on from the last event's resourceVersion.
    assert_eq!(watches.len(), 3, "{watches:?}");
    assert!(watches[0].contains("resourceVersion=1000"), "{watches:?}");
    assert!(watches[2].contains("resourceVersion=2001"), "{watches:?}");
    assert_only_gets(&server);
}

#[test]
fn watch_ends_when_the_rollout_stops() {
    let (_server, _dir, kc) = timeline(&["waiting-on-suite", "degraded"], |_| {});
    let out = live(&kc, &["--watch", "--timeout", "60s"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let text = without_durations(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("[Ns] {SUITE_LINE}, blocked for Ns"));
    assert!(lines[1]
        .starts_with("[Ns] inst1: wave 130 ibm-mas-suite stopped by core.mas.ibm.com/Suite"));
    assert_eq!(lines[2], "stopped after Ns; waves:");
    assert_eq!(
        lines[3],
        "  inst1: wave 130 ibm-mas-suite: Ns, held longest by core.mas.ibm.com/Suite \
         mas-inst1-core/inst1 (Ns)"
    );
    assert_eq!(lines.len(), 4, "{text}");
}

#[test]
fn watch_gives_up_at_the_timeout() {
    let (_server, _dir, kc) = timeline(&["waiting-on-suite"], |_| {});
    let out = live(&kc, &["--watch", "--timeout", "2s"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    assert_eq!(
        without_durations(&out.stdout),
        format!(
            "[Ns] {SUITE_LINE}, blocked for Ns\ntimed out after Ns; waves:\n  inst1: wave 130 ibm-mas-suite: Ns, \
             held longest by core.mas.ibm.com/Suite mas-inst1-core/inst1 (Ns)\n"
        )
    );
}

/// `tests/rollout/waiting-on-suite` with the Suite's conditions dated: Ready went False at
/// 09:30:00, 28 minutes after the sync started (09:02:10).
fn suite_dated(s: &mut State) {
    for o in s.objects.iter_mut().filter(|o| o["kind"] == "Suite") {
        for c in o["status"]["conditions"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            let at = if c["type"] == "Ready" {
                "2026-11-30T09:30:00Z"
            } else {
                "2026-11-30T09:31:00Z"
            };
            c["lastTransitionTime"] = json!(at);
        }
    }
}

#[test]
fn blocked_for_is_measured_from_the_blocking_condition_not_from_the_watch() {
    let (_server, _dir, kc) = timeline(&["waiting-on-suite"], suite_dated);
    let at = ["--at", "2026-11-30T09:42:10Z"];
    let out = live(&kc, &["--watch", "--timeout", "2s", at[0], at[1]]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    // Ready (quoted by the verdict) went False at 09:30:00: 12m10s before --at, whatever the
    // sync's start (09:02:10) or when the watch began.
    assert_eq!(
        without_durations(lines[0]),
        format!("[Ns] {SUITE_LINE}, blocked for Ns")
    );
    assert!(lines[0].ends_with(", blocked for 12m10s"), "{}", lines[0]);
    // The wave's time counts from then too: 12m10s and the seconds the watch ran.
    let wave = "  inst1: wave 130 ibm-mas-suite: 12m1";
    assert!(lines[2].starts_with(wave), "{}", out.stdout);
    assert!(
        lines[2].contains(", held longest by core.mas.ibm.com/Suite mas-inst1-core/inst1 (12m1"),
        "{}",
        out.stdout
    );
}

#[test]
fn watch_sees_a_blocker_change_that_no_application_shows() {
    let (server, _dir, kc) = timeline(&["waiting-on-suite"], |s| {
        // The Suite fails: the MAS operator sets Failure=True. Argo CD 3.x records no health
        // in status.resources, so no Application changes.
        let mut objects = s.objects.clone();
        for o in objects.iter_mut().filter(|o| o["kind"] == "Suite") {
            o["metadata"]["resourceVersion"] = json!("5001");
            o["status"]["conditions"] = json!([
                {"type": "Ready", "status": "False", "reason": "Failed",
                 "message": "Unable to reach the license service", "lastTransitionTime":
                 "2026-11-30T09:40:00Z"},
                {"type": "Failure", "status": "True", "reason": "Failed",
                 "message": "Unable to reach the license service", "lastTransitionTime":
                 "2026-11-30T09:40:00Z"}]);
        }
        s.quiet.push_back(objects);
    });
    let out = live(&kc, &["--watch", "--timeout", "30s"]);
    assert_eq!(out.code, Some(1), "{}", out.stderr);
    let text = without_durations(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("[Ns] {SUITE_LINE}, blocked for Ns"));
    assert!(
        lines[1].starts_with(
            "[Ns] inst1: wave 130 ibm-mas-suite stopped by core.mas.ibm.com/Suite \
             mas-inst1-core/inst1 (Degraded: Unable to reach the license service)"
        ),
        "{text}"
    );
    assert_eq!(lines[2], "stopped after Ns; waves:", "{text}");
    // No Application event came: the Suite was read again by itself (GET by name).
    let gets = server
        .log()
        .into_iter()
        .filter(|(_, p)| p == "/apis/core.mas.ibm.com/v1/namespaces/mas-inst1-core/suites/inst1")
        .count();
    assert!(gets >= 2, "{gets}");
    assert_only_gets(&server);
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines.sort();
    lines
}

#[test]
fn eval_cluster_problems_lists_exactly_what_is_not_healthy() {
    let (server, _dir, kc) = serve("tests/rollout/degraded", |_| {});
    let live = mas_health(&["eval", "--cluster", "--kubeconfig", &kc, "-A", "--problems"]);
    assert_eq!(live.code, Some(0), "{}", live.stderr);
    let files = mas_health(&["eval", "tests/rollout/degraded"]);
    let not_healthy: Vec<String> = sorted_lines(&files.stdout)
        .into_iter()
        .filter(|l| !l.starts_with("Healthy ") && !l.starts_with("- "))
        .collect();
    assert!(!not_healthy.is_empty());
    assert_eq!(sorted_lines(&live.stdout), not_healthy);
    assert_only_gets(&server);
}

#[test]
fn eval_cluster_reads_the_named_kinds_in_one_namespace() {
    let (server, _dir, kc) = serve("tests/rollout/degraded", |_| {});
    let out = mas_health(&[
        "eval",
        "--cluster",
        "--kubeconfig",
        &kc,
        "Suite",
        "-n",
        "mas-inst1-core",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Degraded     core.mas.ibm.com/Suite mas-inst1-core/inst1: Unable to reach the license \
         service at https://sls.ibm-sls.svc: connection refused  [rule core.mas.ibm.com/Suite]\n"
    );
    let lists: Vec<String> = server
        .log()
        .into_iter()
        .map(|(_, p)| p)
        .filter(|p| p.contains('?'))
        .collect();
    assert_eq!(
        lists,
        ["/apis/core.mas.ibm.com/v1/namespaces/mas-inst1-core/suites?limit=500"]
    );
    let missing = mas_health(&[
        "eval",
        "--cluster",
        "--kubeconfig",
        &kc,
        "example.com/Widget",
        "-A",
    ]);
    assert_eq!(missing.code, Some(2));
    assert_eq!(
        missing.stderr,
        "error: example.com/Widget is not served by this cluster (is its CRD installed?)\n"
    );
}

#[test]
fn explain_cluster_explains_one_live_object() {
    let (_server, _dir, kc) = serve("tests/rollout/degraded", |_| {});
    let out = mas_health(&[
        "explain",
        "--cluster",
        "--kubeconfig",
        &kc,
        "core.mas.ibm.com/Suite/inst1",
        "-n",
        "mas-inst1-core",
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("core.mas.ibm.com/Suite mas-inst1-core/inst1\n  rule "),
        "{}",
        out.stdout
    );
    let files = mas_health(&["explain", "tests/rollout/degraded/live.yaml"]);
    assert!(files.stdout.contains(&out.stdout), "{}", out.stdout);
    let absent = mas_health(&[
        "explain",
        "--cluster",
        "--kubeconfig",
        &kc,
        "core.mas.ibm.com/Suite/nope",
        "-n",
        "x",
    ]);
    assert_eq!(absent.code, Some(2));
    assert_eq!(
        absent.stderr,
        "error: core.mas.ibm.com/Suite/nope not found\n"
    );
}

/// BENCHMARKS.md's figures for `rollout --cluster` on the MAS-sized rollout: wall-clock time
/// and peak memory from `/usr/bin/time -v`, five runs, against the stand-in. A measurement,
/// not a test: run with `cargo test --release --test live measure -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement for BENCHMARKS.md; run with --ignored --nocapture"]
fn measure_a_mas_sized_rollout() {
    let mut state = State::default();
    state.add(mas_sized());
    let server = Server::start(state);
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = server.kubeconfig(dir.path(), TOKEN);
    let binary = support::exe();
    for _ in 0..5 {
        let out = std::process::Command::new("/usr/bin/time")
            .arg("-v")
            .arg(&binary)
            .args(["rollout", "--cluster", "--verbose", "--kubeconfig"])
            .arg(&kc)
            .output()
            .expect("/usr/bin/time runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for line in stderr.lines() {
            if line.contains("requests to the API server")
                || line.contains("Elapsed (wall clock)")
                || line.contains("Maximum resident set size")
            {
                println!("{}", line.trim());
            }
        }
    }
}

/// A cluster with two Argo CD instances (upstream in `argocd`, OpenShift GitOps in
/// `openshift-gitops`) and live objects of the kinds their checks name.
fn audit_cluster(change: impl FnOnce(&mut State)) -> (Server, tempfile::TempDir, String) {
    serve("tests/cluster-audit", change)
}

fn audit_live(kubeconfig: &str, extra: &[&str]) -> Run {
    let mut args = vec!["audit", "--cluster", "--kubeconfig", kubeconfig];
    args.extend_from_slice(extra);
    mas_health(&args)
}

const INST1_DISAGREES: &str = "  WARN  live-disagrees      live core.mas.ibm.com/Suite \
    mas-inst1-core/inst1: mas-health says Degraded \"Failed to verify MongoDB configuration: \
    connection refused (mongo-ce-0.mongo-ce-svc.mongoce.svc:27017)\", this script Healthy \"MAS \
    is ready to use\"";
const SUBSCRIPTION_DISAGREES: &str = "  WARN  live-disagrees      live \
    operators.coreos.com/Subscription mas-inst1-core/ibm-mas-operator: mas-health says Degraded \
    \"constraints not satisfiable: no operators found in channel 9.2.x of package ibm-mas in the \
    catalog referenced by subscription ibm-mas-operator, subscription ibm-mas-operator exists\", \
    this script Progressing \"waiting for the operator to install\"";

#[test]
fn audit_cluster_names_the_live_objects_on_which_a_check_and_the_rule_disagree() {
    let (server, _dir, kc) = audit_cluster(|_| {});
    let out = audit_live(&kc, &[]);
    println!("{}", out.stdout); // the README's example (with --nocapture)
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.contains(&INST1_DISAGREES), "{}", out.stdout);
    // Once under the ArgoCD resource and once under the argocd-cm its operator wrote.
    let subscription = lines.iter().filter(|l| **l == SUBSCRIPTION_DISAGREES);
    assert_eq!(subscription.count(), 2, "{}", out.stdout);
    // Objects on which both agree (inst2, ibm-sls) are not named.
    let named: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains("live-disagrees"))
        .collect();
    assert_eq!(named.len(), 3, "{}", out.stdout);
    for source in [
        "core.mas.ibm.com/Suite (",
        "operators.coreos.com/Subscription (",
    ] {
        assert!(out.stdout.contains(source), "{}", out.stdout);
    }
    assert!(
        out.stdout
            .contains(" - cluster:argocd/ConfigMap/argocd-cm\n")
            && out
                .stdout
                .contains(" - cluster:openshift-gitops/ArgoCD/openshift-gitops\n")
            && out
                .stdout
                .contains(" - cluster:openshift-gitops/ConfigMap/argocd-cm\n"),
        "{}",
        out.stdout
    );
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert_only_gets(&server);
    let paths: Vec<String> = server.log().into_iter().map(|(_, p)| p).collect();
    // BENCHMARKS.md: /api, /apis, /api/v1, one LIST of argocd-cm ConfigMaps, argoproj.io's
    // v1beta1 and one LIST of ArgoCD resources, then per checked kind its group's version and
    // one LIST (Suite, Subscription).
    assert_eq!(paths.len(), 10, "{paths:?}");
    assert!(
        paths.contains(
            &"/api/v1/configmaps?limit=500&fieldSelector=metadata.name%3Dargocd-cm".to_owned()
        ),
        "{paths:?}"
    );
    assert!(paths.contains(&"/apis/core.mas.ibm.com/v1/suites?limit=500".to_owned()));
}

/// The findings of each script but `live-disagrees`, by key and in order, from
/// `audit --output json`.
fn findings_by_key(json_lines: &str) -> Vec<(String, Vec<Value>)> {
    let mut out: Vec<(String, Vec<Value>)> = json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r.get("key").is_some())
        .map(|r| {
            let findings = r["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|f| f["code"] != "live-disagrees")
                .cloned()
                .collect();
            (r["key"].as_str().unwrap_or("").to_owned(), findings)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.len().cmp(&b.1.len())));
    out
}

#[test]
fn audit_cluster_finds_what_the_file_audit_of_the_same_objects_finds() {
    let (_server, _dir, kc) = audit_cluster(|_| {});
    let live = audit_live(&kc, &["--output", "json"]);
    let files = mas_health(&[
        "audit",
        "tests/cluster-audit/argocd-cm.yaml",
        "tests/cluster-audit/argocd-cr.yaml",
        "--output",
        "json",
    ]);
    assert_eq!(live.code, files.code, "{}", live.stderr);
    let (from_cluster, from_files) = (
        findings_by_key(&live.stdout),
        findings_by_key(&files.stdout),
    );
    assert_eq!(from_cluster.len(), 3, "{}", live.stdout);
    assert!(
        from_files.iter().any(|(_, f)| !f.is_empty()),
        "the scripts have findings of their own: {}",
        files.stdout
    );
    assert_eq!(from_cluster, from_files);
    // The live comparisons are findings like any other: in the JSON summary's warnings.
    let summary: Value =
        serde_json::from_str(live.stdout.lines().last().unwrap_or("")).expect("summary");
    let file_summary: Value =
        serde_json::from_str(files.stdout.lines().last().unwrap_or("")).expect("summary");
    assert_eq!(
        summary["summary"]["warnings"].as_u64(),
        file_summary["summary"]["warnings"].as_u64().map(|n| n + 3)
    );
}

#[test]
fn audit_cluster_reads_one_namespace_when_asked() {
    let (server, _dir, kc) = audit_cluster(|_| {});
    let out = audit_live(&kc, &["--argocd-namespace", "argocd", "--verbose"]);
    assert!(out.stdout.contains(INST1_DISAGREES), "{}", out.stdout);
    assert!(!out.stdout.contains("Subscription"), "{}", out.stdout);
    let paths: Vec<String> = server.log().into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        paths,
        [
            "/api",
            "/apis",
            "/api/v1",
            "/api/v1/namespaces/argocd/configmaps/argocd-cm",
            "/apis/argoproj.io/v1beta1",
            "/apis/argoproj.io/v1beta1/namespaces/argocd/argocds?limit=500",
            "/apis/core.mas.ibm.com/v1",
            "/apis/core.mas.ibm.com/v1/suites?limit=500",
        ]
    );
    assert_eq!(out.stderr, "8 requests to the API server\n");
}

#[test]
fn audit_cluster_compares_at_most_the_asked_number_of_live_objects() {
    let (server, _dir, kc) = audit_cluster(|_| {});
    let out = audit_live(
        &kc,
        &["--argocd-namespace", "argocd", "--live-objects", "1"],
    );
    assert!(out.stdout.contains(INST1_DISAGREES), "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "note: core.mas.ibm.com/Suite: compared the first 1 live objects only (--live-objects)\n"
    );
    let paths: Vec<String> = server.log().into_iter().map(|(_, p)| p).collect();
    assert!(paths.contains(&"/apis/core.mas.ibm.com/v1/suites?limit=1".to_owned()));
    assert!(!paths.iter().any(|p| p.contains("continue=")), "{paths:?}");
}

#[test]
fn audit_cluster_forbidden_configmaps_name_the_rule_that_grants_them() {
    let (_server, _dir, kc) = audit_cluster(|s| s.forbidden.push("configmaps".into()));
    let one = audit_live(&kc, &["--argocd-namespace", "argocd"]);
    assert_eq!(one.code, Some(2));
    assert_eq!(
        one.stderr,
        "error: not allowed to get configmaps in namespace argocd (403 Forbidden: \
         configmaps is forbidden: User \"tester\" cannot get resource \"configmaps\" in API \
         group \"\" in the namespace \"argocd\"); a ClusterRole (or Role in the namespace) with \
         the rule {apiGroups: [\"\"], resources: [\"configmaps\"], verbs: [\"get\", \"list\", \
         \"watch\"]} bound to you grants it\n"
    );
    assert!(one.stdout.is_empty(), "{}", one.stdout);
    let all = audit_live(&kc, &[]);
    assert_eq!(all.code, Some(2));
    assert!(
        all.stderr
            .starts_with("error: not allowed to list configmaps cluster-wide (403")
            && all
                .stderr
                .ends_with("; or name Argo CD's namespace with --argocd-namespace NS\n"),
        "{}",
        all.stderr
    );
}

#[test]
fn audit_cluster_without_argo_cd_says_so() {
    let (_server, _dir, kc) = audit_cluster(|_| {});
    let out = audit_live(&kc, &["--argocd-namespace", "default"]);
    assert_eq!(out.code, Some(2));
    assert_eq!(
        out.stderr,
        "error: no argocd-cm ConfigMap or ArgoCD resource found in namespace default\n"
    );
}

/// `mas-health ARGS` with `envs` set (KUBECONFIG and HOME among them, or removed).
fn mas_health_env(args: &[&str], envs: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(support::exe());
    cmd.current_dir(support::ROOT).env_remove("KUBECONFIG");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A kubeconfig `clusters:` entry for `server`.
fn cluster_entry(name: &str, server: &Server) -> String {
    format!(
        "- name: {name}\n  cluster:\n    server: {}\n    certificate-authority-data: {}\n",
        server.url(),
        kubeapi::base64(server.ca_pem.as_bytes())
    )
}

/// A kubeconfig `contexts:` entry.
fn context_entry(name: &str, cluster: &str, user: &str) -> String {
    format!("- name: {name}\n  context:\n    cluster: {cluster}\n    user: {user}\n")
}

fn finished_server() -> Server {
    let mut state = State::default();
    state.add(kubeapi::load(
        &support::root().join("tests/rollout/finished"),
    ));
    Server::start(state)
}

#[test]
fn context_chooses_the_cluster_and_user() {
    let (a, b) = (finished_server(), finished_server());
    let dir = tempfile::tempdir().expect("tempdir");
    let kc = dir.path().join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{}{}users:\n- name: good\n  user:\n    token: \
         {TOKEN}\n- name: stale\n  user:\n    token: sha256~expired\ncontexts:\n{}{}{}\
         current-context: a\n",
        cluster_entry("a", &a),
        cluster_entry("b", &b),
        context_entry("a", "a", "good"),
        context_entry("b", "b", "good"),
        context_entry("b-stale", "b", "stale"),
    );
    std::fs::write(&kc, text).expect("kubeconfig");
    let kc = kc.to_string_lossy().into_owned();
    let current = live(&kc, &[]);
    assert_eq!(current.code, Some(0), "{}", current.stderr);
    assert!(!a.log().is_empty() && b.log().is_empty());
    let named = live(&kc, &["--context", "b"]);
    assert_eq!(named.code, Some(0), "{}", named.stderr);
    assert_eq!(named.stdout, current.stdout);
    let on_a = a.log().len();
    assert!(!b.log().is_empty());
    // The context's user is the one sent: b-stale's token is refused by b.
    let stale = live(&kc, &["--context", "b-stale"]);
    assert_eq!(stale.code, Some(2));
    assert!(
        stale
            .stderr
            .contains(&format!("the cluster at {} did not accept", b.url())),
        "{}",
        stale.stderr
    );
    assert_eq!(a.log().len(), on_a, "a saw nothing after the first run");
    let unknown = live(&kc, &["--context", "nope"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown
            .stderr
            .starts_with("error: no usable cluster configuration: "),
        "{}",
        unknown.stderr
    );
}

#[test]
fn an_exec_credential_plugin_gives_the_token() {
    use std::os::unix::fs::PermissionsExt;
    let server = finished_server();
    let dir = tempfile::tempdir().expect("tempdir");
    let ran = dir.path().join("plugin-ran");
    let plugin = dir.path().join("token-plugin.sh");
    std::fs::write(
        &plugin,
        format!(
            "#!/bin/sh\ntouch '{}'\necho '{{\"apiVersion\": \
             \"client.authentication.k8s.io/v1beta1\", \"kind\": \"ExecCredential\", \
             \"status\": {{\"token\": \"{TOKEN}\"}}}}'\n",
            ran.display()
        ),
    )
    .expect("plugin");
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let failing = dir.path().join("failing-plugin.sh");
    std::fs::write(
        &failing,
        "#!/bin/sh\necho 'no session: run the login first' >&2\nexit 1\n",
    )
    .expect("plugin");
    std::fs::set_permissions(&failing, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let exec = |command: &std::path::Path| {
        format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: \
             {}\n      interactiveMode: Never\n",
            command.display()
        )
    };
    let kc = dir.path().join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n{}users:\n- name: plugin\n  user:\n{}- name: \
         failing\n  user:\n{}contexts:\n{}{}current-context: plugin\n",
        cluster_entry("c", &server),
        exec(&plugin),
        exec(&failing),
        context_entry("plugin", "c", "plugin"),
        context_entry("failing", "c", "failing"),
    );
    std::fs::write(&kc, text).expect("kubeconfig");
    let kc = kc.to_string_lossy().into_owned();
    let out = live(&kc, &[]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().next(),
        Some("inst1: finished: 4 Applications Healthy")
    );
    assert!(ran.exists(), "the plugin ran");
    let refused = live(&kc, &["--context", "failing"]);
    assert_eq!(refused.code, Some(2));
    assert_eq!(
        refused.stderr,
        "error: cannot get credentials for the cluster: the exec credential plugin failed (exit \
         status: 1): no session: run the login first\n"
    );
}

#[test]
fn kubeconfig_files_in_kubeconfig_are_merged() {
    let server = finished_server();
    let dir = tempfile::tempdir().expect("tempdir");
    // The context and current-context in one file, the cluster and user it names in another.
    let first = dir.path().join("contexts");
    std::fs::write(
        &first,
        format!(
            "apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts:\n{}\
             current-context: merged\n",
            context_entry("merged", "c", "u")
        ),
    )
    .expect("kubeconfig");
    let second = dir.path().join("credentials");
    std::fs::write(
        &second,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n{}users:\n- name: u\n  user:\n    \
             token: {TOKEN}\ncontexts: []\n",
            cluster_entry("c", &server)
        ),
    )
    .expect("kubeconfig");
    let list = format!("{}:{}", first.display(), second.display());
    let home = dir.path().to_string_lossy().into_owned();
    let out = mas_health_env(
        &["rollout", "--cluster"],
        &[("KUBECONFIG", &list), ("HOME", &home)],
    );
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().next(),
        Some("inst1: finished: 4 Applications Healthy")
    );
    assert!(!server.log().is_empty());
}

/// Without KUBECONFIG, ~/.kube/config or a pod's service account (kube-rs reads it from the
/// fixed /var/run/secrets/kubernetes.io/serviceaccount, which a test must not write), the
/// error says what to set.
#[test]
fn no_configuration_at_all_says_what_to_set() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().to_string_lossy().into_owned();
    let out = mas_health_env(
        &["rollout", "--cluster"],
        &[
            ("HOME", &home),
            ("KUBERNETES_SERVICE_HOST", ""),
            ("KUBERNETES_SERVICE_PORT", ""),
        ],
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr
            .starts_with("error: no usable cluster configuration: ")
            && out
                .stderr
                .ends_with("(set KUBECONFIG, or pass --kubeconfig FILE)\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn audit_cluster_writes_sarif_and_junit_as_the_file_audit_does() {
    let (_server, _dir, kc) = audit_cluster(|_| {});
    let args = ["--argocd-namespace", "argocd", "--output"];
    let sarif = audit_live(&kc, &[args[0], args[1], args[2], "sarif"]);
    let doc: Value = serde_json::from_str(&sarif.stdout).expect("one SARIF document");
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let live: Vec<&Value> = results
        .iter()
        .filter(|r| r["ruleId"] == "live-disagrees")
        .collect();
    assert_eq!(live.len(), 1, "{}", sarif.stdout);
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let index = live[0]["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(rules[index]["id"], "live-disagrees");
    assert_eq!(
        live[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "cluster:argocd/ConfigMap/argocd-cm"
    );
    let junit = audit_live(&kc, &[args[0], args[1], args[2], "junit"]);
    // One testcase per script, as for files; a warning (live-disagrees) fails none.
    assert!(
        junit
            .stdout
            .contains("<testcase name=\"core.mas.ibm.com/Suite (line ")
            && junit
                .stdout
                .contains(" classname=\"cluster:argocd/ConfigMap/argocd-cm\"/>"),
        "{}",
        junit.stdout
    );
    assert!(
        junit.stdout.contains("tests=\"1\" failures=\"0\""),
        "{}",
        junit.stdout
    );
    assert_eq!((sarif.code, junit.code), (Some(0), Some(0)));
}
