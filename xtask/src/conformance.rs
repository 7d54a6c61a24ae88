//! `cargo xtask conformance [--ci]`: schemathesis, a third-party OpenAPI tester, against a
//! running sandbox binary, from the description the sandbox serves at `/openapi.json`.
//!
//! A hook (docs/conformance/schemathesis_hooks.py) puts a valid token in every generated
//! `RequestHeader`, so requests reach the handlers. Data: valid and invalid (wrong types,
//! missing fields, values outside an enum). Checks: no server error (the hook's
//! `server_errors_only_as_documented`, which knows oEmbed's 501), every answer conforms to its
//! schema, every status code is one the description lists. `--ci` is the
//! bounded pass `.ci/run` makes (debug build, fixed seed, few examples per operation); without
//! it, a release build and a larger random budget.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};

/// The checks that must all pass.
const CHECKS: &str =
    "server_errors_only_as_documented,status_code_conformance,response_schema_conformance";

/// How much testing a run does.
struct Budget {
    release: bool,
    examples: &'static str,
    seed: Option<&'static str>,
}

/// The sandbox binary, stopped when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `python3 -m schemathesis.cli`: found wherever pip put the package, whether or not its
/// script folder is on PATH (`PYTHON` picks another interpreter).
fn schemathesis() -> Command {
    let python = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    let mut c = Command::new(python);
    c.args(["-m", "schemathesis.cli"]);
    c
}

/// Runs the pass; `ci` picks the bounded budget.
pub fn run(root: &Path, ci: bool) -> std::io::Result<ExitCode> {
    let budget = if ci {
        Budget {
            release: false,
            examples: "25",
            seed: Some("20261130"),
        }
    } else {
        Budget {
            release: true,
            examples: "150",
            seed: None,
        }
    };
    if schemathesis()
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        eprintln!("xtask: schemathesis is not installed: pip install schemathesis==4.32.5");
        return Ok(ExitCode::FAILURE);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(&cargo);
    build.current_dir(root).args([
        "build",
        "--quiet",
        "--locked",
        "-p",
        "connect-sandbox",
        "--bin",
        "connect-sandbox",
    ]);
    if budget.release {
        build.arg("--release");
    }
    if !build.status()?.success() {
        eprintln!("xtask: the sandbox did not build");
        return Ok(ExitCode::FAILURE);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let binary = target
        .join(if budget.release { "release" } else { "debug" })
        .join("connect-sandbox");
    let work = target.join("conformance");
    std::fs::create_dir_all(&work)?;
    let ca = work.join("sandbox-ca.pem");
    let mut child = Command::new(&binary)
        .args([
            "--http",
            "127.0.0.1:0",
            "--https",
            "127.0.0.1:0",
            "--ca-out",
        ])
        .arg(&ca)
        .stdout(Stdio::piped())
        .spawn()?;
    let stdout = child.stdout.take();
    let sandbox = Running(child);
    // The banner names the listeners (ports picked by the OS).
    let mut https = None;
    if let Some(out) = stdout {
        let mut lines = BufReader::new(out).lines();
        for line in lines.by_ref() {
            let line = line?;
            if let Some(url) = line.trim().strip_prefix("HTTPS base URL:") {
                https = Some(url.trim().to_owned());
                break;
            }
        }
        // Keep reading: the rest of the banner must not meet a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
    }
    let Some(https) = https else {
        eprintln!("xtask: the sandbox did not print its HTTPS base URL");
        return Ok(ExitCode::FAILURE);
    };
    println!("== schemathesis against {https}/openapi.json ({CHECKS})");
    let mut st = schemathesis();
    st.current_dir(&work)
        .env("PYTHONPATH", root.join("docs/conformance"))
        .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
        .env("CONNECT_TOKEN_URL", format!("{https}/oauth2/token"))
        .env("CONNECT_CA_FILE", &ca)
        .arg("run")
        .arg(format!("{https}/openapi.json"))
        .args(["--url", &https])
        .arg("--tls-verify")
        .arg(&ca)
        .args(["--checks", CHECKS])
        // Valid and invalid data both: a malformed request must get a documented 4xx, never a
        // 5xx. (schemathesis's negative_data_rejection check is not among CHECKS: the sandbox
        // is liberal in what it accepts, as the service was, e.g. numbers as strings.) The
        // coverage phase is left out: under Python 3.11.7 it crashes on GET /oauth2/auth inside
        // hypothesis (CPython's "AST constructor recursion depth mismatch"), a tool error.
        .args(["--phases", "examples,fuzzing"])
        .args(["--mode", "all"])
        .args(["--max-examples", budget.examples])
        .args(["--workers", "2"])
        .args(["--generation-database", "none"])
        .args(["--report", "junit"])
        .arg("--report-dir")
        .arg(&work)
        .arg("--no-color");
    if let Some(seed) = budget.seed {
        st.args(["--seed", seed]);
    }
    let status = st.status()?;
    drop(sandbox);
    if status.success() {
        println!(
            "conformance: no failures (report: {})",
            work.join("junit.xml").display()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "xtask: schemathesis found failures ({status}); fix the sandbox or the description"
        );
        Ok(ExitCode::FAILURE)
    }
}
