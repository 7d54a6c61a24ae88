//! The `connect-sandbox` binary: serves the emulator until SIGINT or SIGTERM.

use clap::Parser;
use connect_auth::cassette::{Cassette, ReplayOptions};
use connect_sandbox::{Sandbox, SandboxConfig, parse_duration};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A faithful local emulator of the Getty Images Connect API.
#[derive(Debug, Parser)]
#[command(name = "connect-sandbox", version, about)]
struct Args {
    /// Plain-HTTP listen address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    http: SocketAddr,
    /// HTTPS listen address (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8443")]
    https: SocketAddr,
    /// Where to write the CA certificate (PEM) that clients should trust.
    #[arg(long, default_value = "sandbox-ca.pem")]
    ca_out: PathBuf,
    /// Catalog seed: the same seed gives the same catalog.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of images in the catalog.
    #[arg(long, default_value_t = 10_000)]
    images: u32,
    /// Token lifetime: 3s, 90s, 30m, 2h (a bare number means seconds).
    #[arg(long, default_value = "30m", value_parser = parse_duration)]
    token_ttl: Duration,
    /// Delay added to every API answer, e.g. 20ms.
    #[arg(long, default_value = "0s", value_parser = parse_duration)]
    latency: Duration,
    /// Share of API calls answered with an injected fault (0.0–1.0).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Exact size in bytes of the largest size of every 1000th image (default 256 MiB).
    #[arg(long, default_value_t = 256 * 1024 * 1024)]
    large_file_bytes: u64,
    /// Cut the first GET of each download URL after this many bytes (resume testing).
    #[arg(long)]
    disconnect_after: Option<u64>,
    /// Per-second call limit of each application key (OAuth2 client id, SystemId, Api-Key),
    /// over a sliding second, on every API path (the token endpoint and /v2/download too).
    /// Beyond it: 403 with X-Error-Detail: Account Over Queries Per Second Limit.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    qps: Option<u32>,
    /// Daily call limit of each application key, per UTC day of the sandbox clock. Beyond it:
    /// 403 with X-Error-Detail: Account Over Rate Limit until the day ends.
    #[arg(long, value_name = "N")]
    daily_limit: Option<u64>,
    /// Serve the /_sandbox/* control endpoints (stats, reset, revoke). Off by default:
    /// anyone who can reach the ports could use them.
    #[arg(long)]
    control: bool,
    /// Keep lightboxes, histories, quotas, customers, usage, feed cursors and the token key (so
    /// tokens outlive a restart) in FILE between runs (created when missing, owner-only;
    /// rewritten atomically after every change). A damaged file,
    /// or one from a newer version or another --seed/--images, is refused and left as it is.
    /// Several sandboxes sharing FILE do not merge: the last write wins.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Answer every request from the cassette FILE (recorded with `getty-connect --record` or
    /// a client's recording transport) instead of the catalog, so a client in any language can
    /// replay it. Any credentials do: the cassette's are placeholders. A request it does not
    /// hold gets 501, naming the nearest recorded one and where they differ.
    #[arg(long, value_name = "FILE", conflicts_with = "state")]
    replay: Option<PathBuf>,
    /// With --replay: the recorded requests may come in any order (default: as recorded).
    #[arg(long, requires = "replay")]
    replay_any_order: bool,
}

/// A line on stdout or stderr that never panics: with the reader gone (`| head -1`) the
/// sandbox keeps serving and says nothing more there.
macro_rules! say {
    (err, $($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($arg)*).and_then(|()| out.flush());
    }};
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            say!(err, "connect-sandbox: cannot start a runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            say!(err, "connect-sandbox: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), connect_sandbox::Error> {
    let config = SandboxConfig::default()
        .with_seed(args.seed)
        .with_images(args.images)
        .with_token_ttl(args.token_ttl)
        .with_latency(args.latency)
        .with_fault_rate(args.fault_rate)
        .with_http_addr(args.http)
        .with_https_addr(args.https)
        .with_large_file_bytes(args.large_file_bytes)
        .with_disconnect_after_bytes(args.disconnect_after)
        .with_control_endpoints(args.control)
        .with_qps(args.qps)
        .with_daily_limit(args.daily_limit);
    let config = match &args.state {
        Some(path) => config.with_state_file(path),
        None => config,
    };
    let config = match &args.replay {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| {
                connect_sandbox::Error::Config(format!(
                    "cannot read the cassette {}: {e}",
                    path.display()
                ))
            })?;
            let cassette = Cassette::from_slice(&bytes).map_err(|e| {
                connect_sandbox::Error::Config(format!(
                    "the cassette {} is not valid: {e}",
                    path.display()
                ))
            })?;
            let mut options = ReplayOptions::default();
            if args.replay_any_order {
                options = options.any_order();
            }
            config.with_replay(cassette, options)
        }
        None => config,
    };
    let sandbox = Sandbox::start(config).await?;
    sandbox.write_ca_pem(&args.ca_out)?;
    let shutdown = shutdown_signal();
    let c = sandbox.credentials();
    say!("connect-sandbox ready in {:?}", sandbox.startup_time());
    say!("  HTTP  base URL: {}", sandbox.http_base_url());
    say!("  HTTPS base URL: {}", sandbox.https_base_url());
    say!("  CA certificate: {}", args.ca_out.display());
    if let (Some(path), Some(left)) = (&args.replay, sandbox.replay_remaining()) {
        let order = if args.replay_any_order {
            "in any order"
        } else {
            "in the recorded order"
        };
        say!(
            "  replaying: {} ({left} exchanges, {order}; any credentials serve)",
            path.display()
        );
    } else {
        say!(
            "  SystemId / SystemPassword: {} / {}",
            c.system_id,
            c.system_password
        );
        for u in &c.users {
            say!("  user: {} / {}", u.name, u.password);
        }
        say!("  OAuth2 client: {} / {}", c.client_id, c.client_secret);
        say!("  catalog: {} images, seed {}", args.images, args.seed);
    }
    let per_key = |n: Option<String>| n.unwrap_or_else(|| "none".into());
    say!(
        "  call limits per application key: {} per second, {} per day",
        per_key(args.qps.map(|n| n.to_string())),
        per_key(args.daily_limit.map(|n| n.to_string()))
    );
    match &args.state {
        Some(path) => say!("  state: kept in {}", path.display()),
        None => say!("  state: in memory only (--state FILE keeps it between runs)"),
    }
    if args.control {
        say!("  control: GET {}/_sandbox/stats", sandbox.http_base_url());
    } else {
        say!("  control: off (--control serves /_sandbox/stats, /_sandbox/revoke)");
    }
    shutdown.await;
    if let Some(why) = sandbox.state_file_error() {
        say!(
            err,
            "connect-sandbox: warning: the last state change was not saved: {why}"
        );
    }
    say!("connect-sandbox: shutting down");
    sandbox.stop().await;
    Ok(())
}

/// Starts listening for Ctrl-C and SIGTERM now, and returns the wait for either. Called before
/// the banner is printed, so a signal sent as soon as the banner appears is not missed.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                _ = wait(term) => {}
                _ = wait(interrupt) => {}
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
