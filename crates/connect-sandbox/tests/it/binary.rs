//! The `connect-sandbox` binary: banner, serving, graceful shutdown on SIGTERM.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Kills the child if the test has not finished with it within a minute (hundreds of times
/// what start and shutdown take), so a hung binary fails the test instead of hanging it: the
/// banner read then ends and the exit status is a kill, not a clean shutdown.
struct Watchdog {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Watchdog {
    fn new(pid: u32) -> Self {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        std::thread::spawn(move || {
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
            while std::time::Instant::now() < deadline {
                if flag.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            eprintln!("the sandbox binary did not finish within a minute: killing it");
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        });
        Self { done }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn binary_prints_the_banner_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let mut child = Command::new(env!("CARGO_BIN_EXE_connect-sandbox"))
        .args([
            "--http",
            "127.0.0.1:0",
            "--https",
            "127.0.0.1:0",
            "--images",
            "300",
            "--token-ttl",
            "90s",
            "--qps",
            "20",
            "--daily-limit",
            "1000",
            "--ca-out",
        ])
        .arg(&ca)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let watchdog = Watchdog::new(child.id());
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        let done = line.contains("control:");
        banner.push(line);
        if done {
            break;
        }
    }
    let text = banner.join("\n");
    for expected in [
        "sandbox-system-password",
        "alice / alice-password",
        "bob / bob-password",
        "sandbox-client-secret",
        "call limits per application key: 20 per second, 1000 per day",
    ] {
        assert!(text.contains(expected), "{text}");
    }
    assert!(text.contains(&ca.display().to_string()), "{text}");
    let url = |label: &str| {
        banner
            .iter()
            .find(|l| l.contains(label))
            .and_then(|l| l.split_whitespace().last())
            .unwrap()
            .to_owned()
    };
    let https = url("HTTPS base URL");
    let pem = std::fs::read_to_string(&ca).unwrap();
    let cert = ureq::tls::Certificate::from_pem(pem.as_bytes()).unwrap();
    let tls = ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&[cert]))
        .build();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .tls_config(tls)
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .post(format!("{https}/oauth2/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(&b"grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-client-secret"[..])
        .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&r.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(v["expires_in"], 90);
    // Control endpoints are off without --control.
    let http = url("HTTP  base URL");
    let r = agent.get(format!("{http}/_sandbox/stats")).call().unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    drop(watchdog);
    assert!(exit.success(), "a clean shutdown, not a kill: {exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
}

/// Every `cargo run -p connect-sandbox -- …` line of README.md and docs/*.md, as its
/// arguments (a trailing `&` or comment dropped).
fn documented_invocations() -> Vec<(String, Vec<String>)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut pages = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).unwrap().flatten() {
        if entry.path().extension().is_some_and(|e| e == "md") {
            pages.push(entry.path());
        }
    }
    let mut out = Vec::new();
    for page in pages {
        let text = std::fs::read_to_string(&page).unwrap();
        for line in text.lines() {
            let Some(args) = line.trim().strip_prefix("cargo run -p connect-sandbox --") else {
                continue;
            };
            let args = args.split(['&', '#']).next().unwrap_or("");
            let name = page.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, args.split_whitespace().map(str::to_owned).collect()));
        }
    }
    out
}

#[test]
fn the_documented_command_lines_start_the_sandbox() {
    let invocations = documented_invocations();
    assert!(invocations.len() >= 3, "{invocations:?}");
    for (page, args) in invocations {
        let dir = tempfile::tempdir().unwrap();
        // Same flags, but free ports (tests run in parallel) and files in a scratch folder.
        let args: Vec<String> = args
            .iter()
            .map(|a| match a.rsplit_once(':') {
                Some((host, port)) if port.parse::<u16>().is_ok() => format!("{host}:0"),
                _ => a.clone(),
            })
            .collect();
        let mut child = Command::new(env!("CARGO_BIN_EXE_connect-sandbox"))
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read up to the HTTPS line (or the end, if it exits): the server then keeps running.
        let mut banner = Vec::new();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap_or_default();
            let done = line.contains("HTTPS base URL");
            banner.push(line);
            if done {
                break;
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            banner.iter().any(|l| l.contains("HTTPS base URL")),
            "{page}: `connect-sandbox {}` did not start: {banner:?}",
            args.join(" ")
        );
        if let Some(at) = args.iter().position(|a| a == "--ca-out") {
            assert!(
                dir.path().join(&args[at + 1]).is_file(),
                "{page}: no CA file"
            );
        }
    }
}

/// A running `connect-sandbox` binary and its base URLs.
struct Running {
    child: std::process::Child,
    // Kept open: the binary prints a last line at shutdown.
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
    http: String,
    https: String,
}

/// The binary on free ports, with a small catalog and its CA written to `ca`.
fn sandbox_command(ca: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_connect-sandbox"));
    c.args(["--http", "127.0.0.1:0", "--https", "127.0.0.1:0"])
        .args(["--images", "300"])
        .arg("--ca-out")
        .arg(ca);
    c
}

/// Starts the binary with `extra` arguments; its stdout is read up to the banner's end.
fn spawn(dir: &std::path::Path, extra: &[&std::ffi::OsStr]) -> Running {
    let mut child = sandbox_command(&dir.join("ca.pem"))
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let banner: Vec<String> = lines
        .by_ref()
        .map_while(Result::ok)
        .take_while(|l| !l.contains("control:"))
        .collect();
    let url = |label: &str| {
        banner
            .iter()
            .find(|l| l.contains(label))
            .and_then(|l| l.split_whitespace().last())
            .unwrap_or_else(|| panic!("no {label} in {banner:?}"))
            .to_owned()
    };
    Running {
        http: url("HTTP  base URL"),
        https: url("HTTPS base URL"),
        child,
        _stdout: lines,
    }
}

impl Drop for Running {
    // A failed assertion must not leave the server running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stop(mut r: Running) {
    let killed = Command::new("kill")
        .args(["-TERM", &r.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    assert!(r.child.wait().unwrap().success());
}

#[test]
fn state_file_keeps_lightboxes_and_histories_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state").join("sandbox.json");
    let args = [std::ffi::OsStr::new("--state"), state.as_os_str()];
    let first = spawn(dir.path(), &args);
    let pem = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    let c = Client::at(&first.http, &first.https, &pem);
    let alice = c.oauth("alice");
    let lb = |c: &Client, t: &str, op: &str, body: serde_json::Value| {
        let (s, v) = c.call(
            &c.http,
            &format!("/v1/lightbox/{op}"),
            Some(t),
            &format!("{op}RequestBody"),
            body,
        );
        assert_eq!(s, 200, "{v}");
        v
    };
    let v = lb(
        &c,
        &alice,
        "CreateLightbox",
        serde_json::json!({"LightboxName": "Kept"}),
    );
    let id = v["CreateLightboxResult"]["LightboxId"].as_u64().unwrap();
    lb(
        &c,
        &alice,
        "CreateLightboxItems",
        serde_json::json!({"LightboxId": id, "AssetIds": ["100000007"]}),
    );
    assert!(state.is_file(), "written after the change");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the file holds the token key");
    }
    let before_restart = alice.clone();
    stop(first);

    // A new process, new ports: the lightbox is still there, ids continue, and the token
    // issued before the restart is still good (its key is in the state file).
    let second = spawn(dir.path(), &args);
    let pem = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    let c = Client::at(&second.http, &second.https, &pem);
    let query = serde_json::json!({"Query": {"SearchPhrase": "tree"},
        "ResultOptions": {"ItemCount": 1, "ItemStartNumber": 1}});
    let (s, v) = c.search(&before_restart, query.clone());
    assert_eq!((s, crate::common::status(&v)), (200, "Success"), "{v}");
    let alice = c.oauth("alice");
    let v = lb(
        &c,
        &alice,
        "GetLightbox",
        serde_json::json!({"LightboxId": id,
            "LightboxItemsViewOptions": {"ItemCount": 10, "ItemStartNumber": 1}}),
    );
    let text = v.to_string();
    assert!(
        text.contains("Kept") && text.contains("100000007"),
        "{text}"
    );
    let v = lb(
        &c,
        &alice,
        "CreateLightbox",
        serde_json::json!({"LightboxName": "Next"}),
    );
    assert_eq!(
        v["CreateLightboxResult"]["LightboxId"].as_u64(),
        Some(id + 1)
    );
    stop(second);

    // Without the state file, a new key: the earlier token is refused.
    let third = spawn(dir.path(), &[]);
    let pem = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    let c = Client::at(&third.http, &third.https, &pem);
    let (_, v) = c.search(&before_restart, query);
    crate::common::assert_error(&v, "AUTH-021");
    stop(third);

    // A damaged file stops the start, names the file, and is left as it was.
    std::fs::write(&state, b"{ not json").unwrap();
    let out = sandbox_command(&dir.path().join("ca.pem"))
        .args(args)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&state.display().to_string()), "{err}");
    assert!(err.contains("damaged"), "{err}");
    assert_eq!(std::fs::read(&state).unwrap(), b"{ not json");
}

#[test]
fn a_ca_out_in_a_missing_folder_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("no-such-folder").join("ca.pem");
    let out = sandbox_command(&ca).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&ca.display().to_string()), "{err}");
    assert!(err.contains("folder does not exist"), "{err}");
}

#[test]
fn a_closed_stdout_ends_nothing_and_sigint_still_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = sandbox_command(&dir.path().join("ca.pem"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let watchdog = Watchdog::new(child.id());
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let http = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.contains("HTTP  base URL")
                .then(|| l.split_whitespace().last().map(str::to_owned))
                .flatten()
        })
        .expect("the banner names the HTTP base URL");
    // The reader goes away (`| head -1`): what the sandbox prints from now on has nowhere to go.
    drop(lines);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let r = agent.get(format!("{http}/openapi.json")).call().unwrap();
    assert_eq!(r.status().as_u16(), 200, "it still serves");
    let signalled = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    let out = child.wait_with_output().unwrap();
    drop(watchdog);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.status.success(),
        "a clean stop: {:?} {stderr}",
        out.status
    );
}

#[test]
fn replay_answers_from_the_cassette_and_a_bad_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let tape = dir.path().join("token.jsonl");
    std::fs::write(
        &tape,
        concat!(
            r#"{"format":"getty-connect-cassette","version":1}"#,
            "\n",
            r#"{"n":1,"operation":"oauth2/token","request":{"method":"POST","url":"https://127.0.0.1:1/oauth2/token","form":{"client_id":"<key-1>","client_secret":"<secret-1>","grant_type":"client_credentials"}},"response":{"status":200,"headers":{"content-type":"application/json"},"json":{"access_token":"<token-1>","expires_in":1800,"token_type":"Bearer"}}}"#,
            "\n"
        ),
    )
    .unwrap();
    let running = spawn(
        dir.path(),
        &[std::ffi::OsStr::new("--replay"), tape.as_os_str()],
    );
    let pem = std::fs::read_to_string(dir.path().join("ca.pem")).unwrap();
    let c = Client::at(&running.http, &running.https, &pem);
    let form = "grant_type=client_credentials&client_id=anyone&client_secret=anything";
    let (s, v) = c.token_form(form);
    assert_eq!(
        (s, v["access_token"].as_str()),
        (200, Some("<token-1>")),
        "{v}"
    );
    // Once only, and a password grant was never recorded.
    let (s, v) = c.token_form(form);
    assert_eq!(s, 501, "{v}");
    assert!(v.as_str().unwrap_or("").contains("played already"), "{v}");
    stop(running);

    std::fs::write(
        &tape,
        "{\"format\":\"getty-connect-cassette\",\"version\":1}\nnot json\n",
    )
    .unwrap();
    let out = sandbox_command(&dir.path().join("ca.pem"))
        .arg("--replay")
        .arg(&tape)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&tape.display().to_string()) && err.contains("line 2"),
        "{err}"
    );
}
