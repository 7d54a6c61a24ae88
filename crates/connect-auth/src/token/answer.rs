//! Reading token answers: OAuth2 token responses and session results into fresh tokens, and
//! every way a token endpoint can fail (server trouble, transient envelopes, redirects,
//! refusals) into an [`AuthFailure`] that says whether a retry may help.

use super::*;

/// The tokens a successful answer carries (OAuth2 gives the same token for both classes).
pub(super) struct Fresh {
    pub(super) standard: Secret,
    pub(super) secure: Secret,
    pub(super) refresh_token: Option<Secret>,
    pub(super) lifetime: Duration,
}

fn retry_after(response: &http::Response<Vec<u8>>) -> Option<Duration> {
    crate::retry::retry_after(response.headers())
}

fn server_trouble(response: &http::Response<Vec<u8>>, what: &'static str) -> AuthFailure {
    AuthFailure {
        error: Error::http(what, response),
        retryable: true,
        retry_after: retry_after(response),
    }
}

fn is_server_trouble(status: http::StatusCode) -> bool {
    crate::retry::RetryRule::for_status(status).is_some()
}

/// The retryable failure a Connect envelope with a transient status code stands for, if the
/// body is one.
fn transient_envelope(response: &http::Response<Vec<u8>>) -> Option<AuthFailure> {
    let Err(DecodeError::Api(api)) = connect_types::envelope::decode_envelope::<
        connect_types::ops::Empty,
    >(response.body(), None) else {
        return None;
    };
    let code = api.code().filter(|c| c.is_transient())?.clone();
    Some(AuthFailure {
        error: Error::Auth {
            message: format!("the token endpoint reported a transient failure ({api})"),
            code: Some(code),
            oauth_error: None,
        },
        retryable: true,
        retry_after: retry_after(response),
    })
}

/// A call-limit refusal from the gateway in front of the token endpoint: the per-second
/// throttle may be retried (nothing was done), the daily limit is final for the day. Neither
/// says anything about the credentials.
fn over_limit(what: &'static str, response: &http::Response<Vec<u8>>) -> Result<(), AuthFailure> {
    match crate::retry::rate_limit_of(response) {
        Some(scope) => Err(AuthFailure {
            error: Error::RateLimited {
                operation: what,
                scope,
            },
            retryable: scope == crate::retry::RateLimitScope::PerSecond,
            retry_after: None,
        }),
        None => Ok(()),
    }
}

/// A redirect answering a token request: final (it would carry the credentials elsewhere).
fn redirected(what: &'static str, response: &http::Response<Vec<u8>>) -> Result<(), AuthFailure> {
    match crate::redirect::refused_redirect(what, response) {
        Some(error) => Err(AuthFailure {
            error,
            retryable: false,
            retry_after: None,
        }),
        None => Ok(()),
    }
}

pub(super) fn parse_oauth(response: &http::Response<Vec<u8>>) -> Result<Fresh, AuthFailure> {
    redirected("the OAuth2 token request", response)?;
    over_limit("the OAuth2 token request", response)?;
    let status = response.status();
    if status.is_success() {
        let t: TokenResponse = match serde_json::from_slice(response.body()) {
            Ok(t) => t,
            Err(e) => {
                // A Connect envelope reporting a transient failure (DependentServiceDown and
                // kin) instead of a token: worth another try, like a 503.
                if let Some(failure) = transient_envelope(response) {
                    return Err(failure);
                }
                return Err(AuthFailure {
                    error: Error::Decode {
                        operation: "the OAuth2 token request",
                        message: format!(
                            "the token endpoint's answer is not a token response: {e}"
                        ),
                    },
                    retryable: false,
                    retry_after: None,
                });
            }
        };
        if t.access_token.is_empty() {
            return Err(AuthFailure {
                error: Error::auth("the token endpoint answered without an access token"),
                retryable: false,
                retry_after: None,
            });
        }
        let lifetime = t.expires_in.map_or(DEFAULT_LIFETIME, Duration::from_secs);
        return Ok(Fresh {
            standard: t.access_token.clone(),
            secure: t.access_token,
            refresh_token: t.refresh_token,
            lifetime,
        });
    }
    match serde_json::from_slice::<OAuthErrorResponse>(response.body()) {
        Ok(e) if !is_server_trouble(status) => Err(AuthFailure {
            error: Error::Auth {
                message: format!("the token endpoint refused the credentials ({e})"),
                code: None,
                oauth_error: Some(e.error),
            },
            retryable: false,
            retry_after: None,
        }),
        _ if is_server_trouble(status) => Err(server_trouble(response, "the OAuth2 token request")),
        _ => Err(AuthFailure {
            error: Error::http("the OAuth2 token request", response),
            retryable: false,
            retry_after: None,
        }),
    }
}

pub(super) fn parse_session(response: &http::Response<Vec<u8>>) -> Result<Fresh, AuthFailure> {
    redirected("the session request", response)?;
    over_limit("the session request", response)?;
    match connect_types::envelope::decode_envelope::<SessionResult>(
        response.body(),
        Some(session_result_key(response)),
    ) {
        Ok(r) => {
            let (Some(standard), Some(secure)) = (r.result.token, r.result.secure_token) else {
                return Err(AuthFailure {
                    error: Error::auth("the session answer holds no tokens"),
                    retryable: false,
                    retry_after: None,
                });
            };
            let minutes = r.result.token_duration_minutes.unwrap_or(30);
            Ok(Fresh {
                standard,
                secure,
                refresh_token: None,
                lifetime: clamp_lifetime(Duration::from_secs(
                    u64::from(minutes).saturating_mul(60),
                )),
            })
        }
        Err(DecodeError::Api(api)) => {
            let code = api.code().cloned();
            let transient = code.as_ref().is_some_and(|c| c.is_transient());
            Err(AuthFailure {
                error: Error::Auth {
                    message: format!("the session request was refused ({api})"),
                    code,
                    oauth_error: None,
                },
                retryable: transient,
                retry_after: retry_after(response),
            })
        }
        Err(_) if is_server_trouble(response.status()) => {
            Err(server_trouble(response, "the session request"))
        }
        Err(e) => Err(AuthFailure {
            error: Error::Decode {
                operation: "the session request",
                message: e.to_string(),
            },
            retryable: false,
            retry_after: None,
        }),
    }
}

/// CreateSession and RenewSession answer under different keys; pick by what the body holds.
fn session_result_key(response: &http::Response<Vec<u8>>) -> &'static str {
    let body = response.body();
    let renew = b"RenewSessionResult";
    if body.windows(renew.len()).any(|w| w == renew) {
        "RenewSessionResult"
    } else {
        "CreateSessionResult"
    }
}

#[cfg(test)]
mod envelope_fault_tests {
    use super::*;

    #[test]
    fn a_transient_envelope_from_the_token_endpoint_is_retryable() {
        let mut m = TokenMachine::new(
            Credentials::client_credentials("id", "secret"),
            AuthConfig::default(),
        );
        let endpoints = Endpoints::new("https://h.example").unwrap();
        let now = Instant::now();
        let TokenStep::Send(auth) = m.poll_token(now, &endpoints, Scheme::Https, None).unwrap()
        else {
            panic!("expected a token request");
        };
        let body = br#"{"ResponseHeader":{"Status":"Error","StatusList":[{"Type":"Error","Code":"DependentServiceDown","Message":"down"}]}}"#;
        let response = http::Response::new(body.to_vec());
        let failure = m.handle_auth_response(now, auth.id, &response).unwrap_err();
        assert!(failure.retryable);
        // Junk stays a final decode error.
        let TokenStep::Send(auth) = m.poll_token(now, &endpoints, Scheme::Https, None).unwrap()
        else {
            panic!("expected a token request");
        };
        let failure = m
            .handle_auth_response(now, auth.id, &http::Response::new(b"<html>".to_vec()))
            .unwrap_err();
        assert!(!failure.retryable);
    }
}
