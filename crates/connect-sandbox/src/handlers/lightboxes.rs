//! The seven lightbox operations. Lightboxes belong to the user of the token.

use super::Call;
use super::{paging, user};
use crate::api::{self, Done, Fail};
use crate::operations::Op;
use crate::state::State;
use crate::store::lightboxes::{Item, Lightbox, NewLightbox, Refusal};
use connect_types::ops;
use connect_types::{MsDate, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::CreateLightboxRequest>(create),
        Op::of::<ops::CreateLightboxItemsRequest>(add_items),
        Op::of::<ops::DeleteLightboxRequest>(delete),
        Op::of::<ops::DeleteLightboxItemsRequest>(delete_items),
        Op::of::<ops::GetLightboxRequest>(get),
        Op::of::<ops::GetLightboxHeadersRequest>(headers),
        Op::of::<ops::UpdateLightboxHeaderRequest>(update),
        Op::of::<ops::CreateSharedLightboxRequest>(share),
    ]
}

fn refusal(r: Refusal, id: u64) -> Fail {
    match r {
        Refusal::NotFound => Fail::new(
            StatusCode::LightboxIdDoesNotExist,
            format!("lightbox {id} does not exist"),
        ),
        Refusal::NotOwner => Fail::new(
            StatusCode::OperationValidOnlyForLightboxOwner,
            format!("lightbox {id} belongs to another user"),
        ),
        Refusal::TooManyLightboxes => Fail::new(
            StatusCode::InvalidRequest,
            "this user has the most lightboxes the sandbox keeps; delete one first",
        ),
        Refusal::ReadOnly => Fail::new(
            StatusCode::OperationValidOnlyForLightboxOwner,
            format!(
                "lightbox {id} is a read-only shared copy (made by CreateSharedLightbox): nobody \
                 can add, remove or rename anything in it; edit the lightbox it was copied from"
            ),
        ),
    }
}

/// The request's `LightboxId` (`typed`, as the model read it), once the view found it there: the
/// model reads a missing id as 0.
fn lightbox_id(b: &api::Obj, key: &str, typed: u64) -> Result<u64, Fail> {
    api::req_int(b, "LightboxId", &format!("{key}.LightboxId"))?;
    Ok(typed)
}

fn name(state: &State, b: &api::Obj, key: &str) -> Result<String, Fail> {
    let max = state.config.limits.max_name_chars;
    match api::opt_str(b, "LightboxName", &format!("{key}.LightboxName"))? {
        Some(n) if n.chars().count() > max => Err(Fail::new(
            StatusCode::InvalidLightboxName,
            format!("{key}.LightboxName is longer than {max} characters"),
        )),
        Some(n) if !n.trim().is_empty() => Ok(n),
        _ => Err(Fail::new(
            StatusCode::InvalidLightboxName,
            format!("{key}.LightboxName must not be null or empty"),
        )),
    }
}

fn text(state: &State, b: &api::Obj, field: &str, key: &str) -> Result<Option<String>, Fail> {
    let max = state.config.limits.max_text_chars;
    let t = api::opt_str(b, field, &format!("{key}.{field}"))?;
    if t.as_ref().is_some_and(|t| t.chars().count() > max) {
        return Err(Fail::new(
            StatusCode::InvalidRequest,
            format!("{key}.{field} is longer than {max} characters"),
        ));
    }
    Ok(t)
}

/// The id the catalog writes for an asset id in any spelling (`0100000001` is `100000001`).
fn canonical(state: &State, id: &str) -> Option<String> {
    let shape = &state.index.shape;
    match shape.image_index(id) {
        Some(i) => Some(crate::render::image_id(i)),
        None => shape
            .video_index(id)
            .map(|v| (crate::catalog::VIDEO_ID_BASE + u64::from(v)).to_string()),
    }
}

fn header(lb: &Lightbox, items: usize) -> Value {
    json!({
        "LightboxId": lb.id.to_string(),
        "LightboxName": lb.name,
        "ClientName": lb.client_name,
        "ProjectName": lb.project_name,
        "DateCreated": MsDate::from_millis(lb.created),
        "DateModified": MsDate::from_millis(lb.modified),
        "IsShared": lb.shared,
        "LightboxItemCount": items.to_string(),
        "LightboxUrl": format!("https://www.gettyimages.connect-sandbox.invalid/lightbox/{}", lb.id),
        "Notes": lb.notes,
    })
}

fn asset_ids(state: &State, b: &api::Obj, key: &str) -> Result<Vec<String>, Fail> {
    let path = format!("{key}.AssetIds");
    let ids = api::opt_str_list(b, "AssetIds", &path)?;
    api::check_asset_count(ids.len(), &path)?;
    let mut out = Vec::with_capacity(ids.len());
    let mut bad = Vec::new();
    for id in &ids {
        match canonical(state, id) {
            Some(c) => out.push(c),
            None => bad.push(id.as_str()),
        }
    }
    if !bad.is_empty() {
        return Err(Fail::new(
            StatusCode::InvalidAssets,
            format!("not asset ids of this catalog: {}", bad.join(", ")),
        ));
    }
    Ok(out)
}

/// CreateLightbox.
pub fn create(state: &State, call: &Call<'_, ops::CreateLightboxRequest>) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "CreateLightboxRequestBody";
    let b = &req.body;
    let fields = NewLightbox {
        name: name(state, b, key)?,
        client: text(state, b, "ClientName", key)?.unwrap_or_default(),
        project: text(state, b, "ProjectName", key)?.unwrap_or_default(),
        notes: text(state, b, "Notes", key)?.unwrap_or_default(),
    };
    let owner = user(p, "a lightbox")?;
    let id = state
        .kept
        .lightboxes
        .create(
            owner,
            fields,
            state.clock.now_millis(),
            state.config.limits.max_lightboxes_per_user,
        )
        .map_err(|r| refusal(r, 0))?;
    Ok(Done::result(&json!({ "LightboxId": id })))
}

/// CreateLightboxItems.
pub fn add_items(
    state: &State,
    call: &Call<'_, ops::CreateLightboxItemsRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "CreateLightboxItemsRequestBody";
    let id = lightbox_id(&req.body, key, call.request.lightbox_id)?;
    let ids = asset_ids(state, &req.body, key)?;
    let owner = user(p, "a lightbox")?;
    let max = state.config.limits.max_items_per_lightbox;
    state
        .kept
        .lightboxes
        .with_owned(id, owner, |lb, next_item| {
            let mut held: HashSet<String> = lb.items.iter().map(|i| i.asset_id.clone()).collect();
            let fresh: Vec<String> = ids.into_iter().filter(|a| held.insert(a.clone())).collect();
            if lb.items.len() + fresh.len() > max {
                return Err(Fail::new(
                    StatusCode::InvalidRequest,
                    format!("lightbox {id} would hold more than {max} items; nothing was added"),
                ));
            }
            let now = state.clock.now_millis();
            for a in fresh {
                *next_item += 1;
                lb.items.push(Item {
                    asset_id: a,
                    item_id: 5000 + *next_item,
                    added: now,
                });
            }
            lb.modified = now;
            Ok(())
        })
        .map_err(|r| refusal(r, id))??;
    Ok(Done::empty())
}

/// DeleteLightboxItems.
pub fn delete_items(
    state: &State,
    call: &Call<'_, ops::DeleteLightboxItemsRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "DeleteLightboxItemsRequestBody";
    let id = lightbox_id(&req.body, key, call.request.lightbox_id)?;
    let path = format!("{key}.AssetIds");
    let ids = api::opt_str_list(&req.body, "AssetIds", &path)?;
    api::check_asset_count(ids.len(), &path)?;
    // Any spelling of a catalog id names its item; other ids name nothing, so they match as sent.
    let ids: HashSet<String> = ids
        .iter()
        .map(|a| canonical(state, a).unwrap_or_else(|| a.trim().to_owned()))
        .collect();
    let owner = user(p, "a lightbox")?;
    state
        .kept
        .lightboxes
        .with_owned(id, owner, |lb, _| {
            lb.items.retain(|i| !ids.contains(&i.asset_id));
            lb.modified = state.clock.now_millis();
        })
        .map_err(|r| refusal(r, id))?;
    Ok(Done::empty())
}

/// DeleteLightbox.
pub fn delete(state: &State, call: &Call<'_, ops::DeleteLightboxRequest>) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let id = lightbox_id(
        &req.body,
        "DeleteLightboxRequestBody",
        call.request.lightbox_id,
    )?;
    let owner = user(p, "a lightbox")?;
    state
        .kept
        .lightboxes
        .delete(id, owner)
        .map_err(|r| refusal(r, id))?;
    Ok(Done::empty())
}

/// UpdateLightboxHeader: LightboxName is required; omitted optional fields are kept.
pub fn update(
    state: &State,
    call: &Call<'_, ops::UpdateLightboxHeaderRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "UpdateLightboxHeaderRequestBody";
    let b = &req.body;
    let id = lightbox_id(b, key, call.request.lightbox_id)?;
    let n = name(state, b, key)?;
    let client = text(state, b, "ClientName", key)?;
    let project = text(state, b, "ProjectName", key)?;
    let notes = text(state, b, "Notes", key)?;
    let owner = user(p, "a lightbox")?;
    state
        .kept
        .lightboxes
        .with_owned(id, owner, |lb, _| {
            lb.name = n;
            if let Some(c) = client {
                lb.client_name = c;
            }
            if let Some(pn) = project {
                lb.project_name = pn;
            }
            if let Some(no) = notes {
                lb.notes = no;
            }
            lb.modified = state.clock.now_millis();
        })
        .map_err(|r| refusal(r, id))?;
    Ok(Done::empty())
}

/// GetLightbox with item paging.
pub fn get(state: &State, call: &Call<'_, ops::GetLightboxRequest>) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "GetLightboxRequestBody";
    let b = &req.body;
    let id = lightbox_id(b, key, call.request.lightbox_id)?;
    let vp = format!("{key}.LightboxItemsViewOptions");
    let view = api::req_obj(b, "LightboxItemsViewOptions", &vp)?;
    let (start, count) = paging(view, &vp)?;
    let max_size = api::opt_bool(
        view,
        "IncludeMaxSizePerLightboxItem",
        &format!("{vp}.IncludeMaxSizePerLightboxItem"),
    )?
    .unwrap_or(false);
    let owner = user(p, "a lightbox")?;
    let lb = state
        .kept
        .lightboxes
        .read(id, owner)
        .map_err(|r| refusal(r, id))?;
    let total = lb.items.len();
    if total > 0 && start > total {
        return Err(Fail::new(
            StatusCode::StartPastTotal,
            format!("ItemStartNumber {start} lies beyond the {total} items"),
        ));
    }
    let shape = &state.index.shape;
    let items: Vec<Value> = lb
        .items
        .iter()
        .enumerate()
        .skip(start - 1)
        .take(count)
        .map(|(pos, it)| {
            let url = |kind: &str| format!("{}/{kind}/{}.jpg", state.media_base, it.asset_id);
            let (title, caption, max) = match shape.image_index(&it.asset_id) {
                Some(i) => {
                    let core = shape.image(i);
                    let largest = shape
                        .image_sizes(i, &core)
                        .into_iter()
                        .max_by_key(|s| u64::from(s.pixel_width) * u64::from(s.pixel_height));
                    (
                        crate::catalog::image_title(shape, &core),
                        crate::catalog::image_caption(shape, &core),
                        largest.map(|s| (s.pixel_width, s.pixel_height)),
                    )
                }
                None => match shape.video_index(&it.asset_id) {
                    Some(v) => {
                        let c = shape.video(v);
                        let t = crate::catalog::video_title(&c);
                        (t.clone(), t, Some((1920, 1080)))
                    }
                    None => (String::new(), String::new(), None),
                },
            };
            let mut o = json!({
                "AssetId": it.asset_id,
                "Comment": "",
                "DateCreated": MsDate::from_millis(it.added),
                "DateModified": MsDate::from_millis(it.added),
                "ItemPosition": pos + 1,
                "LightboxItemId": it.item_id,
                "Urls": {
                    "Preview": url("preview"),
                    "SmallThumb": url("small-thumb"),
                    "Thumb": url("thumb"),
                    "WatermarkPreview": url("preview-watermark"),
                },
                "Title": title,
                "Caption": caption,
            });
            if let (true, Some((w, h)), Some(m)) = (max_size, max, o.as_object_mut()) {
                m.insert("MaxWidthAvailable".into(), json!(w));
                m.insert("MaxHeightAvailable".into(), json!(h));
            }
            o
        })
        .collect();
    Ok(Done::result(&json!({
        "Lightbox": { "LightboxHeader": header(&lb, lb.items.len()), "LightboxItems": items }
    })))
}

/// GetLightboxHeaders with paging.
pub fn headers(
    state: &State,
    call: &Call<'_, ops::GetLightboxHeadersRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "GetLightboxHeadersRequestBody";
    let vp = format!("{key}.ResultsViewOptions");
    let view = api::req_obj(&req.body, "ResultsViewOptions", &vp)?;
    let (start, count) = paging(view, &vp)?;
    let owner = user(p, "a lightbox")?;
    let all = state.kept.lightboxes.owned_by(owner);
    if all.is_empty() {
        // A user without lightboxes is not a failure: an empty page with a warning.
        return Ok(Done::result(&json!({
            "LightboxHeaders": [],
            "TotalLightboxHeaderCount": 0,
        }))
        .warn(
            StatusCode::LightboxesNotFound,
            "this user has no lightboxes",
        ));
    }
    if start > all.len() {
        return Err(Fail::new(
            StatusCode::StartPastTotal,
            format!(
                "ItemStartNumber {start} lies beyond the {} lightboxes",
                all.len()
            ),
        ));
    }
    let page: Vec<Value> = all
        .iter()
        .skip(start - 1)
        .take(count)
        .map(|(lb, n)| header(lb, *n))
        .collect();
    Ok(Done::result(&json!({
        "LightboxHeaders": page,
        "TotalLightboxHeaderCount": all.len(),
    })))
}

/// CreateSharedLightbox: a read-only copy of a lightbox the caller owns. The service offers it
/// to Thinkstock applications only; the sandbox offers it to every caller (see its README).
pub fn share(
    state: &State,
    call: &Call<'_, ops::CreateSharedLightboxRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let id = lightbox_id(
        &req.body,
        "CreateSharedLightboxRequestBody",
        call.request.lightbox_id,
    )?;
    let owner = user(p, "a lightbox")?;
    let shared = state
        .kept
        .lightboxes
        .share(
            id,
            owner,
            state.clock.now_millis(),
            state.config.limits.max_lightboxes_per_user,
        )
        .map_err(|r| refusal(r, id))?;
    Ok(Done::result(
        &connect_types::ops::CreateSharedLightboxResult {
            shared_lightbox_id: Some(shared),
        },
    ))
}
