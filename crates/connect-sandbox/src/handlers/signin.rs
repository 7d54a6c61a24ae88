//! The implicit grant's sign-in page: what a browser sees at `GET /oauth2/auth` when the URL
//! carries no credentials (as the service showed its own page). Its form posts the user's name
//! and password back to `/oauth2/auth` with the authorize parameters in hidden fields; right
//! credentials end in the grant's redirect, wrong ones show the page again with an error.

use crate::handlers::oauth2::{self, AuthReply};
use crate::response::{Body, empty, full, json_response};
use crate::security::Scheme;
use crate::state::State;
use connect_types::ops::oauth2::{AUTHORIZE_PATH, decode_form};
use http::{HeaderValue, Response, StatusCode as Http, header};

/// What the page says after a failed sign-in.
pub const WRONG_CREDENTIALS: &str = "The user name or password is incorrect. Try again.";

/// `/oauth2/auth`: `query` is the URL's query; `form` the body of a `POST` from the page.
///
/// - No credentials in the query, over HTTPS, for the known client with a redirect URI: the
///   sign-in page.
/// - A posted form with the right credentials: the grant's redirect; with wrong or missing
///   ones: the page again, with an error.
/// - Anything else (scripts passing `username` and `password`, bad requests): the grant's own
///   answer, a redirect or an error.
pub fn authorize(
    state: &State,
    scheme: Scheme,
    query: &str,
    form: Option<&[u8]>,
) -> Response<Body> {
    let pairs = match form {
        Some(body) => decode_form(&String::from_utf8_lossy(body)),
        None => decode_form(query),
    };
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let page_applies = scheme == Scheme::Https
        && get("client_id") == Some(state.config.credentials.client_id.as_str())
        && get("redirect_uri").is_some_and(|r| !r.is_empty());
    if page_applies {
        if form.is_none() && wants_page(query) {
            return page(&pairs, None, Http::OK);
        }
        let signed_in = get("username")
            .zip(get("password"))
            .is_some_and(|(u, p)| state.config.credentials.user_matches(u, p));
        if form.is_some() && !signed_in {
            return page(&pairs, Some(WRONG_CREDENTIALS), Http::OK);
        }
    }
    let query = match form {
        Some(_) => as_query(&pairs),
        None => query.to_owned(),
    };
    match oauth2::authorize(state, scheme, &query) {
        AuthReply::Redirect(loc) => {
            let mut r = Response::new(empty());
            *r.status_mut() = Http::FOUND;
            if let Ok(v) = HeaderValue::from_str(&loc) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        AuthReply::Error((s, v)) => json_response(s, &v),
    }
}

/// The authorize parameters the page carries through its hidden fields.
const CARRIED: [&str; 4] = ["response_type", "client_id", "redirect_uri", "state"];

/// Whether a `GET /oauth2/auth` query asks for the page: it names no user and no password.
pub fn wants_page(query: &str) -> bool {
    !decode_form(query)
        .iter()
        .any(|(k, _)| k == "username" || k == "password")
}

/// The page, for the authorize parameters in `form` (a query or a posted form); `error` is
/// shown above the form, and `status` is the answer's HTTP status.
pub fn page(form: &[(String, String)], error: Option<&str>, status: Http) -> Response<Body> {
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let mut hidden = String::new();
    for name in CARRIED {
        hidden.push_str(&format!(
            "      <input type=\"hidden\" name=\"{name}\" value=\"{}\">\n",
            escape(get(name))
        ));
    }
    let error = error.map_or(String::new(), |e| {
        format!("    <p class=\"error\" role=\"alert\">{}</p>\n", escape(e))
    });
    let username = escape(get("username"));
    let client = escape(get("client_id"));
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in - Connect sandbox</title>
  <style>
    body {{ font-family: sans-serif; background: #f2f2f2; margin: 0; }}
    main {{ max-width: 22rem; margin: 4rem auto; background: #fff; padding: 2rem;
           border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.2); }}
    h1 {{ font-size: 1.4rem; margin-top: 0; }}
    label {{ display: block; margin-top: 1rem; font-weight: bold; }}
    input[type=text], input[type=password] {{ width: 100%; box-sizing: border-box;
           padding: .5rem; margin-top: .3rem; font-size: 1rem; }}
    button {{ margin-top: 1.5rem; width: 100%; padding: .6rem; font-size: 1rem;
             background: #1a1a1a; color: #fff; border: 0; border-radius: 4px; }}
    .error {{ color: #b00020; background: #fde8eb; padding: .6rem; border-radius: 4px; }}
    .note {{ color: #555; font-size: .85rem; }}
  </style>
</head>
<body>
  <main>
    <h1>Sign in to Getty Images</h1>
    <p class="note">Connect sandbox: application <code>{client}</code> asks to act for you.</p>
{error}    <form method="post" action="{AUTHORIZE_PATH}">
{hidden}      <label for="username">User name</label>
      <input type="text" id="username" name="username" value="{username}" autocomplete="username" required>
      <label for="password">Password</label>
      <input type="password" id="password" name="password" autocomplete="current-password" required>
      <button type="submit" id="sign-in">Sign in</button>
    </form>
    <p class="note">Seeded users: alice / alice-password, bob / bob-password.</p>
  </main>
</body>
</html>
"#
    );
    let mut r = Response::new(full(html));
    *r.status_mut() = status;
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    // The page takes a password: never cached, never framed by another site.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::HeaderName::from_static("x-frame-options"),
        HeaderValue::from_static("DENY"),
    );
    r
}

/// The query string for [`crate::handlers::oauth2::authorize`] built from a posted form: the
/// carried parameters plus the credentials.
pub fn as_query(form: &[(String, String)]) -> String {
    let pairs: Vec<(&str, &str)> = form
        .iter()
        .filter(|(k, _)| CARRIED.contains(&k.as_str()) || k == "username" || k == "password")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    connect_types::ops::oauth2::encode_form(&pairs)
}

/// Escapes text for an HTML attribute value or element content.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carried_values_are_escaped() {
        assert_eq!(
            escape("\"><script>x</script>"),
            "&quot;&gt;&lt;script&gt;x&lt;/script&gt;"
        );
    }

    #[test]
    fn the_page_is_asked_for_without_credentials_only() {
        assert!(wants_page(
            "response_type=token&client_id=c&redirect_uri=x&state=s"
        ));
        assert!(!wants_page("response_type=token&username=alice&password=p"));
    }
}
