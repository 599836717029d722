//! SSH signatures over exported evidence: `flowmap export --sign KEY` writes one, `flowmap
//! verify` checks it.
//!
//! The format is OpenSSH's SSHSIG (the one `ssh-keygen -Y sign` writes and `ssh-keygen -Y
//! verify` checks), over the exported file's bytes, with the namespace [`NAMESPACE`] and
//! SHA-512, from an OpenSSH Ed25519 private key. The signature is detached: `FILE.sig` beside
//! `FILE`, ASCII-armoured (`-----BEGIN SSH SIGNATURE-----`). Anyone can check it with the
//! standard tool:
//!
//! ```text
//! ssh-keygen -Y verify -f allowed_signers -I alice@example.com -n flowmap-evidence \
//!     -s report.html.sig < report.html
//! ```
//!
//! `flowmap verify` follows ssh-keygen's conventions for whom to trust: an allowed-signers
//! file (`--allowed-signers`, the format of ssh-keygen(1) "ALLOWED SIGNERS": principals,
//! options `namespaces=`, `valid-after=`, `valid-before=`, a public key), optionally with the
//! identity the signer must have (`--identity`), or one public key (`--public-key`).

use std::path::{Path, PathBuf};

use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

/// The SSHSIG namespace of Flowmap evidence: a signature made for another purpose (a git
/// commit, a file signed with `-n file`) does not verify as evidence, and the reverse.
pub const NAMESPACE: &str = "flowmap-evidence";

/// The environment variable that holds the passphrase of an encrypted signing key.
pub const PASSPHRASE_VARIABLE: &str = "FLOWMAP_SIGN_PASSPHRASE";

/// Where the detached signature of `file` goes: `file.sig`, as ssh-keygen writes it.
pub fn signature_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// Signs `bytes` with the OpenSSH private key in `key_file`. Returns the armoured signature
/// and the key's fingerprint.
pub fn sign(key_file: &Path, bytes: &[u8]) -> Result<(String, String), String> {
    let text = std::fs::read_to_string(key_file)
        .map_err(|e| format!("cannot read the signing key {}: {e}", key_file.display()))?;
    let mut key = PrivateKey::from_openssh(&text).map_err(|e| {
        format!(
            "{} is not an OpenSSH private key ({e}); make one with `ssh-keygen -t ed25519`",
            key_file.display()
        )
    })?;
    if key.is_encrypted() {
        let passphrase = std::env::var(PASSPHRASE_VARIABLE).map_err(|_| {
            format!(
                "the signing key {} is encrypted: set {PASSPHRASE_VARIABLE} to its passphrase",
                key_file.display()
            )
        })?;
        key = key.decrypt(passphrase.as_bytes()).map_err(|_| {
            format!(
                "cannot decrypt the signing key {}: wrong passphrase in {PASSPHRASE_VARIABLE}",
                key_file.display()
            )
        })?;
    }
    if key.algorithm() != ssh_key::Algorithm::Ed25519 {
        return Err(format!(
            "the signing key {} is {}; Flowmap signs with Ed25519 keys (`ssh-keygen -t ed25519`)",
            key_file.display(),
            key.algorithm()
        ));
    }
    let signature = key
        .sign(NAMESPACE, HashAlg::Sha512, bytes)
        .map_err(|e| format!("cannot sign: {e}"))?;
    let armoured = signature
        .to_pem(LineEnding::LF)
        .map_err(|e| format!("cannot write the signature: {e}"))?;
    Ok((armoured, key.fingerprint(HashAlg::Sha256).to_string()))
}

/// Whom a signature must come from.
pub enum Trust {
    /// One public key (`--public-key FILE`, an OpenSSH `.pub` line).
    Key(PathBuf),
    /// An allowed-signers file, and the identity the signer must have if one is given.
    AllowedSigners {
        file: PathBuf,
        identity: Option<String>,
    },
}

/// A signature that verified: who made it.
#[derive(Debug)]
pub struct Signer {
    /// `SHA256:…` of the signing key.
    pub fingerprint: String,
    /// The principals the allowed-signers file names for the key (empty for `--public-key`).
    pub principals: Vec<String>,
    /// The comment of the public key, if any.
    pub comment: String,
}

/// Why a signature does not verify (exit 1), or why it could not be checked (exit 2: `Err`
/// of the outer `Result`).
pub type Checked = Result<Signer, String>;

/// Checks the armoured signature `armoured` over `bytes` against `trust`. The outer `Err` is
/// a file that cannot be read (exit 2); the inner `Err` a signature that does not verify.
pub fn verify(armoured: &str, bytes: &[u8], trust: &Trust, now: &str) -> Result<Checked, String> {
    let signature = match SshSig::from_pem(armoured.trim_end()) {
        Ok(signature) => signature,
        Err(e) => {
            return Ok(Err(format!(
                "the signature file is not an SSH signature ({e})"
            )))
        }
    };
    if signature.namespace() != NAMESPACE {
        return Ok(Err(format!(
            "the signature was made for the namespace {:?}, not {NAMESPACE:?}: it was not made as Flowmap evidence",
            signature.namespace()
        )));
    }
    let candidates: Vec<(PublicKey, Vec<String>)> = match trust {
        Trust::Key(file) => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let key = PublicKey::from_openssh(text.trim())
                .map_err(|e| format!("{} is not an OpenSSH public key ({e})", file.display()))?;
            vec![(key, Vec::new())]
        }
        Trust::AllowedSigners { file, identity } => {
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            let entries = allowed_signers(&text)
                .map_err(|(line, why)| format!("{}:{line}: {why}", file.display()))?;
            entries
                .into_iter()
                .filter(|entry| !entry.cert_authority)
                .filter(|entry| {
                    identity
                        .as_deref()
                        .is_none_or(|id| matches_principals(&entry.principals, id))
                })
                .filter(|entry| {
                    entry
                        .namespaces
                        .as_ref()
                        .is_none_or(|list| list.iter().any(|n| glob(n, NAMESPACE)))
                })
                .filter(|entry| entry.valid_after.as_deref().is_none_or(|t| now >= t))
                .filter(|entry| entry.valid_before.as_deref().is_none_or(|t| now <= t))
                .map(|entry| {
                    let principals = entry
                        .principals
                        .split(',')
                        .filter(|p| !p.starts_with('!'))
                        .map(str::to_owned)
                        .collect();
                    (entry.key, principals)
                })
                .collect()
        }
    };
    let Some((key, principals)) = candidates
        .into_iter()
        .find(|(key, _)| key.key_data() == signature.public_key())
    else {
        let signed_by = PublicKey::from(signature.public_key().clone())
            .fingerprint(HashAlg::Sha256)
            .to_string();
        return Ok(Err(match trust {
            Trust::Key(file) => format!(
                "the signature was made with the key {signed_by}, not with {}",
                file.display()
            ),
            Trust::AllowedSigners { file, identity } => format!(
                "the signing key {signed_by} is not allowed{} by {} (for namespace {NAMESPACE}, now)",
                identity
                    .as_deref()
                    .map(|id| format!(" for {id}"))
                    .unwrap_or_default(),
                file.display()
            ),
        }));
    };
    match key.verify(NAMESPACE, bytes, &signature) {
        Ok(()) => Ok(Ok(Signer {
            fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
            principals,
            comment: key.comment().to_owned(),
        })),
        Err(_) => Ok(Err(
            "the signature does not match the file: the file was changed after it was signed, or the signature belongs to another file".to_owned(),
        )),
    }
}

/// One line of an allowed-signers file.
struct AllowedSigner {
    principals: String,
    cert_authority: bool,
    namespaces: Option<Vec<String>>,
    valid_after: Option<String>,
    valid_before: Option<String>,
    key: PublicKey,
}

/// Parses an allowed-signers file; `Err((line, why))` for a line that is not one.
fn allowed_signers(text: &str) -> Result<Vec<AllowedSigner>, (usize, String)> {
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields = split_fields(line);
        let bad = |why: &str| (number + 1, why.to_owned());
        let mut fields = fields.iter().map(String::as_str);
        let principals = fields.next().ok_or_else(|| bad("no principals"))?;
        let mut next = fields.next().ok_or_else(|| bad("no public key"))?;
        let mut entry_options = (false, None, None, None);
        if !looks_like_key_type(next) {
            for option in split_options(next) {
                let (name, value) = option
                    .split_once('=')
                    .map_or((option.as_str(), None), |(n, v)| {
                        (n, Some(v.trim_matches('"')))
                    });
                match (name.to_ascii_lowercase().as_str(), value) {
                    ("cert-authority", None) => entry_options.0 = true,
                    ("namespaces", Some(v)) => {
                        entry_options.1 = Some(v.split(',').map(str::to_owned).collect())
                    }
                    ("valid-after", Some(v)) => {
                        entry_options.2 = Some(timestamp(v).map_err(|w| bad(&w))?)
                    }
                    ("valid-before", Some(v)) => {
                        entry_options.3 = Some(timestamp(v).map_err(|w| bad(&w))?)
                    }
                    _ => return Err(bad(&format!("unknown option {option:?}"))),
                }
            }
            next = fields.next().ok_or_else(|| bad("no public key"))?;
        }
        let base64 = fields.next().ok_or_else(|| bad("no public key"))?;
        let comment: Vec<&str> = fields.collect();
        let key = PublicKey::from_openssh(&format!("{next} {base64} {}", comment.join(" ")))
            .map_err(|e| bad(&format!("not a public key ({e})")))?;
        entries.push(AllowedSigner {
            principals: principals.trim_matches('"').to_owned(),
            cert_authority: entry_options.0,
            namespaces: entry_options.1,
            valid_after: entry_options.2,
            valid_before: entry_options.3,
            key,
        });
    }
    Ok(entries)
}

fn looks_like_key_type(field: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-", "rsa-"]
        .iter()
        .any(|prefix| field.starts_with(prefix))
}

/// Whitespace-separated fields; double quotes keep spaces inside a field.
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = split_outside_quotes(line, char::is_whitespace);
    fields.retain(|f| !f.is_empty());
    fields
}

/// Comma-separated options; commas inside double quotes stay.
fn split_options(text: &str) -> Vec<String> {
    split_outside_quotes(text, |c| c == ',')
}

/// `text` split at the characters `separator` accepts, except inside double quotes (which stay
/// in the pieces).
fn split_outside_quotes(text: &str, separator: impl Fn(char) -> bool) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if separator(c) && !quoted {
            pieces.push(std::mem::take(&mut piece));
        } else {
            piece.push(c);
        }
    }
    pieces.push(piece);
    pieces
}

/// An allowed-signers time (`YYYYMMDD[HHMM[SS]][Z]`) as 14 digits, read as UTC.
fn timestamp(text: &str) -> Result<String, String> {
    let digits = text.strip_suffix(['Z', 'z']).unwrap_or(text);
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(format!("{text:?} is not a time as YYYYMMDD[HHMM[SS]][Z]"));
    }
    Ok(format!("{digits:0<14}"))
}

/// The current UTC time as 14 digits (`YYYYMMDDHHMMSS`), to compare with validity options.
pub fn now_digits() -> String {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let stamp = flowmap_core::Timestamp::from_unix_seconds(seconds).to_string();
    stamp.chars().filter(char::is_ascii_digit).collect()
}

/// ssh's pattern lists: comma-separated patterns with `*` and `?`; a match of a negated
/// pattern (`!…`) wins over every other.
fn matches_principals(list: &str, identity: &str) -> bool {
    let mut matched = false;
    for pattern in list.split(',') {
        if let Some(negated) = pattern.strip_prefix('!') {
            if glob(negated, identity) {
                return false;
            }
        } else if glob(pattern, identity) {
            matched = true;
        }
    }
    matched
}

/// `*` any run of characters, `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principal_patterns_follow_ssh() {
        assert!(matches_principals("alice@example.com", "alice@example.com"));
        assert!(matches_principals("*@example.com", "bob@example.com"));
        assert!(!matches_principals(
            "*@example.com,!bob@*",
            "bob@example.com"
        ));
        assert!(matches_principals("a?c", "abc"));
        assert!(!matches_principals("a?c", "abbc"));
        assert!(!matches_principals("alice", "bob"));
    }

    #[test]
    fn allowed_signers_lines_are_parsed_with_options() {
        let key =
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPHehC0aw98aMvUlLDJ2nALPIB12oVi4bXqFgqfwodGk";
        let text = format!(
            "# comment\n\nalice@example.com {key} alice\n\"bob@example.com,carol@x\" namespaces=\"flowmap-evidence,file\",valid-after=20260101 {key}\n"
        );
        let entries = allowed_signers(&text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].principals, "alice@example.com");
        assert_eq!(entries[1].principals, "bob@example.com,carol@x");
        assert_eq!(
            entries[1].namespaces.as_deref().unwrap(),
            ["flowmap-evidence", "file"]
        );
        assert_eq!(entries[1].valid_after.as_deref(), Some("20260101000000"));
        assert!(allowed_signers("alice@example.com bogus=1 ssh-ed25519 AAAA").is_err());
        assert_eq!(
            allowed_signers(&format!("alice {key}\nbob"))
                .err()
                .unwrap()
                .0,
            2,
            "errors name their line"
        );
    }

    #[test]
    fn the_signature_goes_beside_the_file() {
        assert_eq!(
            signature_path(Path::new("out/report.html")),
            PathBuf::from("out/report.html.sig")
        );
    }
}
