//! Hostile and careless input to `mas-health eval` (and `explain`, `rollout`) (issue #17): links,
//! devices, odd encodings, large lists and control characters give one clear line, never a panic.

mod support;

use support::{bounded_cmd as cmd, mas_test, no_raw_controls, suite};

// Item 11: links to `.` in a folder that is walked.

/// Two links to the folder itself at every level would make a walk that follows links
/// exponential: test, audit --manifests and eval must each see the one real folder once.
#[cfg(unix)]
#[test]
fn folder_walks_do_not_follow_links_to_folders() {
    let root = tempfile::tempdir().expect("temp dir");
    suite(
        root.path(),
        b"return { status = \"Healthy\", message = \"\" }",
        "Healthy",
    );
    let thing = root.path().join("example.com/Thing");
    for dir in [root.path(), thing.as_path()] {
        std::os::unix::fs::symlink(".", dir.join("again")).expect("link");
        std::os::unix::fs::symlink(".", dir.join("and-again")).expect("link");
    }
    let out = mas_test(root.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(text.lines().last(), Some("1 passed, 0 failed"));

    let eval = cmd().arg("eval").arg(&thing).output().expect("runs");
    let text = String::from_utf8_lossy(&eval.stdout);
    assert_eq!(text.matches("example.com/Thing").count(), 1, "{text}");

    let cm = root.path().join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  resource.customizations.health.example.com_Thing: |\n    return { status = \"Healthy\", message = \"ok\" }\n",
    )
    .expect("config");
    let audit = cmd()
        .args(["audit", "--no-fixtures", "--cases", "5", "--manifests"])
        .arg(root.path())
        .arg(&cm)
        .output()
        .expect("runs");
    assert!(audit.status.code().is_some(), "audit ends");
}

// Item 19: read errors and output errors are one line and exit 2.

#[test]
fn a_utf16_file_and_a_missing_file_are_one_line_each_without_a_line_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let u16 = dir.path().join("dump.yaml");
    std::fs::write(&u16, b"\xff\xfea\x00p\x00").expect("write");
    let out = cmd()
        .arg("eval")
        .arg(&u16)
        .arg(dir.path().join("missing.yaml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].ends_with(
        "dump.yaml: the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"
    ));
    assert!(lines[1].contains("missing.yaml: cannot read: "), "{err}");
    assert!(!err.contains(":0:"), "{err}");
}

#[test]
fn control_characters_from_objects_are_escaped_in_eval_explain_and_rollout() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"cm\\r\\e[2K\\u009b\"}\n",
    )
    .expect("write");
    let eval = cmd().arg("eval").arg(&cm).output().expect("runs");
    assert_eq!(eval.status.code(), Some(0), "{eval:?}");
    no_raw_controls(&eval.stdout);
    assert_eq!(
        String::from_utf8_lossy(&eval.stdout),
        "-            ConfigMap cm\\r\\u{1b}[2K\\u{9b}: no health check: Argo CD treats it as \
         healthy for sync waves  [no check]\n"
    );
    let explain = cmd().arg("explain").arg(&cm).output().expect("runs");
    assert_eq!(explain.status.code(), Some(0), "{explain:?}");
    no_raw_controls(&explain.stdout);
    assert!(
        String::from_utf8_lossy(&explain.stdout).starts_with("ConfigMap cm\\r\\u{1b}[2K\\u{9b}\n")
    );

    let app = tmp.path().join("app.yaml");
    std::fs::write(
        &app,
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\n\
         metadata: {name: app, namespace: argocd}\n\
         status: {health: {status: Degraded, message: \"x\\r\\e[2KHealthy\"}}\n",
    )
    .expect("write");
    let rollout = cmd().arg("rollout").arg(&app).output().expect("runs");
    no_raw_controls(&rollout.stdout);
    assert!(
        String::from_utf8_lossy(&rollout.stdout)
            .contains("health Degraded: x\\r\\u{1b}[2KHealthy  [rule"),
        "{rollout:?}"
    );
}

// Items 18 and 19: one rule for YAML and JSON, said in this tool's words.

/// `eval` on files written in `dir`: the exit code, stdout, and stderr's lines with the
/// folder's path taken out.
fn eval_files(files: &[(&str, &str)]) -> (Option<i32>, String, Vec<String>) {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut c = cmd();
    c.arg("eval");
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).expect("write");
        c.arg(tmp.path().join(name));
    }
    let out = c.output().expect("runs");
    let prefix = format!("{}/", tmp.path().display());
    let err = String::from_utf8_lossy(&out.stderr).replace(&prefix, "");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err.lines().map(str::to_owned).collect(),
    )
}

#[test]
fn a_list_whose_items_are_not_a_list_is_an_error_in_yaml_and_json() {
    let (code, stdout, err) = eval_files(&[
        ("a.yaml", "apiVersion: v1\nkind: List\nitems: oops\n"),
        (
            "b.json",
            r#"{"apiVersion": "v1", "kind": "List", "items": {"a": 1}}"#,
        ),
        (
            "c.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: good}\n",
        ),
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        [
            "error: a.yaml:1: kind: List has items that are a string, not a list",
            "error: b.json:1: kind: List has items that are an object, not a list",
        ]
    );
    assert!(stdout.contains("ConfigMap good"), "{stdout}");
}

#[test]
fn only_the_core_list_is_flattened() {
    let item = "{apiVersion: v1, kind: ConfigMap, metadata: {name: inner}}";
    let (code, stdout, err) = eval_files(&[(
        "a.yaml",
        &format!(
            "apiVersion: example.com/v1\nkind: ThingList\nmetadata: {{name: outer}}\n\
             items: [{item}]\n---\napiVersion: v1\nkind: List\nitems: [{item}]\n"
        ),
    )]);
    assert_eq!(code, Some(0), "{err:?}");
    assert_eq!(
        stdout,
        "-            example.com/ThingList outer: no health check: Argo CD treats it as healthy \
         for sync waves  [no check]\n\
         -            ConfigMap inner: no health check: Argo CD treats it as healthy for sync \
         waves  [no check]\n"
    );
}

#[test]
fn duplicate_keys_and_deep_nesting_are_errors_in_yaml_and_json_alike() {
    let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
    let cm = "\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\"";
    let (code, _, err) = eval_files(&[
        ("a.yaml", "apiVersion: v1\nkind: ConfigMap\nkind: Secret\n"),
        ("b.json", &format!("{{{cm},\n \"kind\": \"Secret\"}}")),
        // The object is the first level, so 63 more are the most either format reads.
        (
            "c.yaml",
            &format!("apiVersion: v1\nkind: ConfigMap\ndata: {}\n", deep(64)),
        ),
        ("d.json", &format!("{{{cm}, \"data\": {}}}", deep(64))),
        ("e.json", &format!("{{{cm}, \"data\": {}}}", deep(63))),
        (
            "f.yaml",
            &format!("apiVersion: v1\nkind: ConfigMap\ndata: {}\n", deep(63)),
        ),
    ]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        [
            "error: a.yaml:3: invalid YAML: duplicate key \"kind\"",
            "error: b.json:2: invalid JSON: duplicate key \"kind\"",
            "error: c.yaml:3: invalid YAML: nested deeper than 64 levels",
            "error: d.json:1: invalid JSON: nested deeper than 64 levels",
        ]
    );
}

#[test]
fn json_that_does_not_parse_is_called_invalid_json() {
    let (code, _, err) = eval_files(&[(
        "a.json",
        "{\"apiVersion\": \"v1\",\n \"kind\": \"ConfigMap\"\n \"metadata\": {}}\n",
    )]);
    assert_eq!(code, Some(2));
    assert_eq!(err, ["error: a.json:3: invalid JSON: expected `,` or `}`"]);
}

// Item 20: a device or a FIFO is refused, not read for ever.

#[cfg(unix)]
#[test]
fn eval_refuses_devices_and_named_pipes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fifo = tmp.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = cmd()
        .arg("eval")
        .arg("/dev/zero")
        .arg(&fifo)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: /dev/zero: not a regular file (a character device): give a file, or `-` \
             and pipe it in\n\
             error: {}: not a regular file (a named pipe, which may never be written): give a \
             file, or `-` and pipe it in\n",
            fifo.display()
        )
    );
}

// Item 12: a large kind: List is read one item at a time.

/// A `kind: List` of `n` Deployments, as `oc get -o json` prints it (items before kind).
fn big_list(n: usize) -> String {
    let item = |i: usize| {
        format!(
            r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {{"name": "app-{i}",
 "namespace": "ns", "labels": {{"app": "app-{i}", "team": "platform"}},
 "annotations": {{"note": "{pad}"}}}}, "spec": {{"replicas": 3}},
 "status": {{"observedGeneration": 1, "replicas": 3, "updatedReplicas": 3,
 "availableReplicas": 3, "readyReplicas": 3, "conditions": [{{"type": "Available",
 "status": "True", "reason": "MinimumReplicasAvailable"}}]}}}}"#,
            pad = "x".repeat(300)
        )
    };
    let items: Vec<String> = (0..n).map(item).collect();
    format!(
        "{{\"apiVersion\": \"v1\", \"items\": [\n{}\n], \"kind\": \"List\", \"metadata\": {{}}}}\n",
        items.join(",\n")
    )
}

#[cfg(target_os = "linux")]
#[test]
fn a_large_list_is_evaluated_in_little_memory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("dump.json");
    let n = 80_000;
    let text = big_list(n);
    assert!(text.len() > 48 << 20, "{} bytes", text.len());
    std::fs::write(&file, &text).expect("write");
    drop(text);
    // 512 MiB of address space: read whole, the objects alone took over 1 GB.
    let exe = support::exe();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 524288; exec {exe:?} eval {file:?}"))
        .output()
        .expect("bash runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), n);
    assert_eq!(
        stdout.lines().last(),
        Some(
            format!(
                "Healthy      apps/Deployment ns/app-{}:   [built-in gitops-engine (Go)]",
                n - 1
            )
            .as_str()
        )
    );
    // explain reads one object at a time too.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 524288; exec {exe:?} explain {file:?}"))
        .output()
        .expect("bash runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
    let headers = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("apps/Deployment ns/app-"))
        .count();
    assert_eq!(headers, n);
}

#[test]
fn a_document_after_a_large_json_list_is_not_lost() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("dump.json");
    let n = 20_000;
    let mut text = big_list(n);
    assert!(text.len() > 8 << 20, "{} bytes: not streamed", text.len());
    text.push_str(
        r#"{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
 "metadata": {"name": "after", "namespace": "ns"}, "status": {"phase": "Lost"}}"#,
    );
    std::fs::write(&file, &text).expect("write");
    let out = cmd().arg("eval").arg(&file).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), n + 1);
    assert_eq!(
        stdout.lines().last(),
        Some("Degraded     PersistentVolumeClaim ns/after:   [built-in gitops-engine (Go)]")
    );
}

#[test]
fn a_large_yaml_list_with_a_bad_item_keeps_the_items_before_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("dump.yaml");
    let n = 20_000;
    let item = |i: usize| {
        format!(
            "- {{apiVersion: v1, kind: ConfigMap, metadata: {{name: cm-{i}, annotations: \
             {{note: {}}}}}}}\n",
            "y".repeat(400)
        )
    };
    let mut text = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..n {
        text.push_str(&item(i));
    }
    text.push_str("- {apiVersion: v1, kind: ConfigMap, kind: Secret}\n");
    assert!(text.len() > 8 << 20, "{} bytes", text.len());
    std::fs::write(&file, &text).expect("write");
    let out = cmd().arg("eval").arg(&file).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), n);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err,
        format!(
            "error: {}:{}: invalid YAML: duplicate key \"kind\"\n",
            file.display(),
            n + 4
        )
    );
}

#[test]
fn control_characters_in_error_lines_are_escaped() {
    let tmp = tempfile::tempdir().expect("tmp");
    let bad = tmp.path().join("bad\r\x1b[2K.yaml");
    std::fs::write(&bad, "apiVersion: v1\n").expect("write");
    let out = cmd().arg("eval").arg(&bad).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    no_raw_controls(&out.stderr);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {}/bad\\r\\u{{1b}}[2K.yaml:1: the object has no kind\n",
            tmp.path().display()
        )
    );
}

#[test]
fn a_newline_in_a_name_cannot_add_a_line_to_eval_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("evil.json");
    std::fs::write(
        &file,
        r#"{"apiVersion": "v1", "kind": "PersistentVolumeClaim",
 "metadata": {"name": "evil\nHealthy      PersistentVolumeClaim ns/data", "namespace": "ns"},
 "status": {"phase": "Lost"}}"#,
    )
    .expect("write");
    let out = cmd().arg("eval").arg(&file).output().expect("runs");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Degraded     PersistentVolumeClaim ns/evil\\nHealthy      PersistentVolumeClaim ns/data:   \
         [built-in gitops-engine (Go)]\n"
    );
}
