//! Bodies of the `cargo fuzz` targets for this crate (the harness lives in `fuzz/` at the
//! workspace root and needs nightly; these functions do not).
//!
//! Each function takes arbitrary bytes from a client, must never panic, and checks what holds
//! for every input. A unit test replays the committed corpus (`fuzz/corpus/<target>/`) through
//! them on stable, so `cargo test` keeps every input the fuzzer found interesting.

use crate::api;
use crate::content::{Range, parse_range};
use serde_json::Value;

/// Target `sandbox_range`: the bytes as a download's `Range` header against a file length.
///
/// The first 8 bytes (little-endian, zero-padded) are the file's length; the rest is the
/// header value. A range the server serves lies inside the file and is not empty.
pub fn range(data: &[u8]) {
    let (len, header) = data.split_at(data.len().min(8));
    let mut le = [0u8; 8];
    le[..len.len()].copy_from_slice(len);
    let len = u64::from_le_bytes(le);
    let header = std::str::from_utf8(header).ok();
    match parse_range(header, len) {
        Range::Part(start, end) => {
            assert!(start < end, "an empty or inverted range {start}..{end}");
            assert!(
                end <= len,
                "a range {start}..{end} beyond the file's {len} bytes"
            );
        }
        Range::Full | Range::Unsatisfiable => {}
    }
}

/// Target `sandbox_request`: the bytes as the body of a call to every emulated operation:
/// the envelope read leniently, the body decoded with the operation's shared `connect-types`
/// model, then every field read through the case-insensitive accessors the handlers use.
pub fn request(data: &[u8]) {
    for op in crate::handlers::all() {
        let (_, parsed) = api::parse_request(data, op.body_key, op.aliases, true);
        let Ok(req) = parsed else {
            continue;
        };
        let body = Value::Object(req.body.clone());
        let _ = op.decode_body(&body);
        read_every_field(&req.body, 0);
    }
}

/// Reads each field of `obj` (and of nested objects, a few levels deep) in every way a handler
/// might, under its own name and under other casings.
fn read_every_field(obj: &api::Obj, depth: u8) {
    if depth > 4 {
        return;
    }
    for (key, value) in obj {
        for name in [
            key.clone(),
            key.to_ascii_lowercase(),
            key.to_ascii_uppercase(),
        ] {
            let _ = api::get(obj, &name);
            let _ = api::opt_str(obj, &name, "p");
            let _ = api::req_str(obj, &name, "p");
            let _ = api::opt_int(obj, &name, "p");
            let _ = api::opt_bool(obj, &name, "p");
            let _ = api::opt_str_list(obj, &name, "p");
            let _ = api::opt_obj_list(obj, &name, "p");
            let _ = api::opt_enum(
                obj,
                &name,
                "p",
                api::LANGUAGES,
                connect_types::StatusCode::InvalidRequest,
            );
            let _ = api::enum_list(
                obj,
                &name,
                "p",
                &["include", "exclude"],
                connect_types::StatusCode::InvalidRequest,
            );
        }
        if key.eq_ignore_ascii_case("Language") {
            let _ = api::language(obj, "p");
        }
        match value {
            Value::Object(inner) => read_every_field(inner, depth + 1),
            Value::Array(items) => {
                for inner in items.iter().filter_map(Value::as_object) {
                    read_every_field(inner, depth + 1);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod replay {
    /// Feeds every committed corpus file of `target` to `body`; the corpus must not be empty.
    fn corpus(target: &str, body: fn(&[u8])) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/corpus")
            .join(target);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read the corpus {}: {e}", dir.display()));
        let mut n = 0;
        for entry in entries {
            let path = entry.expect("a corpus entry").path();
            let data = std::fs::read(&path).expect("a readable corpus file");
            body(&data);
            n += 1;
        }
        assert!(n > 0, "the corpus {} is empty", dir.display());
    }

    #[test]
    fn sandbox_range_corpus() {
        corpus("sandbox_range", super::range);
    }

    #[test]
    fn sandbox_request_corpus() {
        corpus("sandbox_request", super::request);
    }
}
