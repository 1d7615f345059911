//! Reports CI systems read: JUnit XML (Jenkins, GitLab) for `test` and `audit`, SARIF 2.1.0
//! (GitHub and GitLab code scanning) for `audit`, each finding at the file and line of its
//! script's key.

use super::checks::Check;
use super::{Level, Report};
use serde_json::{json, Value};

/// One JUnit testcase: a name, the class it is grouped under, and its failure if it failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The testcase's name.
    pub name: String,
    /// Its classname (the group/kind, or the file).
    pub class: String,
    /// The failure's one-line message and its full text, when it failed.
    pub failure: Option<(String, String)>,
    /// Why it did not run, when it did not (`test`'s whole-run timeout).
    pub skipped: Option<String>,
}

/// Text as XML 1.0 allows it in an attribute or element: markup characters escaped, and
/// characters XML cannot hold at all (most control characters) written as `\u{..}`.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// A JUnit XML document of one testsuite named `suite` holding `cases`.
pub fn junit(suite: &str, cases: &[Case]) -> String {
    let failures = cases.iter().filter(|c| c.failure.is_some()).count();
    let skipped = cases.iter().filter(|c| c.skipped.is_some()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\">\n",
        xml(suite),
        cases.len()
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
        xml(suite),
        cases.len()
    ));
    for c in cases {
        let head = format!(
            "    <testcase name=\"{}\" classname=\"{}\"",
            xml(&c.name),
            xml(&c.class)
        );
        match (&c.failure, &c.skipped) {
            (None, Some(why)) => out.push_str(&format!(
                "{head}>\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                xml(why)
            )),
            (None, None) => out.push_str(&format!("{head}/>\n")),
            (Some((message, text)), _) => out.push_str(&format!(
                "{head}>\n      <failure message=\"{}\" type=\"failure\">{}</failure>\n    </testcase>\n",
                xml(message),
                xml(text)
            )),
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The audit as JUnit cases: one per script (or configuration entry), failed when it has an
/// error-level finding, every finding listed in the failure's text.
pub fn audit_cases(reports: &[Report]) -> Vec<Case> {
    reports
        .iter()
        .map(|r| {
            let lines: Vec<String> = r
                .findings
                .iter()
                .map(|f| {
                    let example = f
                        .example
                        .as_ref()
                        .map_or_else(String::new, |e| format!("\n  example: {e}"));
                    format!("{} {}: {}{example}", level_word(f.level), f.code, f.message)
                })
                .collect();
            let failure = r.has_errors().then(|| {
                let codes: Vec<&str> = r
                    .findings
                    .iter()
                    .filter(|f| f.level == Level::Error)
                    .map(|f| f.code.as_str())
                    .collect();
                (codes.join(", "), lines.join("\n"))
            });
            Case {
                name: format!("{} ({})", r.key, r.origin),
                class: r.file.clone(),
                failure,
                skipped: None,
            }
        })
        .collect()
}

fn level_word(level: Level) -> &'static str {
    match level {
        Level::Error => "ERROR",
        Level::Warning => "WARN",
        Level::Info => "INFO",
    }
}

/// The line an origin names (`line 12 ConfigMap data[...]`); 1 for a folder's health.lua.
fn line_of(origin: &str) -> u64 {
    origin
        .strip_prefix("line ")
        .and_then(|r| {
            let digits: String = r.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .filter(|&n: &u64| n > 0)
        .unwrap_or(1)
}

/// The audit as one SARIF 2.1.0 run: every check a rule, every finding a result at the line
/// of its script's key, with the example state in its properties.
pub fn sarif(reports: &[Report], checks: &[&dyn Check]) -> Value {
    let rules: Vec<Value> = checks
        .iter()
        .map(|c| {
            json!({
                "id": c.code(),
                "shortDescription": {"text": c.description()},
                "defaultConfiguration": {"level": sarif_level(c.level())},
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        for f in &r.findings {
            let mut result = json!({
                "ruleId": f.code,
                "level": sarif_level(f.level),
                "message": {"text": format!("{}: {}", r.key, f.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&r.file)},
                        "region": {"startLine": line_of(&r.origin)},
                    }
                }],
                "properties": {"key": r.key, "origin": r.origin},
            });
            if let Some(index) = checks.iter().position(|c| c.code() == f.code) {
                result["ruleIndex"] = json!(index);
            }
            if let Some(example) = &f.example {
                result["properties"]["example"] = example.clone();
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "mas-health",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

/// A file name as a relative URI reference: `/` separators, spaces and `%` escaped.
fn uri(file: &str) -> String {
    file.replace('\\', "/")
        .replace('%', "%25")
        .replace(' ', "%20")
        .trim_start_matches("./")
        .to_owned()
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Info => "note",
    }
}

/// The closing object of `audit --output json`: counts by level, and by level and code.
pub fn audit_summary(reports: &[Report]) -> Value {
    let findings = || reports.iter().flat_map(|r| &r.findings);
    let count = |l: Level| findings().filter(|f| f.level == l).count();
    let by_code = |l: Level| {
        let mut codes = serde_json::Map::new();
        for f in findings().filter(|f| f.level == l) {
            let n = codes.get(&f.code).and_then(Value::as_u64).unwrap_or(0);
            codes.insert(f.code.clone(), json!(n + 1));
        }
        Value::Object(codes)
    };
    json!({"summary": {
        "scripts": reports.len(),
        "with_errors": reports.iter().filter(|r| r.has_errors()).count(),
        "errors": count(Level::Error),
        "warnings": count(Level::Warning),
        "infos": count(Level::Info),
        "by_code": {
            "error": by_code(Level::Error),
            "warning": by_code(Level::Warning),
            "info": by_code(Level::Info),
        },
    }})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_summary_counts_findings_by_level_and_by_code() {
        let finding = |level: Level, code: &str| crate::audit::Finding {
            level,
            code: code.to_owned(),
            message: "m".to_owned(),
            example: None,
            orders: Vec::new(),
        };
        let report = |findings: Vec<crate::audit::Finding>| Report {
            file: "f.yaml".to_owned(),
            origin: "line 1".to_owned(),
            key: "a.example.com/A".to_owned(),
            open_libs: false,
            states: 1,
            findings,
        };
        let reports = [
            report(vec![
                finding(Level::Error, "order-dependent"),
                finding(Level::Warning, "disagrees"),
            ]),
            report(vec![
                finding(Level::Error, "order-dependent"),
                finding(Level::Error, "runtime-error"),
            ]),
            report(Vec::new()),
        ];
        assert_eq!(
            audit_summary(&reports),
            json!({"summary": {"scripts": 3, "with_errors": 2, "errors": 3, "warnings": 1,
                "infos": 0, "by_code": {"error": {"order-dependent": 2, "runtime-error": 1},
                "warning": {"disagrees": 1}, "info": {}}}})
        );
    }

    #[test]
    fn markup_and_control_characters_are_escaped() {
        assert_eq!(
            xml("a<b>&\"'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;&apos;\\u{1}\n"
        );
    }

    #[test]
    fn a_failing_case_carries_its_message_and_text() {
        let cases = [
            Case {
                name: "a/B x.yaml".to_owned(),
                class: "a/B".to_owned(),
                failure: None,
                skipped: None,
            },
            Case {
                name: "a/B y.yaml".to_owned(),
                class: "a/B".to_owned(),
                failure: Some((
                    "expected Healthy".to_owned(),
                    "expected Healthy, got <x>".to_owned(),
                )),
                skipped: None,
            },
        ];
        assert_eq!(
            junit("s", &cases),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"s\" tests=\"2\" failures=\"1\" errors=\"0\">\n  \
             <testsuite name=\"s\" tests=\"2\" failures=\"1\" errors=\"0\" skipped=\"0\">\n    \
             <testcase name=\"a/B x.yaml\" classname=\"a/B\"/>\n    \
             <testcase name=\"a/B y.yaml\" classname=\"a/B\">\n      \
             <failure message=\"expected Healthy\" type=\"failure\">expected Healthy, got &lt;x&gt;</failure>\n    \
             </testcase>\n  </testsuite>\n</testsuites>\n"
        );
    }

    #[test]
    fn a_case_not_run_is_skipped_with_why() {
        let cases = [Case {
            name: "a/B x.yaml".to_owned(),
            class: "a/B".to_owned(),
            failure: None,
            skipped: Some("the run's 1 s were up".to_owned()),
        }];
        assert_eq!(
            junit("s", &cases),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <testsuites name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\">\n  \
             <testsuite name=\"s\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"1\">\n    \
             <testcase name=\"a/B x.yaml\" classname=\"a/B\">\n      \
             <skipped message=\"the run&apos;s 1 s were up\"/>\n    \
             </testcase>\n  </testsuite>\n</testsuites>\n"
        );
    }

    #[test]
    fn origins_give_lines() {
        assert_eq!(line_of("line 12 ConfigMap data[x]"), 12);
        assert_eq!(line_of("folder a/B"), 1);
    }
}
