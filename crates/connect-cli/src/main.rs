//! `getty-connect`: the Getty Images Connect API from the command line.
//!
//! Every failure ends as one line on stderr (what failed, the API's status code and message,
//! what to do) and a non-zero exit code; nothing the user types or the network does panics.

mod args;
mod client;
mod commands;
mod demo;
mod errors;
mod output;
mod sandbox;

use args::{Cli, Command};
use clap::Parser;
use client::{Api, Ctx};
use errors::CliError;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.global.verbose);
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", e.line());
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: &Cli) -> Result<(), CliError> {
    if let Command::Demo(args) = &cli.command {
        return demo::run(args);
    }
    let ctx = Ctx {
        api: Api::connect(&cli.global)?,
        json: cli.global.json,
    };
    match &cli.command {
        Command::Search(a) => commands::search::run(&ctx, a),
        Command::Details(a) => commands::details::run(&ctx, a),
        Command::Events(a) => commands::events::run(&ctx, a),
        Command::Videos(a) => commands::videos::run(&ctx, a),
        Command::Download(a) => commands::download::run(&ctx, a),
        Command::Lightbox(c) => commands::lightbox::run(&ctx, c),
        Command::Demo(_) => Ok(()),
    }
}

/// `-v` switches on the SDK's tracing, on stderr so stdout stays clean for `--json`.
fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => return init_from_env_only(),
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(true)
        .try_init();
}

/// Without `-v`, only an explicit RUST_LOG turns logging on.
fn init_from_env_only() {
    if let Ok(filter) = tracing_subscriber::EnvFilter::try_from_default_env() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
    }
}
