//! Retry policy: full-jitter exponential backoff with a cap, honouring `Retry-After`.

use std::time::Duration;

/// How failed calls are retried. The randomness is passed in, so the policy is a pure function.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3). 1 disables retries.
    pub max_attempts: u32,
    /// The backoff ceiling for the first retry (default 200 ms); it doubles per retry.
    pub base_delay: Duration,
    /// The largest backoff ceiling (default 5 s).
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured (default 30 s); longer ones end the retries.
    pub max_retry_after: Duration,
    /// Retry non-idempotent operations (CreateLightbox, CreateLightboxItems,
    /// CreateDownloadRequest) even when the request may have reached the server. Off by
    /// default: a retry could create a second lightbox.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The delay before retry number `retry` (1 for the first retry), given a random number in
    /// `[0, 1)`, or `None` when no retry is left. `retry_after` from the server replaces the
    /// jittered backoff when present.
    pub fn delay(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        random: f64,
    ) -> Option<Duration> {
        if retry == 0 || retry >= self.max_attempts {
            return None;
        }
        if let Some(ra) = retry_after {
            return (ra <= self.max_retry_after).then_some(ra);
        }
        Some(self.backoff(retry, random))
    }

    /// The full-jitter pause before retry number `retry` (1 for the first), given a random
    /// number in `[0, 1)`: up to `base_delay` doubled per retry, capped at `max_delay`.
    pub fn backoff(&self, retry: u32, random: f64) -> Duration {
        let exp = 2u32.saturating_pow(retry.max(1) - 1);
        let ceiling = self.base_delay.saturating_mul(exp).min(self.max_delay);
        ceiling.mul_f64(random.clamp(0.0, 1.0))
    }
}

/// A tiny deterministic PRNG (SplitMix64) for jitter and coordination ids; seeded by the driver.
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss)]
        let v = (self.next_u64() >> 11) as f64;
        v / (1u64 << 53) as f64
    }
}

/// A named reason to send a request again (as smithy-rs names its retry classifiers). Calls,
/// token requests and downloads all classify their failures with these rules, so the three
/// cannot drift apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetryRule {
    /// HTTP 429: the server turned the request away for now.
    Throttled,
    /// HTTP 503: the service is unavailable and did not process the request.
    Unavailable,
    /// HTTP 408: the server gave up waiting for the request, so it did not process it.
    RequestTimeout,
    /// Any other HTTP 5xx: the server failed, perhaps after doing the work.
    ServerError,
    /// A transient status code in the envelope (`DependentServiceDown` and kin).
    TransientApiCode,
    /// No connection was made (connect, DNS, TLS handshake): the request never left.
    NotSent,
    /// The exchange broke after the request may have reached the server.
    MaybeReceived,
}

impl RetryRule {
    /// The rule an HTTP status falls under, or `None` when sending again would not help.
    pub fn for_status(status: http::StatusCode) -> Option<Self> {
        match status.as_u16() {
            429 => Some(Self::Throttled),
            503 => Some(Self::Unavailable),
            408 => Some(Self::RequestTimeout),
            500..=599 => Some(Self::ServerError),
            _ => None,
        }
    }

    /// The rule for a transport failure.
    pub fn for_transport(reached_server: bool) -> Self {
        if reached_server {
            Self::MaybeReceived
        } else {
            Self::NotSent
        }
    }

    /// The rule for a transport failure, or `None` when sending again cannot help: a
    /// certificate the client does not trust, or a handshake with something that does not
    /// speak TLS there, fails the same way every time.
    pub fn for_failure(failure: &crate::TransportFailure) -> Option<Self> {
        match failure.cause {
            crate::TransportCause::UntrustedCertificate | crate::TransportCause::Handshake => None,
            _ => Some(Self::for_transport(failure.reached_server)),
        }
    }

    /// Whether the server cannot have done the work, so that even a request that is not
    /// idempotent (CreateLightbox) may be sent again.
    pub fn work_not_done(self) -> bool {
        !matches!(self, Self::ServerError | Self::MaybeReceived)
    }

    /// The rule's name, for logs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Throttled => "throttled",
            Self::Unavailable => "unavailable",
            Self::RequestTimeout => "request-timeout",
            Self::ServerError => "server-error",
            Self::TransientApiCode => "transient-api-code",
            Self::NotSent => "not-sent",
            Self::MaybeReceived => "maybe-received",
        }
    }
}

/// The answer's `Retry-After`, the one parser for calls, token requests and downloads.
pub fn retry_after(headers: &http::HeaderMap) -> Option<Duration> {
    headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// Parses a `Retry-After` header given in seconds (HTTP dates are not honoured).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            max_attempts: 10,
            ..RetryPolicy::default()
        };
        assert_eq!(p.delay(1, None, 0.999_999).unwrap().as_millis(), 199);
        assert_eq!(p.delay(2, None, 0.5).unwrap().as_millis(), 200);
        assert_eq!(p.delay(9, None, 0.5).unwrap(), Duration::from_millis(2500));
        assert_eq!(p.delay(1, None, 0.0).unwrap(), Duration::ZERO);
        assert_eq!(p.delay(10, None, 0.5), None);
        assert_eq!(p.delay(0, None, 0.5), None);
    }

    #[test]
    fn one_rule_per_status() {
        let rule = |s: u16| RetryRule::for_status(http::StatusCode::from_u16(s).unwrap());
        assert_eq!(rule(429), Some(RetryRule::Throttled));
        assert_eq!(rule(503), Some(RetryRule::Unavailable));
        assert_eq!(rule(408), Some(RetryRule::RequestTimeout));
        assert_eq!(rule(500), Some(RetryRule::ServerError));
        assert_eq!(rule(599), Some(RetryRule::ServerError));
        for s in [200, 301, 400, 401, 404, 416] {
            assert_eq!(rule(s), None, "{s}");
        }
        assert!(RetryRule::Unavailable.work_not_done());
        assert!(!RetryRule::ServerError.work_not_done());
        assert!(!RetryRule::for_transport(true).work_not_done());
        assert!(RetryRule::for_transport(false).work_not_done());
        let untrusted = crate::TransportFailure::new(
            crate::TransportCause::UntrustedCertificate,
            "invalid peer certificate: UnknownIssuer",
        );
        assert_eq!(RetryRule::for_failure(&untrusted), None);
        let closed = crate::TransportFailure::new(crate::TransportCause::Closed, "closed");
        assert_eq!(
            RetryRule::for_failure(&closed),
            Some(RetryRule::MaybeReceived)
        );
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            http::HeaderValue::from_static("4"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(4)));
    }

    #[test]
    fn retry_after_wins_unless_too_long() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(2)), 0.1),
            Some(Duration::from_secs(2))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(600)), 0.1), None);
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    proptest! {
        #[test]
        fn delay_never_exceeds_the_cap(retry in 1u32..50, r in 0.0f64..1.0) {
            let p = RetryPolicy { max_attempts: 100, ..RetryPolicy::default() };
            let d = p.delay(retry, None, r).unwrap();
            prop_assert!(d <= p.max_delay);
        }

        #[test]
        fn splitmix_floats_are_in_range(seed in any::<u64>()) {
            let mut g = SplitMix64::new(seed);
            for _ in 0..16 {
                let f = g.next_f64();
                prop_assert!((0.0..1.0).contains(&f));
            }
        }
    }
}
