//! The gopher-lua harness: runs health scripts in the interpreter Argo CD embeds.
//!
//! The Go program (tests/gopher/main.go, embedded here) reproduces Argo CD's health VM with
//! gopher-lua. It is built on demand from Debian's packages (`golang-go`,
//! `golang-github-yuin-gopher-lua-dev`) with modules off, since no module download is possible.

use mas_health::argocd::harness::Ran;
use mas_health::argocd::runtime::{self, Outcome, INVALID_STATUS};
use mas_health::{Health, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use thiserror::Error;

/// The harness's Go source.
pub const HARNESS_SOURCE: &str = include_str!("../../tests/gopher/main.go");

/// Where Debian installs gopher-lua's source.
pub const DEBIAN_GOPATH: &str = "/usr/share/gocode";

/// Why the harness cannot be used.
#[derive(Debug, Error)]
pub enum GopherError {
    /// No `go` command on PATH.
    #[error("the go command is not installed (apt-get install -y golang-go)")]
    NoGo,
    /// gopher-lua's source is not where Debian puts it.
    #[error("gopher-lua is not installed (apt-get install -y golang-github-yuin-gopher-lua-dev)")]
    NoLibrary,
    /// `go build` failed.
    #[error("cannot build the gopher-lua harness: {0}")]
    Build(String),
    /// Talking to the harness failed.
    #[error("gopher-lua harness: {0}")]
    Io(String),
}

/// One evaluation to run.
#[derive(Debug, Clone, Serialize)]
pub struct Case<'a> {
    /// The Lua script.
    pub script: &'a str,
    /// The object, as JSON.
    pub object: &'a Value,
    /// Argo CD's `useOpenLibs`.
    #[serde(rename = "openLibs")]
    pub open_libs: bool,
}

#[derive(Debug, Deserialize)]
struct Reply {
    status: String,
    message: String,
    error: String,
    /// The script did not parse.
    #[serde(default)]
    syntax: bool,
    #[serde(default)]
    ns: u64,
}

impl Reply {
    fn outcome(self) -> Outcome {
        if !self.error.is_empty() {
            let first = self.error.lines().next().unwrap_or_default().to_owned();
            return Outcome::Error(first);
        }
        match Status::parse(&self.status) {
            None if self.status.is_empty() => Outcome::Empty,
            None => Outcome::Health(Health::new(Status::Unknown, INVALID_STATUS)),
            Some(s) => Outcome::Health(Health::new(s, self.message)),
        }
    }
}

/// A built harness binary.
#[derive(Debug, Clone)]
pub struct Harness {
    binary: PathBuf,
    /// The private folder the binary was built in when there is no cache to keep it in;
    /// removed with the harness.
    _scratch: Option<std::sync::Arc<Scratch>>,
}

/// A folder only we can use, made fresh (mkdtemp: a random name, mode 0700) and removed when
/// dropped.
#[derive(Debug)]
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Result<Scratch, GopherError> {
        use std::os::unix::ffi::OsStringExt;
        let template = std::env::temp_dir().join("mas-health-gopher-XXXXXX");
        let mut bytes = template.into_os_string().into_vec();
        bytes.push(0);
        // SAFETY: `bytes` is a writable, NUL-terminated template that mkdtemp fills in place.
        let made = unsafe { libc::mkdtemp(bytes.as_mut_ptr().cast()) };
        if made.is_null() {
            return Err(GopherError::Build(format!(
                "cannot make a private folder: {}",
                std::io::Error::last_os_error()
            )));
        }
        bytes.pop();
        Ok(Scratch(PathBuf::from(std::ffi::OsString::from_vec(bytes))))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether `path` is ours alone: not a link, owned by us, writable by no one else. A binary or
/// folder anyone else could have put or changed there is never run or built into.
fn ours(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    std::fs::symlink_metadata(path)
        .is_ok_and(|m| !m.file_type().is_symlink() && m.uid() == me && m.mode() & 0o022 == 0)
}

fn source_hash() -> u64 {
    // FNV-1a: a stable name for the binary built from this exact source.
    HARNESS_SOURCE.bytes().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

impl Harness {
    /// Checks that Go and gopher-lua are installed.
    pub fn available() -> Result<(), GopherError> {
        let go = Command::new("go")
            .arg("version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !go.is_ok_and(|s| s.success()) {
            return Err(GopherError::NoGo);
        }
        if !Path::new(DEBIAN_GOPATH)
            .join("src/github.com/yuin/gopher-lua")
            .is_dir()
        {
            return Err(GopherError::NoLibrary);
        }
        Ok(())
    }

    /// Builds the harness into `dir` (once per source version) and returns it.
    pub fn build(dir: &Path) -> Result<Harness, GopherError> {
        Self::available()?;
        let binary = dir.join(format!("gopher-harness-{:016x}", source_hash()));
        if ours(&binary) && binary.is_file() {
            return Ok(Harness {
                binary,
                _scratch: None,
            });
        }
        static BUILDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let unique = format!(
            "{}-{}",
            std::process::id(),
            BUILDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let src = dir.join(format!("gopher-harness-src-{unique}"));
        std::fs::create_dir_all(&src).map_err(|e| GopherError::Build(e.to_string()))?;
        std::fs::write(src.join("main.go"), HARNESS_SOURCE)
            .map_err(|e| GopherError::Build(e.to_string()))?;
        // Build under a private name and rename: tests build concurrently into one folder.
        let partial = dir.join(format!(
            "gopher-harness-{:016x}.{unique}.partial",
            source_hash()
        ));
        let out = Command::new("go")
            .arg("build")
            .arg("-o")
            .arg(&partial)
            .arg(".")
            .current_dir(&src)
            .env("GOPATH", DEBIAN_GOPATH)
            .env("GO111MODULE", "off")
            .env("GOCACHE", dir.join("gocache"))
            .env("GOFLAGS", "")
            .output()
            .map_err(|e| GopherError::Build(e.to_string()))?;
        if !out.status.success() {
            return Err(GopherError::Build(
                String::from_utf8_lossy(&out.stderr).into_owned(),
            ));
        }
        std::fs::rename(&partial, &binary).map_err(|e| GopherError::Build(e.to_string()))?;
        Ok(Harness {
            binary,
            _scratch: None,
        })
    }

    /// Builds the harness in the user's cache folder, kept for the next run; without one (no
    /// HOME), or when that folder is not ours alone, in a fresh private folder used once. Never
    /// under a predictable name in the shared temporary folder, where another user could plant
    /// a binary for us to run.
    pub fn build_cached() -> Result<Harness, GopherError> {
        use std::os::unix::fs::DirBuilderExt;
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .filter(|b| b.is_absolute());
        if let Some(dir) = base.map(|b| b.join("mas-health")) {
            let _ = std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(&dir);
            if ours(&dir) {
                return Self::build(&dir);
            }
        }
        let scratch = Scratch::new()?;
        let built = Self::build(&scratch.0)?;
        Ok(Harness {
            binary: built.binary,
            _scratch: Some(std::sync::Arc::new(scratch)),
        })
    }

    fn exchange(
        &self,
        cases: &[Case<'_>],
        bench: u32,
        cached: bool,
    ) -> Result<Vec<Reply>, GopherError> {
        let io = |e: std::io::Error| GopherError::Io(e.to_string());
        let mut child = Command::new(&self.binary)
            .arg(format!("-bench={bench}"))
            .arg(format!("-cached={cached}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(io)?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| GopherError::Io("no stdin".to_owned()))?;
        let lines: Vec<String> = cases
            .iter()
            .map(|c| serde_json::to_string(c).unwrap_or_default())
            .collect();
        // Write from another thread so a full pipe on either side cannot deadlock.
        let writer = std::thread::spawn(move || -> std::io::Result<()> {
            for l in lines {
                stdin.write_all(l.as_bytes())?;
                stdin.write_all(b"\n")?;
            }
            Ok(())
        });
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| GopherError::Io("no stdout".to_owned()))?;
        let mut replies = Vec::with_capacity(cases.len());
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(io)?;
            replies.push(
                serde_json::from_str::<Reply>(&line).map_err(|e| GopherError::Io(e.to_string()))?,
            );
        }
        writer
            .join()
            .map_err(|_| GopherError::Io("writer panicked".to_owned()))?
            .map_err(io)?;
        child.wait().map_err(io)?;
        if replies.len() != cases.len() {
            return Err(GopherError::Io(format!(
                "{} replies for {} cases",
                replies.len(),
                cases.len()
            )));
        }
        Ok(replies)
    }

    /// Evaluates every case in one harness process, in order.
    // The conformance tests include this file and call it.
    #[allow(dead_code)]
    pub fn run(&self, cases: &[Case<'_>]) -> Result<Vec<Outcome>, GopherError> {
        Ok(self
            .exchange(cases, 0, false)?
            .into_iter()
            .map(Reply::outcome)
            .collect())
    }

    /// Evaluates every case in one harness process, in order; a script this gopher-lua cannot
    /// parse but gopher-lua 1.1 (and our runtime) can, such as one using `goto` in Debian's 2017
    /// build, is [`Ran::CannotParse`] rather than a verdict.
    // The conformance tests call it; `test` runs the harness under supervision instead.
    #[allow(dead_code)]
    pub fn run_parsed(&self, cases: &[Case<'_>]) -> Result<Vec<Ran>, GopherError> {
        Ok(self
            .exchange(cases, 0, false)?
            .into_iter()
            .zip(cases)
            .map(|(r, c)| ran_of(r, c.script))
            .collect())
    }

    /// The harness as a child to start, evaluating each case of its standard input (one
    /// [`Case`] as a JSON line) and answering each at once (see [`Harness::answer`]), so its
    /// caller can stop it when one case outlasts its time.
    // The binary runs it; the conformance tests include this file without it.
    #[allow(dead_code)]
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.binary);
        cmd.args(["-bench=0", "-cached=false"]);
        cmd
    }

    /// What one answer line of [`Harness::command`]'s child says about `script`.
    #[allow(dead_code)]
    pub fn answer(line: &str, script: &str) -> Ran {
        match serde_json::from_str::<Reply>(line) {
            Ok(r) => ran_of(r, script),
            Err(e) => Ran::Outcome(Outcome::Error(format!(
                "the gopher-lua harness answered badly: {e}"
            ))),
        }
    }

    /// Evaluates every case `iterations` times in a fresh state each time, compiling every time
    /// (Argo CD up to 3.5) or once per script (`cached`, Argo CD 3.6), and returns each outcome
    /// with the total nanoseconds spent.
    pub fn bench(
        &self,
        cases: &[Case<'_>],
        iterations: u32,
        cached: bool,
    ) -> Result<Vec<(Outcome, u64)>, GopherError> {
        Ok(self
            .exchange(cases, iterations.max(1), cached)?
            .into_iter()
            .map(|r| {
                let ns = r.ns;
                (r.outcome(), ns)
            })
            .collect())
    }
}

/// A reply as a result: a script this gopher-lua cannot parse but gopher-lua 1.1 (and our
/// runtime) can is [`Ran::CannotParse`].
fn ran_of(r: Reply, script: &str) -> Ran {
    if r.syntax && runtime::check_syntax(script).is_ok() {
        let first = r.error.lines().next().unwrap_or_default().to_owned();
        Ran::CannotParse(first)
    } else {
        Ran::Outcome(r.outcome())
    }
}
