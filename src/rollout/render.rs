//! The rollout as text: the summary lines, then each root's tree (an Application, what it is
//! waiting on now, its resources by wave, its children indented below it), then the problems.

use super::blockers::{describe, name_of, what};
use super::{AppNode, Blocker, HealthView, ResourceNode, Rollout, WaveGroup};
use crate::argocd::sync::SyncPhase;
use std::fmt::Write;

/// The rollout as text, ending with a newline.
pub fn render_text(rollout: &Rollout) -> String {
    let mut out = String::new();
    for line in &rollout.summary {
        out.push_str(line);
        out.push('\n');
    }
    for root in &rollout.roots {
        out.push('\n');
        app(&mut out, root, 0, None);
    }
    if !rollout.problems.is_empty() {
        out.push('\n');
    }
    for p in &rollout.problems {
        let _ = writeln!(out, "problem: {} in {}: {}", p.kind, p.app, p.message);
    }
    out
}

/// A message on one line, shown as every command shows one (`crate::printable`: line breaks
/// and other control characters as escapes, nothing else changed).
fn one_line(s: &str) -> String {
    crate::show::printable(s).into_owned()
}

fn health(h: &HealthView) -> String {
    format!("{}{}", h.label(), detail(h))
}

/// The message and the check after a status: `: MESSAGE  [CHECK]`.
fn detail(h: &HealthView) -> String {
    let check = h
        .check
        .as_ref()
        .map_or(String::new(), |c| format!("  [{c}]"));
    match h.message.is_empty() {
        true => check,
        false => format!(": {}{check}", one_line(&h.message)),
    }
}

fn app(out: &mut String, node: &AppNode, depth: usize, parent: Option<&str>) {
    let pad = "  ".repeat(depth);
    let place = parent.map_or(String::new(), |p| format!(" (wave {} of {p})", node.wave));
    let sync = if node.sync.is_empty() {
        "-"
    } else {
        &node.sync
    };
    let hazard = node
        .hazard
        .as_ref()
        .map_or(String::new(), |h| format!("; WARNING: {}", one_line(h)));
    let _ = writeln!(
        out,
        "{pad}Application {}/{}{place}: sync {sync}, health {}{hazard}",
        node.namespace,
        node.name,
        health(&node.health)
    );
    if let Some(op) = &node.operation {
        let message = one_line(&op.message);
        let sep = if message.is_empty() { "" } else { ": " };
        let _ = writeln!(out, "{pad}  operation {}{sep}{message}", op.phase);
    }
    now(out, node, &pad);
    for g in &node.waves {
        wave(out, g, &pad);
    }
    for child in &node.children {
        app(out, child, depth + 1, Some(&node.name));
    }
}

fn wave_name(phase: SyncPhase, wave: i64) -> String {
    match phase {
        SyncPhase::Sync => format!("wave {wave}"),
        other => format!("{} wave {wave}", other.as_str()),
    }
}

fn now(out: &mut String, node: &AppNode, pad: &str) {
    match (&node.current, &node.blocker) {
        // The Application itself holds (it needs a person, or nothing of a wave holds it).
        (_, Some(b)) if b.resource.is_none() => {
            let _ = writeln!(out, "{pad}  now: {}", describe(b));
            why(out, b, pad, "    ");
        }
        (Some(c), _) if !c.waits_on.is_empty() => {
            let _ = writeln!(out, "{pad}  now: {}", wave_name(c.phase, c.wave));
            for b in &c.waits_on {
                let _ = writeln!(out, "{pad}    {}", what(b));
                why(out, b, pad, "      ");
            }
        }
        (_, Some(b)) => {
            let _ = writeln!(out, "{pad}  now: {}", describe(b));
            why(out, b, pad, "    ");
        }
        (_, None) => {
            let _ = writeln!(out, "{pad}  now: nothing holds it");
        }
    }
}

/// The `why:` line of a blocker, and the `action:` line when a person is needed.
fn why(out: &mut String, b: &Blocker, pad: &str, indent: &str) {
    let _ = writeln!(out, "{pad}{indent}why: {}", b.reason);
    if let Some(need) = &b.need {
        let _ = writeln!(out, "{pad}{indent}action: {}", one_line(&need.action));
    }
}

fn wave(out: &mut String, g: &WaveGroup, pad: &str) {
    let _ = writeln!(out, "{pad}  {}", wave_name(g.phase, g.wave));
    for r in &g.resources {
        let _ = writeln!(out, "{pad}    {}", resource(r));
    }
}

fn resource(r: &ResourceNode) -> String {
    let sync = if r.sync.is_empty() { "-" } else { &r.sync };
    let hook = if r.hook { "hook " } else { "" };
    let mut line = format!(
        "{sync:<10} {:<12} {hook}{}{}",
        r.health.label(),
        name_of(&r.reference()),
        detail(&r.health)
    );
    if let Some(stored) = r.stored {
        let _ = write!(line, "  (Argo CD stored {stored})");
    }
    if let Some(res) = &r.result {
        let mut done = vec![res.status.clone()];
        // Argo CD records a phase for every task; only a hook's says more than its status.
        if r.hook && !res.hook_phase.is_empty() {
            done.push(format!("hook {}", res.hook_phase));
        }
        done.retain(|s| !s.is_empty());
        let message = one_line(&res.message);
        let message = if message.is_empty() {
            message
        } else {
            format!(": {message}")
        };
        let _ = write!(line, "  (applied: {}{message})", done.join(", "));
    }
    line
}
