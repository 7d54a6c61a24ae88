//! A batch's manifest: one JSON file in the destination folder ([`MANIFEST_FILE`]) with, for
//! every image the batch has named a file for, the authorization used, the download URL and
//! its expiry, the expected and served sizes, and the state. The batch rewrites it whole as it
//! goes (a temporary file, flushed to disk, then renamed over the old one: a reader sees the
//! old manifest or the new one, never half of one), and a later run of the same batch reads it
//! to skip complete files, resume partial ones on the URL already paid for, and buy a URL only
//! for images that have none.
//!
//! **The manifest holds download URLs, and a URL downloads its file for anyone who has it**: the
//! file is written owner-only (mode 0600 on Unix), its URLs are never logged, and `Debug` output
//! leaves them out. Do not publish a download folder with its manifest.

use super::part::PartRecord;
use serde::{Deserialize, Serialize};

/// The manifest's name in the destination folder.
pub const MANIFEST_FILE: &str = "getty-connect-manifest.json";

/// The lock file of a folder's manifest (`getty-connect-manifest.json.lock`, holding the
/// process id of the batch writing it): one batch at a time per folder.
pub fn lock_path(manifest: &std::path::Path) -> std::path::PathBuf {
    let mut name = manifest.as_os_str().to_owned();
    name.push(".lock");
    std::path::PathBuf::from(name)
}

/// The format this version writes, and the newest it reads.
pub const MANIFEST_FORMAT: u32 = 1;

/// Manifests longer than this are refused (about 100,000 images).
pub const MAX_MANIFEST_BYTES: usize = 64 * 1024 * 1024;

/// The note the file carries for whoever opens it.
pub const NOTE: &str = "written by getty-connect batch downloads: it holds download URLs, and \
                        each one downloads its file for anyone who has it; keep it private";

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`MANIFEST_FORMAT`] when written.
    pub format: u32,
    /// [`NOTE`].
    #[serde(default)]
    pub note: String,
    /// One entry per image and size asked, in the order they were first named.
    #[serde(default)]
    pub files: Vec<Entry>,
}

/// Where an image's download stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Named, nothing bought yet.
    #[default]
    Pending,
    /// A URL is bought (the record holds it); the file is not complete.
    Paid,
    /// The file is complete, `bytes` long.
    Complete,
    /// The last run's attempt failed (`error` says why); a URL it bought is kept.
    Failed,
}

/// One image's line.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// What was asked: `largest`, `size:<key>` or `single-step` (see [`asked`]).
    pub asked: String,
    /// The file's name in the folder.
    pub file: String,
    /// Where it stands.
    #[serde(default)]
    pub state: EntryState,
    /// The image, size, URL and its dates, offering, validators and sizes.
    #[serde(flatten)]
    pub record: PartRecord,
    /// The complete file's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why a manifest was not read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ManifestError {
    /// Longer than [`MAX_MANIFEST_BYTES`].
    #[error("is larger than {MAX_MANIFEST_BYTES} bytes")]
    TooLarge,
    /// Not a manifest (not JSON, or not this shape).
    #[error("is damaged ({0})")]
    Damaged(String),
    /// Written by a newer version.
    #[error("was written in format {0}, newer than this version reads ({MANIFEST_FORMAT})")]
    Newer(u32),
}

/// The `asked` key of a size rule: `largest`, `size:<key>` (lower case) or `single-step`.
pub fn asked(size: &super::SizeChoice, single_step: bool) -> String {
    match (single_step, size) {
        (true, _) => "single-step".into(),
        (false, super::SizeChoice::Largest) => "largest".into(),
        (false, super::SizeChoice::Key(k)) => format!("size:{}", k.to_ascii_lowercase()),
    }
}

/// Whether `name` is a plain file name (no folder, no `..`, no control character), as the
/// batch writes them: a manifest edited to point elsewhere is not followed.
pub fn plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && name != "."
        && name != ".."
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Manifest {
    /// An empty manifest.
    pub fn new() -> Self {
        Self {
            format: MANIFEST_FORMAT,
            note: NOTE.to_owned(),
            files: Vec::new(),
        }
    }

    /// A manifest read back. Entries naming a file that is not a plain name are dropped.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ManifestError> {
        if bytes.len() > MAX_MANIFEST_BYTES {
            return Err(ManifestError::TooLarge);
        }
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::Damaged(e.to_string()))?;
        if version.format > MANIFEST_FORMAT {
            return Err(ManifestError::Newer(version.format));
        }
        let mut m: Manifest =
            serde_json::from_slice(bytes).map_err(|e| ManifestError::Damaged(e.to_string()))?;
        m.files.retain(|e| plain_file_name(&e.file));
        Ok(m)
    }

    /// The file's bytes (indented JSON and a final newline).
    pub fn to_bytes(&self) -> Vec<u8> {
        // A struct of strings and numbers always serializes.
        let mut out = serde_json::to_vec_pretty(self).unwrap_or_default();
        out.push(b'\n');
        out
    }

    /// The entry of `image_id` asked as `asked`.
    pub fn entry(&self, image_id: &str, asked: &str) -> Option<&Entry> {
        self.files
            .iter()
            .find(|e| e.record.image_id == image_id && e.asked == asked)
    }

    /// Puts `entry` in place of the one of the same image and `asked`, or adds it.
    pub fn upsert(&mut self, entry: Entry) {
        match self
            .files
            .iter_mut()
            .find(|e| e.record.image_id == entry.record.image_id && e.asked == entry.asked)
        {
            Some(e) => *e = entry,
            None => self.files.push(entry),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_it_cannot_trust() {
        let mut m = Manifest::new();
        m.upsert(Entry {
            asked: "largest".into(),
            file: "1-master.jpg".into(),
            state: EntryState::Paid,
            record: PartRecord {
                image_id: "1".into(),
                url: Some("https://dl.example/secret-sig".into()),
                ..PartRecord::default()
            },
            ..Entry::default()
        });
        let bytes = m.to_bytes();
        assert_eq!(Manifest::from_bytes(&bytes).unwrap(), m);
        assert!(!format!("{m:?}").contains("secret-sig"));
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"state\": \"paid\""), "{text}");
        assert!(text.contains("keep it private"));

        assert!(matches!(
            Manifest::from_bytes(b"{not json"),
            Err(ManifestError::Damaged(_))
        ));
        assert_eq!(
            Manifest::from_bytes(br#"{"format": 9, "files": []}"#),
            Err(ManifestError::Newer(9))
        );
        let evil = br#"{"format":1,"files":[{"asked":"largest","file":"../../x","image_id":"1","size_key":null,"total":null,"etag":null,"last_modified":null}]}"#;
        assert!(Manifest::from_bytes(evil).unwrap().files.is_empty());
    }

    #[test]
    fn plain_names_only() {
        assert!(plain_file_name("100000001-large.jpg"));
        for bad in [
            "", ".", "..", "../x", "a/b", "a\\b", ".hidden", "a\nb", "é.jpg",
        ] {
            assert!(!plain_file_name(bad), "{bad:?}");
        }
        let key = super::super::SizeChoice::Key("Large".into());
        assert_eq!(asked(&key, false), "size:large");
        assert_eq!(asked(&key, true), "single-step");
    }
}
