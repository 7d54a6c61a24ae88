//! The token cache across runs of `getty-connect`: against a sandbox this test process runs
//! (standalone, as far as each run is concerned), counting token grants in its stats.

use crate::{cli, json_of};
use connect_sandbox::{Sandbox, SandboxConfig, SandboxThread};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A sandbox of its own (its grant counts are this test's), its CA file, and a cache folder.
struct Setup {
    sandbox: SandboxThread,
    ca: PathBuf,
    dir: tempfile::TempDir,
}

fn setup_with(config: SandboxConfig) -> Setup {
    let sandbox = Sandbox::start_blocking(config.with_images(300)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    sandbox.write_ca_pem(&ca).unwrap();
    Setup { sandbox, ca, dir }
}

fn setup() -> Setup {
    setup_with(SandboxConfig::default())
}

impl Setup {
    /// The cache folder every run of this test shares (`$XDG_CACHE_HOME/getty-connect`).
    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache").join("getty-connect")
    }

    /// `getty-connect` with this test's cache, against `at`'s sandbox, no credentials yet.
    fn bare(&self, at: &Setup) -> assert_cmd::Command {
        let mut c = cli();
        c.env("XDG_CACHE_HOME", self.dir.path().join("cache"))
            .arg("--base-url")
            .arg(at.sandbox.https_base_url())
            .arg("--ca-cert")
            .arg(&at.ca);
        c
    }

    /// [`Setup::bare`] signed in as `user` (a seeded user: `<user>-password`).
    fn command(&self, at: &Setup, user: &str) -> assert_cmd::Command {
        let mut c = self.bare(at);
        c.env("GETTY_CLIENT_ID", "sandbox-client")
            .env("GETTY_CLIENT_SECRET", "sandbox-client-secret")
            .env("GETTY_USERNAME", user)
            .env("GETTY_PASSWORD", format!("{user}-password"));
        c
    }

    /// `getty-connect` as `user` against this sandbox, with the shared cache.
    fn run_as(&self, user: &str, args: &[&str]) -> std::process::Output {
        self.command(self, user).args(args).output().unwrap()
    }

    fn search(&self, user: &str) -> std::process::Output {
        let out = self.run_as(user, &["search", "tree", "--count", "1"]);
        assert!(out.status.success(), "{out:?}");
        out
    }

    fn grants(&self, grant: &str) -> u64 {
        self.sandbox.stats().grants.get(grant).copied().unwrap_or(0)
    }

    fn all_grants(&self) -> u64 {
        self.sandbox.stats().grants.values().sum()
    }

    /// The token files in the cache folder.
    fn files(&self) -> Vec<PathBuf> {
        token_files(&self.cache())
    }
}

fn token_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn five_runs_in_a_row_make_one_token_grant() {
    let s = setup();
    for _ in 0..5 {
        s.search("alice");
    }
    assert_eq!(s.grants("password"), 1, "{:?}", s.sandbox.stats());
    assert_eq!(s.all_grants(), 1);
    assert_eq!(
        s.sandbox.stats().operations.get("SearchForImages"),
        Some(&5)
    );
    assert_eq!(s.files().len(), 1);
}

#[cfg(unix)]
#[test]
fn the_cache_file_is_private_and_its_secrets_never_shown() {
    use std::os::unix::fs::PermissionsExt;
    let s = setup();
    s.search("alice");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&s.cache()), 0o700);
    let file = &s.files()[0];
    assert_eq!(mode(file), 0o600);
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    let access = saved["token"].as_str().unwrap().to_owned();
    let refresh = saved["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(saved["key"]["user"], "alice");
    // Everything a run says, at the most verbose, with the tokens read from the cache.
    let out = s.run_as("alice", &["-vvv", "search", "tree", "--count", "1"]);
    assert!(out.status.success(), "{out:?}");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    assert!(said.contains("tokens taken from the cache"), "{said}");
    for secret in [&access, &refresh] {
        assert!(!said.contains(secret.as_str()), "a cached secret was shown");
    }
    assert_eq!(s.all_grants(), 1);
}

#[test]
fn after_the_sandbox_clock_passes_expiry_the_next_run_renews() {
    let s = setup();
    s.search("alice");
    s.sandbox.advance(Duration::from_secs(31 * 60));
    s.search("alice");
    let stats = s.sandbox.stats();
    assert_eq!(s.grants("refresh_token"), 1, "{stats:?}");
    assert_eq!(
        s.grants("password"),
        1,
        "renewed, not signed in again: {stats:?}"
    );
    // The renewed set is kept: the next run sends no token request.
    s.search("alice");
    assert_eq!(s.all_grants(), 2);
}

#[test]
fn a_revoked_cached_token_costs_one_renewal_never_a_loop() {
    let s = setup();
    s.search("alice");
    assert!(s.sandbox.revoke_all_tokens() >= 1);
    s.search("alice");
    let stats = s.sandbox.stats();
    assert_eq!(stats.errors.get("AUTH-021"), Some(&1), "{stats:?}");
    assert_eq!(s.grants("refresh_token"), 1, "{stats:?}");
    assert_eq!(s.grants("password"), 1, "{stats:?}");
    s.search("alice");
    assert_eq!(s.all_grants(), 2);
}

/// A sandbox on a fixed HTTPS port below the usual ephemeral range (32768 and up), so that
/// once stopped no other test's listener or connection takes its port before the restart:
/// the cache key names the base URL, port included.
fn setup_on_fixed_port(state: Option<&Path>) -> Setup {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    let base = 20_000 + (std::process::id() % 5_000) as u16;
    for _ in 0..50 {
        let port = base + NEXT.fetch_add(1, Ordering::Relaxed) * 97 % 9_000;
        let config = with_state(SandboxConfig::default(), state)
            .with_https_addr(std::net::SocketAddr::from(([127, 0, 0, 1], port)));
        if let Ok(sandbox) = Sandbox::start_blocking(config.with_images(300)) {
            let dir = tempfile::tempdir().unwrap();
            let ca = dir.path().join("ca.pem");
            sandbox.write_ca_pem(&ca).unwrap();
            return Setup { sandbox, ca, dir };
        }
    }
    panic!("no free port in 20000..29000");
}

fn with_state(config: SandboxConfig, state: Option<&Path>) -> SandboxConfig {
    match state {
        Some(path) => config.with_state_file(path),
        None => config,
    }
}

/// The sandbox restarted on the same port, with or without its state file.
fn restart(s: Setup, state: Option<&Path>) -> Setup {
    let Setup { sandbox, ca, dir } = s;
    let addr = sandbox.https_addr();
    sandbox.stop();
    let config = with_state(SandboxConfig::default().with_images(300), state);
    let sandbox = Sandbox::start_blocking(config.with_https_addr(addr)).unwrap();
    sandbox.write_ca_pem(&ca).unwrap();
    Setup { sandbox, ca, dir }
}

#[test]
fn without_a_state_file_a_restarted_sandbox_refuses_the_cached_token_and_one_sign_in_follows() {
    let s = setup_on_fixed_port(None);
    s.search("alice");
    let s = restart(s, None);
    s.search("alice");
    let stats = s.sandbox.stats();
    assert_eq!(
        s.grants("password"),
        1,
        "signed in again exactly once: {stats:?}"
    );
    assert!(s.grants("refresh_token") <= 1, "{stats:?}");
    assert_eq!(stats.errors.get("AUTH-021"), Some(&1), "{stats:?}");
    s.search("alice");
    assert_eq!(
        s.sandbox.stats().grants,
        stats.grants,
        "the new tokens are kept"
    );
}

#[test]
fn with_its_state_file_a_restarted_sandbox_accepts_the_cached_token() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let s = setup_on_fixed_port(Some(&state));
    s.search("alice");
    let s = restart(s, Some(&state));
    s.search("alice");
    let stats = s.sandbox.stats();
    assert!(
        stats.grants.is_empty(),
        "no token request after the restart: {stats:?}"
    );
    assert!(stats.errors.is_empty(), "{stats:?}");
}

#[test]
fn a_damaged_cache_file_is_reported_once_and_replaced() {
    let s = setup();
    s.search("alice");
    let file = s.files().remove(0);
    std::fs::write(&file, b"{\"format\": 1, \"key\": {\"serv").unwrap();
    let out = s.search("alice");
    let err = stderr(&out);
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: ")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains("damaged"), "{err}");
    assert!(warnings[0].contains(&file.display().to_string()), "{err}");
    assert_eq!(s.grants("password"), 2);
    // Replaced by a good file: no warning and no sign-in next time.
    let out = s.search("alice");
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(s.all_grants(), 2);
    // A file from a newer version is replaced the same way.
    let newer =
        std::fs::read_to_string(&file)
            .unwrap()
            .replacen("\"format\": 1", "\"format\": 99", 1);
    std::fs::write(&file, newer).unwrap();
    let out = s.search("alice");
    assert!(stderr(&out).contains("newer version"), "{}", stderr(&out));
    assert_eq!(s.all_grants(), 3);
}

#[test]
fn a_cache_written_for_another_user_base_url_or_application_is_never_used() {
    let s = setup();
    s.search("alice");
    // Another user: a sign-in of their own, a file of their own.
    s.search("bob");
    assert_eq!(s.grants("password"), 2);
    assert_eq!(s.files().len(), 2);
    // Alice's file where bob's belongs: refused with a warning, bob signs in.
    let files = s.files();
    let alices = files
        .iter()
        .find(|f| std::fs::read_to_string(f).unwrap().contains("\"alice\""))
        .unwrap();
    let bobs = files.iter().find(|f| *f != alices).unwrap();
    std::fs::copy(alices, bobs).unwrap();
    let out = s.search("bob");
    assert!(stderr(&out).contains("another user"), "{}", stderr(&out));
    assert_eq!(s.grants("password"), 3);

    // Another base URL (another sandbox), the same cache: signs in there.
    let other = setup();
    let out = s
        .command(&other, "alice")
        .args(["search", "tree", "--count", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(other.grants("password"), 1);

    // Another application: its own sign-in (refused here: the sandbox knows one client).
    let out = s
        .bare(&s)
        .args(["--client-id", "another-app", "--client-secret", "x"])
        .args(["--username", "alice", "--password", "alice-password"])
        .args(["search", "tree", "--count", "1"])
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "alice's cached token was used: {out:?}"
    );
    assert_eq!(s.grants("password"), 4, "{:?}", s.sandbox.stats());
}

#[test]
fn logout_removes_this_users_tokens_and_says_what_it_removed() {
    let s = setup();
    s.search("alice");
    s.search("bob");
    let out = s.run_as("alice", &["logout"]);
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Signed out alice"), "{said}");
    assert!(said.contains("sandbox-client"), "{said}");
    assert!(said.contains(&s.sandbox.https_base_url()), "{said}");
    let left = s.files();
    assert_eq!(left.len(), 1, "bob's tokens stay");
    assert!(said.contains(".json"), "{said}");
    assert!(!said.contains(&left[0].display().to_string()), "{said}");
    // Nothing left to remove, said so; as JSON too.
    let out = s.run_as("alice", &["logout"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("No tokens were cached"));
    let out = s.run_as("alice", &["--json", "logout"]);
    let report = json_of(&out);
    assert_eq!(report["removed"], false);
    assert_eq!(report["user"], "alice");
    // --no-token-cache does not stop logout from finding them.
    s.search("alice");
    let out = s.run_as("alice", &["--no-token-cache", "--json", "logout"]);
    assert_eq!(json_of(&out)["removed"], true);
    // Signed out, the next run signs in.
    let before = s.grants("password");
    s.search("alice");
    assert_eq!(s.grants("password"), before + 1);
    assert_eq!(
        s.all_grants(),
        before + 1,
        "no token request went out for logout"
    );
}

#[test]
fn no_token_cache_and_its_variable_turn_the_cache_off() {
    let s = setup();
    let out = s.run_as(
        "alice",
        &["--no-token-cache", "search", "tree", "--count", "1"],
    );
    assert!(out.status.success(), "{out:?}");
    let out = s
        .command(&s, "alice")
        .env("GETTY_CONNECT_NO_TOKEN_CACHE", "1")
        .args(["search", "tree", "--count", "1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(s.grants("password"), 2, "each run signed in");
    assert!(s.files().is_empty(), "nothing was written");
    assert!(!s.cache().exists());
}

#[test]
fn the_embedded_sandbox_uses_the_cache_too() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        let mut c = cli();
        c.env("XDG_DATA_HOME", dir.path().join("data"))
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .args(["-vv", "--sandbox", "search", "tree", "--count", "1"]);
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        stderr(&out)
    };
    let token_requests = |log: &str| log.matches("sending a token request").count();
    assert_eq!(token_requests(&run()), 1);
    // Another embedded sandbox (other ports), the same state file and so the same token key.
    let second = run();
    assert_eq!(token_requests(&second), 0, "{second}");
    assert_eq!(
        token_files(&dir.path().join("cache").join("getty-connect")).len(),
        1
    );
}
