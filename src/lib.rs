//! mas-health: Argo CD health checks for IBM Maximo Application Suite and app of apps, written
//! once as data, evaluated natively, and emitted as Lua 5.1 for Argo CD.
//!
//! Data flows one way: a [`Catalog`] holds [`Rule`]s; [`evaluate`] gives the health Argo CD
//! would record for an object, [`emit()`] turns a rule into the Lua script Argo CD runs.
//!
//! ```
//! use mas_health::{evaluate, Catalog, EvalContext, Status};
//! let catalog = Catalog::standard();
//! let suite = catalog.lookup("core.mas.ibm.com", "Suite").expect("Suite has a rule");
//! let obj = serde_json::json!({"status": {"conditions": [
//!     {"type": "Ready", "status": "True", "message": "MAS is ready to use"}]}});
//! let now = EvalContext::now();
//! assert_eq!(evaluate(&suite.rule, &obj, &now).status, Status::Healthy);
//! // Compiled once per entry and kept: what every command evaluates through.
//! assert_eq!(suite.plan().evaluate(&obj, &now).status, Status::Healthy);
//! let lua: String = mas_health::emit(&suite.rule);
//! assert!(lua.contains("return"));
//! ```
//!
//! # What each feature gives an embedder
//!
//! - default (the light core, on serde and serde_json alone): the rule model and its builders
//!   ([`Rule`], [`cond`], [`Message`], ...), the native evaluator ([`Plan`], [`evaluate`],
//!   [`assess`]), the Lua emitter ([`emit()`]), the catalog ([`Catalog`], [`Entry`], the rule
//!   families [`ConditionFamily`] and [`StateFamily`]) and Argo CD's vocabulary ([`argocd`]: keys,
//!   [`argocd::Verdict`], severity, sync waves and hooks, the built-in checks). The
//!   default feature `k8s-version` only picks k8s-openapi's Kubernetes version once `output`
//!   brings it in.
//! - `runtime`: Argo CD's Lua runtime ([`argocd::runtime`], mlua on vendored LuaJIT 2.1 with
//!   the JIT off; needs a C compiler).
//! - `yaml`: reading saved objects ([`io::read_objects`], [`io::for_each_object`]) and Argo CD's
//!   `health_test.yaml` harness ([`argocd::harness`]).
//! - `output`: what users apply ([`io::render`] for argocd-cm, the ArgoCD resource, Helm values;
//!   [`io::upstream`] for Argo CD's folder layout).
//! - `testkit`: generated resource states for a rule ([`states_for`]) and a strict Lua 5.1
//!   reader ([`parse_lua51`], [`closed_library_uses`]), for tests of rules and scripts.
//! - `audit`: judging other people's health scripts ([`audit`]).
//! - `rollout`: the app-of-apps rollout view ([`rollout`]).
//! - `cluster`: reading Applications and live objects from a cluster with kube-rs, read-only
//!   ([`io::Cluster`]).
//!
//! The `mas-health` command line is the `mas-health-cli` package of this workspace.
//!
//! # Glossary
//!
//! - **status**: one of Argo CD's health states ([`Status`]: Healthy, Progressing, Degraded,
//!   Suspended, Missing, Unknown).
//! - **health**: what a check returns for an object, a status and a message ([`Health`]).
//! - **verdict**: what Argo CD records for a resource ([`argocd::Verdict`]): a health, or the
//!   empty status when a script returns nothing usable.
//! - **source**: where a verdict comes from ([`Source`]: the pre-check, a catalog rule, an Argo
//!   CD built-in, or no check). Where a message reads its text is a [`Lookup`].
//! - **rule**: a health check written as data ([`Rule`]); a **script** is Lua, emitted from a
//!   rule ([`argocd::harness::Emitted`]) or written by hand ([`audit::Script`]).
//! - **outcome**: what one run of a Lua script gives ([`argocd::runtime::Outcome`]); a sync
//!   task's health does to its wave is a [`argocd::sync::TaskEffect`].
//! - **family**: a reusable form of rule, such as the MAS Ready family ([`ConditionFamily`],
//!   [`StateFamily`]); the catalog keeps one file per **vendor** (MAS, OLM, OpenShift, ...).
//! - **plan**: a rule compiled for evaluation ([`Plan`]); every native verdict comes from one.
//! - **evaluation context**: what evaluation may read besides the object ([`EvalContext`]: the
//!   current time); an audit's inputs are an [`audit::Context`].
//! - **state**: a resource object as the API server would store it (audit's generated states);
//!   how far a rollout got is its [`rollout::Progress`].
//! - **report**: the findings of auditing one script ([`audit::Report`]); the lines of a test
//!   run are a [`argocd::harness::TestLog`].

#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod catalog;
mod health;
#[cfg(feature = "yaml")]
mod input;
#[cfg(feature = "output")]
mod output;
mod rule;
#[cfg(feature = "testkit")]
mod testkit;

pub mod argocd;
mod show;

#[cfg(feature = "audit")]
#[cfg_attr(docsrs, doc(cfg(feature = "audit")))]
pub mod audit;
#[cfg(feature = "cluster")]
mod cluster;
#[cfg(feature = "rollout")]
#[cfg_attr(docsrs, doc(cfg(feature = "rollout")))]
pub mod rollout;

/// Reading saved objects (`yaml`) and writing what users apply to Argo CD (`output`).
#[cfg(feature = "yaml")]
#[cfg_attr(docsrs, doc(cfg(feature = "yaml")))]
pub mod io {
    /// Reading a user's file safely: only regular files, never a pipe or device by accident,
    /// at most a given size, and (for trees) only inside the tree.
    pub use crate::input::{
        file_kind, open_regular, read_inside, read_limited, resolve_inside, FileError,
    };
    pub use crate::input::{
        for_each_object, for_each_object_in, read_documents, read_objects, InputError, Object,
        MAX_DEPTH, STREAM_FROM,
    };

    /// Reading the live objects from the cluster the user is logged in to (`cluster`): GET,
    /// LIST and WATCH only.
    #[cfg(feature = "cluster")]
    #[cfg_attr(docsrs, doc(cfg(feature = "cluster")))]
    pub use crate::cluster::{
        Cluster, Error as ClusterError, Gathered, Installed as InstalledChecks, ListOptions,
        Listed, Next as FollowNext, RolloutQuery, Target as ClusterTarget,
    };
    #[cfg(feature = "output")]
    #[cfg_attr(docsrs, doc(cfg(feature = "output")))]
    pub use crate::output::{
        argocd_cm, argocd_cr, helm_values, lua_out, nested_configmap, render, scripts, upstream,
        valid_configmap_key, File, Format, OutputError, Target, MAX_OBJECT_BYTES,
    };
    /// Merging our checks into the user's own ArgoCD resource or argocd-cm.
    #[cfg(feature = "output")]
    #[cfg_attr(docsrs, doc(cfg(feature = "output")))]
    pub use crate::output::{
        argocd_cr_patch, merge_argocd_cm, merge_argocd_cr, Both, Keep, Merged,
    };
}

// The core: rules, the evaluator, the emitter, the catalog.
pub use argocd::{evaluate, Verdict};
pub use catalog::families::{
    condition_family, ready, ready_or_successful, state_family, successful, ConditionFamily,
    Otherwise, StateFamily, StateValues,
};
pub use catalog::{Catalog, Entry, Labels, Unchecked, UNCHECKED};
pub use health::{assess, Assessment, Source};
pub use rule::{
    all, all_true, any, cond, cond_any, differ, emit, equals, exists, explain, not, one_of, Clause,
    ConditionSelector, Decision, EvalContext, Explanation, Health, Lookup, Message, Part, Path,
    Plan, Predicate, Rule, RuleBuilder, Scalar, Status, TextMatch, CONDITIONS,
};

#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub use testkit::{
    any_json, closed_library_uses, objects_for, parse_lua51, states_for, Vocabulary,
    CLOSED_LIBRARIES,
};

/// The rule interpreter: the plan's test oracle (`testkit` only; every command and embedder
/// evaluates through a [`Plan`]).
#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub use rule::evaluate_rule;
pub use show::{object_id, printable, summarize};
