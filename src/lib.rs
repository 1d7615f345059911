//! mas-health: Argo CD health checks for IBM Maximo Application Suite and app of apps, written
//! once as data, evaluated natively, and emitted as Lua 5.1 for Argo CD.
//!
//! Data flows one way: a [`Catalog`] holds [`Rule`]s; [`evaluate`] gives the health Argo CD
//! would record for an object, [`emit`] turns a rule into the Lua script Argo CD runs.
//!
//! ```
//! use mas_health::{evaluate, Catalog, Status};
//! let catalog = Catalog::standard();
//! let suite = catalog.lookup("core.mas.ibm.com", "Suite").expect("Suite has a rule");
//! let obj = serde_json::json!({"status": {"conditions": [
//!     {"type": "Ready", "status": "True", "message": "MAS is ready to use"}]}});
//! assert_eq!(evaluate(&suite.rule, &obj).status, Status::Healthy);
//! let lua: String = mas_health::emit(&suite.rule);
//! assert!(lua.contains("return"));
//! ```
//!
//! The core (`rule`, `catalog`, `argocd`'s vocabulary) needs only serde and serde_json. The
//! layers that need more are features, all on by default: `runtime` (Argo CD's Lua runtime on
//! mlua), `yaml` (reading saved objects and Argo CD's test layout), `output` (argocd-cm, ArgoCD
//! resource, Helm values, upstream layout), `audit` (judging other people's checks), `rollout`
//! (the app-of-apps view) and `cli` (the `mas-health` binary).

pub mod argocd;
pub mod catalog;
pub mod health;
pub mod rule;

#[cfg(feature = "audit")]
pub mod audit;
#[cfg(feature = "cluster")]
pub mod cluster;
#[cfg(feature = "yaml")]
pub mod input;
#[cfg(feature = "output")]
pub mod output;
#[cfg(feature = "rollout")]
pub mod rollout;

pub use argocd::{evaluate, Verdict};
pub use catalog::{Catalog, Entry};
pub use health::{assess, Assessment, Source};
pub use rule::{emit, Health, Rule, Status};
