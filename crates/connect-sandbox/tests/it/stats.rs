use crate::common::*;
use connect_sandbox::SandboxConfig;
use serde_json::json;

#[test]
fn stats_count_operations_and_grants() {
    let sb = start(
        SandboxConfig::default()
            .with_images(500)
            .with_control_endpoints(true),
    );
    let c = Client::new(&sb);
    let token = c.oauth("alice");
    let threads: Vec<_> = (0..100)
        .map(|_| {
            let c = Client::new(&sb);
            let token = token.clone();
            std::thread::spawn(move || {
                let (_, v) = c.search(&token, json!({"Query": {"SearchPhrase": "tree"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
                assert_eq!(status(&v), "Success");
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (s, v) = c.post(&format!("{}/_sandbox/stats", c.http), &json!({}));
    assert_eq!(s, 405, "stats is a GET: {v}");
    let mut r = c
        .agent
        .get(format!("{}/_sandbox/stats", c.http))
        .call()
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(v["operations"]["SearchForImages"], 100);
    assert_eq!(v["grants"]["password"], 1);
    assert_eq!(sb.stats().grants.get("password"), Some(&1));
    c.session("bob");
    assert_eq!(sb.stats().grants.get("CreateSession"), Some(&1));
    sb.reset_stats();
    assert!(sb.stats().operations.is_empty());
}

#[test]
fn faults_are_a_seeded_mix() {
    let sb = start(
        SandboxConfig::default()
            .with_images(500)
            .with_fault_rate(1.0),
    );
    let c = Client::new(&sb);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..30 {
        let r = c
            .agent
            .post(format!("{}/v2/search/SearchForImages", c.http))
            .send("{}".as_bytes());
        match r {
            Err(_) => {
                seen.insert("dropped");
            }
            Ok(resp) if resp.status().as_u16() == 503 => {
                assert_eq!(resp.headers().get("retry-after").unwrap(), "1");
                seen.insert("503");
            }
            Ok(mut resp) => {
                let body = resp.body_mut().read_to_string().unwrap();
                assert!(body.contains("DependentServiceDown"), "{body}");
                seen.insert("down");
            }
        }
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    // A pooled connection the server already dropped fails on the client side without
    // reaching the server, so the server may count a little fewer than 30.
    let faults = sb.stats().faults;
    assert!((20..=30).contains(&faults), "{faults}");
}
