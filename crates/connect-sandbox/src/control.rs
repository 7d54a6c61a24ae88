//! The `/_sandbox/*` control API: stats, revoking tokens, advancing the clock, fault rules.

use crate::faults::{Fault, FaultRule};
use crate::response::{Body, json_response, plain};
use crate::state::State;
use http::{Method, Response, StatusCode as Http};
use serde_json::{Value, json};
use std::time::Duration;

/// The `/_sandbox/*` control endpoints (served only when the operator enabled them).
pub fn answer(state: &State, lower: &str, method: &Method, query: &str) -> Response<Body> {
    if lower == "/_sandbox/stats" && *method == Method::GET {
        let v = serde_json::to_value(state.stats.snapshot()).unwrap_or(Value::Null);
        return json_response(Http::OK, &v);
    }
    if lower == "/_sandbox/stats/reset" && *method == Method::POST {
        state.stats.reset();
        return json_response(Http::OK, &json!({"reset": true}));
    }
    if lower == "/_sandbox/revoke" && *method == Method::POST {
        let pairs = connect_types::ops::oauth2::decode_form(query);
        let one = pairs
            .iter()
            .find(|(k, _)| k == "token")
            .map(|(_, v)| v.clone());
        let refresh = pairs
            .iter()
            .any(|(k, v)| k == "refresh" && (v == "true" || v == "1"));
        let n = match one {
            Some(t) => u64::from(state.tokens.revoke(&t)),
            None => state.tokens.revoke_all(refresh),
        };
        state.stats.revoked(n);
        return json_response(Http::OK, &json!({"revoked": n}));
    }
    if lower == "/_sandbox/advance" && *method == Method::POST {
        let pairs = connect_types::ops::oauth2::decode_form(query);
        let secs = pairs
            .iter()
            .find(|(k, _)| k == "seconds")
            .and_then(|(_, v)| v.parse::<f64>().ok())
            .and_then(|s| Duration::try_from_secs_f64(s).ok());
        let Some(by) = secs else {
            return plain(Http::BAD_REQUEST, "use /_sandbox/advance?seconds=N\n");
        };
        state.clock.advance(by);
        return json_response(Http::OK, &json!({"advanced_seconds": by.as_secs_f64()}));
    }
    if lower == "/_sandbox/faults" && *method == Method::GET {
        let rules: Vec<Value> = state
            .faults
            .rules()
            .into_iter()
            .map(|(r, n)| json!({"rule": r, "struck": n}))
            .collect();
        return json_response(Http::OK, &json!({ "rules": rules }));
    }
    if lower == "/_sandbox/faults" && *method == Method::POST {
        return match fault_rule(query) {
            Ok(rule) => {
                state.faults.add(rule);
                json_response(Http::OK, &json!({"added": true}))
            }
            Err(e) => json_response(Http::BAD_REQUEST, &json!({ "error": e })),
        };
    }
    if lower == "/_sandbox/faults/clear" && *method == Method::POST {
        state.faults.clear();
        return json_response(Http::OK, &json!({"cleared": true}));
    }
    plain(
        Http::METHOD_NOT_ALLOWED,
        "GET: stats, faults; POST: stats/reset, revoke, advance, faults, faults/clear\n",
    )
}

/// A fault rule from query parameters:
/// `fault=drop_after&operation=CreateLightbox&rate=0.5&times=1&after=2` (`millis=` for `slow`).
fn fault_rule(query: &str) -> Result<FaultRule, String> {
    let pairs = connect_types::ops::oauth2::decode_form(query);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let number = |k: &str| -> Result<Option<f64>, String> {
        get(k)
            .map(|v| {
                v.parse::<f64>()
                    .map_err(|_| format!("{k} must be a number"))
            })
            .transpose()
    };
    let fault = match get("fault").unwrap_or("") {
        "unavailable" => Fault::Unavailable,
        "service_down" => Fault::ServiceDown,
        "drop_before" => Fault::DropBefore,
        "drop_after" => Fault::DropAfter,
        "cut_mid_body" => Fault::CutMidBody,
        "stall_mid_body" => Fault::stall_mid_body(Duration::from_millis(
            number("millis")?.map_or(60_000, |m: f64| m as u64),
        )),
        "over_qps" => Fault::OverQps,
        "over_daily" => Fault::OverDaily,
        "slow" => Fault::slow(Duration::from_millis(
            number("millis")?.map_or(1_000, |m| m.clamp(0.0, 600_000.0) as u64),
        )),
        "trickle" => Fault::trickle(
            number("bytes_per_sec")?.map_or(16_384, |b: f64| b.clamp(1.0, 1e12) as u64),
        ),
        other => {
            return Err(format!(
                "fault {other:?} is not one of unavailable, service_down, drop_before, \
                 drop_after, slow, cut_mid_body, stall_mid_body, over_qps, over_daily,
                 trickle"
            ));
        }
    };
    let mut rule = FaultRule::new(fault).rate(number("rate")?.unwrap_or(1.0));
    if let Some(op) = get("operation") {
        rule = rule.operation(op);
    }
    if let Some(t) = number("times")? {
        rule = rule.times(t.max(0.0) as u64);
    }
    if let Some(n) = number("after")? {
        rule = rule.after(n.max(0.0) as u64);
    }
    Ok(rule)
}
