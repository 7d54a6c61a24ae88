//! Bodies of the `cargo fuzz` targets for this crate (the harness lives in `fuzz/` at the
//! workspace root and needs nightly; these functions do not).
//!
//! Each function takes arbitrary bytes, must never panic, and checks the properties that hold
//! for every input. A unit test replays the committed corpus (`fuzz/corpus/<target>/`) through
//! them on stable, so `cargo test` keeps every input the fuzzer ever found interesting.

use crate::date::{MsDate, RequestDate};
use crate::envelope::{DecodeError, decode_response, encode_request};
use crate::operation::{Described, Operation, Visit};
use crate::ops;
use serde::Deserialize;

/// Target `envelope`: the bytes as the answer to every operation, decoded with
/// [`decode_response`] (every operation of [`ops::visit`]). A decoded result must serialize
/// again.
pub fn envelope(data: &[u8]) {
    fn one<O: Operation>(data: &[u8]) {
        match decode_response::<O>(data) {
            Ok(r) => {
                // Whatever was accepted can be written back out (the CLI's `--json` does that).
                let _ = serde_json::to_vec(&r);
            }
            Err(DecodeError::Api(e)) => {
                assert!(
                    e.header.is_error(),
                    "an Api error comes from an error header"
                );
                let _ = e.to_string();
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }
    struct Each<'a>(&'a [u8]);
    impl Visit for Each<'_> {
        fn operation<O: Described>(&mut self) {
            one::<O>(self.0);
        }
        fn alias<O: Described>(&mut self) {
            one::<O>(self.0);
        }
    }
    ops::visit(&mut Each(data));
    // The token endpoint's replies are plain JSON, not envelopes.
    let _ = serde_json::from_slice::<ops::TokenResponse>(data);
    let _ = serde_json::from_slice::<ops::OAuthErrorResponse>(data);
    // oEmbed answers plain JSON too; SingleStepDownload answers a status and a message.
    let _ = serde_json::from_slice::<ops::OEmbedResponse>(data);
    if let Some((&status, message)) = data.split_first() {
        let refusal = ops::SingleStepRefusal::classify(
            u16::from(status) * 2,
            &String::from_utf8_lossy(message),
        );
        if let Some(r) = refusal {
            let _ = (r.http_status(), r.status_code(), r.message());
        }
    }
}

/// Target `ms_date`: the bytes (as UTF-8, lossily) parsed as a Microsoft JSON date, an ISO date
/// through the lenient decoder, and a request date. What parses prints back to itself.
pub fn ms_date(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    if let Ok(d) = MsDate::parse(&s) {
        let back = MsDate::parse(&d.to_string());
        assert_eq!(back, Ok(d), "MsDate does not survive Display then parse");
        // Far outside the clock's range this is None; it must not panic.
        if let Some(t) = d.to_system_time() {
            let _ = MsDate::from_system_time(t);
        }
    }
    if let Ok(d) = RequestDate::parse(&s) {
        assert_eq!(RequestDate::parse(&d.to_string()), Ok(d));
        let _ = d.start_millis();
    }
    #[derive(Deserialize)]
    struct Dates {
        #[serde(default, deserialize_with = "crate::lenient::opt_ms_date")]
        #[allow(dead_code)]
        at: Option<MsDate>,
        #[serde(default, deserialize_with = "crate::lenient::opt_request_date")]
        #[allow(dead_code)]
        on: Option<RequestDate>,
    }
    let json = serde_json::json!({ "at": &*s, "on": &*s });
    if let Ok(d) = serde_json::from_value::<Dates>(json) {
        if let Some(t) = d.at.and_then(MsDate::to_system_time) {
            let _ = MsDate::from_system_time(t);
        }
    }
}

/// Target `lenient`: the bytes as a JSON object whose fields use every lenient decoder.
pub fn lenient(data: &[u8]) {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct All {
        #[serde(default, deserialize_with = "crate::lenient::opt_int")]
        a: Option<u8>,
        #[serde(default, deserialize_with = "crate::lenient::opt_int")]
        b: Option<i32>,
        #[serde(default, deserialize_with = "crate::lenient::int")]
        c: u64,
        #[serde(default, deserialize_with = "crate::lenient::int")]
        d: i64,
        #[serde(default, deserialize_with = "crate::lenient::opt_bool")]
        e: Option<bool>,
        #[serde(default, deserialize_with = "crate::lenient::bool")]
        f: bool,
        #[serde(default, deserialize_with = "crate::lenient::opt_string")]
        g: Option<String>,
        #[serde(default, deserialize_with = "crate::lenient::vec")]
        h: Vec<u32>,
        #[serde(default, deserialize_with = "crate::lenient::vec_int")]
        i: Vec<usize>,
        #[serde(default, deserialize_with = "crate::lenient::vec_string")]
        j: Vec<String>,
        #[serde(default, deserialize_with = "crate::lenient::one_or_first")]
        k: Option<String>,
        #[serde(default, deserialize_with = "crate::lenient::opt_ms_date")]
        l: Option<MsDate>,
        #[serde(default, deserialize_with = "crate::lenient::opt_request_date")]
        m: Option<RequestDate>,
        #[serde(default)]
        n: Option<ops::ImageFamily>,
        #[serde(default)]
        o: Option<crate::StatusCode>,
        #[serde(default)]
        p: Option<crate::ResponseHeader>,
    }
    if let Ok(all) = serde_json::from_slice::<All>(data) {
        let _ = format!("{all:?}");
        if let Some(d) = all.l {
            assert_eq!(MsDate::parse(&d.to_string()), Ok(d));
        }
    }
    // Request bodies are decoded leniently too (the sandbox reads them with these models) and
    // must encode again.
    if let Ok(req) = serde_json::from_slice::<ops::SearchForImagesRequest>(data) {
        let _ = encode_request(&crate::RequestHeader::default(), &req);
    }
    if let Ok(req) = serde_json::from_slice::<ops::SearchForVideosRequest>(data) {
        let _ = encode_request(&crate::RequestHeader::default(), &req);
    }
}

#[cfg(test)]
mod replay {
    /// Feeds every committed corpus file of `target` to `body`; the corpus must not be empty.
    pub(crate) fn corpus(target: &str, body: fn(&[u8])) {
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
    fn envelope_corpus() {
        corpus("envelope", super::envelope);
    }

    #[test]
    fn ms_date_corpus() {
        corpus("ms_date", super::ms_date);
    }

    #[test]
    fn lenient_corpus() {
        corpus("lenient", super::lenient);
    }
}
