//! `getty-connect`: the Getty Images Connect API from the command line.
//!
//! Every failure ends as one line on stderr (what failed, the API's status code and message,
//! what to do) and a non-zero exit code; nothing the user types or the network does panics.

mod args;
mod client;
mod commands;
mod demo;
mod dirs;
mod errors;
mod interrupt;
mod output;
mod sandbox;
mod terminal;
mod tokens;
mod waiting;

use args::{Cli, Command};
use clap::{CommandFactory, FromArgMatches};
use client::{Api, Ctx};
use errors::CliError;
use std::process::ExitCode;

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    // --sandbox-reset implies --sandbox.
    cli.global.sandbox |= cli.global.sandbox_reset;
    if cli.global.sandbox {
        // The sandbox must never receive the real credentials a shell may export.
        cli.global.forget_env_values(&matches);
    } else if let Err(why) = cli.global.settle_sign_in(&matches) {
        let e = CliError::usage(why, "see getty-connect --help, \"Global options\"");
        errors::report(&e);
        return ExitCode::from(e.exit_code());
    }
    init_tracing(cli.global.verbose);
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::StdoutClosed) => ExitCode::SUCCESS,
        Err(e) => {
            errors::report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: &Cli) -> Result<(), CliError> {
    if let Command::Demo(args) = &cli.command {
        if cli.global.record.is_some() || cli.global.replay.is_some() {
            return Err(CliError::usage(
                "demo does not record or replay: it tours its own sandbox with several clients",
                "record the commands you want to replay, one cassette each (see --record)",
            ));
        }
        return demo::run(args, cli.global.json);
    }
    commands::check(&cli.command)?;
    let logout;
    let global = if matches!(cli.command, Command::Logout) {
        // `logout` finds the cached tokens even where --no-token-cache would not use them.
        logout = cli.global.with_token_cache();
        &logout
    } else {
        &cli.global
    };
    let ctx = Ctx {
        api: Api::connect(global)?,
        json: cli.global.json,
        quiet: cli.global.quiet,
    };
    let done = match &cli.command {
        Command::Search(a) => commands::search::run(&ctx, a),
        Command::Details(a) => commands::details::run(&ctx, a),
        Command::Events(a) => commands::events::run(&ctx, a),
        Command::Videos(a) => commands::videos::run(&ctx, a),
        Command::Download(a) => commands::download::run(&ctx, a),
        Command::Lightbox(c) => commands::lightbox::run(&ctx, c),
        Command::Account(c) => commands::account::run(&ctx, c),
        Command::Logout => commands::logout::run(&ctx),
        Command::Demo(_) => Ok(()),
    };
    if let Some(why) = ctx.api.sandbox_state_error() {
        crate::output::note!(
            "warning: the embedded sandbox could not save its state ({why}); what this command \
             changed will be gone in the next run — check the data directory's permissions"
        );
    }
    done
}

/// The SDK's crates and this one at `level`: `-v`, `-vv` and `-vvv` select their events.
fn ours(level: &str) -> String {
    format!("connect_auth={level},connect_blocking={level},getty_connect={level}")
}

/// `-v` switches on the SDK's tracing, on stderr so stdout stays clean for `--json`; RUST_LOG,
/// when set, decides instead.
fn init_tracing(verbose: u8) {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = match (EnvFilter::try_from_default_env(), verbose) {
        (Ok(filter), _) => filter,
        (Err(_), 0) => return,
        // -v: one line per API call and per retry (the SDK's info events), and the CLI's own.
        (Err(_), 1) => EnvFilter::new(format!("warn,{}", ours("info"))),
        // -vv: the SDK's decisions (tokens, routing, pauses).
        (Err(_), 2) => EnvFilter::new(format!("warn,{}", ours("debug"))),
        // -vvv: every exchange, and everything the libraries underneath log.
        (Err(_), _) => EnvFilter::new(format!("debug,{}", ours("trace"))),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
