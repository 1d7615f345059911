//! Commands of `mas-health`: each reads its arguments, calls the library, and returns an exit code.

/// `println!` for text read on a terminal: what objects and scripts put in it (names, messages)
/// cannot move the cursor or recolour a line, so a Degraded line never shows as Healthy.
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", $crate::cli::printable(&format!($($arg)*)))
    };
}

/// `eprintln!` with the same escaping as [`say!`]: errors quote file names and documents.
macro_rules! complain {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::cli::printable(&format!($($arg)*)))
    };
}

mod argocd;
mod audit;
mod audit_cluster;
mod bench;
mod bench_input;
mod eval;
mod explain;
mod generate;
mod list;
mod live;
mod pool;
mod rollout;
mod test;
mod watch;

use clap::{Parser, Subcommand};

/// Everything went as asked.
pub const EXIT_OK: u8 = 0;
/// `--fail-on` was reached, or a test failed.
pub const EXIT_THRESHOLD: u8 = 1;
/// A usage or input error.
pub const EXIT_USAGE: u8 = 2;
/// The native and Lua engines disagreed.
pub const EXIT_DISAGREE: u8 = 3;

/// Tested Argo CD health checks for IBM Maximo Application Suite and app of apps.
///
/// Generate what you apply to Argo CD (argocd-cm, the OpenShift GitOps ArgoCD resource, Helm
/// values), and evaluate, test and explain health for objects saved with `oc get -o yaml`.
#[derive(Parser)]
#[command(name = "mas-health", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Generate(generate::Args),
    Eval(eval::Args),
    Test(test::Args),
    Explain(explain::Args),
    List(list::Args),
    Bench(bench::Args),
    Audit(audit::Args),
    Rollout(rollout::Args),
}

/// Prints a multi-line report a line at a time, each escaped as [`printable`] does.
pub fn print_lines(text: &str) {
    for line in text.lines() {
        println!("{}", printable(line));
    }
}

/// `text` with control characters written as escapes: the library's one rule for every
/// command ([`mas_health::printable`]).
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    mas_health::printable(text)
}

/// The longest `--timeout` a command accepts, in seconds (one day): longer is refused as a
/// usage error rather than overflowing a clock.
pub const MAX_TIMEOUT: u64 = 24 * 60 * 60;

/// The parser for a `--timeout` in seconds: 1 to [`MAX_TIMEOUT`].
pub fn timeout_seconds() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=MAX_TIMEOUT)
}

/// Whether standard output was closed when the process started (`>&-`). Rust's runtime opens
/// /dev/null in its place before `main`, so writes would vanish and the command would end in
/// success having written nothing; this is looked at earlier, as the program is loaded.
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Run by the loader before Rust's runtime starts (an `.init_array` entry).
#[cfg(target_os = "linux")]
extern "C" fn look_at_stdout() {
    // SAFETY: F_GETFD only asks whether descriptor 1 is open; nothing changes.
    let closed = unsafe { libc::fcntl(1, libc::F_GETFD) } == -1;
    STDOUT_CLOSED.store(closed, std::sync::atomic::Ordering::Relaxed);
}

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static LOOK_AT_STDOUT: extern "C" fn() = look_at_stdout;

/// Refuses to go on when standard output was closed (see [`STDOUT_CLOSED`]).
pub fn stdout_open() -> anyhow::Result<()> {
    if STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed) {
        anyhow::bail!("standard output is closed: the result could not be written");
    }
    Ok(())
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Generate(a) => generate::run(a),
        Command::Eval(a) => eval::run(a),
        Command::Test(a) => test::run(a),
        Command::Explain(a) => explain::run(a),
        Command::List(a) => list::run(a),
        Command::Bench(a) => bench::run(a),
        Command::Audit(a) => audit::run(a),
        Command::Rollout(a) => rollout::run(a),
    }
}

/// The files a path stands for: the path itself, or for a folder every `.yaml`, `.yml` and
/// `.json` file below it in sorted order, as `kubectl apply -f DIR -R` reads it. Links to folders
/// are not followed, so a link loop cannot make the walk endless.
pub fn expand_path(path: &std::path::Path) -> Result<Vec<std::path::PathBuf>, std::io::Error> {
    if path == std::path::Path::new("-") {
        return Ok(vec![path.to_owned()]);
    }
    if !std::fs::metadata(path)?.is_dir() {
        return Ok(vec![path.to_owned()]);
    }
    let mut out = Vec::new();
    let mut pending = vec![path.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            let meta = std::fs::symlink_metadata(&p)?;
            if meta.is_dir() {
                pending.push(p);
            } else if is_manifest(&p) && std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn is_manifest(p: &std::path::Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "yaml" | "yml" | "json" | "jsonl"))
}

/// An object read from an input, or why a document could not be.
pub type Input = Result<mas_health::io::Object, mas_health::io::InputError>;

/// Reads every input (paths, or `-` / nothing for standard input) into objects and errors;
/// folders are read recursively.
pub fn read_inputs(paths: &[std::path::PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for_each_input(paths, &mut |item| out.push(item));
    out
}

/// Hands every object (or error) of the inputs to `each` as it is read, so a large
/// `kind: List` is never held whole (see [`mas_health::io::for_each_object`]).
pub fn for_each_input(paths: &[std::path::PathBuf], each: &mut dyn FnMut(Input)) {
    use mas_health::io::{for_each_object_in, InputError};
    let stdin_only = [std::path::PathBuf::from("-")];
    let paths = if paths.is_empty() {
        &stdin_only[..]
    } else {
        paths
    };
    let read = |name: String, path: &std::path::Path, each: &mut dyn FnMut(Input)| match open_input(
        path,
    ) {
        Ok(file) => {
            // JSON values that stand whole in the buffer are parsed where they stand (see
            // `mas_health::io`): 1 MiB holds hundreds of objects, so few are cut by its end.
            let mut input = std::io::BufReader::with_capacity(1 << 20, file);
            for_each_object_in(&name, &mut input, each)
        }
        Err(message) => each(Err(InputError {
            source_name: name,
            line: 0,
            message,
        })),
    };
    for p in paths {
        let name = p.display().to_string();
        let single = is_stdin(p) || std::fs::metadata(p).is_ok_and(|m| !m.is_dir());
        if single {
            read(name, p, each);
            continue;
        }
        match expand_path(p) {
            // An empty folder is a mistake to say, not zero objects that pass a `--fail-on` gate.
            Ok(files) if files.is_empty() => each(Err(mas_health::io::InputError {
                source_name: name,
                line: 0,
                message: "no *.yaml, *.yml, *.json or *.jsonl files in this folder".to_owned(),
            })),
            Ok(files) => {
                for f in files {
                    read(f.display().to_string(), &f, each);
                }
            }
            Err(e) => each(Err(unreadable(&name, &e))),
        }
    }
}

fn unreadable(name: &str, e: &std::io::Error) -> mas_health::io::InputError {
    mas_health::io::InputError {
        source_name: name.to_owned(),
        line: 0,
        message: format!("cannot read: {e}"),
    }
}

/// The largest input read: a cluster dump of hundreds of MB fits, `/dev/zero` or an endless
/// pipe is stopped with a clear error instead of filling memory.
pub const MAX_INPUT: u64 = 1 << 30;

/// Reads an input's bytes: `-` is standard input; a regular file; or a pipe named explicitly
/// (`<(cmd)` gives `/dev/fd/N`). Anything else (a device such as `/dev/zero`, a named FIFO that
/// may never be written, a socket) is refused before it is opened, and no input is read past
/// [`MAX_INPUT`].
pub fn read_bytes(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use mas_health::io::{open_regular, read_limited, FileError};
    let why = |e: FileError| match e {
        FileError::NotRegular(kind) => {
            format!("not a regular file ({kind}): give a file, or `-` and pipe it in")
        }
        FileError::TooLarge(_) => too_large(),
        other => other.to_string(),
    };
    if is_stdin(path) {
        return read_limited(std::io::stdin().lock(), MAX_INPUT).map_err(why);
    }
    let explicit_pipe = path.starts_with("/dev/fd") || path.starts_with("/proc/self/fd");
    let file = open_regular(path, explicit_pipe).map_err(why)?;
    if file.metadata().map_err(|e| why(e.into()))?.len() > MAX_INPUT {
        return Err(too_large());
    }
    read_limited(file, MAX_INPUT).map_err(why)
}

/// Whether `path` names standard input: `-`, or `/dev/stdin` and its other spellings (which
/// are a pipe when something is piped in, and must not be refused as one).
pub fn is_stdin(path: &std::path::Path) -> bool {
    ["-", "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]
        .iter()
        .any(|s| path == std::path::Path::new(s))
}

/// Opens an input to be read in one or two passes: a regular file as it is; standard input
/// (see [`is_stdin`]) or a pipe named explicitly (`<(cmd)`) copied first into an unnamed
/// temporary file (never into memory), so that a large `kind: List` can be read again. The
/// same refusals and [`MAX_INPUT`] as [`read_bytes`].
pub fn open_input(path: &std::path::Path) -> Result<std::fs::File, String> {
    use std::os::unix::fs::FileTypeExt;
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let file = if is_stdin(path) {
        let fd = std::os::fd::AsFd::as_fd(&std::io::stdin())
            .try_clone_to_owned()
            .map_err(cannot)?;
        std::fs::File::from(fd)
    } else {
        open_nonblocking(path).map_err(cannot)?
    };
    let meta = file.metadata().map_err(cannot)?;
    if meta.is_file() {
        if meta.len() > MAX_INPUT {
            return Err(too_large());
        }
        return Ok(file);
    }
    let explicit_pipe = meta.file_type().is_fifo()
        && (path.starts_with("/dev/fd") || path.starts_with("/proc/self/fd"));
    if !is_stdin(path) && !explicit_pipe {
        return Err(format!(
            "not a regular file ({}): give a file, or `-` and pipe it in",
            mas_health::io::file_kind(&meta)
        ));
    }
    blocking(&file).map_err(cannot)?;
    spool(file)
}

/// Copies a stream into an unnamed temporary file (`O_TMPFILE` in `$TMPDIR`: gone when
/// closed), at most [`MAX_INPUT`] bytes, and returns it rewound.
fn spool(from: std::fs::File) -> Result<std::fs::File, String> {
    use std::io::{Read, Seek};
    use std::os::unix::fs::OpenOptionsExt;
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let dir = std::env::temp_dir();
    let mut to = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE)
        .open(&dir)
        .map_err(|e| format!("cannot copy standard input to {}: {e}", dir.display()))?;
    let copied = std::io::copy(&mut from.take(MAX_INPUT + 1), &mut to).map_err(cannot)?;
    if copied > MAX_INPUT {
        return Err(too_large());
    }
    to.rewind().map_err(cannot)?;
    Ok(to)
}

/// Opens `path` for reading with `O_NONBLOCK`, so opening a named FIFO never waits for a writer.
fn open_nonblocking(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Clears `O_NONBLOCK` again: a pipe given explicitly is read until its writer is done.
fn blocking(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a descriptor this function's caller owns and keeps open.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: as above; only the O_NONBLOCK bit changes.
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn too_large() -> String {
    format!("larger than {} MiB: split it", MAX_INPUT >> 20)
}

/// Reads an input (see [`read_bytes`]) as UTF-8 text, saying plainly when it is UTF-16
/// (PowerShell's `>` writes it).
pub fn read_text(path: &std::path::Path) -> Result<String, String> {
    let bytes = read_bytes(path)?;
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(
            "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"
                .to_owned(),
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("not UTF-8 text: invalid byte at offset {at}")
    })
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every command and every flag or argument of every command, at any depth, as
    /// `command subcommand --flag`, when it has no help text.
    fn undescribed(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        let here = format!("{path} {}", cmd.get_name()).trim().to_owned();
        if cmd.get_about().is_none() && cmd.get_long_about().is_none() {
            out.push(here.clone());
        }
        for arg in cmd.get_arguments() {
            // clap's own --help and --version carry their own text.
            if matches!(arg.get_id().as_str(), "help" | "version") {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                out.push(format!("{here} {}", arg.get_id()));
            }
        }
        for sub in cmd.get_subcommands() {
            undescribed(sub, &here, out);
        }
    }

    #[test]
    fn every_command_and_flag_is_described_in_help() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        undescribed(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "no help text: {missing:?}");
    }
}
