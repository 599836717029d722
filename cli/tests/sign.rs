//! `flowmap export --sign` and `flowmap verify` with signatures, checked against the standard
//! tool: a signature Flowmap makes verifies with `ssh-keygen -Y verify`, and one ssh-keygen
//! makes verifies with `flowmap verify`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{export_example, flowmap, run, succeeded, EXAMPLE};

const SSH_KEYGEN: &str = "/usr/bin/ssh-keygen";

/// ssh-keygen, or `None` (with a loud note) where it is not installed.
fn ssh_keygen() -> Option<Command> {
    if Path::new(SSH_KEYGEN).exists() {
        Some(Command::new(SSH_KEYGEN))
    } else {
        eprintln!(
            "\n*** SKIPPED: {SSH_KEYGEN} is missing, so signatures are not checked against the \
             standard tool. Install openssh-client (scripts/lib.sh does). ***\n"
        );
        None
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("sign")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A new Ed25519 key pair `dir/name` (and `.pub`), optionally with a passphrase.
fn key(mut keygen: Command, dir: &Path, name: &str, passphrase: &str) -> PathBuf {
    let path = dir.join(name);
    let status = keygen
        .args([
            "-q",
            "-t",
            "ed25519",
            "-C",
            &format!("{name}@example.com"),
            "-N",
            passphrase,
            "-f",
        ])
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success());
    path
}

fn allowed_signers(dir: &Path, principal: &str, key: &Path) -> PathBuf {
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let path = dir.join("allowed_signers");
    std::fs::write(&path, format!("{principal} {public}")).unwrap();
    path
}

fn export_signed(dir: &Path, key: &Path) -> (PathBuf, std::process::Output) {
    let report = dir.join("shop.report.html");
    let output = export_example(
        "html",
        "2026-11-22T12:00:00Z",
        &report,
        &["--sign".as_ref(), key.as_os_str()],
    );
    (report, output)
}

/// `ssh-keygen -Y sign -n NAMESPACE -f KEY FILE`: writes FILE.sig.
fn keygen_sign(namespace: &str, key: &Path, file: &Path) {
    let status = Command::new(SSH_KEYGEN)
        .args(["-Y", "sign", "-n", namespace, "-f"])
        .arg(key)
        .arg(file)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

fn ssh_verify(principal: &str, allowed: &Path, signature: &Path, file: &Path) -> bool {
    Command::new(SSH_KEYGEN)
        .args([
            "-Y",
            "verify",
            "-n",
            "flowmap-evidence",
            "-I",
            principal,
            "-f",
        ])
        .arg(allowed)
        .arg("-s")
        .arg(signature)
        .stdin(Stdio::from(std::fs::File::open(file).unwrap()))
        .output()
        .unwrap()
        .status
        .success()
}

/// `flowmap verify REPORT EXAMPLE ARGS…` must refuse (exit 1), saying `why`.
fn refused(report: &Path, args: &[&std::ffi::OsStr], why: &str) {
    let mut all: Vec<&std::ffi::OsStr> = vec![report.as_os_str(), EXAMPLE.as_ref()];
    all.extend_from_slice(args);
    let (code, _, stderr) = verify(&all);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(why), "{stderr}");
}

fn verify(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let mut all: Vec<&std::ffi::OsStr> = vec!["verify".as_ref()];
    all.extend_from_slice(args);
    run(&all)
}

#[test]
fn a_signed_export_verifies_with_ssh_keygen_and_with_flowmap() {
    let Some(keygen) = ssh_keygen() else { return };
    let dir = scratch("verifies");
    let key = key(keygen, &dir, "alice", "");
    let (report, output) = export_signed(&dir, &key);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.stdout.is_empty());
    let signature = dir.join("shop.report.html.sig");
    let text = std::fs::read_to_string(&signature).unwrap();
    assert!(
        text.starts_with("-----BEGIN SSH SIGNATURE-----\n"),
        "{text}"
    );
    let allowed = allowed_signers(&dir, "alice@example.com", &key);

    // The standard tool accepts it, for the right namespace and principal only.
    assert!(ssh_verify(
        "alice@example.com",
        &allowed,
        &signature,
        &report
    ));
    assert!(!ssh_verify(
        "mallory@example.com",
        &allowed,
        &signature,
        &report
    ));
    let edited = dir.join("edited.html");
    let body = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&edited, body.replacen("Flowmap", "Flowmaq", 1)).unwrap();
    assert!(!ssh_verify(
        "alice@example.com",
        &allowed,
        &signature,
        &edited
    ));

    // flowmap verify finds REPORT.sig and checks it.
    let (code, stdout, stderr) = verify(&[
        report.as_os_str(),
        EXAMPLE.as_ref(),
        "--allowed-signers".as_ref(),
        allowed.as_os_str(),
        "--identity".as_ref(),
        "alice@example.com".as_ref(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("signed by the key SHA256:"), "{stdout}");
    assert!(stdout.contains("of alice@example.com"), "{stdout}");
    assert!(
        stdout.contains("does not show who wrote the report"),
        "{stdout}"
    );
    let (code, stdout, _) = verify(&[
        report.as_os_str(),
        EXAMPLE.as_ref(),
        "--public-key".as_ref(),
        key.with_extension("pub").as_os_str(),
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("(alice@example.com)"), "{stdout}");

    // Without a key, the signature is reported as present but not checked.
    let (code, stdout, _) = verify(&[report.as_os_str(), EXAMPLE.as_ref()]);
    assert_eq!(code, 0);
    assert!(stdout.contains("signature not checked"), "{stdout}");
}

#[test]
fn a_wrong_signer_or_a_changed_file_does_not_verify() {
    let Some(keygen) = ssh_keygen() else { return };
    let dir = scratch("wrong");
    let alice = key(keygen, &dir, "alice", "");
    let mallory = key(Command::new(SSH_KEYGEN), &dir, "mallory", "");
    let (report, output) = export_signed(&dir, &mallory);
    assert!(output.status.success());
    let allowed = allowed_signers(&dir, "alice@example.com", &alice);
    refused(
        &report,
        &["--allowed-signers".as_ref(), allowed.as_os_str()],
        "is not allowed by",
    );
    refused(
        &report,
        &[
            "--public-key".as_ref(),
            alice.with_extension("pub").as_os_str(),
        ],
        "not with",
    );

    // Alice signs; a signer under another principal is refused, and so is a changed file
    // whose hash was recomputed (an export of another timestamp under the same signature).
    let (report, _) = export_signed(&dir, &alice);
    let (code, _, stderr) = verify(&[
        report.as_os_str(),
        EXAMPLE.as_ref(),
        "--allowed-signers".as_ref(),
        allowed.as_os_str(),
        "--identity".as_ref(),
        "bob@example.com".as_ref(),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let other = dir.join("other.report.html");
    succeeded(export_example("html", "2026-11-23T12:00:00Z", &other, &[]));
    refused(
        &other,
        &[
            "--signature".as_ref(),
            dir.join("shop.report.html.sig").as_os_str(),
            "--allowed-signers".as_ref(),
            allowed.as_os_str(),
        ],
        "does not match the file",
    );

    // A key given but no signature: not verified.
    refused(
        &other,
        &["--allowed-signers".as_ref(), allowed.as_os_str()],
        "there is no signature",
    );
}

#[test]
fn a_signature_made_by_ssh_keygen_verifies_with_flowmap() {
    let Some(keygen) = ssh_keygen() else { return };
    let dir = scratch("keygen-signs");
    let key = key(keygen, &dir, "carol", "");
    let report = dir.join("r.report.md");
    succeeded(export_example(
        "markdown",
        "2026-11-22T12:00:00Z",
        &report,
        &[],
    ));
    keygen_sign("flowmap-evidence", &key, &report);
    let allowed = allowed_signers(&dir, "*@example.com", &key);
    let (code, stdout, stderr) = verify(&[
        report.as_os_str(),
        EXAMPLE.as_ref(),
        "--allowed-signers".as_ref(),
        allowed.as_os_str(),
        "--identity".as_ref(),
        "carol@example.com".as_ref(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("signed by"), "{stdout}");
    // Signed for another purpose (namespace `file`): not evidence.
    std::fs::remove_file(dir.join("r.report.md.sig")).unwrap();
    keygen_sign("file", &key, &report);
    refused(
        &report,
        &["--allowed-signers".as_ref(), allowed.as_os_str()],
        "namespace \"file\"",
    );
}

#[test]
fn an_encrypted_key_needs_its_passphrase() {
    let Some(keygen) = ssh_keygen() else { return };
    let dir = scratch("encrypted");
    let key = key(keygen, &dir, "dave", "correct horse");
    let (_, output) = export_signed(&dir, &key);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("FLOWMAP_SIGN_PASSPHRASE"));
    let report = dir.join("shop.report.html");
    let output = flowmap()
        .env("FLOWMAP_SIGN_PASSPHRASE", "correct horse")
        .args([
            "export",
            EXAMPLE,
            "--format",
            "html",
            "--timestamp",
            "2026-11-22T12:00:00Z",
        ])
        .arg("-o")
        .arg(&report)
        .arg("--sign")
        .arg(&key)
        .output()
        .unwrap();
    succeeded(output);
    let allowed = allowed_signers(&dir, "dave@example.com", &key);
    assert!(ssh_verify(
        "dave@example.com",
        &allowed,
        &dir.join("shop.report.html.sig"),
        &report
    ));
}

#[test]
fn signing_needs_an_output_file() {
    let output = flowmap()
        .args(["export", EXAMPLE, "--format", "html", "--sign", "key"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--output"));
}
