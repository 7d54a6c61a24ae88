//! Twenty processes started together, four threads each, one file token cache: one token
//! request between them. The processes are this test binary run again as workers.

use super::scenarios::{alice, builder, count, grants, search, start};
use super::sdk;
use connect_sandbox::SandboxConfig;
use std::path::Path;
use std::time::{Duration, Instant};

/// Set in a worker's environment: `base URL|CA file|cache folder|go file`.
const WORKER: &str = "CONNECT_TOKEN_CACHE_WORKER";
const PROCESSES: usize = 20;
const THREADS: usize = 4;
const NAME: &str = "processes::twenty_processes_started_together_make_one_token_grant";

#[test]
fn twenty_processes_started_together_make_one_token_grant() {
    if let Ok(spec) = std::env::var(WORKER) {
        return worker(&spec);
    }
    let sb = start(SandboxConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    sb.write_ca_pem(&ca).unwrap();
    let go = dir.path().join("go");
    let spec = format!(
        "{}|{}|{}|{}",
        sb.https_base_url(),
        ca.display(),
        dir.path().join("cache").display(),
        go.display()
    );
    let exe = std::env::current_exe().unwrap();
    let workers: Vec<std::process::Child> = (0..PROCESSES)
        .map(|_| {
            std::process::Command::new(&exe)
                .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
                .env(WORKER, &spec)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // All of them started: off they go at once.
    std::fs::write(&go, b"go").unwrap();
    for w in workers {
        let out = w.wait_with_output().unwrap();
        assert!(out.status.success(), "a worker failed: {out:?}");
    }
    let stats = sb.stats();
    assert_eq!(
        grants(&stats),
        1,
        "one token request for 20 processes: {stats:?}"
    );
    assert_eq!(
        count(&stats.operations, "SearchForImages"),
        (PROCESSES * THREADS) as u64,
        "{stats:?}"
    );
    assert_eq!(count(&stats.errors, "AUTH-021"), 0, "{stats:?}");
}

/// One process: a client on the shared cache, four threads searching at once.
fn worker(spec: &str) {
    let parts: Vec<&str> = spec.split('|').collect();
    let [base, ca, cache, go] = parts[..] else {
        panic!("bad worker spec {spec:?}");
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !Path::new(go).exists() {
        assert!(Instant::now() < deadline, "never told to go");
        std::thread::sleep(Duration::from_millis(1));
    }
    let pem = std::fs::read(ca).unwrap();
    let sb_less = sdk::Client::builder()
        .credentials(alice())
        .base_url(base)
        .root_certificate_pem(pem)
        .request_timeout(Duration::from_secs(30))
        .token_cache(std::sync::Arc::new(sdk::FileTokenCache::new(cache)));
    let client = sb_less.build().unwrap();
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let c = client.clone();
            std::thread::spawn(move || c.search_images(&search("tree", 1)).map(drop))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
}

/// The same within one process: twenty clients, each with a cache of its own on one folder (so
/// each opens the lock file itself, as a process does), four threads each.
#[test]
fn twenty_clients_on_one_folder_make_one_token_grant() {
    let sb = start(SandboxConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(PROCESSES * THREADS));
    let threads: Vec<_> = (0..PROCESSES)
        .flat_map(|_| {
            let client = builder(&sb, alice())
                .token_cache(std::sync::Arc::new(sdk::FileTokenCache::new(dir.path())))
                .build()
                .unwrap();
            let barrier = barrier.clone();
            (0..THREADS).map(move |_| {
                let (c, b) = (client.clone(), barrier.clone());
                std::thread::spawn(move || {
                    b.wait();
                    c.search_images(&search("tree", 1)).map(drop)
                })
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let stats = sb.stats();
    assert_eq!(grants(&stats), 1, "{stats:?}");
}
