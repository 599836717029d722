//! `flowmap_core::diff`: the example against edited copies, one kind of change per case
//! through one helper, each rendered as a reviewed snapshot (`tests/snapshots/diff/`); what a
//! diff must ignore (layout, order); fingerprints across renames; the pull-request comment
//! (snapshots, escaping, the size limit) and the committed example in `docs/diff-example.md`;
//! SARIF baseline states.

use std::path::PathBuf;

use flowmap_core::diff::markdown::{comment, CommentOptions, GITHUB_COMMENT_LIMIT};
use flowmap_core::diff::{compare, diff_json, BaselineState, ChangeKind, JsonOptions, ModelDiff};
use flowmap_core::edit::ops;
use flowmap_core::export::{sarif, ExportContext};
use flowmap_core::generate::{generate, GenerateSpec};
use flowmap_core::{
    check, load_str, CheckOptions, DataClass, Flow, Model, Narrative, Node, NodeKind, RuleSetting,
    Severity, Waiver,
};
use serde_json::Value;

const EXAMPLE: &str = "examples/serverless-shop.flowmap.json";
const CHANGE: &str = "tests/fixtures/diff/serverless-shop-change.flowmap.json";
const TODAY: &str = "2026-11-22";
const TIMESTAMP: &str = "2026-11-22T12:00:00Z";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(repo().join(path)).unwrap()
}

fn model(path: &str) -> Model {
    load_str(&read(path)).unwrap()
}

fn options() -> CheckOptions {
    CheckOptions {
        today: Some(TODAY.parse().unwrap()),
        ..CheckOptions::default()
    }
}

/// The example against a copy edited by `edit`.
fn diff_of(edit: impl FnOnce(&mut Model)) -> (Model, Model, ModelDiff) {
    let old = model(EXAMPLE);
    let mut new = old.clone();
    edit(&mut new);
    let diff = compare(&old, &new, &options());
    (old, new, diff)
}

/// A diff as reviewable text: elements with their fields, layout, reach, findings by change.
fn render(diff: &ModelDiff) -> String {
    let mut out = String::new();
    for e in &diff.elements {
        out.push_str(&format!(
            "{} {} {:?} {:?}\n",
            e.change.as_str(),
            e.kind.as_str(),
            e.id,
            e.name
        ));
        for f in &e.fields {
            out.push_str(&format!("    {}: {} → {}\n", f.field, f.before, f.after));
        }
    }
    for l in &diff.layout {
        out.push_str(&format!(
            "layout {} {}: {} → {}\n",
            l.kind.as_str(),
            l.id,
            l.before,
            l.after
        ));
    }
    for r in &diff.reach {
        out.push_str(&format!(
            "reach {} ({}{}):\n",
            r.node,
            r.node_kind,
            r.node_change
                .map_or(String::new(), |c| format!(", {}", c.as_str()))
        ));
        for c in &r.gained {
            out.push_str(&format!("    + {} via {:?}\n", c.class, c.path));
        }
        for c in &r.lost {
            out.push_str(&format!("    - {} via {:?}\n", c.class, c.path));
        }
    }
    let f = &diff.findings;
    for (label, list) in [("introduced", &f.introduced), ("resolved", &f.resolved)] {
        for finding in list {
            out.push_str(&format!(
                "{label} {} {} {} {}\n",
                finding.severity,
                finding.rule,
                finding.subject.kind.as_str(),
                finding.subject.id
            ));
        }
    }
    for u in &f.updated {
        out.push_str(&format!(
            "updated {} {} {}: {} → {}{}{}\n",
            u.after.rule,
            u.after.subject.kind.as_str(),
            u.after.subject.id,
            u.before.severity,
            u.after.severity,
            if u.before.waived != u.after.waived {
                format!(", waived {} → {}", u.before.waived, u.after.waived)
            } else {
                String::new()
            },
            if u.before.message != u.after.message {
                format!("\n    message: {}", u.after.message)
            } else {
                String::new()
            }
        ));
    }
    out.push_str(&format!("unchanged findings: {}\n", f.unchanged.len()));
    out
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => repo().join("tests/snapshots/diff"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// One kind of change: the example against a copy edited by `edit`, rendered as a snapshot.
fn case(name: &str, edit: impl FnOnce(&mut Model)) -> ModelDiff {
    let (_, _, diff) = diff_of(edit);
    snapshot(name, &render(&diff));
    diff
}

/// The example's webhook is not monitored (LOG-002): a waiver for it.
fn webhook_waiver() -> Waiver {
    Waiver {
        rule: "LOG-002".into(),
        subject: "payment-webhook".into(),
        reason: "Stripe signs every webhook".into(),
        approved_by: "CISO".into(),
        expires: "2027-03-31".parse().unwrap(),
    }
}

fn node<'m>(model: &'m mut Model, id: &str) -> &'m mut Node {
    model.nodes.iter_mut().find(|n| n.id == id).unwrap()
}

fn flow<'m>(model: &'m mut Model, id: &str) -> &'m mut Flow {
    model.flows.iter_mut().find(|f| f.id == id).unwrap()
}

#[test]
fn a_node_and_its_flow_added() {
    let diff = case("node-added", |m| {
        let mut vendor = Node::new("fraud-api", "Sift fraud scoring", NodeKind::External);
        vendor.owner = Some("payments-team".into());
        m.nodes.push(vendor);
        m.flows.push(Flow {
            id: "fraud-check".into(),
            from: "checkout-fn".into(),
            to: "fraud-api".into(),
            name: "Score checkout".into(),
            protocol: Some("https".into()),
            encrypted: true,
            tls_min: None,
            authenticated: true,
            monitored: true,
            data: vec!["personal".into()],
            notes: None,
        });
    });
    assert_eq!(diff.count(ChangeKind::Added), 2);
    assert_eq!(diff.marks().nodes["fraud-api"], ChangeKind::Added);
    assert_eq!(diff.marks().flows["fraud-check"], ChangeKind::Added);
    assert!(diff
        .reach
        .iter()
        .any(|r| r.node == "fraud-api" && r.is_vendor()));
}

#[test]
fn a_node_removed_with_its_flows() {
    let diff = case("node-removed", |m| {
        *m = ops::delete(m, &["receipts".to_owned()]);
    });
    assert_eq!(
        diff.count(ChangeKind::Removed),
        2,
        "the store and store-receipt"
    );
    assert!(diff.findings.introduced.is_empty());
    assert!(diff
        .findings
        .resolved
        .iter()
        .all(|f| f.subject.id == "receipts"));
}

#[test]
fn node_fields_change_and_reordered_sets_do_not() {
    let diff = case("node-changed", |m| {
        let receipts = node(m, "receipts");
        receipts.logging = true;
        receipts.encryption_at_rest = Some(flowmap_core::EncryptionAtRest::Provider);
        let orders = node(m, "orders-db");
        orders.holds.reverse();
        let stripe = node(m, "stripe-api");
        stripe.vendor.as_mut().unwrap().agreements.pop();
    });
    let ids: Vec<&str> = diff.elements.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        ["receipts", "stripe-api"],
        "reordering holds is no change"
    );
}

#[test]
fn a_flow_encrypted_and_another_reconnected() {
    case("flows-changed", |m| {
        let cache = flow(m, "cache-update");
        cache.encrypted = true;
        cache.authenticated = true;
        cache.data.reverse();
        let logs = flow(m, "ship-logs");
        logs.from = "app-logs".into();
    });
}

#[test]
fn a_boundary_added_moved_and_removed() {
    case("boundaries-changed", |m| {
        m.boundaries.push(flowmap_core::Boundary {
            id: "payments-vpc".into(),
            name: "Payments VPC".into(),
            kind: flowmap_core::BoundaryKind::Network,
            parent: Some("aws-prod".into()),
            region: None,
            description: None,
        });
        node(m, "webhook-fn").boundary = Some("payments-vpc".into());
        node(m, "orders-cache").boundary = Some("payments-vpc".into());
        // Datadog's boundary goes; its node stays outside every boundary.
        m.boundaries.retain(|b| b.id != "datadog");
        m.layout.boundaries.remove("datadog");
        node(m, "log-vendor").boundary = None;
    });
}

#[test]
fn settings_change_key_by_key() {
    let diff = case("settings-changed", |m| {
        m.name = "Serverless shop (EU)".into();
        m.description = None;
        let mut financial = flowmap_core::taxonomy::builtin_classes()
            .into_iter()
            .find(|c| c.id == "financial")
            .unwrap();
        financial.residency = vec!["eu-west-1".into(), "eu-central-1".into()];
        m.classes.push(financial);
        m.classes.push(DataClass {
            id: "order-ref".into(),
            name: "Order reference".into(),
            tier: 1,
            personal: false,
            regime: None,
            never_store: false,
            residency: Vec::new(),
            description: None,
            consumed_at_hop: false,
        });
        m.rules.insert("CTL-002".into(), RuleSetting::Off);
        m.rules
            .insert("BND-003".into(), RuleSetting::Severity(Severity::Medium));
        m.waivers.push(webhook_waiver());
        m.narratives[0]
            .text
            .push_str(" Sessions expire after 30 minutes.");
        m.narratives.push(Narrative {
            control: "SOC2:CC7.2".into(),
            text: "CloudWatch alarms page the on-call engineer.".into(),
        });
    });
    let kinds: Vec<&str> = diff.elements.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "model",
            "class",
            "class",
            "rule",
            "rule",
            "waiver",
            "narrative",
            "narrative"
        ]
    );
    // Data residency on financial: every node outside the EU that receives it is flagged.
    assert!(diff.findings.introduced.iter().any(|f| f.rule == "RES-001"));
}

#[test]
fn a_waiver_changed_then_removed() {
    let old = {
        let mut m = model(EXAMPLE);
        m.waivers.push(webhook_waiver());
        m
    };
    let mut extended = old.clone();
    extended.waivers[0].expires = "2027-06-30".parse().unwrap();
    let diff = compare(&old, &extended, &options());
    assert_eq!(diff.elements.len(), 1);
    assert_eq!(diff.elements[0].id, "LOG-002/payment-webhook");
    assert_eq!(diff.elements[0].fields[0].field, "expires");
    assert_eq!(
        diff.findings.updated.len(),
        1,
        "the waiver the finding names changed"
    );
    let mut dropped = old.clone();
    dropped.waivers.clear();
    let diff = compare(&old, &dropped, &options());
    assert_eq!(diff.elements[0].change, ChangeKind::Removed);
    let failing = diff.findings.newly_failing(Severity::Medium);
    assert_eq!(failing.len(), 1, "a finding no longer waived fails again");
    assert_eq!(failing[0].rule, "LOG-002");
}

#[test]
fn data_classes_reach_a_vendor_no_longer() {
    let diff = case("reach-lost", |m| {
        // The log forwarder scrubs personal data before shipping logs to Datadog.
        node(m, "log-forwarder").strips = vec!["personal".into(), "financial".into()];
    });
    let datadog = diff.reach.iter().find(|r| r.node == "log-vendor").unwrap();
    assert!(datadog.is_vendor());
    assert_eq!(datadog.lost[0].class, "financial");
    assert!(datadog.gained.is_empty());
    assert!(
        diff.findings
            .resolved
            .iter()
            .any(|f| f.rule == "TP-002" && f.subject.id == "log-vendor"),
        "the transitive disclosure to Datadog is resolved"
    );
}

#[test]
fn moving_things_changes_only_the_layout() {
    let (old, new, diff) = diff_of(|m| {
        *m = ops::move_by(m, &["orders-db".to_owned(), "vpc".to_owned()], 40.0, -20.0);
    });
    assert!(diff.elements.is_empty());
    assert!(diff.reach.is_empty());
    assert!(diff.is_empty(), "layout alone is no change to review");
    assert!(!diff.layout.is_empty());
    assert_eq!(
        diff.findings.unchanged.len(),
        check(&new, &options()).findings.len()
    );
    snapshot("layout-only", &render(&diff));
    // The comment counts layout changes and lists them only when asked.
    let quiet = comment(&old, &new, &diff, &CommentOptions::default());
    assert!(!quiet.contains("Layout changes ("), "{quiet}");
    assert!(quiet.contains("layout changes, not listed"), "{quiet}");
    let listed = comment(
        &old,
        &new,
        &diff,
        &CommentOptions {
            layout: true,
            ..CommentOptions::default()
        },
    );
    assert!(listed.contains("#### Layout changes ("), "{listed}");
}

#[test]
fn reordering_the_file_is_no_change_at_all() {
    let (_, _, diff) = diff_of(|m| {
        m.nodes.reverse();
        m.flows.reverse();
        m.boundaries.reverse();
        for f in &mut m.flows {
            f.data.reverse();
        }
    });
    assert!(diff.is_empty());
    assert!(diff.layout.is_empty());
}

/// Renames every reference to `from` (a node id) into `to`.
fn rename_node(m: &mut Model, from: &str, to: &str) {
    for n in &mut m.nodes {
        if n.id == from {
            n.id = to.to_owned();
        }
    }
    for f in &mut m.flows {
        for end in [&mut f.from, &mut f.to] {
            if end == from {
                *end = to.to_owned();
            }
        }
    }
    if let Some(point) = m.layout.nodes.remove(from) {
        m.layout.nodes.insert(to.to_owned(), point);
    }
}

#[test]
fn fingerprints_hold_across_renames_of_other_elements() {
    // An id renamed: findings about other subjects keep their fingerprints (at most their
    // message changes); only the renamed element's own findings move.
    let (_, _, diff) = diff_of(|m| rename_node(m, "receipts", "receipt-archive"));
    for finding in diff
        .findings
        .introduced
        .iter()
        .chain(&diff.findings.resolved)
    {
        assert!(
            ["receipts", "receipt-archive"].contains(&finding.subject.id.as_str()),
            "{finding:?}"
        );
    }
    assert_eq!(diff.findings.introduced.len(), diff.findings.resolved.len());
    // A name changed: findings that mention it are updated, never re-introduced.
    let diff = case("name-changed", |m| {
        node(m, "stripe-api").name = "Stripe".into();
    });
    assert!(diff.findings.introduced.is_empty() && diff.findings.resolved.is_empty());
    assert!(!diff.findings.updated.is_empty());
    for updated in &diff.findings.updated {
        assert_eq!(updated.before.fingerprint, updated.after.fingerprint);
        assert!(updated.after.message.contains("\"Stripe\""), "{updated:?}");
    }
}

#[test]
fn baseline_states_follow_fingerprints() {
    let (_, new, diff) = diff_of(|m| {
        flow(m, "cache-update").encrypted = true;
        m.rules
            .insert("BND-003".into(), RuleSetting::Severity(Severity::Medium));
        node(m, "receipts").owner = None;
    });
    let report = check(&new, &options());
    let states = diff.findings.states(&report.findings);
    let state = |rule: &str| {
        report
            .findings
            .iter()
            .zip(&states)
            .find(|(f, _)| f.rule == rule)
            .map(|(_, s)| *s)
    };
    assert_eq!(state("OWN-001"), Some(BaselineState::New));
    assert_eq!(state("BND-003"), Some(BaselineState::Updated));
    assert_eq!(state("TP-002"), Some(BaselineState::Unchanged));
    assert_eq!(state("ENC-001"), None);
    assert!(diff.findings.resolved.iter().any(|f| f.rule == "ENC-001"));
    // Updated to medium: fails at medium (it was low), not at high.
    let at = |s| {
        diff.findings
            .newly_failing(s)
            .iter()
            .map(|f| f.rule)
            .collect::<Vec<_>>()
    };
    // OWN-001 on a store with personal data is medium.
    assert_eq!(at(Severity::Medium), ["BND-003", "OWN-001"]);
    // BND-003 failed at low before the change already.
    assert_eq!(at(Severity::Low), ["OWN-001"]);
    assert!(at(Severity::High).is_empty());
}

/// The realistic change: Sift fraud scoring added, the order cache encrypted, a waiver and a
/// re-graded rule (`tests/fixtures/diff/`).
fn realistic() -> (Model, Model, ModelDiff) {
    let (old, new) = (model(EXAMPLE), model(CHANGE));
    let diff = compare(&old, &new, &options());
    (old, new, diff)
}

fn example_comment() -> String {
    let (old, new, diff) = realistic();
    comment(
        &old,
        &new,
        &diff,
        &CommentOptions {
            old_label: "git:main:examples/serverless-shop.flowmap.json",
            new_label: "examples/serverless-shop.flowmap.json",
            ..CommentOptions::default()
        },
    )
}

#[test]
fn the_realistic_change_in_every_format() {
    let (old, new, diff) = realistic();
    snapshot("example", &render(&diff));
    snapshot("markdown-example", &example_comment());
    let json = diff_json(
        &old,
        &new,
        &diff,
        &JsonOptions {
            layout: true,
            today: Some(TODAY.parse().unwrap()),
        },
    );
    let document: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(document["format"], "flowmap-diff/1");
    assert_eq!(document["summary"]["introduced"], 3);
    assert_eq!(document["layout"].as_array().unwrap().len(), 1);
    snapshot("json-example", &json);
    let without_layout: Value =
        serde_json::from_str(&diff_json(&old, &new, &diff, &JsonOptions::default())).unwrap();
    assert!(without_layout.get("layout").is_none());
    assert_eq!(without_layout["summary"]["layout_changes"], 1);
}

#[test]
fn sarif_against_a_baseline_marks_every_result() {
    let (old, new, diff) = realistic();
    let text = read(CHANGE);
    let report = check(&new, &options());
    let context = ExportContext {
        source: Some(&text),
        source_path: CHANGE,
        ..ExportContext::new(&new, &report, TIMESTAMP.parse().unwrap())
    };
    let log_of = |absent| -> Value {
        serde_json::from_str(&sarif::sarif_with_baseline(
            &context,
            &old,
            &diff.findings,
            absent,
        ))
        .unwrap()
    };
    let log = log_of(sarif::Absent::Listed);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        report.findings.len() + diff.findings.resolved.len()
    );
    let mut lines = String::new();
    for result in results {
        let state = result["baselineState"].as_str().unwrap();
        assert!(["new", "unchanged", "updated", "absent"].contains(&state));
        let region = &result["locations"][0]["physicalLocation"]["region"];
        lines.push_str(&format!(
            "{state} {} {} {} at {}:{}\n",
            result["ruleId"].as_str().unwrap(),
            result["properties"]["subject"]["kind"].as_str().unwrap(),
            result["properties"]["subject"]["id"].as_str().unwrap(),
            region["startLine"],
            region["startColumn"]
        ));
        if state == "absent" {
            assert!(result.get("codeFlows").is_none());
        }
    }
    lines.push_str(&format!(
        "baseline model {}\n",
        run["properties"]["baselineModelSha256"].as_str().unwrap()
    ));
    snapshot("sarif-example", &lines);
    // A check's log (for upload) is the same without the absent results.
    let omitted = log_of(sarif::Absent::Omitted);
    let mut listed = log.clone();
    listed["runs"][0]["results"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["baselineState"] != "absent");
    assert_eq!(omitted, listed);
    // Without a baseline, no result carries a state.
    let plain: Value = serde_json::from_str(&sarif::sarif(&context)).unwrap();
    assert!(plain["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("baselineState").is_none()));
    assert!(plain["runs"][0]["properties"]
        .get("baselineModelSha256")
        .is_none());
}

#[test]
fn a_model_added_in_the_change_diffs_from_nothing() {
    let new = model(EXAMPLE);
    let diff = compare(&Model::default(), &new, &options());
    // Everything is added; the model's own record (its name, description) changed.
    assert_eq!(diff.count(ChangeKind::Added), diff.elements.len() - 1);
    assert_eq!(
        diff.elements[0].kind,
        flowmap_core::diff::ElementKind::Model
    );
    assert_eq!(
        diff.findings.introduced.len(),
        check(&new, &options()).findings.len()
    );
    let text = comment(&Model::default(), &new, &diff, &CommentOptions::default());
    assert!(text.contains("**Fails:**"), "{text}");
    assert!(text.contains("```mermaid"), "{text}");
}

#[test]
fn hostile_names_stay_text_in_the_comment() {
    let old = model("tests/fixtures/hostile.flowmap.json");
    let mut new = old.clone();
    for n in &mut new.nodes {
        n.name = format!("{} | `x` <b>{}</b>", n.name, n.id);
        n.logging = !n.logging;
    }
    new.flows.pop();
    let diff = compare(&old, &new, &options());
    let text = comment(&old, &new, &diff, &CommentOptions::default());
    snapshot("markdown-hostile", &text);
    // No markup but the comment's own: every other `<` is escaped, and none is in the diagram.
    let own = text
        .replace("<br>", "")
        .replace("<sub>", "")
        .replace("</sub>", "");
    for (at, _) in own.match_indices('<') {
        assert!(own[..at].ends_with('\\'), "unescaped < at {at} in\n{own}");
    }
    let start = text.find("```mermaid").unwrap();
    let diagram = &text[start..start + text[start..].find("\n```\n").unwrap()];
    assert!(
        !diagram.contains('<') && !diagram.contains("%%{"),
        "{diagram}"
    );
    assert!(!text.contains("](javascript"), "{text}");
    // Every table row has as many unescaped `|` as its header: no cell breaks out.
    let mut columns = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let pipes = unescaped_pipes(line);
        match columns {
            None => columns = Some(pipes),
            Some(expected) => assert_eq!(pipes, expected, "{line}"),
        }
    }
}

fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
        if c != '\\' {
            escaped = false;
        }
    }
    count
}

#[test]
fn a_large_change_stays_under_githubs_limit() {
    let old = generate(&GenerateSpec::new(3_000));
    let mut new = old.clone();
    for f in &mut new.flows {
        f.encrypted = !f.encrypted;
        f.monitored = !f.monitored;
    }
    let gone: Vec<String> = old.nodes[..600].iter().map(|n| n.id.clone()).collect();
    new = ops::delete(&new, &gone);
    let diff = compare(&old, &new, &CheckOptions::default());
    assert!(diff.findings.introduced.len() > 1_000);
    let text = comment(&old, &new, &diff, &CommentOptions::default());
    assert!(text.len() <= GITHUB_COMMENT_LIMIT, "{} bytes", text.len());
    assert!(
        text.len() > GITHUB_COMMENT_LIMIT - 4_000,
        "the budget is used"
    );
    assert!(
        text.contains("more introduced findings not shown"),
        "{text}"
    );
    assert!(text.contains("too many for a diagram"), "{text}");
    assert!(text.ends_with("</sub>\n"), "the footer is always written");
    // A smaller limit truncates sooner, and never past it.
    for limit in [4_000, 10_000, 30_000] {
        let short = comment(
            &old,
            &new,
            &diff,
            &CommentOptions {
                limit,
                ..CommentOptions::default()
            },
        );
        assert!(short.len() <= limit, "{} > {limit}", short.len());
    }
}

const DOC: &str = "docs/diff-example.md";
const DOC_HEAD: &str = "# Example: a pull-request comment by `flowmap diff`\n\n\
What `flowmap diff git:main:examples/serverless-shop.flowmap.json \
examples/serverless-shop.flowmap.json --format markdown` comments on a pull request that adds \
Sift fraud scoring to the example, encrypts and authenticates the order status cache, waives a \
finding and re-grades a rule (the new version is \
`tests/fixtures/diff/serverless-shop-change.flowmap.json`). Written by a test \
(`core/tests/diff.rs`); `UPDATE_GENERATED=1 cargo test -p flowmap-core --test diff` rewrites \
it. [`ci.md`](ci.md) has the workflow that posts it.\n\n---\n\n";

#[test]
fn the_committed_example_comment_is_current() {
    let generated = format!("{DOC_HEAD}{}", example_comment());
    let path = repo().join(DOC);
    if std::env::var_os("UPDATE_GENERATED").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{DOC} is stale: run UPDATE_GENERATED=1 cargo test -p flowmap-core --test diff"
    );
}

#[test]
fn a_boundary_renamed_alone_is_drawn_as_an_empty_frame() {
    let (old, new, diff) = diff_of(|m| {
        m.boundaries
            .iter_mut()
            .find(|b| b.id == "datadog")
            .unwrap()
            .name = "Datadog (EU)".into();
    });
    let text = comment(&old, &new, &diff, &CommentOptions::default());
    assert!(
        text.contains("subgraph b0 [\"~ Datadog (EU)\"]\n  end\n"),
        "{text}"
    );
    snapshot("markdown-boundary-renamed", &text);
}
