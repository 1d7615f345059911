//! The child processes `test` and `audit` run scripts in. A script may call something the Lua
//! runtime's own limit cannot interrupt (a pathological string pattern under open libraries, in
//! either interpreter) or crash its interpreter; in a child of its own it is stopped by killing
//! the child, and it cannot take the other scripts with it.

use std::io::{BufRead, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// How long a child may take beyond the limit its work is given: its input is read and its
/// state prepared before that limit starts, and the first job waits for the child to start.
pub const SLACK: Duration = Duration::from_secs(5);

/// Makes a child process we start die with us: on Linux the kernel kills it when we end, however
/// we end (a worker stuck in a C call would otherwise outlive a killed `audit` or `test`).
pub fn die_with_parent(cmd: &mut Command) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id();
        // SAFETY: prctl and getppid are async-signal-safe, as code between fork and exec must
        // be; the error is built from a number, without allocating.
        unsafe {
            cmd.pre_exec(move || {
                let armed = libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == 0;
                // We may have ended between the fork and the prctl: then nobody would kill it.
                if !armed || libc::getppid() as u32 != parent {
                    return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
                }
                Ok(())
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = cmd;
}

/// What a child's standard input does once its input is written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Input {
    /// Closed: the child reads its jobs to the end.
    Close,
    /// Held open until the child is dropped: a worker that ends when its input ends then ends
    /// with its parent, however the parent ends.
    HoldOpen,
}

/// The next thing a child said.
#[derive(Debug)]
pub enum Next {
    /// A line of its standard output.
    Line(String),
    /// Its standard output ended (the child ended or closed it).
    Ended,
    /// Nothing within the wait.
    Waiting,
}

/// A child process handed its input on standard input, its standard output read line by line.
/// Dropping it kills the child.
pub struct Piped {
    child: Child,
    lines: Receiver<std::io::Result<String>>,
    /// Dropped with the child: the writer thread then closes a held-open input.
    _release: Sender<()>,
    started: Instant,
}

impl Piped {
    /// Starts `cmd` (dying with its parent), writes `input` to it, then closes or holds its
    /// standard input as `after` says. Its standard error is discarded.
    pub fn spawn(mut cmd: Command, input: Vec<u8>, after: Input) -> std::io::Result<Self> {
        die_with_parent(&mut cmd);
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(std::io::Error::other("cannot talk to the child"));
        };
        let (release, released) = std::sync::mpsc::channel::<()>();
        // Written and read on threads of their own: either pipe may fill while we wait.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input).and_then(|()| stdin.flush());
            if after == Input::HoldOpen {
                // Returns once the sender is dropped with the `Piped`.
                let _ = released.recv();
            }
        });
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Piped {
            child,
            lines,
            _release: release,
            started: Instant::now(),
        })
    }

    /// The next line, waiting at most `wait` for it.
    pub fn next(&self, wait: Duration) -> Next {
        match self.lines.recv_timeout(wait) {
            Ok(Ok(line)) => Next::Line(line),
            Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => Next::Ended,
            Err(RecvTimeoutError::Timeout) => Next::Waiting,
        }
    }

    /// How long ago the child was started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

impl Drop for Piped {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a child given one task ended.
#[derive(Debug)]
pub enum Ended {
    /// It answered with this line.
    Answered(String),
    /// It ended without answering.
    Silent,
    /// It was still working when its time was up, and was stopped.
    OutOfTime,
}

/// Runs `count` tasks, each in a child of its own that answers with one line, at most `slots`
/// children at once, each stopped once it has run for `limit`. `start(i)` starts the child of
/// task `i`; `done(i, how)` is called once for every task, in the order they end.
pub fn each_in_a_child<E>(
    count: usize,
    slots: usize,
    limit: Duration,
    mut start: impl FnMut(usize) -> Result<Piped, E>,
    mut done: impl FnMut(usize, Ended),
) -> Result<(), E> {
    let mut next = 0usize;
    let mut running: Vec<(usize, Piped)> = Vec::new();
    while next < count || !running.is_empty() {
        while running.len() < slots.max(1) && next < count {
            running.push((next, start(next)?));
            next += 1;
        }
        std::thread::sleep(Duration::from_millis(10));
        running.retain(|(i, child)| {
            let ended = match child.next(Duration::ZERO) {
                Next::Line(line) => Ended::Answered(line),
                Next::Ended => Ended::Silent,
                Next::Waiting if child.elapsed() > limit => Ended::OutOfTime,
                Next::Waiting => return true,
            };
            done(*i, ended);
            false
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.args(["-c", script]);
        c
    }

    #[test]
    fn a_child_answers_each_line_of_its_input_in_order() {
        let child = Piped::spawn(
            sh("while read l; do echo \"got $l\"; done"),
            b"a\nb\n".to_vec(),
            Input::Close,
        )
        .expect("sh starts");
        let wait = Duration::from_secs(10);
        assert!(matches!(child.next(wait), Next::Line(l) if l == "got a"));
        assert!(matches!(child.next(wait), Next::Line(l) if l == "got b"));
        assert!(matches!(child.next(wait), Next::Ended));
    }

    #[test]
    fn a_held_open_input_does_not_end_until_the_child_is_dropped() {
        let child = Piped::spawn(
            sh("read l; echo \"$l\"; cat >/dev/null; echo closed"),
            b"x\n".to_vec(),
            Input::HoldOpen,
        )
        .expect("sh starts");
        assert!(matches!(child.next(Duration::from_secs(10)), Next::Line(l) if l == "x"));
        assert!(matches!(
            child.next(Duration::from_millis(300)),
            Next::Waiting
        ));
    }

    #[test]
    fn tasks_end_answered_silent_or_out_of_time() {
        let scripts = ["echo ok", "exit 0", "sleep 30"];
        let mut seen = vec![String::new(); 3];
        let started = Instant::now();
        each_in_a_child::<std::io::Error>(
            3,
            3,
            Duration::from_millis(500),
            |i| Piped::spawn(sh(scripts[i]), Vec::new(), Input::Close),
            |i, how| seen[i] = format!("{how:?}"),
        )
        .expect("children start");
        assert_eq!(seen, ["Answered(\"ok\")", "Silent", "OutOfTime"]);
        // The sleeping child was killed, not waited for.
        assert!(started.elapsed() < Duration::from_secs(20));
    }
}
