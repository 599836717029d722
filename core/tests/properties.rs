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
        prop_assert_eq!(findings_json(&model, &a), findings_json(&shuffled, &b));
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
            findings_json(&model, &check(&model, &options)),
            findings_json(&model, &check(&model, &options))
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
        findings_json(&model, &check(&model, &options)),
        findings_json(&moved, &check(&moved, &options))
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

mod editing {
    use flowmap_core::edit::{ops, History};
    use flowmap_core::{load, Model, NodeKind, Point, Rect};
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum Op {
        AddNode(u8, i16, i16),
        AddFlow(u8, u8),
        Move(u8, i16, i16),
        Delete(u8),
        Duplicate(u8),
        Resize(u8, i16),
        Gesture(u8, i16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), -200i16..1600, -100i16..900).prop_map(|(k, x, y)| Op::AddNode(k, x, y)),
            (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Op::AddFlow(a, b)),
            (any::<u8>(), -300i16..300, -300i16..300).prop_map(|(a, x, y)| Op::Move(a, x, y)),
            any::<u8>().prop_map(Op::Delete),
            any::<u8>().prop_map(Op::Duplicate),
            (any::<u8>(), -100i16..300).prop_map(|(a, d)| Op::Resize(a, d)),
            (any::<u8>(), -50i16..50).prop_map(|(a, d)| Op::Gesture(a, d)),
        ]
    }

    fn pick_node(model: &Model, i: u8) -> Option<String> {
        (!model.nodes.is_empty()).then(|| model.nodes[i as usize % model.nodes.len()].id.clone())
    }

    fn pick_element(model: &Model, i: u8) -> Option<String> {
        let ids: Vec<&String> = model
            .nodes
            .iter()
            .map(|n| &n.id)
            .chain(model.flows.iter().map(|f| &f.id))
            .chain(model.boundaries.iter().map(|b| &b.id))
            .collect();
        (!ids.is_empty()).then(|| ids[i as usize % ids.len()].clone())
    }

    fn apply(model: &Model, history: &mut History, current: &mut Model, op: &Op) {
        let kinds = [
            NodeKind::Actor,
            NodeKind::Service,
            NodeKind::Store,
            NodeKind::Queue,
            NodeKind::External,
        ];
        let next = match op {
            Op::AddNode(k, x, y) => Some(
                ops::add_node(
                    model,
                    kinds[*k as usize % 5],
                    Point {
                        x: *x as f64,
                        y: *y as f64,
                    },
                )
                .0,
            ),
            Op::AddFlow(a, b) => match (pick_node(model, *a), pick_node(model, *b)) {
                (Some(a), Some(b)) => ops::add_flow(model, &a, &b).map(|(m, _)| m),
                _ => None,
            },
            Op::Move(a, x, y) => {
                pick_element(model, *a).map(|id| ops::move_by(model, &[id], *x as f64, *y as f64))
            }
            Op::Delete(a) => pick_element(model, *a).map(|id| ops::delete(model, &[id])),
            Op::Duplicate(a) => pick_element(model, *a).map(|id| ops::duplicate(model, &[id]).0),
            Op::Resize(a, d) => {
                let ids: Vec<String> = model.boundaries.iter().map(|b| b.id.clone()).collect();
                (!ids.is_empty())
                    .then(|| ids[*a as usize % ids.len()].clone())
                    .and_then(|id| {
                        let r = model
                            .layout
                            .boundaries
                            .get(&id)
                            .copied()
                            .unwrap_or_default();
                        ops::resize_boundary(
                            model,
                            &id,
                            Rect {
                                w: r.w + *d as f64,
                                h: r.h + *d as f64,
                                ..r
                            },
                        )
                    })
            }
            Op::Gesture(a, d) => {
                if let Some(id) = pick_node(model, *a) {
                    history.begin_gesture();
                    for _ in 0..3 {
                        let next = ops::move_by(current, std::slice::from_ref(&id), *d as f64, 1.0);
                        history.commit(current, next);
                    }
                    history.end_gesture();
                }
                None
            }
        };
        if let Some(next) = next {
            history.commit(current, next);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

        #[test]
        fn undo_all_restores_the_original_and_redo_all_the_result(ops in proptest::collection::vec(op(), 1..25)) {
            let text = super::example();
            let original = load(text.as_bytes()).unwrap();
            let mut model = original.clone();
            let mut history = History::default();
            for op in &ops {
                let snapshot = model.clone();
                apply(&snapshot, &mut history, &mut model, op);
                let saved = flowmap_core::to_file_json(&model);
                prop_assert!(load(saved.as_bytes()).is_ok(), "invalid after {:?}: {}", op, load(saved.as_bytes()).unwrap_err());
            }
            let result = model.clone();
            while history.undo(&mut model) {}
            prop_assert_eq!(&model, &original);
            while history.redo(&mut model) {}
            prop_assert_eq!(&model, &result);
        }
    }
}
