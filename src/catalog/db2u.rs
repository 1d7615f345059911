//! Db2 Universal (db2u.databases.ibm.com): the databases MAS apps use.

use super::families::{state_family, StateValues};
use super::Entry;
use crate::rule::{ConditionSelector, Message, TextMatch};

pub(super) fn entries() -> Vec<Entry> {
    ["Db2uCluster", "Db2uInstance"]
        .into_iter()
        .map(|kind| Entry::new("db2u", "db2u.databases.ibm.com", kind, db2u()))
        .collect()
}

fn db2u() -> crate::rule::Rule {
    // Db2u writes `status: OK` on healthy conditions; any other status carries the reason.
    let failing = ConditionSelector {
        type_: TextMatch::Any,
        status: TextMatch::NoneOf(vec!["OK".to_owned(), "True".to_owned()]),
        reason: TextMatch::Any,
    };
    state_family(
        "Db2u state",
        "status.state",
        StateValues {
            healthy: &["Ready"],
            degraded: &["Error", "LicenseError"],
        },
        Message::condition_after(&failing, ": ", ""),
    )
}
