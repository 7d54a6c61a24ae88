//! The operations' handlers, one file per operation group; [`crate::operations`] registers
//! each one at its path. Also the helpers several groups share.

pub mod account;
pub mod data;
pub mod details;
pub mod downloads;
pub mod feed;
pub mod files;
pub mod history;
pub mod images;
pub mod lightboxes;
pub mod oauth2;
pub mod oembed;
pub mod session;
pub mod signin;
pub mod single_step;
pub mod site;
pub mod usage;
pub mod videos;

use crate::api::{self, Fail};
use crate::security::Principal;

/// Reads the pagination pair of a view-options object (lightboxes): both must be above zero.
pub fn paging(obj: &api::Obj, path: &str) -> Result<(usize, usize), Fail> {
    use connect_types::StatusCode;
    let count = api::req_int(obj, "ItemCount", &format!("{path}.ItemCount"))?;
    let start = api::req_int(obj, "ItemStartNumber", &format!("{path}.ItemStartNumber"))?;
    if count <= 0 {
        return Err(Fail::new(
            StatusCode::InvalidItemCount,
            format!("{path}.ItemCount must be above zero"),
        ));
    }
    if start <= 0 {
        return Err(Fail::new(
            StatusCode::InvalidItemStartNumber,
            format!("{path}.ItemStartNumber must be above zero"),
        ));
    }
    Ok((start as usize, count as usize))
}

/// The user behind a call, for operations that act for one.
pub fn user<'a>(p: &'a Principal, what: &str) -> Result<&'a str, Fail> {
    p.user.as_deref().ok_or_else(|| {
        Fail::new(
            connect_types::StatusCode::Auth021,
            format!("{what} needs a user; this token was issued without one (client_credentials)"),
        )
    })
}
