//! oEmbed: `GET /oembed?url=http://gty.im/{asset id}`, the embed code of an image.
//!
//! Not an envelope operation (so not an [`Operation`](crate::Operation)): a plain GET with
//! query parameters, no token, and a flat JSON answer with lower-case keys. Errors are HTTP
//! statuses; a `format` other than `json` is answered with 501.

use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// The answer format; only `json` is implemented by the service.
    pub enum OEmbedFormat {
        /// JSON.
        Json = "json",
    }
}

/// The query of an oEmbed call.
///
/// ```
/// use connect_types::ops::OEmbedRequest;
/// let req = OEmbedRequest::for_asset("83454811").caller("example.com");
/// assert_eq!(req.url, "http://gty.im/83454811");
/// assert_eq!(req.asset_id(), Some("83454811"));
/// assert_eq!(req.query(), "url=http%3A%2F%2Fgty.im%2F83454811&caller=example.com");
/// assert_eq!(OEmbedRequest::from_query(&req.query()).unwrap(), req);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OEmbedRequest {
    /// The asset's short link, `http://gty.im/{asset id}`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(pattern(crate::schema::NON_BLANK)))]
    pub url: String,
    /// Who is calling, e.g. the embedding site's domain (advised).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller: Option<String>,
    /// The answer format (only `json`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<OEmbedFormat>,
}

impl OEmbedRequest {
    /// The same as [`Self::for_asset`] (`new` on every request takes what the operation requires).
    pub fn new(asset_id: impl AsRef<str>) -> Self {
        Self::for_asset(asset_id)
    }

    /// The operation's documented name.
    pub const NAME: &'static str = "oEmbed";
    /// The HTTP method.
    pub const METHOD: &'static str = "GET";
    /// The path (on the embed host).
    pub const PATH: &'static str = "/oembed";
    /// The short-link prefix that `url` carries.
    pub const SHORT_LINK_PREFIX: &'static str = "http://gty.im/";

    /// The embed code of asset `asset_id`.
    pub fn for_asset(asset_id: impl AsRef<str>) -> Self {
        Self {
            url: format!("{}{}", Self::SHORT_LINK_PREFIX, asset_id.as_ref()),
            caller: None,
            format: None,
        }
    }

    /// Sets the caller.
    #[must_use]
    pub fn caller(mut self, caller: impl Into<String>) -> Self {
        self.caller = Some(caller.into());
        self
    }

    /// Sets the format.
    #[must_use]
    pub fn format(mut self, format: OEmbedFormat) -> Self {
        self.format = Some(format);
        self
    }

    /// The asset id in `url`, when it is a `gty.im` short link (http or https).
    pub fn asset_id(&self) -> Option<&str> {
        let rest = self
            .url
            .strip_prefix("http://")
            .or_else(|| self.url.strip_prefix("https://"))?;
        let id = rest.strip_prefix("gty.im/")?;
        let id = id.trim_end_matches('/');
        (!id.is_empty() && !id.contains(['/', '?', '#'])).then_some(id)
    }

    /// The query string (without `?`), every value percent-encoded.
    pub fn query(&self) -> String {
        let mut out = String::from("url=");
        crate::percent::encode_into(&self.url, &mut out);
        if let Some(c) = &self.caller {
            out.push_str("&caller=");
            crate::percent::encode_into(c, &mut out);
        }
        if let Some(f) = &self.format {
            out.push_str("&format=");
            crate::percent::encode_into(f.as_str(), &mut out);
        }
        out
    }

    /// Reads a query string (with or without `?`). Unknown parameters are ignored; a
    /// malformed escape is an error that names the parameter.
    pub fn from_query(query: &str) -> Result<Self, String> {
        let mut req = Self::default();
        for pair in query.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let value = crate::percent::decode(v)
                .ok_or_else(|| format!("query parameter {k:?} is not valid percent-encoding"))?;
            match k {
                "url" => req.url = value,
                "caller" => req.caller = Some(value),
                "format" => req.format = Some(OEmbedFormat::parse(&value)),
                _ => {}
            }
        }
        Ok(req)
    }
}

/// The oEmbed answer: a flat object with lower-case keys (no envelope).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OEmbedResponse {
    /// The oEmbed type, e.g. `rich`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    /// The oEmbed version, e.g. `1.0`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub version: Option<String>,
    /// The image's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The image's caption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The photographer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photographer: Option<String>,
    /// The collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    /// Embeddable HTML (an iframe).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Width of the embed, in pixels.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub width: Option<u32>,
    /// Height of the embed, in pixels.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub height: Option<u32>,
    /// A thumbnail of the image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail_url: Option<String>,
    /// The thumbnail's height (the example quotes it; a number or a numeric string reads).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub thumbnail_height: Option<u32>,
    /// The thumbnail's width (as `thumbnail_height`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub thumbnail_width: Option<u32>,
    /// Terms of use of the embed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_of_use_url: Option<String>,
}
