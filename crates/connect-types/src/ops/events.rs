//! GetEventDetails (`/v1/search/GetEventDetails`).

use crate::date::MsDate;
use crate::operation::{Described, Operation, Security};
use serde::{Deserialize, Serialize};

crate::string_enum! {
    /// Per-event outcome in GetEventDetails.
    pub enum EventStatus {
        /// The event was found.
        Success = "Success",
        /// No such event.
        NotFound = "Not Found",
    }
}

/// The `GetEventDetailsRequestBody`.
///
/// ```
/// use connect_types::ops::GetEventDetailsRequest;
/// let req = GetEventDetailsRequest::ids([101, 202]);
/// assert_eq!(req.event_ids, [101, 202]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetEventDetailsRequest {
    /// Events to describe (at least one).
    #[serde(default, deserialize_with = "crate::lenient::vec_int")]
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub event_ids: Vec<u64>,
}

impl GetEventDetailsRequest {
    /// The same as [`Self::ids`] (`new` on every request takes what the operation requires).
    pub fn new<I: IntoIterator<Item = u64>>(ids: I) -> Self {
        Self::ids(ids)
    }

    /// Details of these events.
    pub fn ids<I: IntoIterator<Item = u64>>(ids: I) -> Self {
        Self {
            event_ids: ids.into_iter().collect(),
        }
    }
}

impl Operation for GetEventDetailsRequest {
    type Result = GetEventDetailsResult;
    const NAME: &'static str = "GetEventDetails";
    const PATH: &'static str = "/v1/search/GetEventDetails";
    const BODY_KEY: &'static str = "GetEventDetailsRequestBody";
    const RESULT_KEY: Option<&'static str> = Some("GetEventDetailsResult");
    const SECURITY: Security = Security::Standard;
    const IDEMPOTENT: bool = true;
    const CHANGES_STATE: bool = false;
}

impl Described for GetEventDetailsRequest {
    const METHOD: Option<&'static str> = Some("event_details");
    const SUMMARY: &'static str = "metadata of events, by id.";
    const CLIENT_EXAMPLE: &'static str = r#"use {crate}::ops::GetEventDetailsRequest;
let events = client.event_details(&GetEventDetailsRequest::ids([100009884])){await}?;
println!("{} events", events.result.event_result.len());"#;
    fn example() -> Self {
        GetEventDetailsRequest::ids([10000])
    }
}

/// `GetEventDetailsResult`: one entry per requested event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GetEventDetailsResult {
    /// The outcome per event.
    #[serde(default, deserialize_with = "crate::lenient::vec")]
    pub event_result: Vec<EventResult>,
}

/// The outcome for one requested event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct EventResult {
    /// The event, when found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<Event>,
    /// The requested id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub event_id: Option<u64>,
    /// Found or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<EventStatus>,
}

/// An editorial event.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Event {
    /// Number of child events.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub child_event_count: Option<u32>,
    /// Editorial segments (strings; the table types them as integers).
    #[serde(default, deserialize_with = "crate::lenient::vec_string")]
    pub editorial_segments: Vec<String>,
    /// Event id.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub event_id: Option<u64>,
    /// Event name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_name: Option<String>,
    /// Number of images of the event.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_int"
    )]
    pub image_count: Option<u64>,
    /// Where it took place (an object; a list reads as its first entry).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::one_or_first"
    )]
    pub location: Option<EventLocation>,
    /// An image that represents the event.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_string"
    )]
    pub representative_image_id: Option<String>,
    /// When the event started.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::lenient::opt_ms_date"
    )]
    pub start_date: Option<MsDate>,
}

/// Where an event took place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct EventLocation {
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// State or province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_province: Option<String>,
    /// Venue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub venue: Option<String>,
}
