//! MAS core and applications, IoT, the data dictionary, add-ons and AI service.

use super::families::{self, failure, waiting_for, ConditionFamily};
use super::Entry;
use crate::rule::{all_true, cond, equals, not, Clause, Message, Rule, Status};

const CORE: &str = "core.mas.ibm.com";
const APPS: &str = "apps.mas.ibm.com";
const AISERVICE: &str = "aiservice.ibm.com";

/// Kinds of apps.mas.ibm.com whose operators report Ready/Failure.
const READY_APPS: &[&str] = &[
    "AssistApp",
    "AssistWorkspace",
    "FacilitiesApp",
    "FacilitiesWorkspace",
    "HealthExtWorkspace",
    "HealthWorkspace",
    "ManageAccelerator",
    "ManageApp",
    "MonitorApp",
    "MonitorWorkspace",
    "OptimizerApp",
    "OptimizerWorkspace",
    "PredictApp",
    "PredictWorkspace",
    "VisualInspectionApp",
    "VisualInspectionAppWorkspace",
];

pub(super) fn entries() -> Vec<Entry> {
    let e = |group: &str, kind: &str, rule: Rule| Entry::new("mas", group, kind, rule);
    let mut out = vec![
        e(CORE, "Suite", families::ready()),
        e(CORE, "Workspace", families::ready()),
        e(APPS, "ManageWorkspace", manage_workspace()),
        e(
            APPS,
            "ManageBuild",
            families::condition_family("ManageBuild", "Buildready"),
        ),
        e(APPS, "ManageDeployment", manage_deployment()),
        e(APPS, "ManageStatusChecker", families::successful()),
        e(APPS, "OpenTelemetryDeployment", families::successful()),
        e("iot.ibm.com", "IoT", families::ready()),
        e("iot.ibm.com", "IoTWorkspace", families::ready()),
        e(
            "asset-data-dictionary.ibm.com",
            "AssetDataDictionary",
            families::ready(),
        ),
        e(
            "asset-data-dictionary.ibm.com",
            "DataDictionaryWorkspace",
            families::ready(),
        ),
        e("addons.mas.ibm.com", "GenericAddon", families::ready()),
        // MAS kinds not listed yet still wait for their operator instead of passing at once.
        e("*.mas.ibm.com", "*", families::ready_or_successful()),
    ];
    out.extend(READY_APPS.iter().map(|k| e(APPS, k, families::ready())));
    // AI service kinds belong to aiservice.ibm.com only: the hand-written checks keyed them under
    // apps.mas.ibm.com, where no object of theirs exists, so those checks never ran.
    out.push(e(AISERVICE, "AIServiceApp", families::ready()));
    out.push(e(AISERVICE, "AIServiceTenant", families::successful()));
    out
}

/// ManageWorkspace: a workspace scaled down on purpose is Healthy, unless a Failure says
/// otherwise.
fn manage_workspace() -> Rule {
    ConditionFamily::of("ManageWorkspace (Ready family, down mode)", "Ready")
        .with_override(Clause::new(
            "deployment mode is down",
            equals("spec.settings.deployment.mode", "down"),
            Status::Healthy,
            Message::text("Manage is down by request"),
        ))
        .rule()
}

/// ManageDeployment: Healthy only when the database and the bundles are both ready.
fn manage_deployment() -> Rule {
    let db = Clause {
        name: "DBReady is not True".to_owned(),
        when: not(cond("DBReady", "True").holds()),
        ..waiting_for("DBReady")
    };
    let bundle = waiting_for("BundleReady");
    Rule::named("ManageDeployment (DBReady and BundleReady)")
        .clause(failure())
        .when(
            "DBReady and BundleReady are True",
            all_true(&["DBReady", "BundleReady"]),
            Status::Healthy,
            Message::text("database and bundles are ready"),
        )
        .clause(db)
        // Only BundleReady can be missing here: say what it reports.
        .otherwise(bundle.status, bundle.message)
}
