//! The input forms eval reads as streams: standard input by any name, JSON Lines and
//! concatenated JSON with a broken value in the middle, multi-document YAML in bounded memory,
//! YAML aliases refused before they are copied.

mod support;

use assert_cmd::Command;

fn cmd() -> Command {
    Command::new(support::exe())
}

const PVC_LOST: &str = r#"{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "ns"}, "status": {"phase": "Lost"}}"#;
const PVC_BOUND: &str = r#"{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "logs", "namespace": "ns"}, "status": {"phase": "Bound"}}"#;
const LOST_LINE: &str =
    "Degraded     PersistentVolumeClaim ns/data:   [built-in gitops-engine (Go)]\n";
const BOUND_LINE: &str =
    "Healthy      PersistentVolumeClaim ns/logs:   [built-in gitops-engine (Go)]\n";

#[test]
fn dev_stdin_and_dash_both_read_standard_input() {
    for name in ["-", "/dev/stdin"] {
        let out = cmd()
            .args(["eval", name])
            .write_stdin(format!("{PVC_BOUND}\n"))
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stdout), BOUND_LINE, "{name}");
    }
}

/// eval's exit code, standard output and error lines for one file holding `text`.
fn eval_file(name: &str, text: &str) -> (Option<i32>, String, Vec<String>) {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join(name);
    std::fs::write(&file, text).expect("write");
    let out = cmd().arg("eval").arg(&file).output().expect("runs");
    let prefix = format!("{}/", tmp.path().display());
    let err = String::from_utf8_lossy(&out.stderr).replace(&prefix, "");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        err.lines().map(str::to_owned).collect(),
    )
}

#[test]
fn a_broken_json_line_is_one_error_and_the_lines_after_it_are_evaluated() {
    // The second line was cut off by a log shipper, the fourth has a stray brace: each is one
    // error, and the Degraded claim after them must count.
    let cut = &PVC_BOUND[..60];
    let text = format!("{PVC_BOUND}\n{cut}\n{PVC_LOST}\n{PVC_BOUND}}}\n{PVC_BOUND}\n");
    let (code, stdout, err) = eval_file("two.jsonl", &text);
    assert_eq!(code, Some(2));
    assert_eq!(stdout, format!("{BOUND_LINE}{LOST_LINE}{BOUND_LINE}"));
    assert_eq!(
        err,
        [
            "error: two.jsonl:2: invalid JSON: EOF while parsing a string",
            "error: two.jsonl:4: invalid JSON: trailing characters",
        ]
    );
}

#[test]
fn a_broken_value_in_concatenated_json_is_one_error_and_the_values_after_it_are_evaluated() {
    let pretty = |v: &str| {
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(v).expect("json"))
            .expect("pretty")
    };
    let bound = pretty(PVC_BOUND);
    // Cut after a complete member: the next value starts at the start of a line.
    let cut_at = bound.find("\"metadata\"").expect("metadata");
    let text = format!(
        "{bound}\n{}\n{}\n{bound}",
        &bound[..cut_at].trim_end(),
        pretty(PVC_LOST)
    );
    let (code, stdout, err) = eval_file("dump.json", &text);
    assert_eq!(code, Some(2));
    assert_eq!(stdout, format!("{BOUND_LINE}{LOST_LINE}{BOUND_LINE}"));
    let cut_line = bound.lines().count() + 1;
    assert_eq!(
        err,
        [format!(
            "error: dump.json:{}: invalid JSON: EOF while parsing a value",
            cut_line + 3
        )]
    );
}

#[test]
fn yaml_aliases_that_would_copy_too_much_are_refused_before_they_are_copied() {
    // 1 MB: one anchor of a million bytes and 1,100 aliases to it (1.1 GB of copies); before,
    // the copies were made and the process died at the memory limit.
    let mut text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: bomb}}\nx: &x \"{}\"\ndata:\n  k: [{}]\n",
        "y".repeat(1_000_000),
        ["*x"; 1100].join(", ")
    );
    text.push_str(&format!("---\n{PVC_LOST}\n"));
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("bomb.yaml");
    std::fs::write(&file, &text).expect("write");
    // 512 MiB of address space: expanded, the aliases alone would take a gigabyte.
    let exe = support::exe();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 524288; exec {exe:?} eval {file:?}"))
        .output()
        .expect("bash runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), LOST_LINE);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!("error: {}:", file.display()))
            && err.contains(": invalid YAML: its aliases stand for more than ")
            && err.lines().count() == 1,
        "{err}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn multi_document_yaml_is_read_one_document_at_a_time() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("dump.yaml");
    let n = 30_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: ns\n\
             data:\n  note: {}\n",
            "z".repeat(700)
        ));
    }
    assert!(text.len() > 20 << 20, "{} bytes", text.len());
    std::fs::write(&file, &text).expect("write");
    drop(text);
    // 128 MiB of address space: held whole, the documents took 121 MB of memory (5 times the
    // text) and the reading failed; one at a time they take under 10 MB.
    let exe = support::exe();
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 131072; exec {exe:?} eval {file:?}"))
        .output()
        .expect("bash runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), n);
    assert_eq!(
        stdout.lines().last(),
        Some(
            format!(
                "-            ConfigMap ns/cm-{}: no health check: Argo CD treats it as \
                 healthy for sync waves  [no check]",
                n - 1
            )
            .as_str()
        )
    );
}
