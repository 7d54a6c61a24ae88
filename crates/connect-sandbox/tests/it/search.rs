use crate::common::*;
use connect_sandbox::SandboxConfig;
use serde_json::{Value, json};
use std::collections::HashSet;

fn page(c: &Client, t: &str, phrase: &str, start: u64, count: u64) -> Value {
    let (s, v) = c.search(
        t,
        json!({"Query": {"SearchPhrase": phrase}, "Filter": {"ImageFamilies": ["Creative"]},
               "ResultOptions": {"ItemCount": count, "ItemStartNumber": start}, "Language": "en-us"}),
    );
    assert_eq!(s, 200, "{v}");
    v
}

fn ids(v: &Value) -> Vec<String> {
    v["SearchForImagesResult"]["Images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["ImageId"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn common_searches_hit_and_match_title_caption_or_keywords() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    for word in ["tree", "beach", "city", "dog", "family", "business"] {
        let v = page(&c, &t, word, 1, 75);
        let total = v["SearchForImagesResult"]["ItemTotalCount"]
            .as_u64()
            .unwrap();
        assert!(total >= 20, "{word}: {total}");
        // Each hit carries the word in its title, caption or keywords.
        let (_, d) = c.call(
            &c.https,
            "/v1/search/GetImageDetails",
            Some(&c.oauth("alice")),
            "GetImageDetailsRequestBody",
            json!({"ImageIds": ids(&v)[..5]}),
        );
        for img in d["GetImageDetailsResult"]["Images"].as_array().unwrap() {
            let text = img.to_string().to_lowercase();
            assert!(text.contains(word), "{word} not in {text}");
        }
    }
}

#[test]
fn pagination_arithmetic() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let first = page(&c, &t, "tree", 1, 25);
    let r = &first["SearchForImagesResult"];
    let total = r["ItemTotalCount"].as_u64().unwrap();
    assert!(total > 50);
    assert_eq!(r["ItemCount"], 25);
    assert_eq!(r["ItemStartNumber"], 1);
    let mut seen = HashSet::new();
    let mut start = 1;
    while start <= total {
        let v = page(&c, &t, "tree", start, 25);
        let r = &v["SearchForImagesResult"];
        assert_eq!(r["ItemTotalCount"].as_u64(), Some(total));
        assert_eq!(r["ItemStartNumber"].as_u64(), Some(start));
        let expected = (total - start + 1).min(25);
        assert_eq!(r["ItemCount"].as_u64(), Some(expected));
        for id in ids(&v) {
            assert!(seen.insert(id), "pages overlap");
        }
        start += 25;
    }
    assert_eq!(seen.len() as u64, total);
    let (_, v) = c.search(
        &t,
        json!({"Query": {"SearchPhrase": "tree"}, "Filter": {"ImageFamilies": ["Creative"]},
        "ResultOptions": {"ItemCount": 25, "ItemStartNumber": total + 1}}),
    );
    assert_error(&v, "StartPastTotal");
    for (count, code) in [
        (7, "InvalidItemCount"),
        (0, "InvalidItemCount"),
        (90, "MaxExceeded"),
    ] {
        let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": count, "ItemStartNumber": 1}}));
        assert_error(&v, code);
    }
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 0}}));
    assert_error(&v, "InvalidItemStartNumber");
}

#[test]
fn filters_restrict_results() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let (_, v) = c.search(
        &t,
        json!({
        "Query": {"SearchPhrase": "city"},
        "Filter": {"ImageFamilies": ["Editorial"], "Orientations": ["Vertical", "Square"],
                   "Collections": {"Ids": ["202"], "Mode": "exclude"}, "ExcludeNudity": true},
        "ResultOptions": {"ItemCount": 75, "ItemStartNumber": 1, "EditorialSortOrder": "Oldest"}}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let imgs = v["SearchForImagesResult"]["Images"].as_array().unwrap();
    assert!(!imgs.is_empty());
    let mut last = 0i64;
    for i in imgs {
        assert_eq!(i["ImageFamily"], "Editorial");
        assert!(["Vertical", "Square"].contains(&i["Orientations"][0].as_str().unwrap()));
        assert_ne!(i["CollectionId"], "202");
        let d: i64 = i["DateCreated"].as_str().unwrap()[6..19].parse().unwrap();
        assert!(d >= last, "Oldest sorts ascending");
        last = d;
    }
    assert_eq!(v["SearchForImagesResult"]["EditorialSortOrder"], "Oldest");
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "city"},
        "Filter": {"Collections": {"Ids": ["202"]}}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}}));
    assert_error(&v, "CollectionModeEmpty");
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "city"},
        "Filter": {"Orientations": ["Diagonal"]}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}}));
    assert_error(&v, "InvalidOrientation");
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "city", "DateCreatedRange": {"StartDate": "2010-01-01"}},
        "Filter": {"ImageFamilies": ["Creative"]}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}}));
    assert_error(&v, "DateCreatedRangeNotApplicable");
}

#[test]
fn no_images_is_a_warning_and_refinements_come_when_asked() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "xylophone"}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}}));
    assert_eq!(status(&v), "Warning");
    assert!(codes(&v).contains(&"NoImages".to_owned()));
    assert_eq!(v["SearchForImagesResult"]["ItemTotalCount"], 0);
    let (_, v) = c.search(&t, json!({"Query": {"SearchPhrase": "beach"}, "Language": "en-us",
        "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1, "RefinementOptionsSet": "RefinementSet3"}}));
    assert_eq!(status(&v), "Success");
    let opts = v["SearchForImagesResult"]["RefinementOptions"]
        .as_array()
        .unwrap();
    assert!(!opts.is_empty());
    let person = opts
        .iter()
        .find(|o| o["Category"] != "Events" && o["Category"] != "Location")
        .unwrap();
    // Applying a refinement narrows the search.
    let before = v["SearchForImagesResult"]["ItemTotalCount"]
        .as_u64()
        .unwrap();
    let (_, v2) = c.search(
        &t,
        json!({"Query": {"SearchPhrase": "beach"},
        "Filter": {"Refinements": [{"Category": person["Category"], "Id": person["Id"]}]},
        "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}}),
    );
    let after = v2["SearchForImagesResult"]["ItemTotalCount"]
        .as_u64()
        .unwrap();
    assert!(after > 0 && after < before, "{after} {before}");
}

#[test]
fn v1_path_takes_the_older_body_key_and_event_queries_work() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let (_, v) = c.call(
        &c.http,
        "/v1/search/SearchForImages",
        Some(&t),
        "SearchForImages2RequestBody",
        json!({"Query": {"SearchPhrase": "sport"}, "Filter": {"ImageFamilies": ["Editorial"]},
               "ResultOptions": {"ItemCount": 10, "ItemStartNumber": 1}}),
    );
    assert_eq!(status(&v), "Success", "{v}");
    let event = v["SearchForImagesResult"]["Images"][0]["EventIds"][0]
        .as_u64()
        .unwrap();
    let (_, v) = c.search(&t, json!({"Query": {"EventId": event}, "ResultOptions": {"ItemCount": 75, "ItemStartNumber": 1}}));
    for i in v["SearchForImagesResult"]["Images"].as_array().unwrap() {
        assert_eq!(i["EventIds"][0].as_u64(), Some(event));
    }
}

#[test]
fn same_seed_same_catalog() {
    let a = start(SandboxConfig::default().with_images(800).with_seed(9));
    let b = start(SandboxConfig::default().with_images(800).with_seed(9));
    let other = start(SandboxConfig::default().with_images(800).with_seed(10));
    let body = json!({"Query": {"SearchPhrase": "tree"}, "Language": "en-us",
        "ResultOptions": {"ItemCount": 75, "ItemStartNumber": 1, "IncludeKeywords": true}});
    let run = |sb| {
        let c = Client::new(sb);
        let (t, _) = c.session("alice");
        // Picture links name the sandbox's own listener; the rest is the catalog.
        c.search(&t, body.clone()).1["SearchForImagesResult"]
            .to_string()
            .replace(&c.http, "<sandbox>")
    };
    assert_eq!(run(&a), run(&b));
    assert_ne!(run(&a), run(&other));
}
