//! GetImageDownloadAuthorizations, GetLargestImageDownloadAuthorizations and
//! CreateDownloadRequest.

use super::Call;
use super::user;
use crate::api::{self, Done, Fail};
use crate::catalog::OFFERINGS;
use crate::operations::Op;
use crate::render;
use crate::security::Principal;
use crate::state::State;
use crate::store::accounts::SpendError;
use crate::store::downloads::{Grant, TokenError};
use connect_types::StatusCode;
use connect_types::ops;
use serde_json::{Value, json};

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::GetImageDownloadAuthorizationsRequest>(authorizations_op),
        Op::of::<ops::GetLargestImageDownloadAuthorizationsRequest>(largest),
        Op::of::<ops::CreateDownloadRequest>(create_request)
            .also_accepts(&["CreateDownloadRequestRequestBody"]),
    ]
}

fn agreement(p: &Principal) -> Result<&str, Fail> {
    user(p, "a download").map_err(|_| {
        Fail::new(
            StatusCode::NoAgreement,
            "downloads need a user with an agreement; this token has no user (client_credentials)",
        )
    })
}

/// Authorizations for one image size: one per product offering instance that covers the
/// image and that `user` holds, active and with quota left, showing what is left of that quota.
/// Each carries its own download token, naming its instance: the token the client spends
/// decides which offering CreateDownloadRequest charges.
fn authorizations(
    state: &State,
    user: &str,
    index: u32,
    mask: u8,
    size: &str,
    with_size: bool,
) -> Vec<Value> {
    let now = state.clock.now_millis();
    let expires = now + state.config.download_token_ttl.as_millis() as i64;
    let covering = covering_offerings(mask);
    state
        .kept
        .accounts
        .offerings(user, now)
        .into_iter()
        .filter(|o| o.usable() && covering.contains(&o.offering))
        .map(|mine| {
            let token = state.downloads.token(&Grant {
                kind: 'i',
                index,
                size: size.to_owned(),
                expires,
                offering: Some(mine.instance_id),
            });
            let mut a = json!({
                "DownloadIsFree": mine.remaining.is_none(),
                "DownloadToken": token,
                "ProductOfferingInstanceId": mine.instance_id.to_string(),
                "ProductOfferingType": mine.offering,
            });
            if let Some(m) = a.as_object_mut() {
                if with_size {
                    m.insert("SizeKey".into(), json!(size));
                } else {
                    m.insert(
                        "DownloadsRemaining".into(),
                        json!(mine.remaining.unwrap_or(0)),
                    );
                }
            }
            a
        })
        .collect()
}

/// The offerings of an image's mask, spelled as the authorizations and accounts spell them.
fn covering_offerings(mask: u8) -> Vec<&'static str> {
    OFFERINGS
        .iter()
        .enumerate()
        .filter(|(b, _)| mask & (1 << b) != 0)
        // The catalog spells the pack "Imagepack"; these operations spell it "ImagePack".
        .map(|(_, o)| if *o == "Imagepack" { "ImagePack" } else { *o })
        .collect()
}

/// GetImageDownloadAuthorizations.
pub fn authorizations_op(
    state: &State,
    call: &Call<'_, ops::GetImageDownloadAuthorizationsRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "GetImageDownloadAuthorizationsRequestBody";
    let path = format!("{key}.ImageSizes");
    let list = api::opt_obj_list(&req.body, "ImageSizes", &path)?;
    api::check_asset_count(list.len(), &path)?;
    let mut wanted = Vec::new();
    for (n, o) in list.iter().enumerate() {
        let id = api::req_str(o, "ImageId", &format!("{path}[{n}].ImageId"))?;
        let size = api::req_str(o, "SizeKey", &format!("{path}[{n}].SizeKey"))?;
        wanted.push((id, size));
    }
    let who = agreement(p)?;
    let shape = &state.index.shape;
    let mut out = Vec::new();
    let mut problems: Vec<(StatusCode, String)> = Vec::new();
    for (id, size) in wanted {
        let Some(i) = shape.image_index(&id) else {
            problems.push((StatusCode::ImageNotFound, format!("no image with id {id}")));
            out.push(json!({"Authorizations": [], "ImageId": id, "SizeKey": size, "Status": "ImageNotFound"}));
            continue;
        };
        let core = shape.image(i);
        let sizes = shape.image_sizes(i, &core);
        let Some(s) = sizes
            .iter()
            .find(|s| s.key.eq_ignore_ascii_case(size.trim()))
        else {
            problems.push((
                StatusCode::InvalidSizeKey,
                format!("image {id} has no size {size:?}"),
            ));
            out.push(json!({"Authorizations": [], "ImageId": id, "SizeKey": size, "Status": "InvalidSizeKey"}));
            continue;
        };
        out.push(json!({
            "Authorizations": authorizations(state, who, i, core.offerings, s.key, false),
            "ImageId": id,
            "SizeKey": s.key,
            "Status": "Available",
        }));
    }
    finish(out.len(), problems, json!({ "Images": out }))
}

/// Error when nothing worked, warnings when some entries failed.
fn finish(n: usize, problems: Vec<(StatusCode, String)>, result: Value) -> Result<Done, Fail> {
    if !problems.is_empty() && problems.len() == n {
        let mut f = Fail::new(problems[0].0.clone(), problems[0].1.clone());
        f.entries = problems
            .into_iter()
            .map(|(c, m)| connect_types::StatusEntry::new(connect_types::StatusType::Error, c, m))
            .collect();
        return Err(f);
    }
    let mut done = Done::result(&result);
    for (c, m) in problems {
        done = done.warn(c, &m);
    }
    Ok(done)
}

/// GetLargestImageDownloadAuthorizations.
pub fn largest(
    state: &State,
    call: &Call<'_, ops::GetLargestImageDownloadAuthorizationsRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "GetLargestImageDownloadAuthorizationsRequestBody";
    let path = format!("{key}.Images");
    let list = api::opt_list(&req.body, "Images", &path)?;
    api::check_asset_count(list.len(), &path)?;
    let mut ids = Vec::new();
    for (n, v) in list.iter().enumerate() {
        let p = format!("{path}[{n}].ImageId");
        // An entry is {"ImageId": "…"}; a bare id string is read too.
        let id = match v {
            Value::Object(o) => api::req_str(o, "ImageId", &p)?,
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return Err(Fail::invalid(format!("{path}[{n}] must be an object"))),
        };
        ids.push(id);
    }
    let who = agreement(p)?;
    let shape = &state.index.shape;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for id in ids {
        let Some(i) = shape.image_index(&id) else {
            problems.push((StatusCode::ImageNotFound, format!("no image with id {id}")));
            out.push(json!({"Authorizations": [], "ImageId": id}));
            continue;
        };
        let core = shape.image(i);
        let sizes = shape.image_sizes(i, &core);
        let largest = sizes
            .iter()
            .max_by_key(|s| (s.pixel_width as u64) * (s.pixel_height as u64));
        let auths = largest.map_or_else(Vec::new, |s| {
            authorizations(state, who, i, core.offerings, s.key, true)
        });
        out.push(json!({"Authorizations": auths, "ImageId": render::image_id(i)}));
    }
    finish(out.len(), problems, json!({ "Images": out }))
}

/// CreateDownloadRequest: download URLs on the HTTPS listener.
pub fn create_request(
    state: &State,
    call: &Call<'_, ops::CreateDownloadRequest>,
) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    let key = "CreateDownloadRequestBody";
    let path = format!("{key}.DownloadItems");
    let list = api::opt_obj_list(&req.body, "DownloadItems", &path)?;
    api::check_asset_count(list.len(), &path)?;
    let mut tokens = Vec::new();
    for (n, o) in list.iter().enumerate() {
        tokens.push(api::req_str(
            o,
            "DownloadToken",
            &format!("{path}[{n}].DownloadToken"),
        )?);
    }
    let who = agreement(p)?;
    let now = state.clock.now_millis();
    let ttl = i64::try_from(state.config.download_url_ttl.as_millis()).unwrap_or(i64::MAX);
    let url_expiry = now.saturating_add(ttl);
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for t in tokens {
        match state.downloads.check_token(&t, now) {
            Ok(g) => {
                let id = match g.kind {
                    'v' => (crate::catalog::VIDEO_ID_BASE + u64::from(g.index)).to_string(),
                    _ => render::image_id(g.index),
                };
                let url = format!(
                    "{}{}",
                    state.https_base,
                    state.downloads.url_path(&Grant {
                        expires: url_expiry,
                        offering: None,
                        ..g.clone()
                    })
                );
                let id_key = if g.kind == 'v' { "AssetId" } else { "ImageId" };
                let spent = match (g.kind, g.offering) {
                    // The token names its offering instance: that one pays, or nothing does.
                    ('i', Some(instance)) => {
                        let covering =
                            covering_offerings(state.index.shape.image(g.index).offerings);
                        state
                            .kept.accounts
                            .spend_instance(who, &id, instance, &covering, now)
                            .map_err(|e| match e {
                                SpendError::Exhausted => (
                                    StatusCode::NoAgreement,
                                    format!(
                                        "the product offering instance {instance} this download token was issued for has no downloads left (or is no longer active); authorize {id} again and spend the token of another offering"
                                    ),
                                ),
                                SpendError::NotCovered | SpendError::NotUsable => (
                                    StatusCode::UnauthorizedProductOffering,
                                    format!(
                                        "this download token was issued for product offering instance {instance}, which {who} does not hold for {id}"
                                    ),
                                ),
                            })
                    }
                    // A token naming no instance (a video's): a free offering first, else one
                    // with quota left (recorded as a purchase); the history records it either way.
                    _ => {
                        let covering: Vec<&str> = if g.kind == 'v' {
                            crate::store::accounts::FREE_OFFERINGS
                                .iter()
                                .chain(crate::store::accounts::PAID_OFFERINGS)
                                .copied()
                                .collect()
                        } else {
                            covering_offerings(state.index.shape.image(g.index).offerings)
                        };
                        state
                            .kept
                            .accounts
                            .spend(who, &id, &covering, |_| true, now)
                            .map_err(|_| {
                                (
                                    StatusCode::NoAgreement,
                                    format!("no offering of {who} with downloads left covers {id}"),
                                )
                            })
                    }
                };
                if let Err((code, message)) = spent {
                    problems.push((code, message));
                    out.push(json!({ id_key: id, "SizeName": Value::Null, "Status": "NoAccess", "UrlAttachment": Value::Null }));
                    continue;
                }
                state.stats.url_sold(&id);
                out.push(json!({ id_key: id, "SizeName": Value::Null, "Status": "Success", "UrlAttachment": url }));
            }
            Err(TokenError::Expired) => {
                problems.push((
                    StatusCode::ExpiredDownloadToken,
                    "the download token has expired".to_owned(),
                ));
                out.push(json!({ "ImageId": Value::Null, "SizeName": Value::Null, "Status": "ExpiredToken", "UrlAttachment": Value::Null }));
            }
            Err(TokenError::Invalid) => {
                problems.push((
                    StatusCode::InvalidDownloadToken,
                    "the download token is not valid".to_owned(),
                ));
                out.push(json!({ "ImageId": Value::Null, "SizeName": Value::Null, "Status": "InvalidToken", "UrlAttachment": Value::Null }));
            }
        }
    }
    finish(out.len(), problems, json!({ "DownloadUrls": out }))
}
