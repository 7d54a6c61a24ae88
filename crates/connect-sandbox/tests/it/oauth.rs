use crate::common::*;

const CLIENT: &str = "client_id=sandbox-client&client_secret=sandbox-client-secret";

#[test]
fn client_credentials_grant() {
    let c = Client::new(shared());
    let (s, v) = c.token_form(&format!("grant_type=client_credentials&{CLIENT}"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 1800);
    assert!(v.get("refresh_token").is_none());
}

#[test]
fn password_and_refresh_grants() {
    let c = Client::new(shared());
    let (s, v) = c.token_form(&format!(
        "grant_type=password&username=alice&password=alice-password&{CLIENT}"
    ));
    assert_eq!(s, 200, "{v}");
    let refresh = v["refresh_token"].as_str().unwrap();
    let (s, v2) = c.token_form(&format!(
        "grant_type=refresh_token&refresh_token={refresh}&{CLIENT}"
    ));
    assert_eq!(s, 200, "{v2}");
    assert_ne!(v2["access_token"], v["access_token"]);
}

#[test]
fn errors_follow_rfc_6749() {
    let c = Client::new(shared());
    let (s, v) =
        c.token_form("grant_type=client_credentials&client_id=sandbox-client&client_secret=wrong");
    assert_eq!((s, v["error"].as_str()), (401, Some("invalid_client")));
    let (s, v) = c.token_form(&format!(
        "grant_type=password&username=alice&password=nope&{CLIENT}"
    ));
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
    let (s, v) = c.token_form(&format!(
        "grant_type=refresh_token&refresh_token=nope&{CLIENT}"
    ));
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_grant")));
    let (s, v) = c.token_form(&format!("grant_type=authorization_code&{CLIENT}"));
    assert_eq!(
        (s, v["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (s, v) = c.token_form(CLIENT);
    assert_eq!((s, v["error"].as_str()), (400, Some("invalid_request")));
    // Plain HTTP is refused.
    let mut r = c
        .agent
        .post(format!("{}/oauth2/token", c.http))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("grant_type=client_credentials&{CLIENT}").as_bytes())
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(
        r.body_mut()
            .read_to_string()
            .unwrap()
            .contains("invalid_request")
    );
}

#[test]
fn implicit_grant_redirects_with_the_token_in_the_fragment() {
    let c = Client::new(shared());
    let url = format!(
        "{}/oauth2/auth?response_type=token&client_id=sandbox-client&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=xyz&username=alice&password=alice-password",
        c.https
    );
    let r = c.agent.get(&url).call().unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let loc = r
        .headers()
        .get("location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        loc.starts_with("https://app.example/cb#access_token="),
        "{loc}"
    );
    assert!(
        loc.contains("token_type=bearer")
            && loc.contains("state=xyz")
            && loc.contains("expires_in="),
        "{loc}"
    );
    let token = loc
        .split("access_token=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let (_, v) = c.search(token, serde_json::json!({"Query": {"SearchPhrase": "dog"}, "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}}));
    assert_eq!(status(&v), "Success", "{v}");
    let bad = url.replace("alice-password", "wrong");
    let r = c.agent.get(&bad).call().unwrap();
    let loc = r.headers().get("location").unwrap().to_str().unwrap();
    assert!(
        loc.contains("error=access_denied") && loc.contains("state=xyz"),
        "{loc}"
    );
}
