//! What this crate's own fixtures (`health/<group>/<Kind>/testdata`) say about an operator's
//! vocabulary, kept as data the audit can use without the fixtures at hand; a test below
//! rebuilds it from `health/` and fails when it drifts.

/// Kinds whose fixtures carry conditions written by the Ansible operator SDK (an
/// `ansibleResult`): their operator writes `Failure` on its own, beside whatever the playbook
/// wrote (`Ready` from an earlier run), so those two hold together.
const ANSIBLE_KINDS: &[&str] = &[
    "addons.mas.ibm.com/GenericAddon",
    "ae.cpd.ibm.com/AnalyticsEngine",
    "aiservice.ibm.com/AIServiceApp",
    "aiservice.ibm.com/AIServiceTenant",
    "apps.mas.ibm.com/AssistApp",
    "apps.mas.ibm.com/AssistWorkspace",
    "apps.mas.ibm.com/FacilitiesApp",
    "apps.mas.ibm.com/FacilitiesWorkspace",
    "apps.mas.ibm.com/HealthExtWorkspace",
    "apps.mas.ibm.com/HealthWorkspace",
    "apps.mas.ibm.com/ManageAccelerator",
    "apps.mas.ibm.com/ManageApp",
    "apps.mas.ibm.com/ManageBuild",
    "apps.mas.ibm.com/ManageDeployment",
    "apps.mas.ibm.com/ManageStatusChecker",
    "apps.mas.ibm.com/ManageWorkspace",
    "apps.mas.ibm.com/MonitorApp",
    "apps.mas.ibm.com/MonitorWorkspace",
    "apps.mas.ibm.com/OpenTelemetryDeployment",
    "apps.mas.ibm.com/OptimizerApp",
    "apps.mas.ibm.com/OptimizerWorkspace",
    "apps.mas.ibm.com/PredictApp",
    "apps.mas.ibm.com/PredictWorkspace",
    "apps.mas.ibm.com/VisualInspectionApp",
    "apps.mas.ibm.com/VisualInspectionAppWorkspace",
    "asset-data-dictionary.ibm.com/AssetDataDictionary",
    "asset-data-dictionary.ibm.com/DataDictionaryWorkspace",
    "config.mas.ibm.com/AiCfg",
    "config.mas.ibm.com/AppCfg",
    "config.mas.ibm.com/BasCfg",
    "config.mas.ibm.com/IDPCfg",
    "config.mas.ibm.com/JdbcCfg",
    "config.mas.ibm.com/KafkaCfg",
    "config.mas.ibm.com/MongoCfg",
    "config.mas.ibm.com/ObjectStorageCfg",
    "config.mas.ibm.com/SlsCfg",
    "config.mas.ibm.com/SmtpCfg",
    "config.mas.ibm.com/WatsonStudioCfg",
    "core.mas.ibm.com/Suite",
    "core.mas.ibm.com/Workspace",
    "cpd.ibm.com/Ibmcpd",
    "iot.ibm.com/IoT",
    "iot.ibm.com/IoTWorkspace",
    "sls.ibm.com/LicenseService",
    "spssmodeler.cpd.ibm.com/Spss",
    "wml.cpd.ibm.com/WmlBase",
    "wos.cpd.ibm.com/WOService",
    "ws.cpd.ibm.com/WS",
    "zen.cpd.ibm.com/ZenService",
];

/// Groups whose every kind is Ansible-based (the `*.mas.ibm.com/*` fixtures).
const ANSIBLE_GROUP_SUFFIXES: &[&str] = &[".mas.ibm.com"];

/// Whether the fixtures of this crate show `group/kind` as written by the Ansible operator SDK
/// (or its group as one of the MAS groups whose wildcard fixtures do).
pub(crate) fn ansible_based(group: &str, kind: &str) -> bool {
    let key = format!("{group}/{kind}");
    ANSIBLE_KINDS.contains(&key.as_str())
        || ANSIBLE_GROUP_SUFFIXES.iter().any(|s| group.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The `group/Kind` folders under `health/` whose testdata mention `ansibleResult`.
    fn from_fixtures() -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("health");
        let mut out = Vec::new();
        for group in std::fs::read_dir(&root).expect("health/").flatten() {
            for kind in std::fs::read_dir(group.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let testdata = kind.path().join("testdata");
                let ansible = std::fs::read_dir(&testdata)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .any(|f| {
                        std::fs::read_to_string(f.path()).is_ok_and(|t| t.contains("ansibleResult"))
                    });
                let (g, k) = (group.file_name(), kind.file_name());
                let (g, k) = (g.to_string_lossy(), k.to_string_lossy());
                if ansible && !g.starts_with('_') {
                    out.push(format!("{g}/{k}"));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn the_ansible_kinds_are_those_the_fixtures_show() {
        assert_eq!(from_fixtures(), ANSIBLE_KINDS);
    }

    #[test]
    fn a_mas_group_is_ansible_based_and_the_compliance_operator_is_not() {
        assert!(ansible_based("core.mas.ibm.com", "Suite"));
        assert!(ansible_based("apps.mas.ibm.com", "SomeNewApp"));
        assert!(ansible_based("cpd.ibm.com", "Ibmcpd"));
        assert!(!ansible_based(
            "compliance.openshift.io",
            "ScanSettingBinding"
        ));
    }
}
