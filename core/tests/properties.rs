//! Properties: the loader never panics and never half-loads; findings do not depend on the
//! order of elements in the file, and are the same on every run.

use proptest::prelude::*;

use flowmap_core::{check, findings_json, load, model_sha256, CheckOptions, Model};

fn repo_file(path: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(path),
    )
    .unwrap()
}

fn example() -> String {
    repo_file("examples/serverless-shop.flowmap.json")
}

fn all_models() -> Vec<String> {
    let mut models = vec![example()];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/rules");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    models.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    models
}

/// Every error is located inside the text.
fn assert_located(text: &[u8], result: &Result<Model, flowmap_core::LoadErrors>) {
    if let Err(errors) = result {
        assert!(!errors.errors.is_empty());
        let lines = text.iter().filter(|b| **b == b'\n').count() + 1;
        for error in &errors.errors {
            assert!(
                error.line >= 1 && error.line <= lines,
                "{error} outside {lines} lines"
            );
            assert!(error.column >= 1, "{error}");
            assert!(!error.message.is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let result = load(&bytes);
        assert_located(&bytes, &result);
    }

    #[test]
    fn truncations_are_located_errors(cut in 0usize..10_000) {
        let text = example();
        let cut = cut.min(text.len().saturating_sub(1));
        let truncated = &text.as_bytes()[..cut];
        let result = load(truncated);
        prop_assert!(result.is_err());
        assert_located(truncated, &result);
    }

    #[test]
    fn mutated_models_never_panic(edits in proptest::collection::vec((0usize..10_000, prop::sample::select(vec![
        b'{', b'}', b'[', b']', b'"', b',', b':', b'0', b'x', b' ', b'\n', b'\\', 0xff,
    ])), 1..6)) {
        let mut bytes = example().into_bytes();
        for (at, byte) in edits {
            let at = at % bytes.len();
            bytes[at] = byte;
        }
        let result = load(&bytes);
        assert_located(&bytes, &result);
        if let Ok(model) = result {
            // A mutation that still loads must also check without panicking.
            let _ = check(&model, &CheckOptions::default());
        }
    }

    #[test]
    fn findings_do_not_depend_on_element_order(seed in any::<u64>(), which in 0usize..11) {
        let models = all_models();
        let text = &models[which % models.len()];
        let model = load(text.as_bytes()).unwrap();
        let mut shuffled = model.clone();
        shuffle(&mut shuffled.nodes, seed);
        shuffle(&mut shuffled.flows, seed.rotate_left(17));
        shuffle(&mut shuffled.boundaries, seed.rotate_left(31));
        shuffle(&mut shuffled.classes, seed.rotate_left(47));
        let options = CheckOptions::default();
        let a = check(&model, &options);
        let b = check(&shuffled, &options);
        prop_assert_eq!(findings_json(&model, &a, &options), findings_json(&shuffled, &b, &options));
        prop_assert_eq!(model_sha256(&model), model_sha256(&shuffled));
    }
}

/// A deterministic Fisher–Yates shuffle (splitmix64), so failures reproduce.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        items.swap(i, (z % (i as u64 + 1)) as usize);
    }
}

#[test]
fn two_runs_give_identical_findings() {
    for text in all_models() {
        let model = load(text.as_bytes()).unwrap();
        let options = CheckOptions::default();
        assert_eq!(
            findings_json(&model, &check(&model, &options), &options),
            findings_json(&model, &check(&model, &options), &options)
        );
    }
}

#[test]
fn the_example_has_the_findings_the_readme_shows() {
    let model = load(example().as_bytes()).unwrap();
    let report = check(&model, &CheckOptions::default());
    let found: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule, f.subject.id))
        .collect();
    for expected in [
        "AUTH-003 orders-cache",
        "AUTH-001 payment-webhook",
        "ENC-001 cache-update",
        "ENC-004 receipts",
        "TP-001 log-vendor",
        "TP-002 log-vendor",
        "LOG-003 app-logs",
    ] {
        assert!(
            found.iter().any(|f| f == expected),
            "{expected} not in {found:#?}"
        );
    }
}

#[test]
fn moving_a_box_changes_neither_findings_nor_hash() {
    let model = load(example().as_bytes()).unwrap();
    let mut moved = model.clone();
    moved.layout.nodes.get_mut("api").unwrap().x += 500.0;
    assert_eq!(model_sha256(&model), model_sha256(&moved));
    let options = CheckOptions::default();
    assert_eq!(
        findings_json(&model, &check(&model, &options), &options),
        findings_json(&moved, &check(&moved, &options), &options)
    );
}

#[test]
fn a_saved_model_loads_back_equal() {
    for text in all_models() {
        let model = load(text.as_bytes()).unwrap();
        let saved = flowmap_core::to_file_json(&model);
        assert_eq!(load(saved.as_bytes()).unwrap(), model);
    }
}
