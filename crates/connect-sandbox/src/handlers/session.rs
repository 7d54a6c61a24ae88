//! CreateSession and RenewSession: the legacy token pair.

use super::Call;
use crate::api::{self, Done, Fail};
use crate::operations::Op;
use crate::state::State;
use crate::store::tokens::TokenKind;
use connect_types::StatusCode;
use connect_types::ops;
use serde_json::json;

/// This group's operations, each registered with its handler (gathered by
/// [`super::operations`]).
pub(super) fn operations() -> Vec<Op> {
    vec![
        Op::of::<ops::CreateSessionRequest>(create).signs_in(),
        Op::of::<ops::RenewSessionRequest>(renew).signs_in(),
    ]
}

fn result(state: &State, user: &str) -> Done {
    let (token, secure) = state.tokens.issue_session(user);
    // Whole minutes, rounded up so a short test TTL is not reported as zero.
    let minutes = state.tokens.ttl().as_secs().div_ceil(60).max(1);
    Done::result(&json!({
        "AccountId": format!("sandbox-account-{user}"),
        "SecureToken": secure,
        "Token": token,
        "TokenDurationMinutes": minutes,
    }))
}

fn check_system(state: &State, body: &api::Obj, key: &str) -> Result<(), Fail> {
    let id = api::req_str(body, "SystemId", &format!("{key}.SystemId"))?;
    let pw = api::req_str(body, "SystemPassword", &format!("{key}.SystemPassword"))?;
    let c = &state.config.credentials;
    if id != c.system_id || pw != c.system_password {
        return Err(Fail::new(
            StatusCode::InvalidSystemIdOrPassword,
            "the system id or system password is wrong",
        ));
    }
    Ok(())
}

/// CreateSession.
pub fn create(state: &State, call: &Call<'_, ops::CreateSessionRequest>) -> Result<Done, Fail> {
    let req = call.raw;
    let key = "CreateSessionRequestBody";
    let b = &req.body;
    check_system(state, b, key)?;
    let user = api::req_str(b, "UserName", &format!("{key}.UserName"))?;
    let pw = api::req_str(b, "UserPassword", &format!("{key}.UserPassword"))?;
    let Some(user) = state.sign_in(&user, &pw) else {
        return Err(Fail::new(
            StatusCode::InvalidUsernameOrPassword,
            "the user name or password is wrong",
        ));
    };
    Ok(result(state, &user))
}

/// RenewSession: fresh tokens for the session of the secure token in the header.
pub fn renew(state: &State, call: &Call<'_, ops::RenewSessionRequest>) -> Result<Done, Fail> {
    let (p, req) = (call.principal, call.raw);
    check_system(state, &req.body, "RenewSessionRequestBody")?;
    let info = p.token.as_deref().and_then(|t| state.tokens.lookup(t));
    match (info, &p.user) {
        (Some(i), Some(user)) if i.kind == TokenKind::Secure => Ok(result(state, user)),
        _ => Err(Fail::new(
            StatusCode::FailedToRenewToken,
            "only a secure token from CreateSession or RenewSession can be renewed",
        )),
    }
}
