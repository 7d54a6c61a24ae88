//! The operations' handlers, one file per operation group, and [`operations`], the table that
//! registers each one for its connect-types request type. Also the helpers several groups share.
//!
//! A handler gets a [`Call`]: the request decoded with the shared model, and the same body as
//! the case-insensitive view reads it, for the checks that name a field as sent.

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
pub mod readers;
pub mod session;
pub mod signin;
pub mod single_step;
pub mod site;
pub mod usage;
pub mod videos;

use crate::api::{self, Fail};
pub use crate::operations::Call;
use crate::operations::Op;
use crate::security::Principal;

fn same_path(a: &str, b: &str) -> bool {
    // The service was case-insensitive about paths; a trailing slash is tolerated too.
    a.trim_end_matches('/').eq_ignore_ascii_case(b)
}

/// The operation at `path`.
pub fn find(path: &str) -> Option<&'static Op> {
    all().iter().find(|op| same_path(path, op.path))
}

/// Every emulated operation: [`operations`], built once.
pub fn all() -> &'static [Op] {
    static OPS: std::sync::LazyLock<Vec<Op>> = std::sync::LazyLock::new(operations);
    &OPS
}

/// Every emulated operation, registered with its handler: each group's own list, so an
/// operation joins its group's file alone. A test holds it to `connect_types::ops::visit`:
/// every operation of the list is here, and nothing else is.
pub(crate) fn operations() -> Vec<Op> {
    [
        session::operations(),
        images::operations(),
        details::operations(),
        videos::operations(),
        downloads::operations(),
        lightboxes::operations(),
        history::operations(),
        data::operations(),
        account::operations(),
        usage::operations(),
        feed::operations(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

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

#[cfg(test)]
mod tests {
    use crate::security::Scheme;
    use connect_types::operation::{Described, Visit};
    use serde_json::{Value, json};

    /// The table and the operation list of connect-types name the same operations, at the
    /// same paths.
    #[test]
    fn every_listed_operation_is_emulated() {
        struct Paths(Vec<&'static str>);
        impl Visit for Paths {
            fn operation<O: Described>(&mut self) {
                self.0.push(O::PATH);
            }
            fn alias<O: Described>(&mut self) {
                self.0.push(O::PATH);
            }
        }
        let mut listed = Paths(Vec::new());
        connect_types::ops::visit(&mut listed);
        let mut emulated: Vec<&str> = super::operations().iter().map(|op| op.path).collect();
        listed.0.sort_unstable();
        emulated.sort_unstable();
        assert_eq!(emulated, listed.0);
    }

    /// The first value under `key`, anywhere in `v`.
    fn find<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
        match v {
            Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|c| find(c, key))),
            Value::Array(a) => a.iter().find_map(|c| find(c, key)),
            _ => None,
        }
    }

    /// Every `key` in `v` set to `with`.
    fn replace(v: &mut Value, key: &str, with: &Value) {
        match v {
            Value::Object(m) => {
                for (k, c) in m.iter_mut() {
                    if k == key {
                        *c = with.clone();
                    } else {
                        replace(c, key, with);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| replace(c, key, with)),
            _ => {}
        }
    }

    /// `Operation::CHANGES_STATE` is true of exactly the operations whose example call (the
    /// OpenAPI document's, sent in the list's order) changes what the state file keeps.
    #[test]
    fn an_operation_changes_state_exactly_when_it_says_so() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let sandbox = rt
            .block_on(crate::Sandbox::start(crate::SandboxConfig::default()))
            .unwrap();
        let state = &sandbox.info.state;
        let saved = || serde_json::to_value(state.saved()).unwrap();
        // A user's account opens on first use with the seeded offerings; reading it then is
        // not a change, so it is opened first.
        let _ = state
            .kept
            .accounts
            .offerings("alice", state.clock.now_millis());
        let form = connect_types::openapi::examples::token_form();
        let form: Vec<String> = form
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap()))
            .collect();
        let (_, answer) = super::oauth2::token(state, Scheme::Https, form.join("&").as_bytes());
        let token = answer["access_token"].as_str().unwrap().to_owned();

        let mut docs = connect_types::schema::operations();
        docs.sort_by_key(|op| op.name == "DeleteLightbox");
        let mut made: Vec<(&str, Value)> = Vec::new();
        let mut wrong = Vec::new();
        let mut session = String::new();
        for doc in docs.iter().filter(|d| d.alias_of.is_none()) {
            let op = super::find(doc.path).unwrap();
            let mut body = (doc.example)();
            for (key, value) in &made {
                if doc.name != "GetAssetChanges" {
                    replace(&mut body, key, value);
                }
            }
            // RenewSession renews the legacy session CreateSession (first in the list) opened;
            // everything else takes the OAuth2 token.
            let t = if doc.name == "RenewSession" {
                &session
            } else {
                &token
            };
            let envelope = if doc.security.needs_token() {
                json!({"RequestHeader": {"Token": t}, doc.body_key: body})
            } else {
                json!({ doc.body_key: body })
            };
            let before = saved();
            let bytes = serde_json::to_vec(&envelope).unwrap();
            let (http, out) = crate::operations::run(state, op, Scheme::Https, &bytes).unwrap();
            let out: Value = serde_json::from_slice(&out).unwrap();
            assert_eq!(http, 200, "{}: {out}", doc.name);
            let changed = saved() != before;
            if changed != op.changes_state {
                wrong.push(format!(
                    "{}: CHANGES_STATE is {} but its example {} the state",
                    doc.name,
                    op.changes_state,
                    if changed { "changed" } else { "left" }
                ));
            }
            if doc.name == "CreateSession" {
                session = find(&out, "SecureToken")
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned();
            }
            for (maker, key) in [
                ("CreateLightbox", "LightboxId"),
                ("GetImageDownloadAuthorizations", "DownloadToken"),
                ("GetAssetChanges", "TransactionId"),
            ] {
                if doc.name == maker {
                    made.push((key, find(&out, key).unwrap().clone()));
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
