//! MAS configuration kinds (config.mas.ibm.com): how the suite reaches its dependencies.

use super::families;
use super::Entry;

const CONFIG: &str = "config.mas.ibm.com";

const READY_KINDS: &[&str] = &[
    "AiCfg",
    "BasCfg",
    "IDPCfg",
    "JdbcCfg",
    "KafkaCfg",
    "MongoCfg",
    "ObjectStorageCfg",
    "SlsCfg",
    "SmtpCfg",
    "WatsonStudioCfg",
];

pub(super) fn entries() -> Vec<Entry> {
    let mut out: Vec<Entry> = READY_KINDS
        .iter()
        .map(|k| Entry::new("config", CONFIG, k, families::ready()))
        .collect();
    out.push(Entry::new(
        "config",
        CONFIG,
        "AppCfg",
        families::successful(),
    ));
    out
}
