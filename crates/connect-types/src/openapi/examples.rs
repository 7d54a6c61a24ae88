//! The OpenAPI document's examples outside the envelope operations (the token and sign-in
//! forms, oEmbed's parameters) and the token placeholder. Each envelope operation's example
//! request sits beside its request type ([`crate::operation::Described::example`]).
//!
//! The values are the sandbox's seeded fixtures (its system, its user `alice`, its catalog's
//! ids), so every example works as written against `connect-sandbox`, in a browser tool's
//! "try it out" as much as in a test generator. A test in the sandbox sends each one. The
//! token is a placeholder: the API carries it in the body, where no tool can fill it in by
//! itself. Three values name state a call creates first: a lightbox id (CreateLightbox), a
//! download token (GetImageDownloadAuthorizations) and a transaction id (GetAssetChanges).

use serde_json::{Value, json};

/// The placeholder in every example's `RequestHeader.Token`.
pub const TOKEN_PLACEHOLDER: &str = "<access token>";

/// The image the examples use: an image of the sandbox catalog (seed 42) that may be embedded.
pub const IMAGE_ID: &str = crate::ops::EXAMPLE_IMAGE_ID;

/// A password grant for the sandbox's user `alice` through its OAuth2 client.
pub fn token_form() -> Value {
    json!({
        "grant_type": "password",
        "client_id": "sandbox-client",
        "client_secret": "sandbox-client-secret",
        "username": "alice",
        "password": "alice-password",
    })
}

/// An example value of the authorize endpoint's query parameter `name`.
pub fn authorize_parameter(name: &str) -> Option<&'static str> {
    match name {
        "client_id" => Some("sandbox-client"),
        "redirect_uri" => Some("https://app.example.com/signed-in"),
        "state" => Some("d8a1f0"),
        _ => None,
    }
}

/// What the sign-in page posts for `alice`.
pub fn sign_in_form() -> Value {
    let mut form =
        json!({"response_type": "token", "username": "alice", "password": "alice-password"});
    for name in ["client_id", "redirect_uri", "state"] {
        form[name] = json!(authorize_parameter(name));
    }
    form
}

/// An example value of oEmbed's query parameter `name`.
pub fn oembed_parameter(name: &str) -> Option<&'static str> {
    match name {
        "url" => Some("http://gty.im/100000002"),
        "caller" => Some("example.com"),
        _ => None,
    }
}
