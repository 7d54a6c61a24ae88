//! The `GETTY_*` environment variables, and how they fill in a [`ClientConfig`].
//!
//! Nothing here reads the process environment: [`ClientConfig::from_vars`] takes a lookup
//! function, which the clients' `from_env` give `std::env::var`.

use crate::config::ClientConfig;
use crate::credentials::Credentials;
use crate::error::Error;
use std::path::PathBuf;
use std::time::Duration;

/// The main base URL (every call; secure-only calls always).
pub const ENV_BASE_URL: &str = "GETTY_CONNECT_BASE_URL";
/// The optional plain-HTTP base URL for standard operations.
pub const ENV_HTTP_BASE_URL: &str = "GETTY_CONNECT_HTTP_BASE_URL";
/// Set to `1` (or `true`, `yes`) to let OAuth2 access tokens travel over plain HTTP; see
/// [`crate::token::AuthConfig::allow_oauth_token_over_http`].
pub const ENV_INSECURE_OAUTH_OVER_HTTP: &str = "GETTY_CONNECT_INSECURE_SEND_OAUTH_TOKEN_OVER_HTTP";
/// A ceiling on the requests per second a client sends (a number, e.g. `5` or `0.5`); see
/// [`crate::builder::ClientBuilder::max_requests_per_second`].
pub const ENV_MAX_QPS: &str = "GETTY_CONNECT_MAX_QPS";
/// A PEM file of extra trusted root certificates.
pub const ENV_CA_CERT: &str = "GETTY_CONNECT_CA_CERT";
/// OAuth2 client id (API key).
pub const ENV_CLIENT_ID: &str = "GETTY_CLIENT_ID";
/// OAuth2 client secret.
pub const ENV_CLIENT_SECRET: &str = "GETTY_CLIENT_SECRET";
/// Legacy session system id.
pub const ENV_SYSTEM_ID: &str = "GETTY_SYSTEM_ID";
/// Legacy session system password.
pub const ENV_SYSTEM_PASSWORD: &str = "GETTY_SYSTEM_PASSWORD";
/// User name (resource-owner grant or legacy session).
pub const ENV_USERNAME: &str = "GETTY_USERNAME";
/// User password (resource-owner grant or legacy session).
pub const ENV_PASSWORD: &str = "GETTY_PASSWORD";

/// The per-call limit: how long one request may take before it is given up (and retried when
/// that is safe), e.g. `30s`; see [`ClientConfig::request_timeout`].
pub const ENV_TIMEOUT: &str = "GETTY_CONNECT_TIMEOUT";
/// How long connecting (TCP and TLS) may take, e.g. `10s`; see
/// [`ClientConfig::connect_timeout`].
pub const ENV_CONNECT_TIMEOUT: &str = "GETTY_CONNECT_CONNECT_TIMEOUT";

/// Parses a duration such as `3s`, `90s`, `30m`, `2h`, `20ms`; a bare number means seconds.
///
/// ```
/// use connect_auth::env::parse_duration;
/// use std::time::Duration;
/// assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
/// assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
/// assert_eq!(parse_duration("20ms"), Ok(Duration::from_millis(20)));
/// ```
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("not a duration: {s:?} (try 3s, 90s, 30m)"))?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => n,
        "ms" => n / 1000.0,
        "m" | "min" | "mins" => n * 60.0,
        "h" => n * 3600.0,
        other => {
            return Err(format!(
                "unknown duration unit {other:?} (use ms, s, m or h)"
            ));
        }
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("not a duration: {s:?}: {e}"))
}

/// What the environment said: the settings, plus the CA file the transport must read.
#[derive(Clone, Debug)]
pub struct EnvConfig {
    /// Base URLs and credentials from the environment; defaults elsewhere.
    pub config: ClientConfig,
    /// `GETTY_CONNECT_CA_CERT`, a PEM file to add to the trusted roots.
    pub ca_cert_path: Option<PathBuf>,
}

impl ClientConfig {
    /// Reads the `GETTY_*` variables through `lookup` (pass `|k| std::env::var(k).ok()`).
    ///
    /// Credentials come from `GETTY_CLIENT_ID` / `GETTY_CLIENT_SECRET` (plus `GETTY_USERNAME` /
    /// `GETTY_PASSWORD` for the resource-owner grant), or else from `GETTY_SYSTEM_ID` /
    /// `GETTY_SYSTEM_PASSWORD` / `GETTY_USERNAME` / `GETTY_PASSWORD` (legacy session). Empty
    /// values count as unset. The error names every missing variable, never a value.
    ///
    /// ```
    /// use connect_auth::config::ClientConfig;
    /// let vars = [("GETTY_CLIENT_ID", "id"), ("GETTY_USERNAME", "alice")];
    /// let err = ClientConfig::from_vars(|k| {
    ///     vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    /// })
    /// .unwrap_err();
    /// assert!(err.to_string().contains("GETTY_CLIENT_SECRET"));
    /// assert!(err.to_string().contains("GETTY_PASSWORD"));
    /// ```
    pub fn from_vars(lookup: impl Fn(&str) -> Option<String>) -> Result<EnvConfig, Error> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let mut config = ClientConfig::default();
        if let Some(base) = get(ENV_BASE_URL) {
            config.base_url = base.trim().to_owned();
        }
        config.http_base_url = get(ENV_HTTP_BASE_URL).map(|v| v.trim().to_owned());
        if let Some(v) = get(ENV_INSECURE_OAUTH_OVER_HTTP) {
            config.auth.allow_oauth_token_over_http = match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => true,
                "0" | "false" | "no" | "off" => false,
                _ => {
                    return Err(Error::Config(format!(
                        "{ENV_INSECURE_OAUTH_OVER_HTTP} must be 1 or 0 (true or false)"
                    )));
                }
            };
        }
        let timeout = |name: &str| -> Result<Option<Duration>, Error> {
            get(name)
                .map(|v| match parse_duration(&v) {
                    Ok(d) if !d.is_zero() => Ok(d),
                    Ok(_) => Err(Error::Config(format!("{name} must be longer than 0"))),
                    Err(e) => Err(Error::Config(format!("{name}: {e}"))),
                })
                .transpose()
        };
        if let Some(d) = timeout(ENV_TIMEOUT)? {
            config.request_timeout = d;
        }
        if let Some(d) = timeout(ENV_CONNECT_TIMEOUT)? {
            config.connect_timeout = d;
        }
        if let Some(v) = get(ENV_MAX_QPS) {
            let rate = v.trim().parse::<f64>().map_err(|_| {
                Error::Config(format!(
                    "{ENV_MAX_QPS} must be a number of requests per second, such as 5 or 0.5"
                ))
            })?;
            config.rate_limit.max_per_second = Some(rate);
            config
                .rate_limit
                .check()
                .map_err(|e| Error::Config(format!("{ENV_MAX_QPS}: {e}")))?;
        }
        config.credentials = Some(credentials_from(&get)?);
        // Check the URLs now, so a typo is reported before the first call.
        config.endpoints()?;
        Ok(EnvConfig {
            config,
            ca_cert_path: get(ENV_CA_CERT).map(PathBuf::from),
        })
    }
}

fn credentials_from(get: &impl Fn(&str) -> Option<String>) -> Result<Credentials, Error> {
    let missing = |names: &[&'static str]| -> Vec<&'static str> {
        names.iter().copied().filter(|n| get(n).is_none()).collect()
    };
    let oauth = [ENV_CLIENT_ID, ENV_CLIENT_SECRET];
    let session = [
        ENV_SYSTEM_ID,
        ENV_SYSTEM_PASSWORD,
        ENV_USERNAME,
        ENV_PASSWORD,
    ];
    let user = [ENV_USERNAME, ENV_PASSWORD];
    let any = |names: &[&str]| names.iter().any(|n| get(n).is_some());
    let value = |n: &str| get(n).unwrap_or_default();

    let legacy = [ENV_SYSTEM_ID, ENV_SYSTEM_PASSWORD];
    if any(&oauth) && any(&legacy) {
        // Two ways to sign in at once: picking one silently would ignore the other's values
        // (a wrong password never seen).
        let set = |names: &[&'static str]| -> Vec<&'static str> {
            names.iter().copied().filter(|n| get(n).is_some()).collect()
        };
        return Err(Error::Config(format!(
            "both OAuth2 credentials ({}) and legacy session credentials ({}) are set: they \
             are two ways to sign in; unset one of them",
            set(&oauth).join(", "),
            set(&legacy).join(", ")
        )));
    }
    if any(&oauth) {
        let mut lacking = missing(&oauth);
        // A user name without a password (or the reverse) is a mistake, not client credentials.
        if any(&user) {
            lacking.extend(missing(&user));
        }
        if !lacking.is_empty() {
            return Err(missing_error(&lacking, "OAuth2 credentials"));
        }
        return Ok(if any(&user) {
            Credentials::resource_owner(
                value(ENV_CLIENT_ID),
                value(ENV_CLIENT_SECRET),
                value(ENV_USERNAME),
                value(ENV_PASSWORD),
            )
        } else {
            Credentials::client_credentials(value(ENV_CLIENT_ID), value(ENV_CLIENT_SECRET))
        });
    }
    if any(&[ENV_SYSTEM_ID, ENV_SYSTEM_PASSWORD]) {
        let lacking = missing(&session);
        if !lacking.is_empty() {
            return Err(missing_error(&lacking, "legacy session credentials"));
        }
        return Ok(Credentials::session(
            value(ENV_SYSTEM_ID),
            value(ENV_SYSTEM_PASSWORD),
            value(ENV_USERNAME),
            value(ENV_PASSWORD),
        ));
    }
    Err(Error::Config(format!(
        "no credentials in the environment: set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET} \
         (OAuth2; add {ENV_USERNAME} and {ENV_PASSWORD} to act for a user), or {ENV_SYSTEM_ID}, \
         {ENV_SYSTEM_PASSWORD}, {ENV_USERNAME} and {ENV_PASSWORD} (legacy session)"
    )))
}

fn missing_error(names: &[&str], what: &str) -> Error {
    Error::Config(format!(
        "incomplete {what} in the environment: {} not set",
        names.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<EnvConfig, Error> {
        ClientConfig::from_vars(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn picks_the_flow_from_what_is_set() {
        let c = from(&[("GETTY_CLIENT_ID", "id"), ("GETTY_CLIENT_SECRET", "s")]).unwrap();
        assert!(matches!(
            c.config.credentials,
            Some(Credentials::ClientCredentials { .. })
        ));
        assert_eq!(c.config.base_url, crate::endpoints::DEFAULT_BASE_URL);
        let c = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_USERNAME", "u"),
            ("GETTY_PASSWORD", "p"),
            ("GETTY_CONNECT_BASE_URL", "https://127.0.0.1:8443/"),
            ("GETTY_CONNECT_HTTP_BASE_URL", "http://127.0.0.1:8080"),
            ("GETTY_CONNECT_CA_CERT", "/tmp/ca.pem"),
        ])
        .unwrap();
        assert!(matches!(
            c.config.credentials,
            Some(Credentials::ResourceOwner { .. })
        ));
        assert_eq!(c.ca_cert_path, Some(PathBuf::from("/tmp/ca.pem")));
        assert!(c.config.core().is_ok());
        assert_eq!(c.config.rate_limit.max_per_second, None);
        let c = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_CONNECT_MAX_QPS", " 2.5 "),
        ])
        .unwrap();
        assert_eq!(c.config.rate_limit.max_per_second, Some(2.5));
        for bad in ["fast", "0", "-1", "NaN"] {
            let e = from(&[
                ("GETTY_CLIENT_ID", "id"),
                ("GETTY_CLIENT_SECRET", "s"),
                ("GETTY_CONNECT_MAX_QPS", bad),
            ])
            .unwrap_err();
            assert_eq!(e.kind(), crate::error::ErrorKind::Config, "{bad}");
            assert!(e.to_string().contains("GETTY_CONNECT_MAX_QPS"), "{e}");
        }
        let c = from(&[
            ("GETTY_SYSTEM_ID", "sys"),
            ("GETTY_SYSTEM_PASSWORD", "sp"),
            ("GETTY_USERNAME", "u"),
            ("GETTY_PASSWORD", "p"),
        ])
        .unwrap();
        assert!(matches!(
            c.config.credentials,
            Some(Credentials::Session { .. })
        ));
    }

    #[test]
    fn names_exactly_what_is_missing_and_never_a_value() {
        let e = from(&[
            ("GETTY_SYSTEM_ID", "sys"),
            ("GETTY_PASSWORD", "sentinel-pw"),
        ])
        .unwrap_err()
        .to_string();
        assert!(e.contains("GETTY_SYSTEM_PASSWORD, GETTY_USERNAME"), "{e}");
        assert!(!e.contains("GETTY_SYSTEM_ID,"), "{e}");
        assert!(!e.contains("sentinel-pw"));
        let e = from(&[("GETTY_CLIENT_SECRET", "s"), ("GETTY_USERNAME", "")])
            .unwrap_err()
            .to_string();
        assert!(e.contains("GETTY_CLIENT_ID not set"), "{e}");
        let e = from(&[]).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Config);
        assert!(e.to_string().contains("GETTY_CLIENT_ID"));
        let e = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_CONNECT_BASE_URL", "ftp://x"),
        ])
        .unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Config);
    }

    #[test]
    fn timeouts_come_from_the_environment_too() {
        let c = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_CONNECT_TIMEOUT", "2m"),
            ("GETTY_CONNECT_CONNECT_TIMEOUT", "1500ms"),
        ])
        .unwrap();
        assert_eq!(c.config.request_timeout, Duration::from_secs(120));
        assert_eq!(c.config.connect_timeout, Duration::from_millis(1500));
        let e = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_CONNECT_TIMEOUT", "soon"),
        ])
        .unwrap_err();
        assert!(e.to_string().contains("GETTY_CONNECT_TIMEOUT"), "{e}");
    }

    #[test]
    fn two_ways_to_sign_in_at_once_are_refused_by_name() {
        let e = from(&[
            ("GETTY_CLIENT_ID", "id"),
            ("GETTY_CLIENT_SECRET", "s"),
            ("GETTY_SYSTEM_ID", "sys"),
            ("GETTY_SYSTEM_PASSWORD", "sentinel-pw"),
            ("GETTY_USERNAME", "u"),
            ("GETTY_PASSWORD", "p"),
        ])
        .unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::Config);
        let text = e.to_string();
        assert!(
            text.contains("GETTY_CLIENT_ID, GETTY_CLIENT_SECRET"),
            "{text}"
        );
        assert!(
            text.contains("GETTY_SYSTEM_ID, GETTY_SYSTEM_PASSWORD"),
            "{text}"
        );
        assert!(!text.contains("sentinel-pw"));
    }
}
