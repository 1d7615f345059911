//! Embedding mas-health with its default features: the catalog, one rule of your own, the
//! native verdict and the Lua that Argo CD would run, with no Lua interpreter, YAML reader or
//! command line compiled in.
//!
//! Run: `cargo run -p mas-health --example embed`

use mas_health::{cond, Message};
use mas_health::{emit, Catalog, Entry, EvalContext, Rule, Status};
use serde_json::json;

fn main() {
    // A rule for a kind of your own: Ready True is Healthy, anything else waits.
    let ready = cond("Ready", "True");
    let widget = Rule::named("Widget")
        .when(
            "Ready is True",
            ready.holds(),
            Status::Healthy,
            Message::condition(&ready, "ready"),
        )
        .otherwise(Status::Progressing, Message::text("waiting for Ready"));
    let catalog =
        Catalog::standard().with([Entry::new("example", "example.com", "Widget", widget)]);

    let objects = [
        json!({"apiVersion": "core.mas.ibm.com/v1", "kind": "Suite", "status": {"conditions": [
            {"type": "Ready", "status": "True", "message": "MAS is ready to use"}]}}),
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "status": {}}),
        json!({"apiVersion": "example.com/v1", "kind": "Widget",
               "metadata": {"deletionTimestamp": "2026-12-01T00:00:00Z"}}),
    ];
    // What evaluation may read besides the object: the time, for checks on ages to come.
    let now = EvalContext::now();
    for obj in &objects {
        let api = obj["apiVersion"].as_str().unwrap_or_default();
        let kind = obj["kind"].as_str().unwrap_or_default();
        let group = mas_health::argocd::group_of(api);
        match catalog.lookup(group, kind) {
            Some(entry) => {
                let health = entry.evaluate(obj, &now);
                println!("{:<12} {kind}: {}", health.status, health.message);
            }
            None => println!("no rule for {group}/{kind}"),
        }
    }
    let lua = emit(&catalog.lookup("example.com", "Widget").expect("added").rule);
    println!("\n{} bytes of Lua for Widget", lua.len());
}
