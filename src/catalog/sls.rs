//! Suite License Service (sls.ibm.com).

use super::families;
use super::Entry;

pub(super) fn entries() -> Vec<Entry> {
    // Its other condition types contain spaces ("Bootstrap License Server ID"); readiness is
    // still the Ready condition.
    vec![Entry::new(
        "sls",
        "sls.ibm.com",
        "LicenseService",
        families::ready(),
    )]
}
