//! oEmbed: `GET /oembed?url=http://gty.im/ID`, no token, no envelope.

use crate::common::*;
use serde_json::Value;

fn oembed(c: &Client, base: &str, query: &str) -> (u16, Value) {
    let mut r = c
        .agent
        .get(format!("{base}/oembed?{query}"))
        .call()
        .expect("request completes");
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn embeddable(c: &Client) -> String {
    let (t, _) = c.session("alice");
    let (_, v) = c.search(
        &t,
        serde_json::json!({"Query": {"SearchPhrase": "tree"}, "Filter": {"EmbedContentOnly": true},
                           "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
    );
    v["SearchForImagesResult"]["Images"][0]["ImageId"]
        .as_str()
        .expect("an embeddable image")
        .to_owned()
}

#[test]
fn embeds_an_image_with_sizes_from_the_catalog() {
    let c = Client::new(shared());
    let id = embeddable(&c);
    for base in [&c.http, &c.https] {
        let (s, v) = oembed(
            &c,
            base,
            &format!("url=http%3A%2F%2Fgty.im%2F{id}&caller=example.com&format=json"),
        );
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["type"], "rich");
        assert_eq!(v["version"], "1.0");
        assert!(v.get("ResponseHeader").is_none(), "no envelope");
        assert!(
            v["html"]
                .as_str()
                .unwrap()
                .contains(&format!("/embed/{id}"))
        );
        assert_eq!(v["width"], 594);
        assert!(v["height"].as_u64().unwrap() > 0);
        let longest = v["thumbnail_width"]
            .as_u64()
            .unwrap()
            .max(v["thumbnail_height"].as_u64().unwrap());
        assert_eq!(longest, 170);
        assert!(v["thumbnail_url"].as_str().unwrap().contains(&id));
        for k in [
            "title",
            "caption",
            "photographer",
            "collection",
            "terms_of_use_url",
        ] {
            assert!(!v[k].as_str().unwrap().is_empty(), "{k}");
        }
    }
}

#[test]
fn other_formats_and_bad_urls_get_http_errors() {
    let c = Client::new(shared());
    let id = embeddable(&c);
    let (s, _) = oembed(&c, &c.http, &format!("url=http://gty.im/{id}&format=xml"));
    assert_eq!(s, 501);
    assert_eq!(oembed(&c, &c.http, "format=json").0, 400);
    assert_eq!(
        oembed(&c, &c.http, "url=http%3A%2F%2Fexample.com%2F1").0,
        404
    );
    assert_eq!(oembed(&c, &c.http, "url=http%3A%2F%2Fgty.im%2F42").0, 404);
    assert_eq!(oembed(&c, &c.http, "url=%zz").0, 400);
}

fn get(c: &Client, url: &str) -> (u16, String, String) {
    let mut r = c.agent.get(url).call().expect("request completes");
    let kind = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let status = r.status().as_u16();
    (
        status,
        kind,
        r.body_mut().read_to_string().unwrap_or_default(),
    )
}

#[test]
fn the_embed_frame_and_its_picture_load() {
    let c = Client::new(shared());
    let id = embeddable(&c);
    let (_, v) = oembed(&c, &c.https, &format!("url=http://gty.im/{id}"));
    let html = v["html"].as_str().unwrap();
    let src = html
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("an iframe src");
    let (status, kind, page) = get(&c, src);
    assert_eq!(status, 200, "{src}: {page}");
    assert!(kind.starts_with("text/html"), "{kind}");
    let img = page
        .split("<img src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the page shows the image");
    let mut r = c.agent.get(img).call().expect("picture loads");
    assert_eq!(r.status().as_u16(), 200, "{img}");
    let jpeg = r.body_mut().read_to_vec().unwrap();
    assert_eq!(&jpeg[..2], &[0xff, 0xd8], "a JPEG");
    // The search result's UrlEmbed is the same page.
    let (t, _) = c.session("alice");
    let (_, found) = c.search(
        &t,
        serde_json::json!({"Query": {"SearchPhrase": "tree"}, "Filter": {"EmbedContentOnly": true},
                           "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}),
    );
    let embed = found["SearchForImagesResult"]["Images"][0]["UrlEmbed"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(get(&c, &embed).0, 200, "{embed}");
    assert_eq!(get(&c, &format!("{}/embed/999999999999", c.https)).0, 404);
}
