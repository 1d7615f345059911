//! Which script of a configuration answers an object, found as Argo CD's `GetHealthScript`
//! finds it: the override under the object's exact key (`group/Kind`, the bare `Kind` for the
//! core group), then a wildcard key matching it, then Argo CD's built-in check. Overrides are
//! merged as Argo CD and the operator merge them: the nested `resource.customizations` value
//! first, split keys over it; in an `ArgoCD` resource, `extraConfig` over `resourceHealthChecks`.

use super::Script;
use crate::argocd::harness::{config_map_key, Answer, Configured};
use crate::argocd::keys::glob;
use serde_json::Value;
use std::collections::BTreeMap;

/// The scripts of a configuration by the argocd-cm key Argo CD reads them under.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    by_key: BTreeMap<String, Script>,
}

/// How late a script is written into argocd-cm, so which wins a key both hold: the nested
/// value, then the operator's `resourceHealthChecks`, then split keys (and `extraConfig`).
fn rank(s: &Script) -> u8 {
    if s.origin.contains("data[resource.customizations].")
        || s.origin.contains("spec.resourceCustomizations")
        || s.origin.contains("[resource.customizations].")
    {
        0
    } else if s.origin.contains("spec.resourceHealthChecks") {
        1
    } else {
        2
    }
}

impl Overrides {
    /// The overrides `scripts` make, later ranks winning and, within a rank, the later script.
    pub fn new(scripts: &[Script]) -> Overrides {
        let mut by_key: BTreeMap<String, Script> = BTreeMap::new();
        for s in scripts {
            let key = s.key();
            if by_key.get(&key).is_none_or(|old| rank(old) <= rank(s)) {
                by_key.insert(key, s.clone());
            }
        }
        Overrides { by_key }
    }

    /// What answers `obj`: the configuration's script, Argo CD's built-in check (`Rule`), or a
    /// failure saying nothing does (or that wildcards leave the choice to chance).
    pub fn answer(&self, obj: &Value) -> Answer {
        let key = config_map_key(obj);
        let configured = |s: &Script| {
            Answer::Configured(Configured {
                script: s.script.clone(),
                open_libs: s.open_libs,
                origin: format!("{} {}", s.file, s.origin),
            })
        };
        if let Some(s) = self.by_key.get(&key).filter(|s| !s.script.is_empty()) {
            return configured(s);
        }
        let wild: Vec<&Script> = self
            .by_key
            .iter()
            .filter(|(k, s)| s.is_wildcard() && !s.script.is_empty() && glob(k, &key))
            .map(|(_, s)| s)
            .collect();
        match wild[..] {
            [one] => return configured(one),
            [_, _, ..] if wild.iter().any(|s| s.script != wild[0].script) => {
                let keys: Vec<String> = wild.iter().map(|s| s.key()).collect();
                return Answer::Unanswered(format!(
                    "{} wildcard keys of the configuration match {key:?} ({}): Argo CD picks \
                     one at random (Go map order)",
                    wild.len(),
                    keys.join(", ")
                ));
            }
            [first, ..] => return configured(first),
            [] => {}
        }
        let gk = crate::argocd::group_kind_of(obj);
        if crate::argocd::builtin::check_for(&gk).is_some() {
            return Answer::Rule;
        }
        Answer::Unanswered(format!(
            "no script of the configuration answers {key:?} (exact key, then wildcards) and \
             Argo CD has no built-in check for it"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn script(origin: &str, group: &str, kind: &str, text: &str) -> Script {
        Script {
            file: "cm.yaml".to_owned(),
            origin: origin.to_owned(),
            group: group.to_owned(),
            kind: kind.to_owned(),
            script: text.to_owned(),
            open_libs: false,
        }
    }

    fn text_of(a: Answer) -> String {
        match a {
            Answer::Configured(c) => c.script,
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn exact_key_then_wildcard_then_built_in_then_a_failure() {
        let o = Overrides::new(&[
            script(
                "line 1 ConfigMap data[resource.customizations].\"*.example.com/*\"",
                "*.example.com",
                "*",
                "wild",
            ),
            script("line 2 ConfigMap data[x]", "a.example.com", "A", "exact"),
        ]);
        let obj = |api: &str, kind: &str| json!({"apiVersion": api, "kind": kind});
        assert_eq!(text_of(o.answer(&obj("a.example.com/v1", "A"))), "exact");
        assert_eq!(text_of(o.answer(&obj("b.example.com/v1", "B"))), "wild");
        assert_eq!(o.answer(&obj("apps/v1", "Deployment")), Answer::Rule);
        assert_eq!(
            o.answer(&obj("other.io/v1", "C")),
            Answer::Unanswered(
                "no script of the configuration answers \"other.io/C\" (exact key, then \
                 wildcards) and Argo CD has no built-in check for it"
                    .to_owned()
            )
        );
    }

    #[test]
    fn a_split_key_wins_over_the_nested_entry_and_core_is_never_looked_up() {
        let o = Overrides::new(&[
            script(
                "line 9 ConfigMap data[resource.customizations.health.a.example.com_A]",
                "a.example.com",
                "A",
                "split",
            ),
            script(
                "line 3 ConfigMap data[resource.customizations].\"a.example.com/A\"",
                "a.example.com",
                "A",
                "nested",
            ),
            script(
                "line 5 ConfigMap data[resource.customizations.health.core_Widget]",
                "core",
                "Widget",
                "core",
            ),
        ]);
        let a = json!({"apiVersion": "a.example.com/v1", "kind": "A"});
        assert_eq!(text_of(o.answer(&a)), "split");
        let widget = json!({"apiVersion": "v1", "kind": "Widget"});
        assert!(matches!(o.answer(&widget), Answer::Unanswered(_)));
    }
}
