//! The raw bytes of the answers: written as the service's WCF serializer wrote them, every `/`
//! inside a string escaped as `\/`, so dates read `"\/Date(…)\/"` (what .NET's
//! `JavaScriptSerializer` needs to read a `DateTime`) and URLs `https:\/\/…`.

use crate::common::*;
use connect_types::ops::{GetImageDetailsRequest, SearchForImagesRequest};
use connect_types::{MsDate, decode_response};
use serde_json::json;

/// Every `/` in `text` comes right after a backslash (JSON has no `/` outside strings, so
/// this holds for every string, keys included); `what` names the answer in the failure.
#[track_caller]
fn every_slash_escaped(text: &str, what: &str) {
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'/' {
            assert!(
                i > 0 && bytes[i - 1] == b'\\',
                "{what}: unescaped '/' at byte {i}: …{}…",
                &text[i.saturating_sub(40)..(i + 40).min(text.len())]
            );
        }
    }
}

/// Every date in the raw text, as `(millis, offset text)`: each occurrence of `Date(` must
/// read exactly `"\/Date(<millis>[+-hhmm])\/"`.
#[track_caller]
fn raw_dates(text: &str) -> Vec<(i64, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("Date(") {
        let before = &rest[..at];
        assert!(
            before.ends_with("\"\\/"),
            "a date not opened by \"\\/: …{}",
            &before[before.len().saturating_sub(20)..]
        );
        let after = &rest[at + "Date(".len()..];
        let close = after.find(")\\/\"").unwrap_or_else(|| {
            panic!(
                "a date not closed by )\\/\": {}",
                &after[..after.len().min(40)]
            )
        });
        let inner = &after[..close];
        let digits = inner
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == '+' || c == '-')
            .map_or(inner.len(), |(i, _)| i);
        let (ms, offset) = inner.split_at(digits);
        assert!(
            ms.trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit())
                && !ms.is_empty(),
            "{inner:?}"
        );
        assert!(
            offset.is_empty()
                || (offset.len() == 5 && offset[1..].bytes().all(|b| b.is_ascii_digit())),
            "{inner:?}"
        );
        out.push((ms.parse().expect("millis"), offset.to_owned()));
        rest = &after[close..];
    }
    out
}

#[test]
fn a_search_answer_is_written_with_every_slash_escaped_and_dotnet_dates() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let body = json!({
        "RequestHeader": {"Token": t},
        "SearchForImagesRequestBody": {
            "Query": {"SearchPhrase": "tree"},
            "ResultOptions": {"ItemCount": 25, "ItemStartNumber": 1, "IncludeKeywords": true},
            "Language": "en-us"
        }
    });
    let (s, text) = c.raw(
        &format!("{}/v2/search/SearchForImages", c.http),
        body.to_string().as_bytes(),
    );
    assert_eq!(s, 200, "{text}");
    every_slash_escaped(&text, "SearchForImages");
    // The picture URLs are there, escaped as the service wrote them.
    assert!(
        text.contains("\"UrlThumb\":\"http:\\/\\/127.0.0.1:"),
        "{text}"
    );

    // Two dates per image (DateCreated, DateSubmitted), each exactly "\/Date(ms-hhmm)\/".
    let dates = raw_dates(&text);
    assert_eq!(dates.len(), 50, "{text}");
    assert!(dates.iter().all(|(_, o)| o.len() == 5), "{dates:?}");

    // connect-types reads the same instant as the raw text says.
    let answer = decode_response::<SearchForImagesRequest>(text.as_bytes()).expect("decodes");
    let decoded: Vec<MsDate> = answer
        .result
        .images
        .iter()
        .flat_map(|i| [i.date_created, i.date_submitted])
        .map(|d| d.expect("dated"))
        .collect();
    assert_eq!(decoded.len(), dates.len());
    for (d, (millis, offset)) in decoded.iter().zip(&dates) {
        assert_eq!(d.millis, *millis);
        // Printed back, the offset is the one in the raw bytes.
        assert!(
            d.to_string().ends_with(&format!("{offset})/")),
            "{d} {offset}"
        );
    }
    // And the escapes undone, the bare form decodes to the same result.
    let bare = text.replace("\\/", "/");
    assert!(bare.contains("\"/Date("));
    let again = decode_response::<SearchForImagesRequest>(bare.as_bytes()).expect("decodes");
    assert_eq!(again.result, answer.result);
}

#[test]
fn other_answers_escape_their_slashes_too() {
    let c = Client::new(shared());
    let oauth = c.oauth("alice");
    // Image details: URLs and dates.
    let body = json!({"RequestHeader": {"Token": oauth},
                      "GetImageDetailsRequestBody": {"ImageIds": ["100000001"], "Language": "en-us"}});
    let (s, text) = c.raw(
        &format!("{}/v1/search/GetImageDetails", c.https),
        body.to_string().as_bytes(),
    );
    assert_eq!(s, 200, "{text}");
    every_slash_escaped(&text, "GetImageDetails");
    assert!(text.contains("https:\\/\\/"), "{text}");
    assert_eq!(raw_dates(&text).len(), 2, "{text}");
    let d = decode_response::<GetImageDetailsRequest>(text.as_bytes()).expect("decodes");
    assert!(d.result.images[0].date_created.is_some());

    // An error envelope whose message names a path.
    let (s, text) = c.raw(&format!("{}/v1/search/NoSuchOperation", c.http), b"{}");
    assert_eq!(s, 404, "{text}");
    assert!(text.contains("\\/v1\\/search\\/NoSuchOperation"), "{text}");
    every_slash_escaped(&text, "unknown path");

    // oEmbed (its URLs) and the token endpoint are JSON answers of the service as well.
    let (t, _) = c.session("alice");
    let (_, v) = c.search(
        &t,
        json!({"Query": {"SearchPhrase": "tree"}, "Filter": {"EmbedContentOnly": true},
               "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
    );
    let id = v["SearchForImagesResult"]["Images"][0]["ImageId"]
        .as_str()
        .expect("an embeddable image");
    let mut r = c
        .agent
        .get(format!(
            "{}/oembed?url=http%3A%2F%2Fgty.im%2F{id}&format=json",
            c.http
        ))
        .call()
        .expect("oembed answers");
    let text = r.body_mut().read_to_string().expect("body");
    assert_eq!(r.status().as_u16(), 200, "{text}");
    assert!(text.contains(":\\/\\/"), "{text}");
    every_slash_escaped(&text, "oEmbed");
    let mut r = c
        .agent
        .post(format!("{}/oauth2/token", c.https))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(&b"grant_type=password&username=alice&password=wrong&client_id=sandbox-client&client_secret=sandbox-client-secret"[..])
        .expect("token answers");
    let text = r.body_mut().read_to_string().expect("body");
    every_slash_escaped(&text, "oauth2/token");
}
