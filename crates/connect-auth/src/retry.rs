//! Retry policy: full-jitter exponential backoff with a cap, honouring `Retry-After`; the one
//! place answers are classified ([`RetryRule`], and [`rate_limit`] for the service's two call
//! limits); and the [`RetryBudget`] that bounds a client's retries across all its calls.

use std::time::Duration;

/// The longest `Retry-After` the SDK waits for unless told otherwise: the default of
/// [`RetryPolicy::max_retry_after`] and the limit a download keeps
/// ([`crate::download::MAX_RETRY_AFTER`] is this constant). A longer one ends the retries.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How failed calls are retried. The randomness is passed in, so the policy is a pure function.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (default 3). 1 disables retries.
    pub max_attempts: u32,
    /// The backoff ceiling for the first retry (default 200 ms); it doubles per retry.
    pub base_delay: Duration,
    /// The largest backoff ceiling (default 5 s).
    pub max_delay: Duration,
    /// The longest `Retry-After` honoured (default [`MAX_RETRY_AFTER`], 30 s); longer ones end
    /// the retries.
    pub max_retry_after: Duration,
    /// Retry non-idempotent operations (CreateLightbox, CreateLightboxItems,
    /// CreateDownloadRequest) even when the request may have reached the server. Off by
    /// default: a retry could create a second lightbox.
    pub retry_non_idempotent: bool,
    /// The client's retry budget, shared by all its calls and token requests (default
    /// [`RetryBudget::default`]); `None`: no budget, only `max_attempts` bounds retries.
    pub budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: MAX_RETRY_AFTER,
            retry_non_idempotent: false,
            budget: Some(RetryBudget::default()),
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
    /// HTTP 403 with `X-Error-Detail: Account Over Queries Per Second Limit`: the gateway turned
    /// the request away because the application key is over its per-second limit. Nothing was
    /// done, so any operation may be sent again (see [`rate_limit`]).
    PerSecondLimit,
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

    /// The rule an answer falls under: its status, unless the answer is one of the service's
    /// call-limit refusals (a `403` that [`rate_limit`] recognizes). The per-second limit is
    /// [`RetryRule::PerSecondLimit`]; the daily limit is no rule at all, since retrying before
    /// the day ends only spends more calls.
    pub fn for_answer(
        status: http::StatusCode,
        headers: &http::HeaderMap,
        body: Option<&[u8]>,
    ) -> Option<Self> {
        match rate_limit(status, headers, body) {
            Some(RateLimitScope::PerSecond) => Some(Self::PerSecondLimit),
            Some(RateLimitScope::Daily) => None,
            None => Self::for_status(status),
        }
    }

    /// [`RetryRule::for_answer`] for a whole response.
    pub fn for_response(response: &http::Response<Vec<u8>>) -> Option<Self> {
        Self::for_answer(response.status(), response.headers(), Some(response.body()))
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
    pub fn for_failure(failure: &crate::failure::TransportFailure) -> Option<Self> {
        match failure.cause {
            crate::failure::TransportCause::UntrustedCertificate
            | crate::failure::TransportCause::Handshake => None,
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
            Self::PerSecondLimit => "per-second-limit",
            Self::Unavailable => "unavailable",
            Self::RequestTimeout => "request-timeout",
            Self::ServerError => "server-error",
            Self::TransientApiCode => "transient-api-code",
            Self::NotSent => "not-sent",
            Self::MaybeReceived => "maybe-received",
        }
    }

    /// What a retry under this rule costs from the [`RetryBudget`]: a timeout or a broken
    /// exchange costs more, since the server may have spent its time on it.
    fn cost(self, budget: &RetryBudget) -> u32 {
        match self {
            Self::MaybeReceived | Self::RequestTimeout => budget.timeout_retry_cost,
            _ => budget.retry_cost,
        }
    }
}

/// Which of the service's two call limits refused a request. Both are counted per application
/// key (the legacy session's SystemId, the OAuth2 client id, SingleStepDownload's `Api-Key`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RateLimitScope {
    /// Too many calls in the last second (`Account Over Queries Per Second Limit`). The gateway
    /// did nothing; sending again a little later succeeds.
    PerSecond,
    /// The key's calls for the day are used up (`Account Over Rate Limit`). Every call fails
    /// until the service's day ends.
    Daily,
}

impl RateLimitScope {
    /// The gateway's own words for it, as sent in `X-Error-Detail` and the body's `message`.
    pub fn detail(self) -> &'static str {
        match self {
            Self::PerSecond => OVER_QPS_DETAIL,
            Self::Daily => OVER_RATE_DETAIL,
        }
    }
}

/// The header the gateway names a refusal in (lower-case, as `http` stores names).
pub const ERROR_DETAIL_HEADER: &str = "x-error-detail";
/// `X-Error-Detail` (and `message`) of the per-second throttle.
pub const OVER_QPS_DETAIL: &str = connect_types::gateway::OVER_QPS;
/// `X-Error-Detail` (and `message`) of the daily limit.
pub const OVER_RATE_DETAIL: &str = connect_types::gateway::OVER_RATE;

/// Which call limit a response reports, if it is one of the gateway's limit refusals: HTTP 403
/// with `X-Error-Detail` naming the limit, or, when that header is missing, a small JSON body
/// `{"message": …}` naming it (`body` is `None` where only the head is known, as for a
/// download). Every other answer, any other 403 included, is `None`.
pub fn rate_limit(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: Option<&[u8]>,
) -> Option<RateLimitScope> {
    if status != http::StatusCode::FORBIDDEN {
        return None;
    }
    let named = |text: &str| {
        let text = text.trim();
        [RateLimitScope::PerSecond, RateLimitScope::Daily]
            .into_iter()
            .find(|s| text.eq_ignore_ascii_case(s.detail()))
    };
    if let Some(detail) = headers
        .get(ERROR_DETAIL_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return named(detail);
    }
    // The gateway's body is tiny; a large one is something else (an HTML page).
    let body = body.filter(|b| b.len() <= 1024)?;
    let m: connect_types::gateway::GatewayMessage = serde_json::from_slice(body).ok()?;
    named(&m.message)
}

/// [`rate_limit`] for a whole response.
pub fn rate_limit_of(response: &http::Response<Vec<u8>>) -> Option<RateLimitScope> {
    rate_limit(response.status(), response.headers(), Some(response.body()))
}

/// The retry budget of one client: a bucket of tokens shared by all its calls and token
/// requests (the idea of smithy-rs's retry token bucket). Each retry takes
/// [`retry_cost`](Self::retry_cost) tokens ([`timeout_retry_cost`](Self::timeout_retry_cost)
/// after a timeout or a broken exchange), each call that succeeds puts
/// [`success_refund`](Self::success_refund) back, up to [`capacity`](Self::capacity). When the
/// bucket cannot pay for a retry, the call fails with its error at once: in an outage the
/// client soon stops multiplying its load by the number of attempts, and it recovers as calls
/// succeed again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryBudget {
    /// Tokens when full, and at the start (default 500: a hundred retries in a row).
    pub capacity: u32,
    /// Tokens a retry takes (default 5).
    pub retry_cost: u32,
    /// Tokens a retry after a timeout or an exchange broken mid-way takes (default 10).
    pub timeout_retry_cost: u32,
    /// Tokens a successful call puts back (default 1).
    pub success_refund: u32,
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self {
            capacity: 500,
            retry_cost: 5,
            timeout_retry_cost: 10,
            success_refund: 1,
        }
    }
}

/// What is left of a client's [`RetryBudget`]; the core keeps one for all of a client's calls.
#[derive(Clone, Debug)]
pub struct BudgetBalance {
    budget: Option<RetryBudget>,
    available: u32,
}

impl BudgetBalance {
    /// A full bucket (`None`: no budget, every retry is paid for).
    pub fn new(budget: Option<RetryBudget>) -> Self {
        let available = budget.as_ref().map_or(0, |b| b.capacity);
        Self { budget, available }
    }

    /// Tokens left (`None` without a budget).
    pub fn available(&self) -> Option<u32> {
        self.budget.as_ref().map(|_| self.available)
    }

    /// Takes the cost of a retry under `rule`; `false` when the bucket cannot pay for it (then
    /// nothing is taken and the call must not be retried).
    pub fn try_spend(&mut self, rule: RetryRule) -> bool {
        let Some(budget) = &self.budget else {
            return true;
        };
        let cost = rule.cost(budget);
        if self.available < cost {
            return false;
        }
        self.available -= cost;
        true
    }

    /// A call succeeded: puts the refund back, up to the capacity.
    pub fn handle_success(&mut self) {
        if let Some(budget) = &self.budget {
            self.available = self
                .available
                .saturating_add(budget.success_refund)
                .min(budget.capacity);
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
        let untrusted = crate::failure::TransportFailure::new(
            crate::failure::TransportCause::UntrustedCertificate,
            "invalid peer certificate: UnknownIssuer",
        );
        assert_eq!(RetryRule::for_failure(&untrusted), None);
        let closed =
            crate::failure::TransportFailure::new(crate::failure::TransportCause::Closed, "closed");
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

    fn answer(status: u16, detail: Option<&str>, body: &str) -> http::Response<Vec<u8>> {
        let mut b = http::Response::builder().status(status);
        if let Some(d) = detail {
            b = b.header("X-Error-Detail", d);
        }
        b.body(body.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn the_gateways_limits_are_told_apart_from_any_other_403() {
        let qps = "Account Over Queries Per Second Limit";
        let rate = "Account Over Rate Limit";
        let of = |r: &http::Response<Vec<u8>>| rate_limit_of(r);
        assert_eq!(
            of(&answer(403, Some(qps), "")),
            Some(RateLimitScope::PerSecond)
        );
        assert_eq!(
            of(&answer(403, Some(rate), "")),
            Some(RateLimitScope::Daily)
        );
        // Any casing and spacing of the header's value.
        assert_eq!(
            of(&answer(403, Some(" account over rate limit "), "")),
            Some(RateLimitScope::Daily)
        );
        // No header: the body names it.
        let body = format!(r#"{{"message": "{qps}"}}"#);
        assert_eq!(
            of(&answer(403, None, &body)),
            Some(RateLimitScope::PerSecond)
        );
        // Other 403s, other statuses, other details: not a limit.
        assert_eq!(of(&answer(403, None, "<html>Forbidden</html>")), None);
        assert_eq!(of(&answer(403, Some("Account Inactive"), &body)), None);
        assert_eq!(of(&answer(403, None, r#"{"message": "Forbidden"}"#)), None);
        assert_eq!(of(&answer(429, Some(qps), &body)), None);
        assert_eq!(of(&answer(200, Some(qps), &body)), None);
        let long = format!(r#"{{"message": "{qps}", "pad": "{}"}}"#, "x".repeat(2000));
        assert_eq!(
            of(&answer(403, None, &long)),
            None,
            "a large body is something else"
        );
        // The rules: the per-second limit is retried (nothing was done), the daily one is not.
        let rule = |r: &http::Response<Vec<u8>>| RetryRule::for_response(r);
        assert_eq!(
            rule(&answer(403, Some(qps), "")),
            Some(RetryRule::PerSecondLimit)
        );
        assert!(RetryRule::PerSecondLimit.work_not_done());
        assert_eq!(RetryRule::PerSecondLimit.name(), "per-second-limit");
        assert_eq!(rule(&answer(403, Some(rate), "")), None);
        assert_eq!(rule(&answer(403, None, "")), None);
        assert_eq!(rule(&answer(503, None, "")), Some(RetryRule::Unavailable));
    }

    #[test]
    fn the_budget_pays_for_retries_until_empty_and_refills_with_successes() {
        let mut b = BudgetBalance::new(Some(RetryBudget {
            capacity: 12,
            ..RetryBudget::default()
        }));
        assert_eq!(b.available(), Some(12));
        assert!(b.try_spend(RetryRule::Unavailable));
        assert!(!b.try_spend(RetryRule::MaybeReceived), "a timeout costs 10");
        assert!(b.try_spend(RetryRule::PerSecondLimit));
        assert_eq!(b.available(), Some(2));
        assert!(!b.try_spend(RetryRule::Unavailable));
        for _ in 0..20 {
            b.handle_success();
        }
        assert_eq!(b.available(), Some(12), "never above the capacity");
        let mut none = BudgetBalance::new(None);
        assert!((0..1000).all(|_| none.try_spend(RetryRule::MaybeReceived)));
        assert_eq!(none.available(), None);
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
