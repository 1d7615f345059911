//! The schemas of custom resources (`oc get crd -o yaml`), so that generated states of a kind
//! satisfy its openAPIV3Schema: the types, enums and required fields of the version served.

use crate::input::InputError;
use serde_json::Value;
use thiserror::Error;

/// Why a CRD file gives no schemas.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CrdError {
    /// A document could not be read.
    #[error(transparent)]
    Input(#[from] InputError),
    /// No CustomResourceDefinition with a schema in the file.
    #[error("{0}: no CustomResourceDefinition with an openAPIV3Schema")]
    NoneFound(String),
}

/// The schema of one kind at the version its objects are generated with.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSchema {
    /// The API group.
    pub group: String,
    /// The kind.
    pub kind: String,
    /// The version chosen: the storage version when served, else the first served one.
    pub version: String,
    /// Its openAPIV3Schema.
    pub schema: Value,
    /// Whether its objects live in a namespace (`spec.scope` is not `Cluster`).
    pub namespaced: bool,
}

/// The schemas of every kind read from CRDs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schemas(pub Vec<KindSchema>);

impl Schemas {
    /// Reads every CustomResourceDefinition in `text` (a List, or YAML documents).
    pub fn read(source_name: &str, text: &str) -> Result<Schemas, CrdError> {
        let mut out = Vec::new();
        for obj in crate::input::read_objects(source_name, text) {
            let obj = obj?;
            if obj.kind == "CustomResourceDefinition" {
                out.extend(of_crd(&obj.value));
            }
        }
        if out.is_empty() {
            return Err(CrdError::NoneFound(source_name.to_owned()));
        }
        Ok(Schemas(out))
    }

    /// The schema of `group`/`kind`, if a CRD gave one.
    pub fn lookup(&self, group: &str, kind: &str) -> Option<&KindSchema> {
        self.0.iter().find(|s| s.group == group && s.kind == kind)
    }
}

/// The kind's schema from one CRD (apiextensions v1, or v1beta1's single validation).
fn of_crd(crd: &Value) -> Option<KindSchema> {
    let spec = crd.get("spec")?;
    let group = spec.get("group")?.as_str()?.to_owned();
    let kind = spec.get("names")?.get("kind")?.as_str()?.to_owned();
    let served: Vec<&Value> = spec
        .get("versions")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false))
                .collect()
        })
        .unwrap_or_default();
    let chosen = served
        .iter()
        .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .or_else(|| served.first());
    let (version, schema) = match chosen {
        Some(v) => (
            v.get("name")?.as_str()?.to_owned(),
            v.get("schema")
                .and_then(|s| s.get("openAPIV3Schema"))
                .or_else(|| spec.get("validation")?.get("openAPIV3Schema"))?,
        ),
        None => (
            spec.get("version")?.as_str()?.to_owned(),
            spec.get("validation")?.get("openAPIV3Schema")?,
        ),
    };
    Some(KindSchema {
        group,
        kind,
        version,
        schema: schema.clone(),
        namespaced: spec.get("scope").and_then(Value::as_str) != Some("Cluster"),
    })
}

/// Whether `obj` still has every field the schema requires of its `spec` and `status` (the parts
/// an example is shrunk in): without one it is not a state the API server would store.
pub fn keeps_required(schema: &Value, obj: &Value) -> bool {
    ["spec", "status"].iter().all(|part| {
        let Some(held) = obj.get(part).and_then(Value::as_object) else {
            return true;
        };
        schema
            .get("properties")
            .and_then(|p| p.get(part))
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            .is_none_or(|req| {
                req.iter()
                    .filter_map(Value::as_str)
                    .all(|k| held.contains_key(k))
            })
    })
}

/// What a schema says about one field.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot<'s> {
    /// The field's schema, and whether every step to it is required.
    Declared(&'s Value, bool),
    /// The API server prunes it: an object with declared properties, none of them this one,
    /// that keeps no unknown fields.
    Pruned,
    /// Anything may be there.
    Free,
}

/// What the schema `root` says about the field at `path` (`[]` steps into a list's entries).
/// Whether `status` or `spec` itself is required does not count: a state generates them or
/// not as a whole.
pub fn at<'s>(root: &'s Value, path: &[String]) -> Slot<'s> {
    let mut node = root;
    let mut required = true;
    for (depth, key) in path.iter().enumerate() {
        if node.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true)) {
            return Slot::Free;
        }
        if key == "[]" {
            match node.get("items") {
                Some(items) => {
                    node = items;
                    continue;
                }
                None => return Slot::Free,
            }
        }
        let declared = node.get("properties").and_then(|p| p.get(key));
        let next = match declared {
            Some(n) => n,
            None => match node.get("additionalProperties") {
                Some(extra) if extra.is_object() => extra,
                Some(_) => return Slot::Free,
                None if node.get("properties").is_some() => return Slot::Pruned,
                None => return Slot::Free,
            },
        };
        let listed = node
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|k| k.as_str() == Some(key)));
        required &= depth == 0 || listed;
        node = next;
    }
    Slot::Declared(node, required)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_state_without_a_required_status_field_is_not_stored() {
        let schema = json!({"properties": {"status": {"required": ["phase"],
            "properties": {"phase": {"type": "string"}}}}});
        assert!(!keeps_required(&schema, &json!({"status": {}})));
        assert!(keeps_required(
            &schema,
            &json!({"status": {"phase": "Pending"}})
        ));
        assert!(keeps_required(&schema, &json!({"spec": {}})));
    }

    const CRDS: &str = r#"apiVersion: v1
kind: List
items:
- apiVersion: apiextensions.k8s.io/v1
  kind: CustomResourceDefinition
  metadata: {name: things.example.com}
  spec:
    group: example.com
    names: {kind: Thing}
    versions:
    - name: v1alpha1
      served: true
      storage: false
      schema: {openAPIV3Schema: {type: object}}
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            status:
              type: object
              required: [phase]
              properties:
                phase: {type: string, enum: [Pending, Ready]}
"#;

    #[test]
    fn the_storage_version_s_schema_is_read_from_a_list() {
        let s = Schemas::read("crds.yaml", CRDS).expect("schemas");
        let k = s.lookup("example.com", "Thing").expect("Thing");
        assert_eq!(k.version, "v1");
        assert_eq!(
            k.schema["properties"]["status"]["properties"]["phase"]["enum"],
            json!(["Pending", "Ready"])
        );
        assert!(s.lookup("example.com", "Other").is_none());
    }

    #[test]
    fn a_cluster_scoped_kind_is_known_by_its_crd_scope() {
        let cluster = CRDS.replace(
            "    group: example.com\n",
            "    group: example.com\n    scope: Cluster\n",
        );
        let s = Schemas::read("crds.yaml", &cluster).expect("schemas");
        assert!(!s.lookup("example.com", "Thing").expect("Thing").namespaced);
        let namespaced = CRDS.replace(
            "    group: example.com\n",
            "    group: example.com\n    scope: Namespaced\n",
        );
        let s = Schemas::read("crds.yaml", &namespaced).expect("schemas");
        assert!(s.lookup("example.com", "Thing").expect("Thing").namespaced);
    }

    #[test]
    fn a_file_without_crds_is_an_error() {
        assert_eq!(
            Schemas::read(
                "x.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
            ),
            Err(CrdError::NoneFound("x.yaml".to_owned()))
        );
    }

    #[test]
    fn fields_are_found_pruned_or_free() {
        let schema = json!({"type": "object", "properties": {"status": {"type": "object",
            "required": ["phase"], "properties": {"phase": {"type": "string"},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}});
        let p = |s: &str| s.split('.').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            at(&schema, &p("status.phase")),
            Slot::Declared(&json!({"type": "string"}), true)
        );
        assert_eq!(at(&schema, &p("status.nope")), Slot::Pruned);
        assert_eq!(at(&schema, &p("status.extra.anything")), Slot::Free);
    }
}
