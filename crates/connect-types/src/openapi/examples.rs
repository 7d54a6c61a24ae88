//! One example request per operation, for the OpenAPI document.
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
pub const IMAGE_ID: &str = "100000002";

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

/// The example body (under the operation's body key) of the operation documented as `name`.
pub fn body(name: &str) -> Option<Value> {
    let page = json!({"ItemCount": 10, "ItemStartNumber": 1});
    Some(match name {
        "CreateSession" => json!({
            "SystemId": "sandbox",
            "SystemPassword": "sandbox-system-password",
            "UserName": "alice",
            "UserPassword": "alice-password",
        }),
        "RenewSession" => {
            json!({"SystemId": "sandbox", "SystemPassword": "sandbox-system-password"})
        }
        "SearchForImages" => json!({
            "Query": {"SearchPhrase": "beach"},
            "ResultOptions": page,
            "Filter": {"ImageFamilies": ["Creative"]},
        }),
        "GetImageDetails" => json!({"ImageIds": [IMAGE_ID, "100000003"], "Language": "en-us"}),
        "GetEventDetails" => json!({"EventIds": [10000]}),
        "SearchForVideos" => json!({"Query": {"SearchPhrase": "surf"}, "ResultOptions": page}),
        "GetImageDownloadAuthorizations" => {
            json!({"ImageSizes": [{"ImageId": IMAGE_ID, "SizeKey": "master"}]})
        }
        "GetLargestImageDownloadAuthorizations" => {
            json!({"Images": [{"ImageId": IMAGE_ID}, {"ImageId": "100000003"}]})
        }
        "CreateDownloadRequest" => {
            json!({"DownloadItems": [{"DownloadToken": "<DownloadToken from GetImageDownloadAuthorizations>"}]})
        }
        "CreateLightbox" => json!({"LightboxName": "Beach ideas", "Notes": "for the summer issue"}),
        "GetLightbox" => json!({"LightboxId": 1, "LightboxItemsViewOptions": page}),
        "CreateLightboxItems" | "DeleteLightboxItems" => {
            json!({"LightboxId": 1, "AssetIds": [IMAGE_ID, "100000003"]})
        }
        "DeleteLightbox" | "CreateSharedLightbox" => json!({"LightboxId": 1}),
        "GetLightboxHeaders" => json!({"ResultsViewOptions": page}),
        "UpdateLightboxHeader" => json!({"LightboxId": 1, "LightboxName": "Beach ideas, final"}),
        "GetPreviousDownloads" | "GetPreviousPurchases" => page,
        "GetActiveProductOfferings" | "GetAllProductOfferings" | "GetCollections" => json!({}),
        "GetCountries" => json!({"Language": "en-us"}),
        "CreateCustomer" => json!({
            "UserName": "new-customer",
            "Password": "a-long-enough-password",
            "EmailAddress": "new-customer@example.com",
            "FirstName": "New",
            "LastName": "Customer",
            "BillingCountryChar3Iso": "USA",
        }),
        "ReportUsage" => json!({
            "TransactionId": "3f2b8c1e-usage-example",
            "AssetUsages": [{"AssetId": IMAGE_ID, "Quantity": 1, "UsageDate": "2026-11-01"}],
        }),
        "GetAssetChanges" => json!({"ChannelId": 1, "ItemCount": 10}),
        "ConfirmAssetChanges" => {
            json!({"TransactionId": "<TransactionId from GetAssetChanges>"})
        }
        _ => return None,
    })
}
