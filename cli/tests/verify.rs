//! `flowmap verify REPORT MODEL`, end to end: a report written by `flowmap export` verifies
//! (exit 0); an edited report or another model does not (exit 1, with the reason); an
//! unreadable report or a broken model is exit 2.

use std::path::{Path, PathBuf};

mod common;

use common::{export_example, repo, run, succeeded, EXAMPLE};

/// Writes the example's report in `format` to a scratch file and returns its path.
fn exported(format: &str, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("verify");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    succeeded(export_example(format, "2026-11-22T12:00:00Z", &path, &[]));
    path
}

fn verify(report: &Path, model: &str) -> (i32, String, String) {
    run(&["verify".as_ref(), report.as_os_str(), model.as_ref()])
}

#[test]
fn an_exported_report_verifies() {
    for (format, name) in [("html", "a.report.html"), ("markdown", "a.report.md")] {
        let report = exported(format, name);
        let (code, stdout, stderr) = verify(&report, EXAMPLE);
        assert_eq!(code, 0, "{stderr}");
        assert!(stdout.starts_with("verified: "), "{stdout}");
        assert!(stdout.contains("model SHA-256 "), "{stdout}");
    }
}

#[test]
fn an_edited_report_or_another_model_does_not() {
    let report = exported("html", "b.report.html");
    let edited = report.with_file_name("b-edited.report.html");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(
        &edited,
        text.replacen("exceptions found in the design", "none found", 1),
    )
    .unwrap();
    let (code, _, stderr) = verify(&edited, EXAMPLE);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("was modified after it was written"),
        "{stderr}"
    );

    let (code, _, stderr) = verify(&report, "tests/fixtures/hostile.flowmap.json");
    assert_eq!(code, 1);
    assert!(stderr.contains("belongs to a different model"), "{stderr}");

    let (code, _, stderr) = verify(&repo().join("README.md"), EXAMPLE);
    assert_eq!(code, 1);
    assert!(stderr.contains("not a Flowmap report"), "{stderr}");
}

#[test]
fn unreadable_inputs_are_exit_2() {
    let (code, _, stderr) = verify(Path::new("no/such/report.html"), EXAMPLE);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read"), "{stderr}");

    let report = exported("html", "c.report.html");
    let (code, _, stderr) = verify(&report, "tests/broken/02-truncated.json");
    assert_eq!(code, 2);
    assert!(stderr.contains("02-truncated.json:"), "{stderr}");
}
