//! Property tests.
//!
//! * Round trip: for every schema in `connect_types::schema::all()`, documents generated from
//!   the schema itself decode into the Rust type, and decode → encode → decode → encode is
//!   stable. Generating from the schema covers every field of every type, and also checks
//!   that the published schemas describe what the types accept.
//! * Robustness: arbitrary bytes, arbitrary JSON, and arbitrary JSON in the result slot of a
//!   well-formed envelope never make `decode_response` panic, for every operation.

use connect_types::envelope::{RequestHeader, ResponseHeader, decode_response};
use connect_types::operation::{Described, Visit};
use connect_types::ops::*;
use connect_types::schema;
use proptest::prelude::*;
use proptest::strategy::Union;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::OnceLock;

const CASES: u32 = 64;

/// Where failing cases are written and replayed from. Committed, so a case found once is run
/// first forever after, on every machine. (An explicit path: proptest's default looks for the
/// source file relative to the working directory, which in a workspace is not where it is.)
const REGRESSIONS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/proptest-regressions/props.txt"
);

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(REGRESSIONS),
        )),
        ..ProptestConfig::default()
    }
}

fn schemas() -> &'static BTreeMap<String, Value> {
    static S: OnceLock<BTreeMap<String, Value>> = OnceLock::new();
    S.get_or_init(|| schema::all().into_iter().collect())
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let target = r
                .strip_prefix("#/")
                .unwrap()
                .split('/')
                .fold(root, |v, seg| &v[seg]);
            resolve(root, target)
        }
        None => node,
    }
}

fn ms_date() -> BoxedStrategy<Value> {
    (
        any::<i64>(),
        proptest::option::of((any::<bool>(), 0u32..24, 0u32..60)),
    )
        .prop_map(|(ms, off)| {
            let off = off
                .map(|(neg, h, m)| format!("{}{h:02}{m:02}", if neg { '-' } else { '+' }))
                .unwrap_or_default();
            Value::String(format!("/Date({ms}{off})/"))
        })
        .boxed()
}

fn request_date() -> BoxedStrategy<Value> {
    (1u32..=9999, 1u32..=12, 1u32..=28)
        .prop_map(|(y, m, d)| Value::String(format!("{y:04}-{m:02}-{d:02}")))
        .boxed()
}

fn iso_date_time() -> BoxedStrategy<Value> {
    (
        1u32..=9999,
        1u32..=12,
        1u32..=28,
        (
            0u32..24,
            0u32..60,
            0u32..60,
            proptest::option::of(0u32..1000),
        ),
        proptest::option::of((any::<bool>(), 0u32..24, 0u32..60)),
    )
        .prop_map(|(y, mo, d, (h, mi, s, ms), off)| {
            let frac = ms.map(|ms| format!(".{ms:03}")).unwrap_or_default();
            let zone = off.map_or_else(
                || "Z".to_owned(),
                |(neg, oh, om)| format!("{}{oh:02}:{om:02}", if neg { '-' } else { '+' }),
            );
            Value::String(format!(
                "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{zone}"
            ))
        })
        .boxed()
}

fn string_for(node: &Value) -> BoxedStrategy<Value> {
    if let Some(p) = node.get("pattern").and_then(Value::as_str) {
        if p.contains("Date") {
            return ms_date();
        }
        if p == "^[0-9]+$" {
            return "[0-9]{1,9}".prop_map(Value::String).boxed();
        }
        if p.starts_with("^[0-9]{4}") {
            return request_date();
        }
    }
    match node.get("format").and_then(Value::as_str) {
        Some("date") => return request_date(),
        Some("date-time") => return iso_date_time(),
        _ => {}
    }
    "\\PC{0,10}".prop_map(Value::String).boxed()
}

fn of_type(root: &Value, node: &Value, ty: &str) -> BoxedStrategy<Value> {
    match ty {
        "null" => Just(Value::Null).boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        "integer" => {
            let lo = node
                .get("minimum")
                .and_then(Value::as_i64)
                .unwrap_or(-1_000);
            let hi = node
                .get("maximum")
                .and_then(Value::as_i64)
                .unwrap_or(4_000_000_000);
            (lo..=hi).prop_map(|n| json!(n)).boxed()
        }
        "number" => (0u32..1_000_000)
            .prop_map(|n| json!(f64::from(n) / 1000.0))
            .boxed(),
        "string" => string_for(node),
        "array" => {
            let item = match node.get("items") {
                Some(items) => value_for(root, items),
                None => Just(Value::Null).boxed(),
            };
            proptest::collection::vec(item, 0..3)
                .prop_map(Value::Array)
                .boxed()
        }
        "object" => object_for(root, node),
        other => panic!("schema type {other} not handled"),
    }
}

fn object_for(root: &Value, node: &Value) -> BoxedStrategy<Value> {
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        for (name, sub) in props {
            let name = name.clone();
            let value = value_for(root, sub);
            if required.contains(&name.as_str()) {
                fields.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
            } else {
                fields.push(
                    proptest::option::of(value)
                        .prop_map(move |v| v.map(|v| (name.clone(), v)))
                        .boxed(),
                );
            }
        }
    }
    fields
        .prop_map(|entries| Value::Object(entries.into_iter().flatten().collect::<Map<_, _>>()))
        .boxed()
}

/// A strategy producing documents valid under `node` (within `root`'s `$defs`).
fn value_for(root: &Value, node: &Value) -> BoxedStrategy<Value> {
    let node = resolve(root, node);
    if let Some(c) = node.get("const") {
        return Just(c.clone()).boxed();
    }
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        return proptest::sample::select(values.clone()).boxed();
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(branches) = node.get(key).and_then(Value::as_array) {
            return Union::new(branches.iter().map(|b| value_for(root, b))).boxed();
        }
    }
    match node.get("type") {
        Some(Value::String(t)) => of_type(root, node, t),
        Some(Value::Array(types)) => Union::new(
            types
                .iter()
                .map(|t| of_type(root, node, t.as_str().unwrap())),
        )
        .boxed(),
        _ if node.get("properties").is_some() => object_for(root, node),
        _ => Just(Value::Null).boxed(),
    }
}

fn documents(name: &str) -> BoxedStrategy<Value> {
    let root = schemas()
        .get(name)
        .unwrap_or_else(|| panic!("no schema {name}"));
    value_for(root, root)
}

/// decode → encode → decode gives the same value: nothing the type holds is lost or changed
/// by its own encoding (comparing values, so a field the encoder drops fails even when the
/// two encodings agree).
fn round_trips<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    doc: &Value,
) -> Result<(), TestCaseError> {
    let first: T = serde_json::from_value(doc.clone())
        .map_err(|e| TestCaseError::fail(format!("schema-valid document rejected: {e}\n{doc}")))?;
    let s1 = serde_json::to_string(&first).unwrap();
    let second: T = serde_json::from_str(&s1)
        .map_err(|e| TestCaseError::fail(format!("own output rejected: {e}\n{s1}")))?;
    prop_assert_eq!(&first, &second, "encoded as {}", s1);
    Ok(())
}

/// The same for the types that hold a [`connect_types::Secret`], which deliberately has no
/// `PartialEq`: their decoded values are compared through `Debug` (every field but the
/// secrets, which show as `***`), and the secrets through the two encodings.
fn round_trips_secret<T: DeserializeOwned + Serialize + std::fmt::Debug>(
    doc: &Value,
) -> Result<(), TestCaseError> {
    let first: T = serde_json::from_value(doc.clone())
        .map_err(|e| TestCaseError::fail(format!("schema-valid document rejected: {e}\n{doc}")))?;
    let s1 = serde_json::to_string(&first).unwrap();
    let second: T = serde_json::from_str(&s1)
        .map_err(|e| TestCaseError::fail(format!("own output rejected: {e}\n{s1}")))?;
    prop_assert_eq!(
        format!("{first:?}"),
        format!("{second:?}"),
        "encoded as {}",
        s1
    );
    prop_assert_eq!(&s1, &serde_json::to_string(&second).unwrap());
    Ok(())
}

macro_rules! round_trip_tests {
    (@check $ty:ty, $doc:ident) => {
        round_trips::<$ty>(&$doc)?
    };
    (@check $ty:ty, $doc:ident, secret) => {
        round_trips_secret::<$ty>(&$doc)?
    };
    ($($test:ident: $ty:ty => $name:literal $(, $how:ident)?;)*) => {
        proptest! {
            #![proptest_config(config(CASES))]
            $(
                #[test]
                fn $test(doc in documents($name)) {
                    round_trip_tests!(@check $ty, doc $(, $how)?);
                }
            )*
        }

        #[test]
        fn every_schema_has_a_round_trip_test() {

            let mut tested: Vec<String> = vec![$($name.to_owned()),*];
            tested.extend(listed_schemas().into_iter().map(|(name, _)| name));
            for name in schemas().keys() {
                assert!(tested.contains(name), "no round-trip test for {name}");
            }
        }
    };
}

round_trip_tests! {
    rt_request_header: RequestHeader => "RequestHeader", secret;
    rt_response_header: ResponseHeader => "ResponseHeader";
    rt_token_request: TokenRequest => "TokenRequest", secret;
    rt_token_response: TokenResponse => "TokenResponse", secret;
    rt_oauth_error: OAuthErrorResponse => "OAuthErrorResponse";
    rt_single_step_req: SingleStepDownloadRequest => "SingleStepDownloadRequest";
    rt_oembed_req: OEmbedRequest => "OEmbedRequest";
    rt_oembed_res: OEmbedResponse => "OEmbedResponse";
}

/// A round-trip check of one type.
type Check = fn(&Value) -> Result<(), TestCaseError>;

/// The schema files of the operations of the list, each with the round trip of its type.
fn listed_schemas() -> Vec<(String, Check)> {
    struct Each(Vec<(String, Check)>);
    impl Visit for Each {
        fn operation<O: Described>(&mut self) {
            let doc = schema::OperationDoc::of::<O>();
            if doc.has_body {
                self.0.push((doc.request_name, round_trips_secret::<O>));
            }
            if doc.result_key.is_some() && !doc.result_is_empty {
                self.0
                    .push((doc.result_name, round_trips_secret::<O::Result>));
            }
        }
    }
    let mut each = Each(Vec::new());
    connect_types::ops::visit(&mut each);
    each.0
}

/// Every request and result of the list round-trips (documents generated from its own schema
/// file; values compared through `Debug` and the two encodings, as for the types with secrets).
#[test]
fn every_listed_operation_round_trips() {
    for (name, check) in listed_schemas() {
        let mut runner = proptest::test_runner::TestRunner::new(config(CASES));
        if let Err(e) = runner.run(&documents(&name), |doc| check(&doc)) {
            panic!("{name}: {e}");
        }
    }
}

/// Any JSON value, a few levels deep, with the keys the models use so that decoding gets
/// past the first field often enough to matter.
fn arb_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("Images".to_owned()),
        Just("ImageId".to_owned()),
        Just("DateCreated".to_owned()),
        Just("LightboxId".to_owned()),
        Just("LightboxHeader".to_owned()),
        Just("EventIds".to_owned()),
        Just("Keywords".to_owned()),
        Just("Location".to_owned()),
        Just("Status".to_owned()),
        "[A-Za-z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        "\\PC{0,12}".prop_map(Value::String),
        Just(json!("/Date(1294868991374-0800)/")),
        Just(json!("/Date(")),
        Just(json!("2011-01-12T25:99")),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn decode_all(bytes: &[u8]) {
    struct Each<'a>(&'a [u8]);
    impl Visit for Each<'_> {
        fn operation<O: Described>(&mut self) {
            let _ = decode_response::<O>(self.0);
        }
        fn alias<O: Described>(&mut self) {
            let _ = decode_response::<O>(self.0);
        }
    }
    connect_types::ops::visit(&mut Each(bytes));
    let _ = serde_json::from_slice::<OEmbedResponse>(bytes);
}

/// Every result key, so arbitrary results land where each decoder looks.
fn result_keys() -> Vec<&'static str> {
    schema::operations()
        .iter()
        .filter_map(|op| op.result_key)
        .collect()
}

proptest! {
    #![proptest_config(config(CASES * 2))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        decode_all(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        decode_all(&serde_json::to_vec(&v).unwrap());
    }

    #[test]
    fn arbitrary_results_in_a_valid_envelope_never_panic(
        v in arb_json(),
        key in proptest::sample::select(result_keys()),
        status in prop_oneof![Just("Success"), Just("Warning"), Just("Error"), Just("")],
    ) {
        let env = json!({ "ResponseHeader": { "Status": status, "StatusList": [] }, key: v });
        decode_all(&serde_json::to_vec(&env).unwrap());
    }

    #[test]
    fn truncated_fixtures_never_panic(cut in 0usize..4000, op in 0usize..27) {
        let names = crate::fixtures::answered();
        let bytes = crate::fixtures::answer(&names[op % names.len()]);
        decode_all(&bytes[..cut.min(bytes.len())]);
    }
}

/// The generator does produce deep, populated documents (not just empty objects).
#[test]
fn generated_documents_are_populated() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = documents("SearchForImagesResult");
    let mut deepest = 0;
    for _ in 0..32 {
        let doc = strategy.new_tree(&mut runner).unwrap().current();
        let text = doc.to_string();
        deepest =
            deepest.max(text.matches("VisualProminence").count() + text.matches("/Date(").count());
        let _: SearchForImagesResult = serde_json::from_value(doc).unwrap();
    }
    assert!(deepest > 0, "no nested keyword or date was ever generated");
}
