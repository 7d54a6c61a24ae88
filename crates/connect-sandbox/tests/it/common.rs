//! Shared helpers: one sandbox for most tests, a ureq agent that trusts its CA, and small
//! wrappers that send envelopes and read them back as JSON.

use connect_sandbox::{Sandbox, SandboxConfig, SandboxThread};
use serde_json::{Value, json};
use std::sync::OnceLock;

/// The shared sandbox: 2,000 images, default token lifetime.
pub fn shared() -> &'static SandboxThread {
    static SB: OnceLock<SandboxThread> = OnceLock::new();
    SB.get_or_init(|| start(SandboxConfig::default().with_images(2_000)))
}

/// Starts a dedicated sandbox.
pub fn start(config: SandboxConfig) -> SandboxThread {
    Sandbox::start_blocking(config).expect("sandbox starts")
}

/// A client for one sandbox.
pub struct Client {
    pub agent: ureq::Agent,
    pub http: String,
    pub https: String,
}

impl Client {
    pub fn new(sb: &SandboxThread) -> Self {
        Self::at(&sb.http_base_url(), &sb.https_base_url(), sb.ca_pem())
    }

    /// A client for a sandbox at these base URLs, trusting `ca_pem`.
    pub fn at(http: &str, https: &str, ca_pem: &str) -> Self {
        let cert = ureq::tls::Certificate::from_pem(ca_pem.as_bytes()).expect("CA parses");
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Client {
            agent,
            http: http.to_owned(),
            https: https.to_owned(),
        }
    }

    /// POSTs raw bytes; returns status and body text.
    pub fn raw(&self, url: &str, body: &[u8]) -> (u16, String) {
        let mut r = self
            .agent
            .post(url)
            .header("Content-Type", "application/json")
            .send(body)
            .expect("request completes");
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().expect("body reads");
        (status, text)
    }

    /// POSTs a JSON value; returns status and the parsed reply.
    pub fn post(&self, url: &str, body: &Value) -> (u16, Value) {
        let (s, t) = self.raw(url, body.to_string().as_bytes());
        (s, serde_json::from_str(&t).unwrap_or(Value::String(t)))
    }

    /// Calls an operation with a token and body key.
    pub fn call(
        &self,
        base: &str,
        path: &str,
        token: Option<&str>,
        key: &str,
        body: Value,
    ) -> (u16, Value) {
        let mut header = json!({});
        if let Some(t) = token {
            header["Token"] = json!(t);
        }
        self.post(
            &format!("{base}{path}"),
            &json!({"RequestHeader": header, key: body}),
        )
    }

    /// CreateSession for alice: (standard token, secure token).
    pub fn session(&self, user: &str) -> (String, String) {
        let (s, v) = self.call(
            &self.https,
            "/v1/session/CreateSession",
            None,
            "CreateSessionRequestBody",
            json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password",
                   "UserName": user, "UserPassword": format!("{user}-password")}),
        );
        assert_eq!(s, 200, "{v}");
        let r = &v["CreateSessionResult"];
        (
            r["Token"].as_str().expect("Token").to_owned(),
            r["SecureToken"].as_str().expect("SecureToken").to_owned(),
        )
    }

    /// POSTs a form to /oauth2/token over HTTPS.
    pub fn token_form(&self, form: &str) -> (u16, Value) {
        let mut r = self
            .agent
            .post(format!("{}/oauth2/token", self.https))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send(form.as_bytes())
            .expect("request completes");
        let status = r.status().as_u16();
        let text = r.body_mut().read_to_string().expect("body reads");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// An OAuth2 password-grant access token for `user`.
    pub fn oauth(&self, user: &str) -> String {
        let (s, v) = self.token_form(&format!(
            "grant_type=password&username={user}&password={user}-password&client_id=sandbox-client&client_secret=sandbox-client-secret"
        ));
        assert_eq!(s, 200, "{v}");
        v["access_token"].as_str().expect("access_token").to_owned()
    }

    /// SearchForImages over HTTP with a body.
    pub fn search(&self, token: &str, body: Value) -> (u16, Value) {
        self.call(
            &self.http,
            "/v2/search/SearchForImages",
            Some(token),
            "SearchForImagesRequestBody",
            body,
        )
    }
}

/// The overall status of a reply.
pub fn status(v: &Value) -> &str {
    v["ResponseHeader"]["Status"].as_str().unwrap_or("")
}

/// The status codes of a reply.
pub fn codes(v: &Value) -> Vec<String> {
    v["ResponseHeader"]["StatusList"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|e| e["Code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Asserts an error reply carrying `code`.
#[track_caller]
pub fn assert_error(v: &Value, code: &str) {
    assert_eq!(status(v), "Error", "{v}");
    assert!(codes(v).iter().any(|c| c == code), "expected {code}: {v}");
}
