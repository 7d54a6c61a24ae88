//! Each operation's fixture, `tests/fixtures/operations/<Operation>.json`: what its
//! documentation says (`documented`: the endpoint path, body and result keys, header fields and
//! every request and result field as a dotted path, copied once from the shared spec, so the
//! tests need nothing outside the crate; refresh by hand if the spec changes) and, for the
//! enveloped ones, a realistic answer (`answer`, carrying lenient forms on purpose: numeric
//! strings, bare numbers for string ids, `""` booleans, unknown fields, undocumented values).
//! For the operations beyond the seed set, `request_schema`/`result_schema` name the schema
//! that holds the fields (null: no such body) and `envelope` says whether the operation uses
//! the JSON envelope. The token endpoint's documented fields are in `tests/fixtures/oauth2.json`.

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Deserialize)]
struct Fixture {
    documented: Value,
    answer: Option<Box<RawValue>>,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/operations")
}

fn read(op: &str) -> Fixture {
    let path = dir().join(format!("{op}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The operations that have a fixture, sorted.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|n| n.strip_suffix(".json").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Every fixture's documented facts, by operation name.
pub fn documented() -> BTreeMap<String, Value> {
    names()
        .into_iter()
        .map(|n| (n.clone(), read(&n).documented))
        .collect()
}

/// The token endpoint's documented fields: `request`, `response` and `error`.
pub fn oauth2() -> Value {
    serde_json::from_str(include_str!("../fixtures/oauth2.json")).unwrap()
}

/// The realistic answer to `op`, byte for byte as the fixture writes it.
pub fn answer(op: &str) -> Vec<u8> {
    read(op)
        .answer
        .unwrap_or_else(|| panic!("{op}: the fixture has no answer"))
        .get()
        .as_bytes()
        .to_vec()
}

/// The operations whose fixture has an answer, sorted.
pub fn answered() -> Vec<String> {
    names()
        .into_iter()
        .filter(|n| read(n).answer.is_some())
        .collect()
}
