//! Listeners, connection handling and request routing.

use crate::body::read_body;
use crate::conn::{self, Activity, Watched};
use crate::control;
use crate::faults::{self, Fault};
use crate::handlers::{files, oauth2, oembed, signin, single_step, site};
use crate::operations;
use crate::response::{Body, DropConnection, bytes_response, json_response, plain, refusal};
use crate::security::Scheme;
use crate::state::State;
use crate::store::limits::Verdict;
use http::{HeaderValue, Method, Request, Response, StatusCode as Http, header};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// The path prefix of SingleStepDownload (`/v2/download/{ImageId}`), lower-cased.
const SINGLE_STEP: &str = "/v2/download/";

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
        return Ok(control::answer(&state, &lower, &method, &query));
    }
    if lower.starts_with("/download/") {
        if method != Method::GET && method != Method::HEAD {
            return Ok(wrong_method(&state, req, "use GET\n", "GET").await);
        }
        state.stats.call(scheme.name(), "download", "none");
        // File downloads are not API answers: no configured latency.
        let fault = match open(&state, "download", false).await? {
            Opening::Answer(r) => return Ok(r),
            Opening::Work(fault, ()) => fault,
        };
        let tail = faults::after(&state, fault).await?;
        return files::serve(&state, &req, &path, method == Method::HEAD, tail);
    }
    if lower == "/oauth2/token" {
        if method != Method::POST {
            return Ok(wrong_method(&state, req, "use POST\n", "POST").await);
        }
        state.stats.call(scheme.name(), "oauth2/token", "none");
        let (fault, body) = match open_with_body(&state, "oauth2/token", req).await? {
            Opening::Answer(r) => return Ok(r),
            Opening::Work(fault, body) => (fault, body),
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
        return faults::finish(&state, fault, r).await;
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
        let name = connect_types::ops::SingleStepDownloadRequest::NAME;
        state.stats.operation(name);
        if method != Method::POST {
            return Ok(wrong_method(&state, req, "use POST\n", "POST").await);
        }
        let bearer = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let class = state.tokens.class_of(bearer);
        state.stats.call(scheme.name(), name, class);
        // The answer reads the headers only, but the body is read (and dropped) too: one left
        // unread makes the server close the keep-alive connection under a client that reuses it.
        let headers = req.headers().clone();
        let fault = match open_with_body(&state, name, req).await? {
            Opening::Answer(r) => return Ok(r),
            Opening::Work(fault, _) => fault,
        };
        let key = || {
            headers
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
        let r = single_step::respond(&state, scheme, &headers, &id);
        state.after_call(connect_types::ops::SingleStepDownloadRequest::CHANGES_STATE);
        return faults::finish(&state, fault, r).await;
    }
    if lower == "/oembed" {
        let name = connect_types::ops::OEmbedRequest::NAME;
        state.stats.operation(name);
        if method != Method::GET && method != Method::HEAD {
            return Ok(wrong_method(&state, req, "use GET\n", "GET").await);
        }
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
        let (fault, body) = match open_with_body(&state, op.name, req).await? {
            Opening::Answer(r) => return Ok(r),
            Opening::Work(fault, body) => (fault, body),
        };
        let r = match operations::run(&state, op, scheme, &body) {
            Ok((s, v)) => {
                state.after_call(op.changes_state);
                bytes_response(s, v)
            }
            Err(verdict) => refusal(verdict),
        };
        return faults::finish(&state, fault, r).await;
    }
    // Read (and dropped) so the keep-alive connection stays reusable, as for a wrong method.
    if let Err(r) = read_body(&state, req).await {
        return Ok(r);
    }
    let (s, v) = operations::unknown_path(&path);
    Ok(bytes_response(s, v))
}

/// How the opening every call shares ends.
enum Opening<T> {
    /// Answer this instead of doing the work (an injected fault, or a body that could not be
    /// read).
    Answer(Response<Body>),
    /// Do the work: the drawn fault (whatever of it strikes after the work) and what was read.
    Work(Option<Fault>, T),
}

/// The opening of a call named `name`: draws its fault, waits the configured latency when
/// `wait`, and applies a fault that strikes before the work (`Err`: drop the connection).
async fn open(state: &State, name: &str, wait: bool) -> Result<Opening<()>, DropConnection> {
    let fault = state.faults.next(name);
    if wait && !state.config.latency.is_zero() {
        tokio::time::sleep(state.config.latency).await;
    }
    Ok(match faults::before(state, fault)? {
        Some(r) => Opening::Answer(r),
        None => Opening::Work(fault, ()),
    })
}

/// [`open`] for a call whose work reads the request body, then the body. The body is read
/// (and dropped) under a fault's answer too, so the connection stays reusable.
async fn open_with_body(
    state: &State,
    name: &str,
    req: Request<Incoming>,
) -> Result<Opening<bytes::Bytes>, DropConnection> {
    Ok(match open(state, name, true).await? {
        Opening::Answer(r) => {
            let _ = read_body(state, req).await;
            Opening::Answer(r)
        }
        Opening::Work(fault, ()) => match read_body(state, req).await {
            Ok(body) => Opening::Work(fault, body),
            Err(r) => Opening::Answer(r),
        },
    })
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
