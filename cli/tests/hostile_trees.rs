//! Someone else's tree (issue #25): `test`, `audit` and `generate` stay inside the folder they
//! are given, never block on a pipe or read a device, always finish, and say what they refused.
//! Every command runs under a time limit, so a regression fails here instead of hanging.

mod support;

use assert_cmd::Command;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

const NAMED_PIPE: &str = "not a regular file (a named pipe, which may never be written)";

fn cmd() -> Command {
    let mut c = Command::new(support::exe());
    c.timeout(Duration::from_secs(60));
    c
}

/// `mas-health test DIR`, stopped after 30 s (a hang fails the test).
fn mas_test(dir: &Path) -> Output {
    cmd()
        .timeout(Duration::from_secs(30))
        .arg("test")
        .arg(dir)
        .output()
        .expect("runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `mas-health ARGS` run by `sh` under `ulimit -v` (1 GiB), so reading `/dev/zero` fails fast
/// instead of filling the machine's memory.
fn limited(args: &[&str], dir: &Path) -> Output {
    let exe = support::exe();
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    cmd_sh(&format!(
        "ulimit -v 1048576; exec '{}' {}",
        exe.display(),
        quoted.join(" ")
    ))
    .current_dir(dir)
    .output()
    .expect("runs")
}

fn cmd_sh(script: &str) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg(script).timeout(Duration::from_secs(60));
    c
}

/// A folder of Argo CD's layout: `example.com/Thing` with `health.lua` and one test of
/// `testdata/a.yaml`; returns the folder.
fn suite(root: &Path) -> PathBuf {
    let dir = root.join("example.com/Thing");
    std::fs::create_dir_all(dir.join("testdata")).expect("mkdir");
    std::fs::write(dir.join("health.lua"), "return { status = 'Healthy' }").expect("write");
    tests_file(&dir, &["testdata/a.yaml"]);
    std::fs::write(
        dir.join("testdata/a.yaml"),
        "apiVersion: example.com/v1\nkind: Thing\n",
    )
    .expect("write");
    dir
}

/// A health_test.yaml in `dir` expecting Healthy for each input.
fn tests_file(dir: &Path, inputs: &[&str]) {
    let mut text = String::from("tests:\n");
    for i in inputs {
        text.push_str(&format!(
            "- healthStatus: {{status: Healthy}}\n  inputPath: '{i}'\n"
        ));
    }
    std::fs::write(dir.join("health_test.yaml"), text).expect("write");
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("path");
    // SAFETY: a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
}

// High 1: a wildcard folder name of many `_` parts cannot stall the glob match.

#[test]
fn a_wildcard_folder_of_many_parts_does_not_stall_test() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = suite(tmp.path());
    // 16 wildcards against a 60-character group that has no `b`: a backtracking match tries
    // every split of the group among the stars.
    let wild = tmp.path().join(format!("{}_b/_", "_a".repeat(16)));
    std::fs::create_dir_all(&wild).expect("mkdir");
    std::fs::write(wild.join("health.lua"), "return { status = 'Degraded' }").expect("write");
    std::fs::write(wild.join("health_test.yaml"), "tests: []\n").expect("write");
    std::fs::write(
        dir.join("testdata/a.yaml"),
        format!("apiVersion: {}.example/v1\nkind: Thing\n", "a".repeat(60)),
    )
    .expect("write");
    let start = Instant::now();
    let out = mas_test(tmp.path());
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // No script answers that group: Argo CD's empty status.
    assert_eq!(
        stdout(&out),
        format!(
            "FAIL example.com/Thing testdata/a.yaml: expected Healthy \"\", got  \"\": no \
             health.lua answers \"{}.example/Thing\"\n0 passed, 1 failed\n",
            "a".repeat(60)
        )
    );
}

// High 2: a link whose target cannot be resolved inside the tree (our own standard input or
// output) is refused, not read.

#[test]
fn a_fixture_linked_to_our_own_standard_streams_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = suite(tmp.path());
    symlink("/proc/self/fd/0", dir.join("testdata/in.yaml")).expect("link");
    symlink("/proc/self/fd/1", dir.join("testdata/out.yaml")).expect("link");
    tests_file(&dir, &["testdata/in.yaml", "testdata/out.yaml"]);
    // Standard input a pipe nobody writes or closes, standard output a pipe: both would block.
    let mut child = std::process::Command::new(support::exe())
        .arg("test")
        .arg(tmp.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let _held_open = child.stdin.take();
    let started = Instant::now();
    while child.try_wait().expect("waits").is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("test hung reading a link to its own standard stream");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("output");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let refused = |name: &str| {
        format!(
            "FAIL {}: a link whose target cannot be resolved inside {}: refused\n",
            dir.join("testdata").join(name).display(),
            dir.display()
        )
    };
    let stdout = stdout(&out);
    // /proc/self/fd/1 is a pipe here; /proc/self/fd/0 too: neither resolves to a path.
    assert_eq!(
        stdout,
        format!(
            "{}{}0 passed, 2 failed\n",
            refused("in.yaml"),
            refused("out.yaml")
        )
    );
}

// High 3: named pipes are refused, never opened for a blocking read.

#[test]
fn test_refuses_named_pipes_as_fixture_script_or_tests_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = suite(tmp.path());
    mkfifo(&dir.join("testdata/pipe.yaml"));
    tests_file(&dir, &["testdata/pipe.yaml", "testdata/a.yaml"]);
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        format!(
            "FAIL {}: {NAMED_PIPE}\nPASS example.com/Thing testdata/a.yaml\n1 passed, 1 failed\n",
            dir.join("testdata/pipe.yaml").display()
        )
    );

    std::fs::remove_file(dir.join("health.lua")).expect("rm");
    mkfifo(&dir.join("health.lua"));
    tests_file(&dir, &["testdata/a.yaml"]);
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        format!(
            "FAIL example.com/Thing testdata/a.yaml: cannot read {}: {NAMED_PIPE}\n\
             0 passed, 1 failed\n",
            dir.join("health.lua").display()
        )
    );

    std::fs::remove_file(dir.join("health_test.yaml")).expect("rm");
    mkfifo(&dir.join("health_test.yaml"));
    let out = mas_test(tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        format!(
            "FAIL {}: {NAMED_PIPE}\n0 passed, 1 failed\n",
            dir.join("health_test.yaml").display()
        )
    );
}

/// A ConfigMap with a health script for example.com/Thing.
fn config(root: &Path) -> PathBuf {
    let cm = root.join("cm.yaml");
    std::fs::write(
        &cm,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: argocd-cm}\ndata:\n  \
         resource.customizations.health.example.com_Thing: |\n    \
         return { status = \"Healthy\" }\n",
    )
    .expect("write");
    cm
}

#[test]
fn audit_refuses_a_named_pipe_among_its_fixtures() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fixtures = tmp.path().join("fixtures");
    let dir = suite(&fixtures);
    std::fs::remove_file(dir.join("health_test.yaml")).expect("rm");
    mkfifo(&dir.join("health_test.yaml"));
    let out = cmd()
        .timeout(Duration::from_secs(30))
        .args(["audit", "--cases", "3", "--fixtures"])
        .arg(&fixtures)
        .arg(config(tmp.path()))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        format!(
            "error: cannot read fixtures under {}: {}: {NAMED_PIPE}\n",
            fixtures.display(),
            dir.join("health_test.yaml").display()
        )
    );
}

#[test]
fn generate_check_refuses_a_named_pipe_in_its_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let made = cmd()
        .current_dir(tmp.path())
        .args(["generate", "--out", "g"])
        .output()
        .expect("runs");
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let file = tmp.path().join("g/argocd-cm.yaml");
    std::fs::remove_file(&file).expect("rm");
    mkfifo(&file);
    let out = cmd()
        .timeout(Duration::from_secs(30))
        .current_dir(tmp.path())
        .args(["generate", "--check", "--out", "g"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stderr(&out),
        "g is out of date (run `mas-health generate`):\n  g/argocd-cm.yaml is not a file (a link?)\n"
    );
}

// High 4: a link to /dev/zero is refused before a byte is read, and every read is capped.

#[test]
fn links_to_dev_zero_are_refused_in_test() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = suite(tmp.path());
    symlink("/dev/zero", dir.join("testdata/zero.yaml")).expect("link");
    tests_file(&dir, &["testdata/zero.yaml"]);
    let other = tmp.path().join("example.com/Other");
    std::fs::create_dir_all(&other).expect("mkdir");
    symlink("/dev/zero", other.join("health_test.yaml")).expect("link");
    let out = limited(&["test", "."], tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        "FAIL ./example.com/Other/health_test.yaml: a link to /dev/zero outside .: refused\n\
         FAIL ./example.com/Thing/health_test.yaml: inputPath \"testdata/zero.yaml\" is outside \
         the test folder\n0 passed, 2 failed\n"
    );
}

#[test]
fn a_fixture_larger_than_its_limit_is_refused_unread() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = suite(tmp.path());
    let big = std::fs::File::create(dir.join("testdata/big.yaml")).expect("create");
    big.set_len((16 << 20) + 1).expect("sparse file");
    tests_file(&dir, &["testdata/big.yaml"]);
    let out = limited(&["test", "."], tmp.path());
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        "FAIL ./example.com/Thing/testdata/big.yaml: larger than 16 MiB: refused\n\
         0 passed, 1 failed\n"
    );
}

// High 5: audit's fixtures are contained as test's are.

#[test]
fn audit_refuses_fixtures_outside_their_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fixtures = tmp.path().join("fixtures");
    let dir = suite(&fixtures);
    let secret = tmp.path().join("secret.yaml");
    std::fs::write(
        &secret,
        "apiVersion: example.com/v1\nkind: Thing\nsecret: hunter2\n",
    )
    .expect("write");
    symlink(&secret, dir.join("testdata/link.yaml")).expect("link");
    let absolute = secret.display().to_string();
    tests_file(
        &dir,
        &[
            &absolute,
            "../../../secret.yaml",
            "testdata/link.yaml",
            "/dev/zero",
        ],
    );
    let out = cmd()
        .args(["audit", "--cases", "3", "--fixtures"])
        .arg(&fixtures)
        .arg(config(tmp.path()))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let yaml = dir.join("health_test.yaml");
    let refused: String = [
        absolute.as_str(),
        "../../../secret.yaml",
        "testdata/link.yaml",
        "/dev/zero",
    ]
    .iter()
    .map(|i| {
        format!(
            "error: {}: inputPath {i:?} is outside the test folder: this fixture is not used\n",
            yaml.display()
        )
    })
    .collect();
    assert_eq!(stderr(&out), refused);
    assert!(!stdout(&out).contains("hunter2"), "{}", stdout(&out));
}

// High 6: a health.lua linked out of the tree is refused by test and audit.

#[test]
fn a_script_linked_out_of_the_tree_is_never_read() {
    let tmp = tempfile::tempdir().expect("tmp");
    let tree = tmp.path().join("tree");
    let dir = suite(&tree);
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "hunter2 = 1\n").expect("write");
    std::fs::remove_file(dir.join("health.lua")).expect("rm");
    symlink(&secret, dir.join("health.lua")).expect("link");
    let out = cmd().arg("test").arg(&tree).output().expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        format!(
            "FAIL example.com/Thing testdata/a.yaml: cannot read {}: a link to {} outside {}: \
             refused\n0 passed, 1 failed\n",
            dir.join("health.lua").display(),
            secret.canonicalize().expect("real").display(),
            tree.display()
        )
    );
    let out = cmd()
        .args(["audit", "--no-fixtures", "--cases", "3"])
        .arg(&tree)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        format!(
            "error: {}: a link to {} outside {}: refused\n",
            dir.join("health.lua").display(),
            secret.canonicalize().expect("real").display(),
            tree.display()
        )
    );
    assert!(!stdout(&out).contains("hunter2"), "{}", stdout(&out));
}

// High 7: the 5 s kill applies to gopher-lua too.

const PATTERN_BOMB: &str = r#"local x = ("a"):rep(28):match(("a*"):rep(28) .. "b")
return { status = "Healthy" }"#;

#[cfg_attr(not(gopher), ignore = "needs Go and gopher-lua (see CONTRIBUTING.md)")]
#[test]
fn gopher_stops_a_pattern_bomb_under_open_libraries() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = suite(tmp.path());
    std::fs::write(dir.join("health.lua"), PATTERN_BOMB).expect("write");
    let start = Instant::now();
    let out = cmd()
        .timeout(Duration::from_secs(240))
        .args(["test", "--interpreter", "gopher", "--libraries", "open"])
        .arg(tmp.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        stdout(&out),
        "FAIL example.com/Thing testdata/a.yaml: expected Healthy \"\", got Unknown \
         \"context deadline exceeded\"\n0 passed, 1 failed\n"
    );
    // The harness may be built first (about a minute); the bomb itself runs for ever.
    assert!(
        start.elapsed() < Duration::from_secs(200),
        "{:?}",
        start.elapsed()
    );
}

// Medium 15: one --timeout for the whole run.

#[test]
fn test_stops_the_whole_run_at_its_timeout() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = suite(tmp.path());
    std::fs::write(dir.join("health.lua"), PATTERN_BOMB).expect("write");
    for n in ["b", "c"] {
        std::fs::copy(
            dir.join("testdata/a.yaml"),
            dir.join(format!("testdata/{n}.yaml")),
        )
        .expect("copy");
    }
    tests_file(
        &dir,
        &["testdata/a.yaml", "testdata/b.yaml", "testdata/c.yaml"],
    );
    let start = Instant::now();
    let out = cmd()
        .args(["test", "--libraries", "open", "--timeout", "2"])
        .arg(tmp.path())
        .output()
        .expect("runs");
    // Each bomb alone costs 5 s: three would take 15 s without the run's limit.
    assert!(
        start.elapsed() < Duration::from_secs(12),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let not_run = |n: &str| {
        format!("NOT RUN example.com/Thing testdata/{n}.yaml: the run's --timeout of 2 s was up\n")
    };
    assert_eq!(
        stdout(&out),
        format!(
            "{}{}{}0 passed, 0 failed, 3 not run\n",
            not_run("a"),
            not_run("b"),
            not_run("c")
        )
    );
}

// Low: a --timeout no clock can hold is refused, never blamed on a script.

#[test]
fn a_huge_timeout_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    suite(tmp.path());
    for command in ["audit", "test"] {
        let out = cmd()
            .args([command, "--timeout", "18446744073709551615"])
            .arg(if command == "audit" {
                config(tmp.path())
            } else {
                tmp.path().to_owned()
            })
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert!(stdout(&out).is_empty(), "{out:?}");
        let first = stderr(&out).lines().next().unwrap_or_default().to_owned();
        assert_eq!(
            first,
            "error: invalid value '18446744073709551615' for '--timeout <TIMEOUT>': \
             18446744073709551615 is not in 1..=86400"
        );
    }
}

// Medium 9: a stopped generate is put right by the next one.

/// What `generate --out g` writes, then the user's README and .git added.
fn generated(root: &Path) -> PathBuf {
    let made = cmd()
        .current_dir(root)
        .args(["generate", "--out", "g"])
        .output()
        .expect("runs");
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let g = root.join("g");
    std::fs::write(g.join("README"), "mine\n").expect("write");
    std::fs::create_dir(g.join(".git")).expect("mkdir");
    std::fs::write(g.join(".git/HEAD"), "ref\n").expect("write");
    g
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn generate_recovers_from_a_kill_between_its_renames() {
    let tmp = tempfile::tempdir().expect("tmp");
    let g = generated(tmp.path());
    // What a kill between the two renames left: the old folder renamed away, the new one
    // (with the user's files moved into it) not yet in place, and the lock file.
    let old = tmp.path().join(".g.generate-old");
    let fresh = tmp.path().join(".g.generate-new");
    std::fs::rename(&g, &old).expect("rename");
    let made = cmd()
        .current_dir(tmp.path())
        .args(["generate", "--out", "fresh"])
        .output()
        .expect("runs");
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    std::fs::rename(tmp.path().join("fresh"), &fresh).expect("rename");
    std::fs::rename(old.join("README"), fresh.join("README")).expect("move");
    std::fs::rename(old.join(".git"), fresh.join(".git")).expect("move");
    std::fs::write(tmp.path().join(".g.generate-lock"), "").expect("stale lock");
    let out = cmd()
        .current_dir(tmp.path())
        .args(["generate", "--out", "g"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(names_in(tmp.path()), ["g"], "{out:?}");
    assert_eq!(
        std::fs::read_to_string(g.join("README")).expect("kept"),
        "mine\n"
    );
    assert_eq!(
        std::fs::read_to_string(g.join(".git/HEAD")).expect("kept"),
        "ref\n"
    );
    let check = cmd()
        .current_dir(tmp.path())
        .args(["generate", "--check", "--out", "g"])
        .output()
        .expect("runs");
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

#[test]
fn generate_recovers_from_a_kill_while_writing_the_new_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let g = generated(tmp.path());
    // Stopped while writing: a new folder without its list, and the lock file.
    let fresh = tmp.path().join(".g.generate-new");
    std::fs::create_dir_all(fresh.join("core.mas.ibm.com/Suite")).expect("mkdir");
    std::fs::write(fresh.join("core.mas.ibm.com/Suite/health.lua"), "-- cut").expect("write");
    std::fs::write(tmp.path().join(".g.generate-lock"), "").expect("stale lock");
    let out = cmd()
        .current_dir(tmp.path())
        .args(["generate", "--out", "g"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[0],
        ".g.generate-new: left by a stopped `mas-health generate`: cleaned up"
    );
    assert!(lines[1].starts_with("g: wrote "), "{err}");
    assert_eq!(lines.len(), 2, "{err}");
    assert_eq!(names_in(tmp.path()), ["g"]);
    assert_eq!(
        std::fs::read_to_string(g.join("README")).expect("kept"),
        "mine\n"
    );
}

// Medium 10: --out FILE is written whole or not at all.

#[test]
fn a_failed_write_leaves_the_old_file_whole() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("cm.yaml");
    let old = "# the old file\n".repeat(8000);
    std::fs::write(&file, &old).expect("write");
    let exe = support::exe();
    // At most 8 KiB may be written (SIGXFSZ ignored: the write fails with EFBIG).
    let out = cmd_sh(&format!(
        "trap '' XFSZ; ulimit -f 8; exec '{}' generate --format argocd-cm --out cm.yaml",
        exe.display()
    ))
    .current_dir(tmp.path())
    .output()
    .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        stderr(&out).starts_with("error: cannot write cm.yaml: File too large"),
        "{out:?}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), old);
    assert_eq!(names_in(tmp.path()), ["cm.yaml"], "no temporary file left");
}

// Medium 11: --out onto a named pipe is refused, not blocked on.

#[test]
fn out_onto_a_named_pipe_is_refused() {
    let tmp = tempfile::tempdir().expect("tmp");
    mkfifo(&tmp.path().join("pipe"));
    for check in [false, true] {
        let mut c = cmd();
        c.timeout(Duration::from_secs(30))
            .current_dir(tmp.path())
            .args(["generate", "--format", "argocd-cm", "--out", "pipe"]);
        if check {
            c.arg("--check");
        }
        let out = c.output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        let want = match check {
            true => format!("error: pipe: {NAMED_PIPE}: nothing to compare\n"),
            false => "error: pipe: not a regular file (a named pipe, which may never be \
                      written): give a file to write\n"
                .to_owned(),
        };
        assert_eq!(stderr(&out), want);
    }
}

// Low: standard output closed.

#[test]
fn eval_and_generate_refuse_a_closed_standard_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("a.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nstatus: {phase: Running}\n",
    )
    .expect("write");
    let exe = support::exe();
    for args in ["eval a.yaml", "generate --format argocd-cm"] {
        let out = cmd_sh(&format!("exec '{}' {args} >&-", exe.display()))
            .current_dir(tmp.path())
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{args}: {out:?}");
        assert_eq!(
            stderr(&out),
            "error: standard output is closed: the result could not be written\n"
        );
    }
}

// Low: eval on a terminal says it reads standard input.

#[test]
fn eval_on_a_terminal_says_it_reads_standard_input() {
    let (mut primary, mut secondary) = (0, 0);
    // SAFETY: openpty fills two descriptors; the null pointers ask for no name or settings.
    let made = unsafe {
        libc::openpty(
            &mut primary,
            &mut secondary,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(made, 0, "openpty");
    // SAFETY: `secondary` is a descriptor openpty just opened, owned from here on.
    let terminal =
        unsafe { <std::os::fd::OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(secondary) };
    let mut child = std::process::Command::new(support::exe())
        .arg("eval")
        .stdin(std::process::Stdio::from(terminal))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut err = child.stderr.take().expect("stderr");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        let mut line = String::new();
        let _ = std::io::BufReader::new(&mut err).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(20));
    let _ = child.kill();
    let _ = child.wait();
    // SAFETY: `primary` is ours and closed once.
    unsafe { libc::close(primary) };
    assert_eq!(
        line.as_deref(),
        Ok("reading objects from standard input (end with Ctrl-D); give a file to read it instead\n")
    );
}

// Low: the YAML reader's limits in people's words.

#[test]
fn yaml_limits_are_said_in_plain_words() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(
        tmp.path().join("inf.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  x: .inf\n",
    )
    .expect("write");
    let mut bomb = String::from("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n");
    bomb.push_str("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    std::fs::write(tmp.path().join("bomb.yaml"), bomb).expect("write");
    let out = cmd()
        .current_dir(tmp.path())
        .args(["eval", "inf.yaml", "bomb.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        stderr(&out),
        "error: inf.yaml:5: invalid YAML: `.inf` is infinity or not a number, which JSON and \
         Kubernetes cannot store: quote it to make it a string\n\
         error: bomb.yaml:9: invalid YAML: its aliases stand for more than 1048576 bytes of \
         copies (refused before copying)\n"
    );
}
