//! The token cache file's format, shared by every client's file cache: one JSON file per
//! [`CacheKey`], named by [`CacheKey::file_stem`], with a `format` number and the whole key,
//! so a file is never read for another key. Reading and writing the bytes is the clients'
//! business; this module only turns a [`SavedTokens`] into bytes and back, and judges what it
//! reads.

use super::Grant;
use super::saved::{CacheKey, SavedTokens};
use connect_types::Secret;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::{Duration, SystemTime};

/// The format this version writes, and the newest it reads.
pub const FORMAT: u32 = 1;

/// The name of `key`'s file in a cache folder.
pub fn file_name(key: &CacheKey) -> String {
    format!("{}.json", key.file_stem())
}

/// The name of the file whose lock a client holds while it signs in or renews for `key`
/// (a file of its own: the token file is replaced by renaming, which a lock would not survive).
pub fn lock_file_name(key: &CacheKey) -> String {
    format!("{}.lock", key.file_stem())
}

/// Why a cache file was not used. None of them stops a call: the client signs in and writes a
/// good file in its place.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileProblem {
    /// Not a token cache file of a format this version knows (cut short, edited, another file).
    Damaged(String),
    /// Written by a newer version (its format number).
    Newer(u32),
    /// A cache file for another key (a hash collision, or a file copied or renamed by hand).
    OtherKey,
}

impl fmt::Display for FileProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileProblem::Damaged(why) => write!(f, "is damaged or not a token cache file ({why})"),
            FileProblem::Newer(n) => write!(
                f,
                "was written by a newer version (token cache format {n}; this one reads format \
                 {FORMAT})"
            ),
            FileProblem::OtherKey => {
                f.write_str("holds the tokens of another user, service or application")
            }
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Version {
    format: u32,
}

#[derive(Serialize, Deserialize)]
struct KeyFile {
    service: String,
    grant: String,
    application: String,
    user: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct TokenFile {
    format: u32,
    /// For people who find the file.
    about: String,
    written_by: String,
    key: KeyFile,
    grant: String,
    token: Secret,
    secure_token: Secret,
    refresh_token: Option<Secret>,
    acquired_at_unix_ms: u64,
    expires_in_ms: Option<u64>,
    refused: bool,
}

const ABOUT: &str = "Getty Images Connect tokens cached by the SDK: secrets (the refresh token \
                     lasts a year). Delete this file, or run `getty-connect logout`, to forget them.";

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The file's bytes for `saved`.
pub fn encode(saved: &SavedTokens) -> Vec<u8> {
    let file = TokenFile {
        format: FORMAT,
        about: ABOUT.to_owned(),
        written_by: concat!("connect-auth ", env!("CARGO_PKG_VERSION")).to_owned(),
        key: KeyFile {
            service: saved.key.service.clone(),
            grant: saved.key.grant.name().to_owned(),
            application: saved.key.application.clone(),
            user: saved.key.user.clone(),
        },
        grant: saved.grant.name().to_owned(),
        token: saved.standard.clone(),
        secure_token: saved.secure.clone(),
        refresh_token: saved.refresh_token.clone(),
        acquired_at_unix_ms: saved
            .acquired_at
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, millis),
        expires_in_ms: saved.expires_in.map(millis),
        refused: saved.refused,
    };
    // A struct of strings and numbers serializes infallibly.
    let mut out = serde_json::to_vec_pretty(&file).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The saved set in `bytes`, if it is a good file for `expected`.
pub fn decode(bytes: &[u8], expected: &CacheKey) -> Result<SavedTokens, FileProblem> {
    // The format first, so a newer file is named as such rather than as damaged.
    let damaged = |e: serde_json::Error| FileProblem::Damaged(e.to_string());
    let version: Version = serde_json::from_slice(bytes).map_err(damaged)?;
    if version.format > FORMAT {
        return Err(FileProblem::Newer(version.format));
    }
    if version.format < 1 {
        return Err(FileProblem::Damaged(format!("format {}", version.format)));
    }
    let file: TokenFile = serde_json::from_slice(bytes).map_err(damaged)?;
    let grant = |name: &str| {
        Grant::from_name(name)
            .ok_or_else(|| FileProblem::Damaged(format!("unknown grant {name:?}")))
    };
    let key = CacheKey {
        service: file.key.service,
        grant: grant(&file.key.grant)?,
        application: file.key.application,
        user: file.key.user,
    };
    if &key != expected {
        return Err(FileProblem::OtherKey);
    }
    if file.token.is_empty() || file.secure_token.is_empty() {
        return Err(FileProblem::Damaged("an empty token".into()));
    }
    Ok(SavedTokens {
        key,
        grant: grant(&file.grant)?,
        standard: file.token,
        secure: file.secure_token,
        refresh_token: file.refresh_token.filter(|t| !t.is_empty()),
        acquired_at: SystemTime::UNIX_EPOCH
            .checked_add(Duration::from_millis(file.acquired_at_unix_ms))
            .ok_or_else(|| FileProblem::Damaged("a time out of range".into()))?,
        expires_in: file.expires_in_ms.map(Duration::from_millis),
        refused: file.refused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;

    fn key(user: &str) -> CacheKey {
        CacheKey::for_credentials(
            &Credentials::resource_owner("app", "s", user, "p"),
            "https://h",
        )
        .unwrap()
    }

    fn saved() -> SavedTokens {
        SavedTokens {
            key: key("alice"),
            grant: Grant::RefreshToken,
            standard: "sentinel-access".into(),
            secure: "sentinel-access".into(),
            refresh_token: Some("sentinel-refresh".into()),
            acquired_at: SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123),
            expires_in: Some(Duration::from_secs(1800)),
            refused: false,
        }
    }

    #[test]
    fn a_file_reads_back_for_its_key_only() {
        let bytes = encode(&saved());
        let back = decode(&bytes, &key("alice")).unwrap();
        assert_eq!(back.acquired_at, saved().acquired_at);
        assert_eq!(back.expires_in, Some(Duration::from_secs(1800)));
        assert_eq!(back.grant, Grant::RefreshToken);
        assert_eq!(back.refresh_token.unwrap().expose(), "sentinel-refresh");
        assert_eq!(
            decode(&bytes, &key("bob")).unwrap_err(),
            FileProblem::OtherKey
        );
        // Nothing secret in the problem or in Debug.
        assert!(!format!("{back:?}", back = decode(&bytes, &key("alice"))).contains("sentinel"));
    }

    #[test]
    fn damaged_and_newer_files_are_named_as_such() {
        let bytes = encode(&saved());
        let cut = &bytes[..bytes.len() / 2];
        assert!(matches!(
            decode(cut, &key("alice")),
            Err(FileProblem::Damaged(_))
        ));
        assert!(matches!(
            decode(b"", &key("alice")),
            Err(FileProblem::Damaged(_))
        ));
        let newer =
            String::from_utf8(bytes.clone())
                .unwrap()
                .replacen("\"format\": 1", "\"format\": 7", 1);
        assert_eq!(
            decode(newer.as_bytes(), &key("alice")).unwrap_err(),
            FileProblem::Newer(7)
        );
        let odd = String::from_utf8(bytes).unwrap().replacen(
            "\"grant\": \"refresh_token\"",
            "\"grant\": \"magic\"",
            1,
        );
        assert!(matches!(
            decode(odd.as_bytes(), &key("alice")),
            Err(FileProblem::Damaged(_))
        ));
        assert!(FileProblem::Newer(7).to_string().contains("newer"));
    }
}
