//! `mas-health generate` with hostile folders (issue #17): it touches only its own files, never writes
//! through a link, and a full standard output is a one-line error.

mod support;

use std::path::Path;
use support::{bounded_cmd as cmd, names_in};

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_is_a_one_line_error_not_a_panic() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = std::process::Command::new(support::exe())
        .current_dir(support::ROOT)
        .args(["generate", "--format", "nested"])
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: cannot write the output: No space left on device (os error 28)"
    );
}

// Items 7, 8 and 20: generate touches only its own files, never through a link.

/// `mas-health generate ARGS` run in `dir`.
fn generate(dir: &Path, args: &[&str]) -> std::process::Output {
    cmd()
        .arg("generate")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("runs")
}

#[test]
fn generate_replaces_only_the_files_it_wrote() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("g");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    std::fs::create_dir(out.join(".git")).expect("mkdir");
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    std::fs::write(out.join("README"), "mine\n").expect("write");
    std::fs::write(out.join("apps.mas.ibm.com/notes.txt"), "mine\n").expect("write");
    // A file the last run wrote for a rule that is gone since.
    std::fs::create_dir_all(out.join("gone.example.com/Gone")).expect("mkdir");
    std::fs::write(out.join("gone.example.com/Gone/health.lua"), "return {}\n").expect("write");
    let marker = out.join(".mas-health-generated");
    let list = std::fs::read_to_string(&marker).expect("marker");
    std::fs::write(&marker, format!("{list}gone.example.com/Gone/health.lua\n")).expect("write");

    let again = generate(tmp.path(), &["--out", "g"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(
        std::fs::read_to_string(out.join(".git/HEAD")).expect("kept"),
        "ref: refs/heads/main\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("README")).expect("kept"),
        "mine\n"
    );
    assert!(out.join("apps.mas.ibm.com/notes.txt").is_file());
    assert!(!out.join("gone.example.com").exists());
    assert!(out.join("core.mas.ibm.com/Suite/health.lua").is_file());
    assert_eq!(
        names_in(tmp.path()),
        ["g"],
        "no lock or sibling folder is left"
    );
}

#[test]
fn two_generates_on_one_folder_do_not_mix() {
    use std::os::fd::AsRawFd;
    let tmp = tempfile::tempdir().expect("tmp");
    // The lock another generate holds while it writes (a file alone, left by a stopped run,
    // holds nothing: see tests/hostile_trees.rs).
    let lock = std::fs::File::create(tmp.path().join(".g.generate-lock")).expect("create");
    // SAFETY: flock on a descriptor `lock` owns, released when it closes.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
    let out = generate(tmp.path(), &["--out", "g"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: another `mas-health generate` is writing g\n"
    );
    assert!(!tmp.path().join("g").exists());
}

/// `generate` arguments for the upstream format of one rule, with fixtures from `fx`.
const UPSTREAM_SUITE: [&str; 6] = [
    "--format",
    "upstream",
    "--only",
    "core.mas.ibm.com/Suite",
    "--fixtures",
    "fx",
];

#[cfg(unix)]
#[test]
fn upstream_never_writes_or_copies_through_links() {
    let tmp = tempfile::tempdir().expect("tmp");
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::create_dir(tmp.path().join("up")).expect("mkdir");
    std::os::unix::fs::symlink(&outside, tmp.path().join("up/core.mas.ibm.com")).expect("link");
    let fixtures = tmp.path().join("fx");
    std::fs::create_dir(&fixtures).expect("mkdir");
    let only = UPSTREAM_SUITE;
    let out = generate(tmp.path(), &[&only[..], &["--out", "up"]].concat());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: up/core.mas.ibm.com: a link or a file where a folder goes: not written through\n"
    );
    assert!(names_in(&outside).is_empty());

    let suite = fixtures.join("core.mas.ibm.com/Suite");
    std::fs::create_dir_all(suite.join("testdata")).expect("mkdir");
    std::fs::write(suite.join("health_test.yaml"), "tests: []\n").expect("write");
    std::fs::write(tmp.path().join("secret"), "hunter2\n").expect("write");
    std::os::unix::fs::symlink(tmp.path().join("secret"), suite.join("testdata/a.yaml"))
        .expect("link");
    let out = generate(tmp.path(), &[&only[..], &["--out", "fresh"]].concat());
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: fx/core.mas.ibm.com/Suite/testdata/a.yaml: a link; fixtures are copied only \
         from files inside fx\n"
    );
}

#[test]
fn upstream_with_a_missing_fixture_folder_is_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = generate(
        tmp.path(),
        &["--format", "upstream", "--fixtures", "/typo", "--out", "up"],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: /typo: no such fixture folder (give --fixtures DIR)\n"
    );
}

#[cfg(unix)]
#[test]
fn generate_check_does_not_follow_links_out_of_the_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::write(outside.join("private.txt"), "x").expect("write");
    std::os::unix::fs::symlink(&outside, tmp.path().join("g/escape")).expect("link");
    // Not listed in the marker, so not ours: `generate` keeps it and `--check` does not look.
    let out = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).ends_with("files up to date\n"));
    // A file the marker lists is checked, and a link there is never read through.
    std::fs::remove_file(tmp.path().join("g/core.mas.ibm.com/Suite/health.lua")).expect("rm");
    std::os::unix::fs::symlink(
        outside.join("private.txt"),
        tmp.path().join("g/core.mas.ibm.com/Suite/health.lua"),
    )
    .expect("link");
    let out = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "g is out of date (run `mas-health generate`):\n  \
         g/core.mas.ibm.com/Suite/health.lua is not a file (a link?)\n"
    );
}

#[test]
fn generate_check_keeps_foreign_files_and_finds_stale_generated_ones() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    std::fs::write(tmp.path().join("g/README.md"), "mine\n").expect("write");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    let kept = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(kept.status.code(), Some(0), "{kept:?}");
    // A rule removed since: its file is listed in the marker and would be removed.
    let gone = tmp.path().join("g/gone.example.com/Gone");
    std::fs::create_dir_all(&gone).expect("mkdir");
    std::fs::write(gone.join("health.lua"), "return {}\n").expect("write");
    let marker = tmp.path().join("g/.mas-health-generated");
    let mut text = std::fs::read_to_string(&marker).expect("marker");
    text.push_str("gone.example.com/Gone/health.lua\n");
    std::fs::write(&marker, text).expect("write");
    let stale = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(stale.status.code(), Some(1), "{stale:?}");
    assert_eq!(
        String::from_utf8_lossy(&stale.stderr),
        "g is out of date (run `mas-health generate`):\n  g/.mas-health-generated differs\n  \
         g/gone.example.com/Gone/health.lua is no longer generated\n"
    );
}

// Review of generate: the marker's list, where --out is, a failed swap, old markers, links.

#[test]
fn generate_refuses_a_marker_listing_paths_outside_the_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "keep\n").expect("write");
    let marker = tmp.path().join("g/.mas-health-generated");
    let list = std::fs::read_to_string(&marker).expect("marker");
    let lines = list.lines().count();
    let absolute = victim.display().to_string();
    for line in ["../victim.txt", absolute.as_str(), "a/../../victim.txt", ""] {
        std::fs::write(&marker, format!("{list}{line}\nREADME\n")).expect("write");
        let out = generate(tmp.path(), &["--out", "g"]);
        assert_eq!(out.status.code(), Some(2), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: g/.mas-health-generated: line {} (`{line}`) is not a path inside g: \
                 refusing to replace or remove anything; correct the line or remove it\n",
                lines + 1
            )
        );
        assert_eq!(std::fs::read_to_string(&victim).expect("kept"), "keep\n");
        assert_eq!(names_in(tmp.path()), ["g", "victim.txt"]);
        assert_eq!(
            std::fs::read_to_string(&marker).expect("marker"),
            format!("{list}{line}\nREADME\n")
        );
    }
}

#[test]
fn generate_makes_the_folders_out_goes_in() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = generate(tmp.path(), &["--out", "a/b/c"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(tmp
        .path()
        .join("a/b/c/core.mas.ibm.com/Suite/health.lua")
        .is_file());
    assert_eq!(names_in(&tmp.path().join("a/b")), ["c"]);
    std::fs::create_dir(tmp.path().join("fx")).expect("mkdir");
    let up = [&UPSTREAM_SUITE[..], &["--out", "x/y/up"]].concat();
    assert_eq!(generate(tmp.path(), &up).status.code(), Some(0));
    assert!(tmp
        .path()
        .join("x/y/up/core.mas.ibm.com/Suite/health.lua")
        .is_file());
    assert_eq!(names_in(&tmp.path().join("x/y")), ["up"]);
}

#[test]
fn generate_out_dot_and_other_spellings_of_a_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let g = tmp.path().join("g");
    assert_eq!(
        generate(tmp.path(), &["--out", "./g/"]).status.code(),
        Some(0)
    );
    std::fs::write(g.join("README"), "mine\n").expect("write");
    std::fs::create_dir(g.join("sub")).expect("mkdir");
    for (cwd, out) in [
        (&g, "."),
        (&g, "./"),
        (&g.join("sub"), ".."),
        (&tmp.path().to_owned(), "g/sub/.."),
    ] {
        let run = generate(cwd, &["--out", out]);
        assert_eq!(run.status.code(), Some(0), "--out {out}: {run:?}");
        assert_eq!(
            std::fs::read_to_string(g.join("README")).expect("kept"),
            "mine\n"
        );
        assert!(g.join("sub").is_dir());
        assert!(g.join("core.mas.ibm.com/Suite/health.lua").is_file());
        assert_eq!(
            names_in(tmp.path()),
            ["g"],
            "--out {out}: no lock or sibling left"
        );
    }
    // The README is not ours: kept by generate, so not a difference either.
    let check = generate(&g, &["--check", "--out", "."]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let root = generate(tmp.path(), &["--out", "/"]);
    assert_eq!(root.status.code(), Some(2), "{root:?}");
    assert_eq!(
        String::from_utf8_lossy(&root.stderr),
        "error: /: the root folder cannot be generated into (the new folder is made beside \
         it): give a folder below it\n"
    );
}

#[test]
fn generate_with_an_old_marker_removes_what_old_versions_wrote() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("g");
    assert_eq!(generate(tmp.path(), &["--out", "g"]).status.code(), Some(0));
    // The marker versions before the file list wrote; those versions cleared the folder.
    std::fs::write(
        out.join(".mas-health-generated"),
        "Written by `mas-health generate`; the command clears and rewrites this folder.\n",
    )
    .expect("write");
    let gone = out.join("gone.example.com/Gone");
    std::fs::create_dir_all(&gone).expect("mkdir");
    std::fs::write(gone.join("health.lua"), "return {}\n").expect("write");
    std::fs::write(gone.join("notes.txt"), "mine\n").expect("write");
    std::fs::write(out.join("README"), "mine\n").expect("write");
    std::fs::create_dir_all(out.join(".git/x")).expect("mkdir");
    std::fs::write(out.join(".git/x/health.lua"), "mine\n").expect("write");

    let again = generate(tmp.path(), &["--out", "g"]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(!gone.join("health.lua").exists());
    for kept in [
        gone.join("notes.txt"),
        out.join("README"),
        out.join(".git/x/health.lua"),
    ] {
        assert_eq!(
            std::fs::read_to_string(&kept).ok().as_deref(),
            Some("mine\n")
        );
    }
    // What is left is the user's: up to date.
    let check = generate(tmp.path(), &["--check", "--out", "g"]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
}

#[cfg(unix)]
#[test]
fn generate_one_file_never_writes_through_a_link() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::write(tmp.path().join("secret"), "hunter2\n").expect("write");
    std::os::unix::fs::symlink(tmp.path().join("secret"), tmp.path().join("cm.yaml"))
        .expect("link");
    let out = generate(tmp.path(), &["--format", "nested", "--out", "cm.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: cm.yaml: a link: not written through\n"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("secret")).expect("kept"),
        "hunter2\n"
    );
    let plain = generate(tmp.path(), &["--format", "nested", "--out", "plain.yaml"]);
    assert_eq!(plain.status.code(), Some(0), "{plain:?}");
    assert!(std::fs::read_to_string(tmp.path().join("plain.yaml"))
        .expect("written")
        .contains("health.lua"));
}
