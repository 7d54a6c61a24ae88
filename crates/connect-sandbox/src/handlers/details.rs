//! GetImageDetails and GetEventDetails.

use super::Call;
use crate::api::{self, Done, Fail};
use crate::catalog;
use crate::operations::Op;
use crate::render::{self, ImageView};
use crate::state::State;
use crate::vocab::{LOCATIONS, SEGMENTS, VENUES};
use connect_types::StatusCode;
use connect_types::ops;
use connect_types::ops::MAX_IMAGE_DETAIL_IDS;
use serde_json::{Value, json};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::GetImageDetailsRequest>(images).built_from_model(),
        Op::of::<ops::GetEventDetailsRequest>(events),
    ]
}

/// GetImageDetails: up to 90 images.
pub fn images(state: &State, call: &Call<'_, ops::GetImageDetailsRequest>) -> Result<Done, Fail> {
    let req = call.raw;
    let key = "GetImageDetailsRequestBody";
    let b = &req.body;
    let lang = api::language(b, &format!("{key}.Language"))?;
    let mut ids = api::opt_str_list(b, "ImageIds", &format!("{key}.ImageIds"))?;
    if ids.is_empty() {
        // The table calls the list ImageId; accept that spelling as well.
        ids = api::opt_str_list(b, "ImageId", &format!("{key}.ImageIds"))?;
    }
    if ids.is_empty() {
        return Err(Fail::invalid(format!("{key}.ImageIds is required")));
    }
    if ids.len() > MAX_IMAGE_DETAIL_IDS {
        return Err(Fail::new(
            StatusCode::MaxExceeded,
            format!(
                "{key}.ImageIds holds {} ids; at most {MAX_IMAGE_DETAIL_IDS} are allowed",
                ids.len()
            ),
        ));
    }
    let size_names = req
        .detail
        .as_deref()
        .is_some_and(|d| d.eq_ignore_ascii_case("IncludeSizeName"));
    let shape = &state.index.shape;
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in &ids {
        match shape.image_index(id) {
            Some(i) => found.push(render::image(
                shape,
                i,
                ImageView::Details { size_names },
                &state.media_base,
            )),
            None => missing.push(id.clone()),
        }
    }
    if found.is_empty() {
        return Err(Fail::new(
            StatusCode::ImageNotFound,
            format!("no image with id {}", missing.join(", ")),
        ));
    }
    let mut done = Done::result(&connect_types::ops::GetImageDetailsResult { images: found });
    if let Some(l) = lang {
        done.notices.push(l);
    }
    if !missing.is_empty() {
        done = done.warn(
            StatusCode::ImageNotFound,
            &format!("no image with id {}", missing.join(", ")),
        );
    }
    Ok(done)
}

/// GetEventDetails.
pub fn events(state: &State, call: &Call<'_, ops::GetEventDetailsRequest>) -> Result<Done, Fail> {
    let req = call.raw;
    let key = "GetEventDetailsRequestBody";
    let path = format!("{key}.EventIds");
    let list = api::opt_list(&req.body, "EventIds", &path)?;
    if list.is_empty() {
        return Err(Fail::new(
            StatusCode::MissingEventIds,
            format!("{path} must hold at least one event id"),
        ));
    }
    let idx = &state.index;
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for (n, v) in list.iter().enumerate() {
        let Some(id) = api::value_int(v, &format!("{path}[{n}]"))? else {
            continue;
        };
        let found = u64::try_from(id)
            .ok()
            .and_then(|e| idx.shape.event_index(e));
        match found {
            Some(e) => {
                let ev = idx.shape.event(e);
                let images = idx.event_postings.get(e as usize);
                let (city, state_province, country) = LOCATIONS[ev.location];
                out.push(json!({
                    "Event": {
                        "ChildEventCount": 0,
                        "EditorialSegments": [SEGMENTS[ev.segment()]],
                        "EventId": id,
                        "EventName": ev.name(),
                        "ImageCount": images.map_or(0, Vec::len),
                        "Location": {
                            "City": city,
                            "Country": country,
                            "StateProvince": state_province,
                            "Venue": VENUES[ev.venue],
                        },
                        "RepresentativeImageId": images
                            .and_then(|l| l.first())
                            .map_or(Value::Null, |&i| json!(render::image_id(i))),
                        "StartDate": catalog::ms_date(ev.start),
                    },
                    "EventId": id,
                    "Status": "Success",
                }));
            }
            None => {
                missing.push(id.to_string());
                out.push(json!({ "EventId": id, "Status": "Not Found" }));
            }
        }
    }
    let found = out.len() - missing.len();
    if found == 0 {
        return Err(Fail::new(
            StatusCode::EventNotFound,
            format!("no event with id {}", missing.join(", ")),
        ));
    }
    let done = Done::result(&json!({ "EventResult": out }));
    Ok(if missing.is_empty() {
        done
    } else {
        done.warn(
            StatusCode::EventNotFound,
            &format!("no event with id {}", missing.join(", ")),
        )
    })
}
