//! Token caches, shared by `connect-blocking` and `connect-async`: a file cache carries tokens
//! from one client to the next (as from one process to the next), a memory cache shared by two
//! clients shares their tokens, and a cache that fails never stops a call.

use super::scenarios::*;
use super::sdk;
use connect_sandbox::SandboxConfig;
use std::sync::Arc;

fn file_client(
    sb: &connect_sandbox::SandboxThread,
    credentials: sdk::Credentials,
    dir: &std::path::Path,
) -> sdk::Client {
    builder(sb, credentials)
        .token_cache(Arc::new(sdk::FileTokenCache::new(dir)))
        .build()
        .unwrap()
}

scenario! {
    fn a_file_cache_carries_tokens_to_the_next_client_and_sign_out_removes_them() {
        let sb = start(SandboxConfig::default());
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("tokens");
        let first = file_client(&sb, alice(), &cache);
        wait!(first.search_images(&search("tree", 1))).unwrap();
        drop(first);
        // A new client (a new process, as far as the cache knows): no token request.
        let second = file_client(&sb, alice(), &cache);
        wait!(second.search_images(&search("tree", 1))).unwrap();
        let stats = sb.stats();
        assert_eq!(grants(&stats), 1, "{stats:?}");
        // Another user in the same folder gets tokens of their own.
        let bob = sdk::Credentials::resource_owner(CLIENT_ID, CLIENT_SECRET, "bob", "bob-password");
        let other = file_client(&sb, bob, &cache);
        wait!(other.search_images(&search("tree", 1))).unwrap();
        assert_eq!(count(&sb.stats().grants, "password"), 2);
        // Sign-out removes alice's file only; the next client signs in again.
        let key = second.token_cache_key().unwrap().clone();
        assert_eq!(key.user.as_deref(), Some("alice"));
        let file = sdk::FileTokenCache::new(&cache).path_of(&key);
        assert!(file.exists());
        assert!(wait!(second.sign_out()).unwrap());
        assert!(!file.exists());
        assert!(!wait!(second.sign_out()).unwrap());
        assert_eq!(std::fs::read_dir(&cache).unwrap().filter(|e| {
            e.as_ref().unwrap().path().extension().is_some_and(|x| x == "json")
        }).count(), 1, "bob's file stays");
        wait!(file_client(&sb, alice(), &cache).search_images(&search("tree", 1))).unwrap();
        assert_eq!(count(&sb.stats().grants, "password"), 3);
    }
}

scenario! {
    fn a_memory_cache_shared_by_two_clients_shares_their_tokens() {
        let sb = start(SandboxConfig::default());
        let shared = Arc::new(sdk::MemoryTokenCache::new());
        let a = builder(&sb, alice()).token_cache(shared.clone()).build().unwrap();
        let b = builder(&sb, alice()).token_cache(shared).build().unwrap();
        wait!(a.search_images(&search("tree", 1))).unwrap();
        wait!(b.search_images(&search("tree", 1))).unwrap();
        assert_eq!(grants(&sb.stats()), 1);
        // Clients with a cache of their own each sign in, as before.
        wait!(client(&sb, alice()).search_images(&search("tree", 1))).unwrap();
        wait!(client(&sb, alice()).search_images(&search("tree", 1))).unwrap();
        assert_eq!(grants(&sb.stats()), 3);
    }
}

scenario! {
    fn a_cache_that_cannot_be_written_never_stops_a_call() {
        let sb = start(SandboxConfig::default());
        let dir = tempfile::tempdir().unwrap();
        // A file where the cache folder should be: every lock and write fails.
        let blocked = dir.path().join("not-a-folder");
        std::fs::write(&blocked, b"x").unwrap();
        let c = file_client(&sb, alice(), &blocked.join("tokens"));
        wait!(c.search_images(&search("tree", 1))).unwrap();
        wait!(c.search_images(&search("tree", 1))).unwrap();
        // The client keeps its tokens in memory meanwhile.
        assert_eq!(grants(&sb.stats()), 1);
    }
}

// Alone, as the secrets scenario: other tests running meanwhile can keep this thread's scoped
// `tracing` subscriber from seeing the events.
scenario_alone! {
    fn cached_tokens_stay_out_of_logs_and_debug_output() {
        let sb = start(SandboxConfig::default());
        let (logs, _default) = Captured::start();
        let dir = tempfile::tempdir().unwrap();
        let first = file_client(&sb, alice(), dir.path());
        wait!(first.search_images(&search("tree", 1))).unwrap();
        // The next client takes the set from the file, and renews it once it is refused.
        let second = file_client(&sb, alice(), dir.path());
        wait!(second.search_images(&search("tree", 1))).unwrap();
        let cache = sdk::FileTokenCache::new(dir.path());
        let key = second.token_cache_key().unwrap().clone();
        let saved = cache.load(&key).unwrap();
        sb.revoke_all_tokens();
        wait!(second.search_images(&search("tree", 1))).unwrap();
        let renewed = cache.load(&key).unwrap();
        let file = std::fs::read_to_string(cache.path_of(&key)).unwrap();

        let shown = format!("{first:?} {second:?} {saved:?} {renewed:?} {cache:?} {key:?}");
        let text = logs.text();
        assert!(text.contains("tokens taken from the cache"), "{text}");
        let secrets = [
            saved.secure.expose(),
            saved.refresh_token.as_ref().unwrap().expose(),
            renewed.secure.expose(),
        ];
        assert!(file.contains(renewed.secure.expose()), "the file holds the renewed set");
        assert!(file.contains(secrets[1]), "and the refresh token");
        for secret in secrets {
            assert!(!text.contains(secret), "a cached token was logged");
            assert!(!shown.contains(secret), "a cached token was shown: {shown}");
        }
    }
}
