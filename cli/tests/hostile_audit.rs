//! Hostile and careless input to `mas-health audit` (issue #17): configurations it cannot use, scripts
//! that allocate or never end, and a killed audit each end with a clear answer.

mod support;

use std::path::Path;
use std::time::Duration;
use std::time::Instant;
use support::bounded_cmd as cmd;

// Item 4: audit's workers report through pipes: nothing under $TMPDIR to plant, follow or leave.

#[test]
fn audit_writes_nothing_under_tmpdir() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("argocd-cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
         resource.customizations.health.example.com_Thing: |\n    \
         return { status = \"Healthy\", message = \"\" }\n",
    )
    .expect("write");
    let audit = |tmpdir: &Path| {
        cmd()
            .env("TMPDIR", tmpdir)
            .current_dir(tmp.path())
            .args([
                "audit",
                "argocd-cm.yaml",
                "--cases",
                "5",
                "--output",
                "json",
            ])
            .output()
            .expect("runs")
    };
    // (The check returns Healthy without a status and never waits: one warning, exit 0.)
    // A private, empty folder stays empty...
    let private = tmp.path().join("private");
    std::fs::create_dir(&private).expect("mkdir");
    let normal = audit(&private);
    assert_eq!(normal.status.code(), Some(0), "{normal:?}");
    assert_eq!(std::fs::read_dir(&private).expect("ls").count(), 0);
    // ... and a TMPDIR where no folder can be made (a file) changes nothing.
    let not_a_dir = tmp.path().join("file");
    std::fs::write(&not_a_dir, "").expect("write");
    let out = audit(&not_a_dir);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, normal.stdout);
}

// Items 14 and 20: what audit says of configurations it cannot use.

/// `audit` on one argocd-cm holding `data` (indented under `data:`), with `extra` arguments.
fn audit_cm(data: &str, extra: &[&str]) -> std::process::Output {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("cm.yaml");
    std::fs::write(
        &cm,
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: argocd-cm}}\ndata:\n{data}"),
    )
    .expect("write");
    cmd()
        .args(["audit", "--no-fixtures"])
        .args(extra)
        .arg(&cm)
        .current_dir(tmp.path())
        .output()
        .expect("runs")
}

#[test]
fn audit_reports_a_nested_value_that_does_not_parse() {
    let out = audit_cm(
        "  resource.customizations: |\n    a/B:\n      health.lua: [\n",
        &["--cases", "3"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "  ERROR unreadable-key      Argo CD cannot read this value, so none of its checks \
             run: line 2 of the value: invalid YAML: unclosed bracket '['\n"
        ),
        "{text}"
    );
}

#[test]
fn audit_reports_a_split_key_with_two_underscores_instead_of_auditing_it() {
    let out = audit_cm(
        "  resource.customizations.health.a_b_C: |\n    return { status = 'Healthy' }\n",
        &["--cases", "3"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "  ERROR unreadable-key      Argo CD does not read this key: a split key has one \
             `_`, between the group and the kind, and \"a_b_C\" has 2; use the nested \
             resource.customizations form for this kind\n\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "0 scripts audited, 1 with errors (1 of them entries Argo CD cannot read)\n"
        ),
        "{text}"
    );
    assert!(!text.contains("a/b_C"), "{text}");
}

#[test]
fn audit_of_a_file_without_scripts_exits_2_as_eval_does() {
    let out = audit_cm("  other: x\n", &[]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.ends_with("cm.yaml: no health scripts found\n"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn audit_refuses_a_case_count_it_cannot_generate() {
    let out = audit_cm(
        "  resource.customizations.health.a_B: return {}\n",
        &["--cases", "4000000000"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with(
            "error: invalid value '4000000000' for '--cases <CASES>': 4000000000 is not in \
             1..=100000\n"
        ),
        "{out:?}"
    );
}

// Item 9: killing audit ends its workers too.

/// The processes whose parent is `pid`.
#[cfg(target_os = "linux")]
fn children_of(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(child) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        // pid (comm) state ppid ...: the comm may hold spaces, so read after its last ')'.
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let ppid = after
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse::<u32>().ok());
        if ppid == Some(pid) {
            out.push(child);
        }
    }
    out
}

/// Whether `pid` still runs (a zombie waiting for a reaper does not).
#[cfg(target_os = "linux")]
fn running(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
    state.is_some_and(|s| !s.starts_with('Z') && !s.starts_with('X'))
}

#[cfg(target_os = "linux")]
#[test]
fn killing_audit_ends_its_worker() {
    let tmp = tempfile::tempdir().expect("tmp");
    let cm = tmp.path().join("cm.yaml");
    // Under open libraries a pattern bomb is one C call: only the process boundary stops it.
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
         resource.customizations.useOpenLibs.example.com_Thing: \"true\"\n  \
         resource.customizations.health.example.com_Thing: |\n    \
         local x = (\"a\"):rep(28):match((\"a*\"):rep(28) .. \"b\")\n    \
         return { status = \"Healthy\" }\n",
    )
    .expect("write");
    let mut audit = std::process::Command::new(support::exe())
        .current_dir(support::ROOT)
        .args(["audit", "--no-fixtures", "--cases", "3", "--timeout", "600"])
        .arg(&cm)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let started = Instant::now();
    let workers = loop {
        let w = children_of(audit.id());
        if !w.is_empty() || started.elapsed() > Duration::from_secs(20) {
            break w;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(workers.len(), 1, "one worker starts");
    audit.kill().expect("kill");
    audit.wait().expect("reaped");
    let killed = Instant::now();
    while workers.iter().any(|w| running(*w)) && killed.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let left: Vec<_> = workers.iter().filter(|w| running(**w)).collect();
    for w in &left {
        // Leave nothing behind even when the test fails.
        let _ = std::process::Command::new("kill")
            .arg("-9")
            .arg(w.to_string())
            .status();
    }
    assert!(left.is_empty(), "the worker outlived audit: {left:?}");
}

// Item 10: audit reads a pipe or standard input once.

#[test]
fn audit_reads_a_pipe_and_standard_input() {
    let tmp = tempfile::tempdir().expect("tmp");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
                resource.customizations.health.example.com_Thing: |\n    \
                return { status = \"Progressing\", message = \"x\" }\n";
    let cm = tmp.path().join("cm.yaml");
    std::fs::write(&cm, text).expect("write");
    let expected = |name: &str| {
        format!(
            "example.com/Thing (line 5 ConfigMap data[resource.customizations.health.\
             example.com_Thing]) - {name}\n  ok: no findings on 3 states\n\n\
             1 scripts audited, 0 with errors\n"
        )
    };
    let stdin = cmd()
        .args(["audit", "--verbose", "--cases", "3", "-"])
        .write_stdin(text)
        .output()
        .expect("runs");
    assert_eq!(stdin.status.code(), Some(0), "{stdin:?}");
    assert_eq!(String::from_utf8_lossy(&stdin.stdout), expected("-"));
    let exe = support::exe();
    let piped = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "exec {:?} audit --verbose --cases 3 <(cat {:?})",
            exe, cm
        ))
        .output()
        .expect("bash runs");
    assert_eq!(piped.status.code(), Some(0), "{piped:?}");
    let stdout = String::from_utf8_lossy(&piped.stdout);
    assert!(
        stdout.starts_with("example.com/Thing (line 5 ConfigMap")
            && stdout
                .ends_with("  ok: no findings on 3 states\n\n1 scripts audited, 0 with errors\n"),
        "{stdout}"
    );
}

#[test]
fn audit_does_not_call_a_two_gib_string_rep_clean() {
    let out = audit_cm(
        "  resource.customizations.useOpenLibs.example.com_Thing: \"true\"\n  \
         resource.customizations.health.example.com_Thing: |\n    \
         local pad = string.rep(\" \", 2^31)\n    \
         return { status = \"Progressing\", message = \"waiting\" .. pad }\n",
        &["--cases", "3"],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "  ERROR huge-allocation     asks for string.rep of 1 byte(s) 2147483648 times \
             (2048 MiB): gopher-lua in Argo CD allocates all of it"
        ),
        "{text}"
    );
}
