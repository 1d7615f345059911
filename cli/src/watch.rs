//! `rollout --cluster --watch`: the rollout followed live, then each wave's duration and what
//! held it longest.

use super::live::{Flags, RolloutFlags};
use super::{EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE};
use anyhow::Result;
use mas_health::io::{FollowNext, Gathered};
use mas_health::rollout::{
    blocked_since, rollout, rollout_at, AppNode, Blocker, Progress, Rollout, SyncPhase,
};
use mas_health::Catalog;
use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long `--watch` follows when `--timeout` is not given.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// One wave of one root as it was seen: how long, and who held it how long.
struct Wave {
    root: String,
    label: String,
    took: Duration,
    holders: Vec<(String, Duration)>,
}

/// The waves seen so far, and the one each root is in now.
#[derive(Default)]
struct Waves {
    done: Vec<Wave>,
    /// Per root: (wave label, holder) now, since when.
    now: Vec<(String, String, String, Instant)>,
}

fn wave_label(b: &Blocker) -> String {
    let app = b.app.rsplit('/').next().unwrap_or(&b.app);
    match b.wave {
        Some(w) if b.phase == SyncPhase::Sync => format!("wave {w} {app}"),
        Some(w) => format!("{} wave {w} {app}", b.phase.as_str()),
        None => format!("{} {app}", b.phase.as_str()),
    }
}

fn holder(b: &Blocker) -> String {
    match &b.resource {
        Some(r) if r.group.is_empty() => format!("{} {}/{}", r.kind, r.namespace, r.name),
        Some(r) => format!("{}/{} {}/{}", r.group, r.kind, r.namespace, r.name),
        None => format!("argoproj.io/Application {}", b.app),
    }
}

/// The blocker at the end of the path from `node`: a child Application that holds its parent
/// is followed to what holds the child, as the summary line does.
fn deepest(node: &AppNode) -> Option<&Blocker> {
    let b = node.blocker.as_ref()?;
    let child = b.resource.as_ref().and_then(|r| {
        let is_app = r.group == "argoproj.io" && r.kind == "Application";
        node.children
            .iter()
            .find(|c| is_app && c.namespace == r.namespace && c.name == r.name)
    });
    child.and_then(deepest).or(Some(b))
}

impl Waves {
    /// Credits the time since the last observation, then records what holds each root now. A
    /// wave seen for the first time starts with the time it had already held (`held[i]` for
    /// root `i`, from what the cluster recorded), not from when the watch saw it.
    fn observe(&mut self, view: &Rollout, held: &[Option<Duration>], at: Instant) {
        let mut next = Vec::new();
        for root in &view.roots {
            let (label, held_by) = match deepest(root) {
                Some(b) => (wave_label(b), holder(b)),
                None => ("finished".to_owned(), String::new()),
            };
            next.push((root.name.clone(), label, held_by, at));
        }
        self.credit(at);
        for (i, (root, label, held_by, _)) in next.iter().enumerate() {
            let same = self.done.iter().rev().find(|w| &w.root == root);
            if same.is_none_or(|w| &w.label != label) && label != "finished" {
                let already = held.get(i).copied().flatten().unwrap_or(Duration::ZERO);
                self.done.push(Wave {
                    root: root.clone(),
                    label: label.clone(),
                    took: already,
                    holders: vec![(held_by.clone(), already)],
                });
            }
        }
        self.now = next;
    }

    fn credit(&mut self, at: Instant) {
        for (root, label, held_by, since) in &self.now {
            let spent = at.saturating_duration_since(*since);
            let Some(w) = self.done.iter_mut().rev().find(|w| &w.root == root) else {
                continue;
            };
            if &w.label != label {
                continue;
            }
            w.took += spent;
            match w.holders.iter_mut().find(|(h, _)| h == held_by) {
                Some((_, d)) => *d += spent,
                None => w.holders.push((held_by.clone(), spent)),
            }
        }
    }

    fn summary(&mut self, at: Instant) -> Vec<String> {
        self.credit(at);
        self.now.clear();
        self.done
            .iter()
            .map(|w| {
                let longest = w.holders.iter().max_by_key(|(_, d)| *d);
                let by = longest.map_or(String::new(), |(h, d)| {
                    format!(", held longest by {h} ({})", seconds(*d))
                });
                format!("  {}: {}: {}{by}", w.root, w.label, seconds(w.took))
            })
            .collect()
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        86_400.. => format!("{}d{:02}h", s / 86_400, s % 86_400 / 3600),
        3600.. => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
        60.. => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{s}s"),
    }
}

/// The clock "blocked for" is read on: `--at` (fixed), else the current time, in seconds
/// since the Unix epoch.
fn epoch_now(at: Option<i64>) -> i64 {
    at.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    })
}

/// How long each root's blocker has held it, from what the cluster recorded (see
/// [`blocked_since`]); `None` for a root nothing holds or nothing dates.
fn held_for(view: &Rollout, objects: &[serde_json::Value], now: i64) -> Vec<Option<Duration>> {
    view.roots
        .iter()
        .map(|root| {
            let since = blocked_since(objects, deepest(root)?)?;
            u64::try_from(now.saturating_sub(since))
                .ok()
                .map(Duration::from_secs)
        })
        .collect()
}

/// The summary lines, each with how long its blocker has held (`, blocked for 12m00s`).
fn with_held(summary: &[String], held: &[Option<Duration>]) -> Vec<String> {
    summary
        .iter()
        .enumerate()
        .map(|(i, line)| match held.get(i).copied().flatten() {
            Some(d) => format!("{line}, blocked for {}", seconds(d)),
            None => line.clone(),
        })
        .collect()
}

/// What the watch has seen so far, updated after every change.
struct Follower {
    catalog: Catalog,
    json: bool,
    terminal: bool,
    at: Option<i64>,
    start: Instant,
    waves: Waves,
    /// The read errors said so far (each once).
    said: BTreeSet<String>,
    last: Vec<String>,
    state: Progress,
    final_view: Option<Rollout>,
}

impl Follower {
    /// Builds the view of what was read, says what changed, and names the blockers to read
    /// again while their Applications stay the same.
    fn seen(&mut self, gathered: &Gathered) -> FollowNext {
        for p in &gathered.problems {
            if self.said.insert(p.to_string()) {
                complain!("error: {p}");
            }
        }
        let view = match self.at {
            Some(at) => rollout_at(&gathered.objects, &self.catalog, at),
            None => rollout(&gathered.objects, &self.catalog),
        };
        let now = Instant::now();
        let held = held_for(&view, &gathered.objects, epoch_now(self.at));
        self.waves.observe(&view, &held, now);
        self.state = view.state;
        if !self.json && view.summary != self.last {
            let stamp = seconds(now.duration_since(self.start));
            let lines = with_held(&view.summary, &held);
            if self.terminal {
                // One line, rewritten in place: every root's summary, the latest first seen.
                let line = lines.join(" | ");
                print!("\r\x1b[K[{stamp}] {}", super::printable(&line));
            } else {
                for line in &lines {
                    say!("[{stamp}] {line}");
                }
            }
            let _ = std::io::stdout().flush();
            self.last.clone_from(&view.summary);
        }
        let blockers = view
            .roots
            .iter()
            .filter_map(|r| deepest(r)?.resource.clone())
            .collect();
        self.final_view = Some(view);
        if self.state == Progress::Waiting {
            FollowNext::Continue(blockers)
        } else {
            FollowNext::Stop
        }
    }

    /// The closing lines: how it ended and each wave's time (text), or the last view (JSON).
    fn finish(&mut self, finished: bool) -> Result<()> {
        if self.json {
            if let Some(v) = &self.final_view {
                println!("{}", serde_json::to_string_pretty(v)?);
            }
            return Ok(());
        }
        let end = match (finished, self.state) {
            (false, _) => "timed out",
            (true, Progress::Finished) => "finished",
            (true, Progress::Waiting) => "waiting",
            (true, Progress::NeedsPerson) => "needs a person",
            (true, Progress::Stopped) => "stopped",
        };
        say!("{end} after {}; waves:", seconds(self.start.elapsed()));
        for line in self.waves.summary(Instant::now()) {
            say!("{line}");
        }
        Ok(())
    }
}

/// Follows the rollout; see [`RolloutFlags::watch`] for the exit codes. `at` fixes the clock
/// sync windows and "blocked for" are read on.
pub fn run(
    flags: &Flags,
    live: &RolloutFlags,
    names: &[PathBuf],
    json: bool,
    at: Option<i64>,
) -> Result<u8> {
    let mut cluster = match flags.connect() {
        Ok(c) => c,
        Err(e) => {
            complain!("error: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    let terminal = !json && std::io::stdout().is_terminal();
    let mut follower = Follower {
        catalog: Catalog::standard(),
        json,
        terminal,
        at,
        start: Instant::now(),
        waves: Waves::default(),
        said: BTreeSet::new(),
        last: Vec::new(),
        state: Progress::Waiting,
        final_view: None,
    };
    let timeout = live.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let query = super::live::query(live, names);
    let followed = cluster.follow(&query, timeout, &mut |g| follower.seen(g));
    flags.report(&cluster);
    if terminal {
        println!();
    }
    let finished = match followed {
        Ok(done) => done,
        Err(e) => {
            complain!("error: {e}");
            return Ok(EXIT_USAGE);
        }
    };
    follower.finish(finished)?;
    Ok(if !follower.said.is_empty() {
        EXIT_USAGE
    } else if finished && follower.state == Progress::Finished {
        EXIT_OK
    } else {
        EXIT_THRESHOLD
    })
}
