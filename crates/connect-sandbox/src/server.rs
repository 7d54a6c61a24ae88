//! Listeners, connection handling and request routing.

use crate::conn::{self, Activity, Watched};
use crate::faults::{Fault, FaultRule};
use crate::handlers::{files, oauth2, oembed, signin, single_step, site};
use crate::operations;
use crate::response::{Body, DropConnection, bytes_response, json_response, over_limit, plain};
use crate::security::Scheme;
use crate::state::State;
use crate::store::limits::Verdict;
use http::{HeaderValue, Method, Request, Response, StatusCode as Http, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// The path prefix of SingleStepDownload (`/v2/download/{ImageId}`), lower-cased.
const SINGLE_STEP: &str = "/v2/download/";

/// Largest request body accepted (1 MiB); larger ones get 413.
pub const MAX_BODY: usize = 1 << 20;

/// Reads a request body up to [`MAX_BODY`] within the body read timeout; `Err` carries the
/// response to send instead (413, or 408 and a closed connection).
pub async fn read_body(
    state: &State,
    req: Request<Incoming>,
) -> Result<bytes::Bytes, Response<Body>> {
    let limit = state.config.limits.body_read_timeout;
    match tokio::time::timeout(limit, read_body_untimed(req)).await {
        Ok(r) => r,
        Err(_) => {
            state.stats.connection_timed_out();
            let mut r = plain(
                Http::REQUEST_TIMEOUT,
                "the request body did not arrive in time\n",
            );
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            Err(r)
        }
    }
}

async fn read_body_untimed(req: Request<Incoming>) -> Result<bytes::Bytes, Response<Body>> {
    let too_big = || {
        let (s, v) = crate::api::envelope(
            None,
            Err(
                crate::api::Fail::invalid("the request body is larger than 1 MiB")
                    .with_http(Http::PAYLOAD_TOO_LARGE),
            ),
            None,
        );
        bytes_response(s, v)
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut body = req.into_body();
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        drain(&mut body).await;
        return Err(too_big());
    }
    let mut buf = bytes::BytesMut::new();
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(plain(
                Http::BAD_REQUEST,
                "the request body could not be read\n",
            ));
        };
        if let Some(d) = frame.data_ref() {
            if buf.len() + d.len() > MAX_BODY {
                drain(&mut body).await;
                return Err(too_big());
            }
            buf.extend_from_slice(d);
        }
    }
    Ok(buf.freeze())
}

/// Reads and discards up to 16 MiB more of a refused body, so a client that is still sending
/// gets to read the 413 instead of a reset connection.
async fn drain(body: &mut Incoming) {
    let mut left: usize = 16 << 20;
    while let Some(Ok(frame)) = body.frame().await {
        let n = frame.data_ref().map_or(0, bytes::Bytes::len);
        if n >= left {
            break;
        }
        left -= n;
    }
}

/// Handles one request.
pub async fn handle(
    state: Arc<State>,
    scheme: Scheme,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    if let Some(player) = &state.replay {
        return crate::replay::answer(&state, player, req).await;
    }
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    let lower = path.trim_end_matches('/').to_ascii_lowercase();

    if let Some(r) = site::route(&state, &method, &lower) {
        return Ok(r);
    }
    if lower.starts_with("/_sandbox/") && state.config.control_endpoints {
        let query = req.uri().query().unwrap_or("").to_owned();
        // The body carries nothing, but reading it keeps the connection reusable.
        if let Err(r) = read_body(&state, req).await {
            return Ok(r);
        }
        return Ok(control(&state, &lower, &method, &query));
    }
    if lower.starts_with("/download/") {
        if method != Method::GET && method != Method::HEAD {
            return Ok(wrong_method(&state, req, "use GET\n", "GET").await);
        }
        state.stats.call(scheme.name(), "download", "none");
        let fault = state.faults.next("download");
        if let Some(r) = before(&state, fault)? {
            return Ok(r);
        }
        let tail = after(&state, fault).await?;
        return files::serve(&state, &req, &path, method == Method::HEAD, tail);
    }
    if lower == "/oauth2/token" {
        if method != Method::POST {
            return Ok(wrong_method(&state, req, "use POST\n", "POST").await);
        }
        state.stats.call(scheme.name(), "oauth2/token", "none");
        let fault = state.faults.next("oauth2/token");
        latency(&state).await;
        if let Some(r) = before(&state, fault)? {
            // The request body is read (and dropped) so the connection stays reusable.
            let _ = read_body(&state, req).await;
            return Ok(r);
        }
        let body = match read_body(&state, req).await {
            Ok(b) => b,
            Err(r) => return Ok(r),
        };
        if let Some(r) = gate(&state, || oauth2::client_id(&body)) {
            return Ok(r);
        }
        let (s, v) = oauth2::token(&state, scheme, &body);
        let mut r = json_response(s, &v);
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r.headers_mut()
            .insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        return finish(&state, fault, r).await;
    }
    if lower == "/oauth2/auth" {
        let query = req.uri().query().unwrap_or("").to_owned();
        // The sign-in page's form posts back here.
        let form = if method == Method::POST {
            match read_body(&state, req).await {
                Ok(b) => Some(b),
                Err(r) => return Ok(r),
            }
        } else {
            None
        };
        return Ok(signin::authorize(&state, scheme, &query, form.as_deref()));
    }
    if lower.starts_with(SINGLE_STEP) {
        // SingleStepDownload: no envelope; the image id is the path's last segment.
        state
            .stats
            .operation(connect_types::ops::SingleStepDownloadRequest::NAME);
        if method != Method::POST {
            return Ok(wrong_method(&state, req, "use POST\n", "POST").await);
        }
        let name = connect_types::ops::SingleStepDownloadRequest::NAME;
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let class = state.tokens.class_of(bearer);
        state.stats.call(scheme.name(), name, class);
        let fault = state.faults.next(name);
        latency(&state).await;
        if let Some(r) = before(&state, fault)? {
            return Ok(r);
        }
        let key = || {
            req.headers()
                .get(connect_types::ops::SingleStepDownloadRequest::API_KEY_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(|k| k.trim().to_owned())
        };
        if let Some(r) = gate(&state, key) {
            return Ok(r);
        }
        let id = path
            .trim_end_matches('/')
            .get(SINGLE_STEP.len()..)
            .unwrap_or("")
            .to_owned();
        let r = single_step::respond(&state, scheme, req.headers(), &id);
        state.after_call(connect_types::ops::SingleStepDownloadRequest::CHANGES_STATE);
        return finish(&state, fault, r).await;
    }
    if lower == "/oembed" {
        state
            .stats
            .operation(connect_types::ops::OEmbedRequest::NAME);
        if method != Method::GET && method != Method::HEAD {
            return Ok(wrong_method(&state, req, "use GET\n", "GET").await);
        }
        let name = connect_types::ops::OEmbedRequest::NAME;
        state.stats.call(scheme.name(), name, "none");
        return Ok(oembed::respond(&state, req.uri().query().unwrap_or("")));
    }
    if let Some(op) = crate::handlers::find(&path) {
        state.stats.operation(op.name);
        if method != Method::POST {
            return Ok(
                wrong_method(&state, req, "operations are called with POST\n", "POST").await,
            );
        }
        let fault = state.faults.next(op.name);
        latency(&state).await;
        if let Some(r) = before(&state, fault)? {
            // The request body is read (and dropped) so the connection stays reusable.
            let _ = read_body(&state, req).await;
            return Ok(r);
        }
        let body = match read_body(&state, req).await {
            Ok(b) => b,
            Err(r) => return Ok(r),
        };
        let r = match operations::run(&state, op, scheme, &body) {
            Ok((s, v)) => {
                state.after_call(op.changes_state);
                bytes_response(s, v)
            }
            Err(verdict) => refusal(verdict),
        };
        return finish(&state, fault, r).await;
    }
    // Read (and dropped) so the keep-alive connection stays reusable, as for a wrong method.
    if let Err(r) = read_body(&state, req).await {
        return Ok(r);
    }
    let (s, v) = operations::unknown_path(&path);
    Ok(bytes_response(s, v))
}

/// The gateway's call limits for a request whose application key `key` names (computed only
/// when a limit is configured): `Some(answer)` when the request is refused.
fn gate(state: &State, key: impl FnOnce() -> Option<String>) -> Option<Response<Body>> {
    if !state.limits.enabled() {
        return None;
    }
    match state
        .limits
        .check(key().as_deref(), |k, v| state.stats.limited(k, v))
    {
        Verdict::Allowed => None,
        verdict => Some(refusal(verdict)),
    }
}

/// The gateway's answer for a refused request.
fn refusal(verdict: Verdict) -> Response<Body> {
    match verdict {
        Verdict::OverDaily => over_limit(connect_types::gateway::OVER_RATE),
        _ => over_limit(connect_types::gateway::OVER_QPS),
    }
}

/// A `405` naming the method to use. The request body is read (and dropped) first: an answer
/// that leaves it unread makes the server close the keep-alive connection, and a client that
/// reuses it at once sees the peer disconnect on its next request.
async fn wrong_method(
    state: &State,
    req: Request<Incoming>,
    text: &'static str,
    allow: &'static str,
) -> Response<Body> {
    if let Err(r) = read_body(state, req).await {
        return r;
    }
    let mut r = plain(Http::METHOD_NOT_ALLOWED, text);
    r.headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    r
}

/// The `/_sandbox/*` control endpoints (served only when the operator enabled them).
fn control(state: &State, lower: &str, method: &Method, query: &str) -> Response<Body> {
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

/// The configured delay before every API answer.
async fn latency(state: &State) {
    if !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
}

/// A fault that strikes before the request is read: `Ok(Some(r))` answers `r` instead,
/// `Err` drops the connection.
fn before(state: &State, fault: Option<Fault>) -> Result<Option<Response<Body>>, DropConnection> {
    let Some(f) = fault.filter(|f| f.before()) else {
        return Ok(None);
    };
    state.stats.fault(f.name());
    match f {
        Fault::Unavailable => {
            let mut r = plain(
                Http::SERVICE_UNAVAILABLE,
                "injected fault: service unavailable\n",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Ok(Some(r))
        }
        Fault::ServiceDown => {
            let (s, v) = crate::api::envelope(
                None,
                Err(crate::api::Fail::new(
                    connect_types::StatusCode::DependentServiceDown,
                    "injected fault: a backing system could not be reached",
                )),
                None,
            );
            Ok(Some(bytes_response(s, v)))
        }
        Fault::OverQps => Ok(Some(refusal(Verdict::OverQps))),
        Fault::OverDaily => Ok(Some(refusal(Verdict::OverDaily))),
        _ => Err(DropConnection),
    }
}

/// What an after-the-work fault leaves of an answer's body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tail {
    /// All of it.
    Whole,
    /// The first half, then the connection is cut.
    CutHalf,
    /// The first half, a stall, then the rest.
    StallHalf(Duration),
    /// A download body at this many bytes per second (other answers: whole).
    Trickle(u64),
}

/// A fault that strikes once the work is done: waits out a slow answer, drops the connection
/// for `DropAfter`; returns what is left of the body.
async fn after(state: &State, fault: Option<Fault>) -> Result<Tail, DropConnection> {
    let Some(f) = fault.filter(|f| !f.before()) else {
        return Ok(Tail::Whole);
    };
    state.stats.fault(f.name());
    match f {
        Fault::Slow { millis } => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            Ok(Tail::Whole)
        }
        Fault::CutMidBody => Ok(Tail::CutHalf),
        Fault::StallMidBody { millis } => Ok(Tail::StallHalf(Duration::from_millis(millis))),
        Fault::Trickle { bytes_per_sec } => Ok(Tail::Trickle(bytes_per_sec)),
        _ => Err(DropConnection),
    }
}

/// Sends `r`, or what an after-the-work fault makes of it.
async fn finish(
    state: &State,
    fault: Option<Fault>,
    r: Response<Body>,
) -> Result<Response<Body>, DropConnection> {
    let tail = after(state, fault).await?;
    if matches!(tail, Tail::Whole | Tail::Trickle(_)) {
        return Ok(r);
    }
    // Half the body under the full Content-Length, then a cut or a stall and the rest.
    let (parts, body) = r.into_parts();
    let bytes = body
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes)
        .unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    let rest = bytes.slice(bytes.len() / 2..);
    let end = async move {
        if let Tail::StallHalf(stall) = tail {
            tokio::time::sleep(stall).await;
            return Ok(rest);
        }
        // The error waits a moment so the half already written reaches the client first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "injected cut",
        ))
    };
    let chunks = futures_util::StreamExt::chain(
        futures_util::stream::iter([Ok(half)]),
        futures_util::stream::once(end),
    );
    let mut r = Response::from_parts(parts, crate::response::stream(chunks));
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Ok(r)
}

/// Accepts connections until `shutdown` turns true, then lets open connections finish.
/// `active` counts open connections over both listeners; past
/// [`crate::Limits::max_connections`] a new one is closed at once.
pub async fn serve(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<State>,
    scheme: Scheme,
    mut shutdown: watch::Receiver<bool>,
    active: Arc<AtomicUsize>,
) {
    let max = state.config.limits.max_connections;
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stopped(&mut shutdown) => break,
        };
        let Ok((stream, _)) = accepted else {
            // Accept errors (e.g. too many open files) are transient; back off briefly.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let open = active.fetch_add(1, Ordering::SeqCst);
        if open >= max {
            active.fetch_sub(1, Ordering::SeqCst);
            state.stats.connection_refused();
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let tls = tls.clone();
        let mut stop = shutdown.clone();
        let active = active.clone();
        tokio::spawn(async move {
            let limits = &state.config.limits;
            let activity = Activity::new();
            match tls {
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(limits.header_read_timeout, acceptor.accept(stream))
                            .await;
                    match handshake {
                        Ok(Ok(s)) => {
                            drive(
                                Watched::new(s, activity.clone()),
                                &state,
                                scheme,
                                activity,
                                &mut stop,
                            )
                            .await
                        }
                        Ok(Err(_)) => {}
                        Err(_) => state.stats.connection_timed_out(),
                    }
                }
                None => {
                    drive(
                        Watched::new(stream, activity.clone()),
                        &state,
                        scheme,
                        activity,
                        &mut stop,
                    )
                    .await
                }
            }
            active.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

/// Serves one connection until it ends, the sandbox stops, or a time limit strikes (then it
/// is dropped: closed without an answer).
async fn drive<S>(
    io: Watched<S>,
    state: &Arc<State>,
    scheme: Scheme,
    activity: Arc<Activity>,
    stop: &mut watch::Receiver<bool>,
) where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = {
        let state = state.clone();
        let activity = activity.clone();
        hyper::service::service_fn(move |req| {
            let guard = activity.request();
            let state = state.clone();
            async move {
                let r = handle(state, scheme, req).await;
                drop(guard);
                r
            }
        })
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), svc);
    tokio::pin!(conn);
    let limits = &state.config.limits;
    let (header, idle) = (limits.header_read_timeout, limits.idle_timeout);
    let mut tick = tokio::time::interval(conn::tick(header, idle));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = conn.as_mut() => return,
            _ = stopped(stop) => {
                conn.as_mut().graceful_shutdown();
                let _ = tokio::time::timeout(Duration::from_secs(5), conn).await;
                return;
            }
            _ = tick.tick() => {
                if let Some(why) = activity.overdue(header, idle) {
                    tracing::debug!(reason = why, "closing a connection");
                    state.stats.connection_timed_out();
                    return;
                }
            }
        }
    }
}

/// Resolves once the shutdown flag is set (the watch guard is dropped before returning, so
/// callers may await afterwards).
async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}
