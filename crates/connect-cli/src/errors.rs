//! The CLI's errors and the one line each prints: what failed, the API's status code and
//! message when there is one, and what to do about it.

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::io;

/// Exit code: the service refused or failed the request (an API error, an HTTP error, an
/// answer that is not the API's).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code: the command line or the configuration cannot work as given, including a page
/// past the last one (clap uses it too). Nothing was changed.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: the credentials or a token were refused.
pub const EXIT_AUTH: u8 = 3;
/// Exit code: no (whole) answer came: network, TLS, timeout.
pub const EXIT_CONNECTION: u8 = 4;
/// Exit code: the service knows no such image, event, lightbox or item.
pub const EXIT_NOT_FOUND: u8 = 5;
/// Exit code: the application key's daily call limit is used up: every call fails until the
/// service's day ends, so a script should stop rather than try again.
pub const EXIT_DAILY_LIMIT: u8 = 6;
/// Exit code: a local file could not be read or written.
pub const EXIT_LOCAL: u8 = 7;

/// Every exit code and its cause, as `getty-connect --help` and docs/errors-and-retries.md
/// list them (a test keeps the three in step).
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "success"),
    (EXIT_FAILURE, "the service refused or failed the request"),
    (
        EXIT_USAGE,
        "the command line or configuration cannot work as given (nothing was changed)",
    ),
    (EXIT_AUTH, "the credentials or a token were refused"),
    (EXIT_CONNECTION, "no answer: network, TLS or timeout"),
    (EXIT_NOT_FOUND, "no such image, event, lightbox or item"),
    (
        EXIT_DAILY_LIMIT,
        "the application key's daily call limit is used up (calls fail until the service's day ends)",
    ),
    (EXIT_LOCAL, "a local file could not be read or written"),
    (
        crate::interrupt::EXIT_INTERRUPTED,
        "interrupted (Ctrl-C); the same command resumes",
    ),
];

/// The text under `getty-connect --help`: how to start, and every exit code.
pub fn after_help() -> String {
    let mut text = String::from(
        "Try it offline: getty-connect --sandbox search beach\n\
         The whole tour:   getty-connect demo\n\nExit codes:\n",
    );
    for (code, cause) in EXIT_CODES {
        let _ = writeln!(text, "  {code:<4}{cause}");
    }
    text
}

/// Everything a subcommand can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The SDK failed; `doing` says what the command was doing.
    #[error("{doing}: {source}")]
    Sdk {
        /// What the command was doing, e.g. `searching images`.
        doing: String,
        /// The SDK's error (a `connect_auth::Error` somewhere in its chain).
        source: Box<dyn StdError + Send + Sync + 'static>,
        /// What to do, when the command knows better than the error's own hint.
        hint: Option<String>,
    },
    /// A local file operation failed.
    #[error("{doing}: {source}")]
    Io {
        /// What the command was doing.
        doing: String,
        /// The I/O error.
        source: io::Error,
    },
    /// The command line or the environment is incomplete (for example no credentials).
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// What to do.
        hint: String,
    },
    /// The service knows no such image, event, lightbox or item.
    #[error("{message}")]
    NotFound {
        /// What is missing.
        message: String,
        /// What to do.
        hint: String,
    },
    /// The API answered, but not with what the command needs (an id it did not return...).
    #[error("{message}")]
    Failed {
        /// What went wrong.
        message: String,
        /// What to do.
        hint: String,
    },
    /// Whoever reads stdout closed it (`| head`): the command ends quietly, with success, as
    /// a pipeline expects. A feed batch being written stays unconfirmed.
    #[error("stdout was closed")]
    StdoutClosed,
    /// The embedded sandbox could not start.
    #[error("could not start the embedded sandbox: {0}")]
    Sandbox(String),
    /// Something that should not happen; reported, never panicked on.
    #[error("{0}")]
    Internal(String),
}

impl CliError {
    /// Wraps an SDK error with what the command was doing.
    pub fn sdk(doing: impl Into<String>, source: impl StdError + Send + Sync + 'static) -> Self {
        CliError::Sdk {
            doing: doing.into(),
            source: Box::new(source),
            hint: None,
        }
    }

    /// The same error with `hint` in place of the SDK error's own (other errors unchanged).
    pub fn with_hint(mut self, better: impl Into<String>) -> Self {
        if let CliError::Sdk { hint, .. } = &mut self {
            *hint = Some(better.into());
        }
        self
    }

    /// Wraps an I/O error with what the command was doing; a closed stdout is not an error
    /// but the end of the command (see [`CliError::StdoutClosed`]).
    pub fn io(doing: impl Into<String>, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::BrokenPipe {
            return CliError::StdoutClosed;
        }
        CliError::Io {
            doing: doing.into(),
            source,
        }
    }

    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Usage {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A `--sort` order that does not apply to the `--family` chosen: refused the same way
    /// for images and videos, naming the orders that do apply.
    pub fn sort_not_for_family(sort: &str, family: &str, assets: &str, orders: &[&str]) -> Self {
        CliError::usage(
            format!("--sort {sort} does not apply to {family} {assets}"),
            format!(
                "{family} {assets} sort by {}; choose one of those or leave --sort out",
                orders.join(" or ")
            ),
        )
    }

    /// Something the service does not know, with a hint.
    pub fn not_found(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::NotFound {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A failure with a hint.
    pub fn failed(message: impl Into<String>, hint: impl Into<String>) -> Self {
        CliError::Failed {
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// The process exit code for this error: one per cause (see [`EXIT_CODES`]).
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage { .. } => EXIT_USAGE,
            CliError::NotFound { .. } => EXIT_NOT_FOUND,
            CliError::Io { .. } => EXIT_LOCAL,
            CliError::Sdk { source, .. } => {
                find_auth_error(source.as_ref()).map_or(EXIT_FAILURE, sdk_exit_code)
            }
            CliError::StdoutClosed => 0,
            CliError::Failed { .. } | CliError::Sandbox(_) | CliError::Internal(_) => EXIT_FAILURE,
        }
    }

    /// The one line printed on stderr (without the `error: ` prefix).
    pub fn line(&self) -> String {
        let mut line = String::new();
        match self {
            CliError::Sdk {
                doing,
                source,
                hint: better,
            } => {
                let _ = write!(line, "{doing}: {}", chain(source.as_ref()));
                let auth = find_auth_error(source.as_ref());
                if let Some(code) = auth.and_then(connect_auth::Error::status_code) {
                    // The code is usually in the message already; say it plainly once more
                    // only when it is not, so scripts can grep for it.
                    if !line.contains(code.as_str()) {
                        let _ = write!(line, " [API status code {code}]");
                    }
                }
                let hint = match (better, auth) {
                    (Some(h), _) => h.as_str(),
                    (None, Some(e)) => hint_for(e),
                    (None, None) => "see the message above; run with -v for details",
                };
                let _ = write!(line, " — {hint}");
            }
            CliError::Io { doing, source } => {
                let _ = write!(
                    line,
                    "{doing}: {source} — check the path and its permissions"
                );
            }
            CliError::Usage { message, hint }
            | CliError::Failed { message, hint }
            | CliError::NotFound { message, hint } => {
                let _ = write!(line, "{message} — {hint}");
            }
            CliError::StdoutClosed => {}
            CliError::Sandbox(m) => {
                let _ = write!(
                    line,
                    "could not start the embedded sandbox: {m} — run with -v for details"
                );
            }
            CliError::Internal(m) => {
                let _ = write!(
                    line,
                    "{m} — this is a bug in getty-connect; please report it"
                );
            }
        }
        one_line(&line)
    }
}

/// Prints `error: <line>` on stderr; a closed stderr leaves nothing to tell (never a panic).
pub fn report(e: &CliError) {
    use std::io::Write as _;
    let _ = writeln!(io::stderr(), "error: {}", e.line());
}

/// The exit code of an SDK error, by its kind and status code.
fn sdk_exit_code(e: &connect_auth::Error) -> u8 {
    use connect_auth::ErrorKind as K;
    use connect_types::status::StatusCategory;
    if let connect_auth::Error::AuthorizationsStopped { cause_kind, .. } = e {
        // Not asked for: the exit code is the cause's.
        return match cause_kind {
            _ if e.is_daily_limit() => EXIT_DAILY_LIMIT,
            K::Auth => EXIT_AUTH,
            _ => EXIT_FAILURE,
        };
    }
    match e.kind() {
        K::Config | K::Refused => EXIT_USAGE,
        K::Auth => EXIT_AUTH,
        K::Transport => EXIT_CONNECTION,
        K::Write => EXIT_LOCAL,
        K::RateLimited if e.is_daily_limit() => EXIT_DAILY_LIMIT,
        _ => match e.status_code() {
            // A page past the last is a page number to fix, with --all or without.
            Some(connect_types::StatusCode::StartPastTotal) => EXIT_USAGE,
            Some(c) if c.category() == StatusCategory::NotFound => EXIT_NOT_FOUND,
            _ => EXIT_FAILURE,
        },
    }
}

/// The first `connect_auth::Error` in the chain, which carries the kind, code and hint.
pub fn find_auth_error<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a connect_auth::Error> {
    let mut cur: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(a) = err.downcast_ref::<connect_auth::Error>() {
            return Some(a);
        }
        cur = err.source();
    }
    None
}

/// The error and its sources as `a: b: c`, skipping sources already quoted by their parent.
pub fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut text = String::new();
    let mut cur = Some(e);
    while let Some(s) = cur {
        let m = s.to_string();
        if !m.is_empty() && !text.contains(&m) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&m);
        }
        // A classified transport failure says it all; below it are the HTTP library's
        // internals (and links), which the -v logs show.
        if let Some(connect_auth::Error::Transport { cause, .. }) = s.downcast_ref() {
            if *cause != connect_auth::TransportCause::Other {
                break;
            }
        }
        cur = s.source();
    }
    text
}

fn hint_for(e: &connect_auth::Error) -> &'static str {
    use connect_auth::TransportCause as C;
    if e.status_code() == Some(&connect_types::StatusCode::OperationValidOnlyForLightboxOwner) {
        return "that lightbox belongs to another user (or is a read-only shared copy): only its \
                owner can change it, and only the owner can read it unless it is shared; \
                `lightbox list` shows yours";
    }
    if matches!(e, connect_auth::Error::OfferingNotAuthorized { .. }) {
        return "pass --offering with one of the offerings listed, or leave it out to let the \
                command choose (a free offering, else the one with the most downloads left)";
    }
    if let Some(check) = effect_check(e) {
        return check;
    }
    // The SDK's advice in the command line's words (its flags, not its setters).
    match e.transport_cause() {
        Some(C::UntrustedCertificate) => {
            "the server's certificate is not trusted: pass its CA with --ca-cert (or \
             GETTY_CONNECT_CA_CERT); for the sandbox that is the PEM it wrote at start"
        }
        Some(C::ConnectTimeout) => {
            "the server could not be reached in time: check the network (a firewall or proxy \
             may be dropping the connection), or allow longer with --connect-timeout"
        }
        Some(C::Timeout) => {
            "the server accepted the connection but did not answer in time: try again later, \
             or allow longer with --timeout"
        }
        Some(C::ConnectionRefused) => {
            "nothing answered at that address: check --base-url and that the server runs"
        }
        Some(C::Dns) => "the host name does not resolve: check --base-url and the network",
        _ if e.rate_limit() == Some(connect_auth::RateLimitScope::PerSecond) => {
            "the service throttled this application key: run fewer at once, or cap the rate \
             with --max-qps (or GETTY_CONNECT_MAX_QPS)"
        }
        _ if e.kind() == connect_auth::ErrorKind::NotCovered => {
            "none of your product offerings covers it: `offerings` lists yours; try another \
             --size, or ask your Getty Images account manager"
        }
        _ => e.hint(),
    }
}

/// For an operation that may have been carried out before its connection broke: how to find
/// out, in this command line's words.
fn effect_check(e: &connect_auth::Error) -> Option<&'static str> {
    let connect_auth::Error::Transport {
        operation,
        may_have_taken_effect: true,
        ..
    } = e
    else {
        return None;
    };
    Some(match *operation {
        "CreateLightbox" => {
            "`lightbox list` shows whether the lightbox was created; check before creating it \
             again"
        }
        "CreateDownloadRequest" | "SingleStepDownload" => {
            "`downloads` lists what was charged; check before asking again"
        }
        "CreateCustomer" => {
            "signing in as the new customer shows whether they were created; check before \
             creating them again"
        }
        _ => "check its result before repeating it",
    })
}

/// Newlines inside messages would break the one-line promise.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let c = if crate::terminal::is_unsafe(c) {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_error_has_code_hint_and_one_line() {
        let e = connect_auth::Endpoints::new("http://127.0.0.1:1")
            .and_then(|ep| {
                ep.route(connect_types::Security::SecureOnly, "CreateDownloadRequest")
                    .map(|_| ())
            })
            .unwrap_err();
        let cli = CliError::sdk("downloading 100000001", e);
        let line = cli.line();
        assert!(line.starts_with("downloading 100000001: refused to send CreateDownloadRequest"));
        assert!(line.contains("https://"), "{line}");
        assert!(!line.contains('\n'));
        // Refused locally: the configuration cannot work, nothing was sent.
        assert_eq!(cli.exit_code(), EXIT_USAGE);
    }

    #[test]
    fn config_errors_are_usage() {
        let e = connect_auth::Endpoints::new("ftp://x").unwrap_err();
        assert_eq!(CliError::sdk("x", e).exit_code(), EXIT_USAGE);
    }

    #[test]
    fn the_daily_limit_has_its_own_exit_code_and_says_so() {
        let e = connect_auth::Error::RateLimited {
            operation: "SearchForImages",
            scope: connect_auth::RateLimitScope::Daily,
        };
        let cli = CliError::sdk("searching images for \"beach\"", e);
        assert_eq!(cli.exit_code(), EXIT_DAILY_LIMIT);
        let line = cli.line();
        assert!(line.contains("daily call limit is used up"), "{line}");
        assert!(line.contains("next day"), "{line}");
        assert!(!line.contains("overloaded"), "{line}");
        let e = connect_auth::Error::RateLimited {
            operation: "SearchForImages",
            scope: connect_auth::RateLimitScope::PerSecond,
        };
        let cli = CliError::sdk("searching", e);
        assert_eq!(cli.exit_code(), EXIT_FAILURE);
        assert!(cli.line().contains("--max-qps"), "{}", cli.line());
    }

    #[test]
    fn messages_are_flattened() {
        let cli = CliError::failed("a\nb", "do\tc");
        assert_eq!(cli.line(), "a b — do c");
    }

    #[test]
    fn server_text_in_errors_reaches_the_terminal_as_plain_text() {
        // An API error message is the server's text: escapes and bidi controls are blanked.
        let header: connect_types::ResponseHeader = serde_json::from_str(
            r#"{"Status":"Error","StatusList":[{"Type":"Error","Code":"X-1","Message":"bad\u001b]0;pwned\u0007\u202etxt"}]}"#,
        )
        .unwrap();
        let api = connect_types::ApiError { header };
        let e = connect_auth::Error::Api {
            operation: "GetImageDetails",
            api,
        };
        let line = CliError::sdk("reading", e).line();
        assert!(!line.chars().any(crate::terminal::is_unsafe), "{line:?}");
        assert!(line.contains("bad ]0;pwned txt"), "{line:?}");
    }
}
