//! The rollout view of an app of apps: which Application manages which, every resource by sync
//! wave with the health Argo CD would give it, the wave each Application is in, what it waits
//! on, and what will stop the rollout rather than delay it.
//!
//! IO-free: [`rollout`] takes parsed objects (Applications and, when given, the live objects they
//! manage) and a [`Catalog`], and returns a [`Rollout`], which serializes to the documented JSON
//! of `mas-health rollout --output json`:
//!
//! - `state`: `finished` | `waiting` | `needs-person` | `stopped` (the worst over the roots);
//! - `summary`: one line per root, the first blocker on the path from it;
//! - `roots[]`: [`AppNode`]s: `namespace`, `name`, `wave` (in its parent), `sync`, `operation`
//!   (`phase`, `message`) or null, `health`, `current` (`phase`, `wave`, `waits_on[]`) or null,
//!   `blocker` or null, `waves[]` (`phase`, `wave`, `resources[]`), `children[]`, `hazard`
//!   (Healthy while a resource is missing, which Argo CD 3.4+ hides) or null;
//! - a resource: `group`, `kind`, `namespace`, `name`, `sync`, `hook`, `phase`, `wave`, `health`
//!   (`status` (null: no check or unknown, `""`: Argo CD's empty status), `message`, `from`
//!   (`live` | `stored` | `no-check` | `unknown`), `check`), `stored` (a stale stored status) or
//!   null, `result` (`status`, `message`,
//!   `hook_phase`, `sync_phase`) or null, `need` (what a person must do for it) or null;
//! - a blocker: `kind` (`waits` | `needs-person` | `stops`), `app`, `phase`, `wave`, `resource`
//!   or null, `hook`, `status`, `message`, `reason`, `need` (`problem`, `action`) or null;
//! - `problems[]`: `kind` (`cycle` | `missing-child` | `too-deep`), `app`, `message`.

mod blockers;
mod hazard;
mod person;
mod render;
mod resources;
mod since;
mod tree;

pub use render::render_text;
pub use resources::malformed;
pub use since::blocked_since;
pub use tree::newer;

pub use crate::argocd::sync::SyncPhase;
use crate::catalog::Catalog;
use serde::Serialize;
use serde_json::Value;

/// How far a rollout got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Progress {
    /// Every Application is synced and healthy.
    Finished,
    /// Something is still on its way; no person is needed yet.
    Waiting,
    /// Nothing failed, but nothing moves until a person acts (approves, syncs, fixes a source,
    /// re-runs a failed hook or sync).
    #[serde(rename = "needs-person")]
    NeedsPerson,
    /// Something failed (a resource Degraded, an apply failed): the rollout cannot finish
    /// without a person.
    Stopped,
}

/// The rollout: a tree per root Application, the summary lines, and what could not be followed.
#[derive(Debug, Clone, Serialize)]
pub struct Rollout {
    /// The worst state over the roots.
    pub state: Progress,
    /// One line per root: the first blocker on the path from it, or that it finished.
    pub summary: Vec<String>,
    /// The root Applications (those no other Application lists), with their children.
    pub roots: Vec<AppNode>,
    /// Cycles, children not in the input, trees too deep to follow.
    pub problems: Vec<Problem>,
}

/// One Application with its resources by wave and its child Applications.
#[derive(Debug, Clone, Serialize)]
pub struct AppNode {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// Its sync wave in its parent (the default wave for a root).
    pub wave: i64,
    /// `status.sync.status` (`""` when absent).
    pub sync: String,
    /// The last or running sync operation, if any.
    pub operation: Option<Operation>,
    /// Its health by this crate's Application rule.
    pub health: HealthView,
    /// The wave it is in and what that wave waits on; `None` when nothing blocks it.
    pub current: Option<Current>,
    /// The first thing holding it: a stop before a wait.
    pub blocker: Option<Blocker>,
    /// Its resources, grouped by phase and wave in Argo CD's order.
    pub waves: Vec<WaveGroup>,
    /// Its child Applications found in the input, each shown once in the whole tree.
    pub children: Vec<AppNode>,
    /// Set when it reads Healthy while a resource with a health check is missing, which Argo CD
    /// 3.4 and later leave out of an Application's health: what is missing and which versions.
    pub hazard: Option<String>,
}

/// `status.operationState`, in short.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `Running`, `Terminating`, `Succeeded`, `Failed`, `Error` (or `""`).
    pub phase: String,
    /// Argo CD's message.
    pub message: String,
}

/// Where a resource's health comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HealthFrom {
    /// The live object given, judged by a catalog rule or Argo CD's built-in check.
    Live,
    /// `status.resources[].health`, as Argo CD stored it.
    Stored,
    /// The live object has no check: Argo CD records no health, and a wave does not wait.
    NoCheck,
    /// Neither the live object nor a stored health was given.
    Unknown,
}

/// A health and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthView {
    /// The status as Argo CD writes it; `None` for no check or unknown; `""` is Argo CD's empty
    /// status.
    pub status: Option<&'static str>,
    /// The message.
    pub message: String,
    /// Where it comes from.
    pub from: HealthFrom,
    /// The check that gave it (`rule KEY`, `built-in NAME`, `pre-check`), when live.
    pub check: Option<String>,
}

/// A resource of an Application.
#[derive(Debug, Clone, Serialize)]
pub struct ResourceNode {
    /// API group (`""` for core).
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Namespace (`""` when cluster-scoped).
    pub namespace: String,
    /// Name.
    pub name: String,
    /// Sync status as Argo CD stored it (`Synced`, `OutOfSync`, `""`).
    pub sync: String,
    /// Whether it is a hook.
    pub hook: bool,
    /// The phase it runs in.
    pub phase: SyncPhase,
    /// Its sync wave.
    pub wave: i64,
    /// Its health.
    pub health: HealthView,
    /// The status Argo CD stored in `status.resources[].health`, when the live object was given
    /// and says otherwise (Argo CD's copy is stale).
    pub stored: Option<&'static str>,
    /// What the running or last sync did with it, if it got that far.
    pub result: Option<ResultView>,
    /// What a person must do for it (approve its InstallPlan), read from the live object.
    pub need: Option<Need>,
}

/// What only a person can do to move a rollout on, and why it is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    /// What stands still, in a few words (`cannot render its manifests`, `waits for manual
    /// approval of InstallPlan ibm-sls/install-k9dfs`).
    pub problem: String,
    /// The step (a command where there is one) that moves it on.
    pub action: String,
}

/// One entry of `status.operationState.syncResult.resources`.
#[derive(Debug, Clone, Serialize)]
pub struct ResultView {
    /// `Synced`, `SyncFailed`, `Pruned`, `PruneSkipped`, ...
    pub status: String,
    /// Argo CD's message.
    pub message: String,
    /// For hooks: `Running`, `Succeeded`, `Failed`, `Error`, ...
    pub hook_phase: String,
    /// The phase it was applied in.
    pub sync_phase: String,
}

/// The resources of one phase and wave.
#[derive(Debug, Clone, Serialize)]
pub struct WaveGroup {
    /// The phase.
    pub phase: SyncPhase,
    /// The wave.
    pub wave: i64,
    /// Its resources, in the order the Application lists them.
    pub resources: Vec<ResourceNode>,
}

/// The wave an Application is in and what it waits on there.
#[derive(Debug, Clone, Serialize)]
pub struct Current {
    /// The phase.
    pub phase: SyncPhase,
    /// The wave.
    pub wave: i64,
    /// Every resource of that wave it waits on (or is stopped by), with its message.
    pub waits_on: Vec<Blocker>,
}

/// Whether a blocker delays the rollout or stops it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockerKind {
    /// The wave waits; it moves on by itself once the resource is Healthy.
    Waits,
    /// Nothing moves until a person acts: the blocker's `need` says what to do.
    #[serde(rename = "needs-person")]
    NeedsPerson,
    /// The sync failed or will fail: a person has to act.
    Stops,
}

/// A resource (or the Application itself) holding a rollout.
#[derive(Debug, Clone, Serialize)]
pub struct Blocker {
    /// Waits or stops.
    pub kind: BlockerKind,
    /// The Application, `namespace/name`.
    pub app: String,
    /// The phase.
    pub phase: SyncPhase,
    /// The wave, when the blocker is a resource of a wave.
    pub wave: Option<i64>,
    /// The resource, `None` when the Application itself holds (a failed sync with no failed
    /// resource recorded, health not refreshed).
    pub resource: Option<ResourceRef>,
    /// Whether the resource is a hook.
    pub hook: bool,
    /// The resource's status as shown (`Progressing`, `unknown`, `hook Failed`, ...).
    pub status: String,
    /// Its message.
    pub message: String,
    /// Why it holds the rollout, by Argo CD's rules.
    pub reason: String,
    /// For [`BlockerKind::NeedsPerson`]: what is needed and the action that moves it on.
    pub need: Option<Need>,
    /// Whether all that is known is "give the live object": no live object, nothing stored,
    /// and the sync has not recorded anything for it.
    #[serde(skip)]
    pub unknown: bool,
}

/// A resource's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ResourceRef {
    /// API group (`""` for core).
    pub group: String,
    /// Kind.
    pub kind: String,
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// Something in the input that could not be followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `cycle`, `missing-child` or `too-deep`.
    pub kind: &'static str,
    /// The Application it was found in, `namespace/name`.
    pub app: String,
    /// What is wrong.
    pub message: String,
}

/// Builds the rollout view of `objects` (Applications and any live objects, in any order) with
/// `catalog` as the checks in argocd-cm, judging sync windows at the current time.
pub fn rollout(objects: &[Value], catalog: &Catalog) -> Rollout {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    rollout_at(objects, catalog, now)
}

/// [`rollout`], with AppProject sync windows judged at `now` (seconds since the Unix epoch,
/// UTC) instead of the current time.
pub fn rollout_at(objects: &[Value], catalog: &Catalog, now: i64) -> Rollout {
    let index = tree::Index::new(objects);
    let (roots, problems) = tree::build(&index, catalog, now);
    let summary = roots.iter().map(blockers::summary).collect();
    let state = roots
        .iter()
        .map(blockers::state)
        .max()
        .unwrap_or(Progress::Finished);
    Rollout {
        state,
        summary,
        roots,
        problems,
    }
}

#[cfg(test)]
mod tests;
