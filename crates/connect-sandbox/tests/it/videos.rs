use crate::common::*;
use serde_json::json;

#[test]
fn video_search_pages_and_asset_ids() {
    let c = Client::new(shared());
    let (t, _) = c.session("alice");
    let (_, v) = c.call(&c.http, "/v1/search/SearchForVideos", Some(&t), "SearchForVideosRequestBody",
        json!({"Query": {"SearchPhrase": "ocean"}, "Filter": {"AssetFamilies": ["creative"]},
               "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1, "SortOrder": "MostRecent"}, "Language": "en-us"}));
    assert_eq!(status(&v), "Success", "{v}");
    let r = &v["SearchForVideosResult"];
    assert!(r["ItemTotalCount"].as_u64().unwrap() > 0);
    let vid = &r["Videos"][0];
    assert_eq!(vid["AssetFamily"], "Creative");
    assert!(vid["ClipLength"].is_string());
    let token = vid["DownloadSizes"][0]["DownloadAuthorizations"][0]["DownloadToken"]
        .as_str()
        .unwrap();
    assert!(!token.is_empty());
    let id = vid["AssetId"].as_str().unwrap();
    let (_, v) = c.call(&c.http, "/v1/search/SearchForVideos", Some(&t), "SearchForVideosRequestBody",
        json!({"Query": {"AssetIds": [id]}, "ResultOptions": {"ItemCount": 90, "ItemStartNumber": 1}}));
    assert_eq!(
        v["SearchForVideosResult"]["Videos"][0]["AssetId"].as_str(),
        Some(id)
    );
    let (_, v) = c.call(&c.http, "/v1/search/SearchForVideos", Some(&t), "SearchForVideosRequestBody",
        json!({"Query": {"AssetIds": [id], "SearchPhrase": "x"}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}}));
    assert_error(&v, "InvalidSearchForVideoByAssetId");
    let (_, v) = c.call(
        &c.http,
        "/v1/search/SearchForVideos",
        Some(&t),
        "SearchForVideosRequestBody",
        json!({"Query": {"SearchPhrase": "ocean"}, "Filter": {"AssetFamilies": ["Creative"]},
               "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1, "SortOrder": "Trending"}}),
    );
    assert_error(&v, "InvalidItemSortType");
}
