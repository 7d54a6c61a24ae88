//! The routes for tools: the OpenAPI description names this sandbox as its servers.

use crate::common::*;

#[test]
fn openapi_json_is_served_with_the_sandboxs_own_urls() {
    let sb = shared();
    let c = Client::new(sb);
    let mut r = c
        .agent
        .get(format!("{}/openapi.json", c.http))
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(v["openapi"], "3.1.0");
    let servers: Vec<&str> = v["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["url"].as_str().unwrap())
        .collect();
    assert_eq!(servers, [c.https.as_str(), c.http.as_str()]);
    // Secure-only operations list only the HTTPS listener.
    let renew = &v["paths"]["/v1/session/RenewSession"]["servers"];
    assert_eq!(renew[0]["url"], c.https.as_str());
    assert_eq!(renew.as_array().unwrap().len(), 1);
    // Every operation in the description is one the sandbox routes (none answers 404).
    for path in v["paths"].as_object().unwrap().keys() {
        if path.starts_with("/oauth2/") {
            continue;
        }
        let (status, body) = c.post(&format!("{}{path}", c.https), &serde_json::json!({}));
        assert!(
            status != 404 && status != 501,
            "{path} is described but not served: {status} {body}"
        );
    }
}
