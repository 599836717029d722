//! What the import tests share: the fixtures' folder, reading and importing a fixture, the
//! snapshot settings, the located errors of a rejected file.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

use std::path::PathBuf;

use flowmap_core::import::{detect, import, ImportOptions, Imported, Source};
use flowmap_core::{check, to_file_json, CheckOptions};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn read(path: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/fixtures/import").join(path)).unwrap()
}

/// Imports a fixture, checking first that it is detected as `source`.
pub fn import_file(path: &str, source: Source) -> Imported {
    let bytes = read(path);
    let detected = detect(&bytes, path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(detected, source, "{path}");
    import(&bytes, source, &ImportOptions { file_name: path })
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Two imports of a fixture give byte-identical models and reports.
pub fn assert_deterministic(path: &str, source: Source) {
    let a = import_file(path, source);
    let b = import_file(path, source);
    assert_eq!(to_file_json(&a.model), to_file_json(&b.model), "{path}");
    assert_eq!(a.report.json(None), b.report.json(None), "{path}");
}

pub fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => repo().join("tests/snapshots/import"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

/// The errors of a file the import refuses, as `LINE:COLUMN POINTER MESSAGE`.
pub fn import_errors(text: &str, source: Source, file_name: &str) -> Vec<String> {
    match import(text.as_bytes(), source, &ImportOptions { file_name }) {
        Ok(imported) => panic!("accepted: {}", to_file_json(&imported.model)),
        Err(errors) => errors
            .errors
            .iter()
            .map(|e| format!("{}:{} {} {}", e.line, e.column, e.pointer, e.message))
            .collect(),
    }
}

/// Each case (text, format, file name, expected) is refused with an error containing
/// `expected` (as [`import_errors`] writes it).
pub fn assert_errors(cases: &[(&str, Source, &str, &str)]) {
    for (text, source, file, expected) in cases {
        let errors = import_errors(text, *source, file);
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{text}\nexpected {expected:?} in {errors:#?}"
        );
    }
}

/// The snapshots of a fixture's import: its report (with the findings' counts) and its model.
pub fn snapshot_import(path: &str, source: Source) {
    let imported = import_file(path, source);
    let summary = check(&imported.model, &CheckOptions::default()).summary;
    let name = path.replace(['/', '.'], "-");
    snapshot(
        &format!("{name}-report"),
        &imported.report.text(Some(&summary)),
    );
    snapshot(&format!("{name}-model"), &to_file_json(&imported.model));
}
