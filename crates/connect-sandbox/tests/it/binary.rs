//! The `connect-sandbox` binary: banner, serving, graceful shutdown on SIGTERM.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

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
            "--ca-out",
        ])
        .arg(&ca)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
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
    let _ = status(&v);
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
}
