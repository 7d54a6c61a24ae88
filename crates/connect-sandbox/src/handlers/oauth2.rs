//! OAuth2: `POST /oauth2/token` (client_credentials, password, refresh_token) and the implicit
//! grant at `GET /oauth2/auth`. Errors take the RFC 6749 form.

use crate::security::Scheme;
use crate::state::State;
use crate::store::tokens::TokenKind;
use connect_types::ops::oauth2::{OAuthErrorResponse, decode_form, encode_form};
use http::StatusCode as Http;
use serde_json::{Value, json};

/// A reply: HTTP status and JSON body.
pub type Reply = (Http, Value);

fn error(http: Http, code: &str, description: &str) -> Reply {
    let e = OAuthErrorResponse {
        error: code.to_owned(),
        error_description: Some(description.to_owned()),
        error_uri: None,
    };
    (http, serde_json::to_value(e).unwrap_or(Value::Null))
}

/// Reads form fields; a JSON object body is accepted too (some old clients sent one).
fn fields(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    let t = text.trim();
    if t.starts_with('{') {
        if let Ok(Value::Object(m)) = serde_json::from_str::<Value>(t) {
            return m
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k, v)
                })
                .collect();
        }
    }
    decode_form(t)
}

fn field<'a>(f: &'a [(String, String)], name: &str) -> Option<&'a str> {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The application key a token request names (its `client_id`), for the call limits.
pub fn client_id(body: &[u8]) -> Option<String> {
    field(&fields(body), "client_id").map(str::to_owned)
}

/// `POST /oauth2/token`.
pub fn token(state: &State, scheme: Scheme, body: &[u8]) -> Reply {
    let f = fields(body);
    let grant = field(&f, "grant_type").unwrap_or("");
    state.stats.grant(grant);
    if scheme == Scheme::Http {
        return error(
            Http::BAD_REQUEST,
            "invalid_request",
            "the token endpoint must be called over HTTPS",
        );
    }
    if grant.is_empty() {
        return error(
            Http::BAD_REQUEST,
            "invalid_request",
            "grant_type is required",
        );
    }
    if !matches!(grant, "client_credentials" | "password" | "refresh_token") {
        return error(
            Http::BAD_REQUEST,
            "unsupported_grant_type",
            "supported grants: client_credentials, password, refresh_token",
        );
    }
    let creds = &state.config.credentials;
    let (Some(id), Some(secret)) = (field(&f, "client_id"), field(&f, "client_secret")) else {
        return error(
            Http::BAD_REQUEST,
            "invalid_request",
            "client_id and client_secret are required",
        );
    };
    if id != creds.client_id || secret != creds.client_secret {
        return error(
            Http::UNAUTHORIZED,
            "invalid_client",
            "unknown client_id or wrong client_secret",
        );
    }
    let ttl = state.tokens.ttl().as_secs().max(1);
    match grant {
        "client_credentials" => {
            let access = state.tokens.issue_access(None);
            (
                Http::OK,
                json!({"access_token": access, "token_type": "Bearer", "expires_in": ttl}),
            )
        }
        "password" => {
            let (Some(user), Some(pw)) = (field(&f, "username"), field(&f, "password")) else {
                return error(
                    Http::BAD_REQUEST,
                    "invalid_request",
                    "username and password are required",
                );
            };
            let Some(user) = state.sign_in(user, pw) else {
                return error(
                    Http::BAD_REQUEST,
                    "invalid_grant",
                    "wrong username or password",
                );
            };
            let user = user.as_str();
            let access = state.tokens.issue_access(Some(user));
            let refresh = state.tokens.issue_refresh(user);
            (
                Http::OK,
                json!({"access_token": access, "token_type": "Bearer", "expires_in": ttl, "refresh_token": refresh}),
            )
        }
        _ => {
            let Some(rt) = field(&f, "refresh_token") else {
                return error(
                    Http::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is required",
                );
            };
            match state.tokens.lookup(rt) {
                Some(info) if info.kind == TokenKind::Refresh => {
                    let access = state.tokens.issue_access(info.user.as_deref());
                    (
                        Http::OK,
                        json!({"access_token": access, "token_type": "Bearer", "expires_in": ttl, "refresh_token": rt}),
                    )
                }
                _ => error(
                    Http::BAD_REQUEST,
                    "invalid_grant",
                    "the refresh token is unknown, revoked or expired",
                ),
            }
        }
    }
}

/// The outcome of `GET /oauth2/auth`: a redirect or a direct error.
#[derive(Debug)]
pub enum AuthReply {
    /// 302 to this location.
    Redirect(String),
    /// An error that cannot be redirected (bad client or redirect URI).
    Error(Reply),
}

/// `GET /oauth2/auth?response_type=token&client_id=…&redirect_uri=…&state=…&username=…&password=…`.
pub fn authorize(state: &State, scheme: Scheme, query: &str) -> AuthReply {
    state.stats.grant("implicit");
    let f = decode_form(query);
    if scheme == Scheme::Http {
        return AuthReply::Error(error(
            Http::BAD_REQUEST,
            "invalid_request",
            "the authorization endpoint must be called over HTTPS",
        ));
    }
    let Some(redirect) = field(&f, "redirect_uri") else {
        return AuthReply::Error(error(
            Http::BAD_REQUEST,
            "invalid_request",
            "redirect_uri is required",
        ));
    };
    if field(&f, "client_id") != Some(state.config.credentials.client_id.as_str()) {
        return AuthReply::Error(error(
            Http::BAD_REQUEST,
            "invalid_client",
            "unknown client_id",
        ));
    }
    let st = field(&f, "state");
    let mut pairs: Vec<(&str, String)> = Vec::new();
    let with_state = |mut p: Vec<(&'static str, String)>| {
        if let Some(s) = st {
            p.push(("state", s.to_owned()));
        }
        p
    };
    if field(&f, "response_type") != Some("token") {
        pairs = with_state(vec![
            ("error", "unsupported_response_type".into()),
            (
                "error_description",
                "only response_type=token is supported".into(),
            ),
        ]);
    } else {
        match (field(&f, "username"), field(&f, "password")) {
            (Some(u), Some(p)) if state.sign_in(u, p).is_some() => {
                let who = state.sign_in(u, p).unwrap_or_else(|| u.to_owned());
                let access = state.tokens.issue_access(Some(&who));
                pairs = with_state(vec![
                    ("access_token", access),
                    ("token_type", "bearer".into()),
                    (
                        "expires_in",
                        state.tokens.ttl().as_secs().max(1).to_string(),
                    ),
                ]);
            }
            _ => {
                pairs.extend(with_state(vec![
                    ("error", "access_denied".into()),
                    (
                        "error_description",
                        "the sandbox signs in with username and password query parameters".into(),
                    ),
                ]));
            }
        }
    }
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let base = redirect.split('#').next().unwrap_or(redirect);
    AuthReply::Redirect(format!("{base}#{}", encode_form(&refs)))
}
