//! SingleStepDownload, `POST /v2/download/{ImageId}`: the v2-style download. No envelope:
//! the OAuth2 token comes as `Authorization: Bearer …`, the application's key as `Api-Key`,
//! and the outcome is the HTTP status (302 to the file, or 401/403/404 with a message).

use crate::response::{Body, empty, text};
use crate::security::Scheme;
use crate::state::State;
use crate::store::accounts::SpendError;
use crate::store::downloads::Grant;
use connect_types::StatusCode;
use connect_types::ops::SingleStepRefusal;

/// Offerings SingleStepDownload cannot spend.
const NOT_ELIGIBLE: &[&str] = &["ImagePack", "RoyaltyFreeSubscription"];

/// The answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// 302 to this URL.
    Redirect(String),
    /// A documented refusal.
    Refused(SingleStepRefusal),
    /// 401 for a missing or wrong `Api-Key`, with a message.
    BadKey(&'static str),
}

/// What the request carried.
#[derive(Debug)]
pub struct Call<'a> {
    /// The `{ImageId}` path segment (already percent-decoded).
    pub image_id: &'a str,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The `Api-Key` header.
    pub api_key: Option<&'a str>,
}

/// Runs one SingleStepDownload.
pub fn run(state: &State, scheme: Scheme, call: &Call<'_>) -> Reply {
    use SingleStepRefusal as R;
    if scheme == Scheme::Http {
        return Reply::Refused(R::InsecureChannel);
    }
    match call.api_key.map(str::trim) {
        None | Some("") => return Reply::BadKey("the Api-Key header is required"),
        Some(k) if k != state.config.credentials.client_id => {
            return Reply::BadKey(
                "the Api-Key header does not name an application of this sandbox",
            );
        }
        Some(_) => {}
    }
    let token = call
        .authorization
        .and_then(|a| {
            let (scheme, rest) = a.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Reply::Refused(R::NotAuthenticated);
    };
    let principal = match crate::security::authorize(
        &state.tokens,
        scheme,
        connect_types::Security::SecureOnly,
        Some(token),
    ) {
        Ok(p) => p,
        Err(f) => {
            let secure = f.entries.iter().any(|e| {
                matches!(
                    e.code,
                    Some(StatusCode::Auth023 | StatusCode::OperationRequiresSecureToken)
                )
            });
            return Reply::Refused(if secure {
                R::NotSecureToken
            } else {
                R::NotAuthenticated
            });
        }
    };
    let shape = &state.index.shape;
    let Some(i) = shape.image_index(call.image_id) else {
        return Reply::Refused(R::ImageNotFound);
    };
    let Some(user) = principal.user.as_deref() else {
        // A client-credentials token has no user, so no offering.
        return Reply::Refused(R::NoOffering);
    };
    let core = shape.image(i);
    let covering = crate::render::offerings(core.offerings)
        .into_iter()
        .map(|o| if o == "Imagepack" { "ImagePack" } else { o })
        .collect::<Vec<_>>();
    let id = crate::render::image_id(i);
    let spent = state.kept.accounts.spend(
        user,
        &id,
        &covering,
        |o| !NOT_ELIGIBLE.contains(&o),
        state.clock.now_millis(),
    );
    match spent {
        Err(SpendError::NotCovered) => return Reply::Refused(R::NoAuthorizations),
        Err(SpendError::NotUsable) => return Reply::Refused(R::OfferingNotUsable),
        Err(SpendError::Exhausted) => return Reply::Refused(R::NoOffering),
        Ok(_) => state.stats.url_sold(&id),
    }
    let sizes = shape.image_sizes(i, &core);
    let Some(largest) = sizes
        .iter()
        .max_by_key(|s| u64::from(s.pixel_width) * u64::from(s.pixel_height))
    else {
        return Reply::Refused(R::NoAuthorizations);
    };
    let ttl = i64::try_from(state.config.download_url_ttl.as_millis()).unwrap_or(i64::MAX);
    let url_expiry = state.clock.now_millis().saturating_add(ttl);
    Reply::Redirect(format!(
        "{}{}",
        state.https_base,
        state.downloads.url_path(&Grant {
            kind: 'i',
            index: i,
            size: largest.key.to_owned(),
            expires: url_expiry,
            offering: None,
        })
    ))
}

/// The HTTP answer to `POST /v2/download/{ImageId}` (`image_id` is the path's last segment).
pub fn respond(
    state: &State,
    scheme: Scheme,
    headers: &http::HeaderMap,
    image_id: &str,
) -> http::Response<Body> {
    use http::{HeaderValue, StatusCode as Http, header};
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let call = Call {
        image_id,
        authorization: get("authorization"),
        api_key: get("api-key"),
    };
    let mut r = match run(state, scheme, &call) {
        Reply::Redirect(url) => {
            let mut r = http::Response::new(empty());
            *r.status_mut() = Http::FOUND;
            if let Ok(v) = HeaderValue::from_str(&url) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Reply::Refused(why) => {
            if let Some(code) = why.status_code() {
                state.stats.error(code.as_str());
            }
            let status = Http::from_u16(why.http_status()).unwrap_or(Http::FORBIDDEN);
            text(status, format!("{}\n", why.message()))
        }
        Reply::BadKey(why) => text(Http::UNAUTHORIZED, format!("{why}\n")),
    };
    // The caller's coordination id comes back in the header of the same name.
    if let Some(v) = headers.get("gi-coordination-id") {
        r.headers_mut().insert("gi-coordination-id", v.clone());
    }
    r
}
