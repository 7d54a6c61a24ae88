//! `Client::from_env` with the real process environment, for both clients: the CA file named
//! by `GETTY_CONNECT_CA_CERT` is trusted, another sandbox's CA is refused before anything is
//! sent, and a missing CA file is a configuration error naming it.
//!
//! Included by each client's `tests/it/main.rs` as `mod from_env` (the child run names the
//! test by that path).

use super::scenarios::{CLIENT_ID, CLIENT_SECRET, EXCLUSIVE, count, search, start};
use super::sdk;

/// Set in the environment of a child run of this test binary: which case the child runs.
const FROM_ENV_CHILD: &str = "CONNECT_SUITE_FROM_ENV_CHILD";

scenario! {
/// `from_env` with the real process environment, which every test of a process shares: so the
/// cases run in a child process of this test binary, with an environment made for them (the
/// child is this same test, which reads its case from [`FROM_ENV_CHILD`]).
fn from_env_reads_the_real_environment_and_trusts_only_its_ca_file() {
    if let Ok(case) = std::env::var(FROM_ENV_CHILD) {
        let c = sdk::Client::from_env();
        match case.as_str() {
            "trusted" => {
                wait!(c.unwrap().search_images(&search("tree", 1))).unwrap();
            }
            "untrusted" => {
                let e = wait!(c.unwrap().search_images(&search("tree", 1))).unwrap_err();
                assert_eq!(e.kind(), sdk::ErrorKind::Transport, "{e}");
                assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
            }
            "missing" => {
                let e = c.unwrap_err();
                assert_eq!(e.kind(), sdk::ErrorKind::Config, "{e}");
                assert!(e.to_string().contains("nowhere.pem"), "{e}");
            }
            other => panic!("no from_env case {other}"),
        }
        return;
    }
    let sb = start(connect_sandbox::SandboxConfig::default());
    let other = start(connect_sandbox::SandboxConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    sb.write_ca_pem(&ca).unwrap();
    let wrong_ca = dir.path().join("other-ca.pem");
    other.write_ca_pem(&wrong_ca).unwrap();
    let run = |case: &str, ca_file: &std::path::Path| {
        let mut c = std::process::Command::new(std::env::current_exe().unwrap());
        c.args([
            "--exact",
            "from_env::from_env_reads_the_real_environment_and_trusts_only_its_ca_file",
            "--test-threads=1",
        ]);
        for var in [
            "GETTY_CONNECT_HTTP_BASE_URL",
            "GETTY_SYSTEM_ID",
            "GETTY_SYSTEM_PASSWORD",
            "GETTY_CONNECT_INSECURE_SEND_OAUTH_TOKEN_OVER_HTTP",
        ] {
            c.env_remove(var);
        }
        let out = c
            .env(FROM_ENV_CHILD, case)
            .env("GETTY_CONNECT_BASE_URL", sb.https_base_url())
            .env("GETTY_CONNECT_CA_CERT", ca_file)
            .env("GETTY_CLIENT_ID", CLIENT_ID)
            .env("GETTY_CLIENT_SECRET", CLIENT_SECRET)
            .env("GETTY_USERNAME", "alice")
            .env("GETTY_PASSWORD", "alice-password")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{case}: {text}");
        // The child really ran its case (one test, not zero).
        assert!(text.contains("1 passed"), "{case}: {text}");
    };
    // The sandbox's CA file: a login and a search over HTTPS.
    run("trusted", &ca);
    let stats = sb.stats();
    assert_eq!(count(&stats.grants, "password"), 1, "{stats:?}");
    assert_eq!(
        stats.calls("https", "SearchForImages", "oauth"),
        1,
        "{stats:?}"
    );
    // Another sandbox's CA: the certificate is refused, nothing reaches the sandbox.
    sb.reset_stats();
    run("untrusted", &wrong_ca);
    let stats = sb.stats();
    assert!(
        stats.grants.is_empty() && stats.operations.is_empty(),
        "{stats:?}"
    );
    // A CA file that is not there: a configuration error naming it.
    run("missing", &dir.path().join("nowhere.pem"));
}
}
