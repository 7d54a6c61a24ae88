//! The service's call limits, met by both clients: the per-second throttle retried for token
//! requests, calls that spend money and download GETs alike (sent again, charged once); the
//! daily limit ending every call after one request; the retry budget and the rate limiter
//! shared by a client's clones; the daily allowance back after midnight.
//!
//! Included by each client's `tests/it/main.rs` next to `scenarios.rs`, with the same macros.

use super::hostile::{SEARCH, hostile_builder, query, user, with_tokens};
use super::scenarios::{EXCLUSIVE, alice, builder, client, clocked_builder, count, search, start};
use super::sdk;
use connect_sandbox::{Fault, FaultRule, SandboxConfig};
use connect_testkit::{Answer, HostileServer};
use sdk::ops::GetPreviousDownloadsRequest;
use sdk::{ErrorKind, RateLimitScope, RetryBudget, RetryPolicy};

/// The id of one image a search for "dog" finds (a macro: `wait!` needs the test's context).
macro_rules! a_dog {
    ($c:expr) => {
        wait!($c.search_images(&search("dog", 1)))
            .unwrap()
            .result
            .images[0]
            .image_id
            .clone()
            .unwrap()
    };
}

scenario! {
    fn a_throttled_token_request_is_sent_again() {
        let sb = start(SandboxConfig::default());
        sb.inject(FaultRule::new(Fault::OverQps).operation("oauth2/token").times(1));
        let c = client(&sb, alice());
        wait!(c.search_images(&search("tree", 1))).unwrap();
        let stats = sb.stats();
        assert_eq!(stats.calls("https", "oauth2/token", "*"), 2, "{stats:?}");
        assert_eq!(count(&stats.grants, "password"), 1, "the throttled one did nothing");
        assert_eq!(count(&stats.faults_by_kind, "over_qps"), 1);
        assert_eq!(c.pacing().throttled, 1);
    }
}

scenario! {
    fn a_throttled_create_download_request_is_sent_again_and_charged_once() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let id = a_dog!(c);
        sb.inject(FaultRule::new(Fault::OverQps).operation("CreateDownloadRequest").times(1));
        let mut bytes = Vec::new();
        let summary = wait!(wait!(c.download_largest(&id)).unwrap().to_writer(&mut bytes)).unwrap();
        assert_eq!(summary.bytes, bytes.len() as u64);
        let ops = sb.stats().operations;
        // Not idempotent, yet sent again: the gateway turned the first away untouched.
        assert_eq!(count(&ops, "CreateDownloadRequest"), 2, "{ops:?}");
        let history = wait!(c.previous_downloads(&GetPreviousDownloadsRequest::page(1, 10))).unwrap();
        assert_eq!(history.result.item_total_count, Some(1), "charged once");

        // SingleStepDownload spends too, and is sent again the same way.
        sb.inject(FaultRule::new(Fault::OverQps).operation("SingleStepDownload").times(1));
        let mut again = Vec::new();
        wait!(wait!(c.single_step_download(&id)).unwrap().to_writer(&mut again)).unwrap();
        assert_eq!(again, bytes);
        assert_eq!(count(&sb.stats().operations, "SingleStepDownload"), 2);
        let history = wait!(c.previous_downloads(&GetPreviousDownloadsRequest::page(1, 10))).unwrap();
        assert_eq!(history.result.item_total_count, Some(2), "one more download, not two");
    }
}

scenario! {
    fn a_throttled_download_get_is_fetched_again() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let id = a_dog!(c);
        let mut whole = Vec::new();
        wait!(wait!(c.download_largest(&id)).unwrap().to_writer(&mut whole)).unwrap();
        sb.reset_stats();
        sb.inject(FaultRule::new(Fault::OverQps).operation("download").times(1));
        let mut bytes = Vec::new();
        let summary = wait!(wait!(c.download_largest(&id)).unwrap().to_writer(&mut bytes)).unwrap();
        assert_eq!(bytes, whole);
        assert_eq!(summary.bytes, whole.len() as u64);
        let stats = sb.stats();
        assert_eq!(stats.downloads, 1, "the throttled GET served nothing: {stats:?}");
        assert_eq!(count(&stats.faults_by_kind, "over_qps"), 1);

        // The daily limit on a download ends it with the typed error.
        sb.inject(FaultRule::new(Fault::OverDaily).operation("download").times(1));
        let e = wait!(wait!(c.download_largest(&id)).unwrap().to_writer(&mut Vec::new())).unwrap_err();
        assert!(e.is_daily_limit(), "{e}");
    }
}

scenario! {
    fn a_throttle_that_does_not_end_fails_with_the_per_second_error() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        wait!(c.search_images(&search("tree", 1))).unwrap();
        sb.reset_stats();
        sb.inject(FaultRule::new(Fault::OverQps).operation("SearchForImages"));
        let e = wait!(c.search_images(&search("tree", 1))).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
        assert_eq!(e.rate_limit(), Some(RateLimitScope::PerSecond));
        assert!(e.to_string().contains("per-second call limit"), "{e}");
        assert!(e.hint().contains("max_requests_per_second"), "{}", e.hint());
        assert_eq!(count(&sb.stats().operations, "SearchForImages"), 3, "the policy's attempts");
    }
}

scenario! {
    fn the_daily_limit_ends_every_call_after_one_request() {
        let sb = start(SandboxConfig::default().with_daily_limit(Some(100)));
        // A whole day ahead of the test, whatever the time it runs at.
        sb.advance_to_next_day();
        let c = client(&sb, alice());
        // The token request is one of the hundred.
        let mut succeeded = 0;
        let first = loop {
            match wait!(c.search_images(&search("tree", 1))) {
                Ok(_) => succeeded += 1,
                Err(e) => break e,
            }
            assert!(succeeded <= 100, "the limit was not enforced");
        };
        assert_eq!(succeeded, 99);
        let key = |sb: &connect_sandbox::SandboxThread| sb.stats().app_keys["sandbox-client"].clone();
        assert_eq!(key(&sb).allowed, 100);
        assert_eq!(key(&sb).refused_for_day, 1);
        let mut errors = vec![first];
        for i in 1..=5u64 {
            errors.push(wait!(c.search_images(&search("tree", 1))).unwrap_err());
            assert_eq!(key(&sb).refused_for_day, i + 1, "exactly one request each");
        }
        for e in errors {
            assert_eq!(e.kind(), ErrorKind::RateLimited, "{e}");
            assert!(e.is_daily_limit(), "{e}");
            assert!(e.to_string().contains("daily call limit is used up"), "{e}");
            assert!(!e.to_string().contains("overloaded") && !e.hint().contains("overloaded"));
        }
        assert_eq!(key(&sb).allowed, 100);
        assert_eq!(count(&sb.stats().operations, "SearchForImages"), 105);
        assert_eq!(c.pacing().throttled, 0, "the daily limit is not a reason to slow down");
    }
}

scenario! {
    fn the_clock_moving_past_midnight_restores_the_daily_allowance() {
        let sb = start(SandboxConfig::default().with_daily_limit(Some(3)));
        sb.advance_to_next_day();
        let c = clocked_builder(&sb, alice()).build().unwrap();
        wait!(c.search_images(&search("tree", 1))).unwrap();
        wait!(c.search_images(&search("tree", 1))).unwrap();
        let e = wait!(c.search_images(&search("tree", 1))).unwrap_err();
        assert!(e.is_daily_limit(), "{e}");
        // The next day: the token has expired too, and its renewal is one of the new three.
        sb.advance_to_next_day();
        wait!(c.search_images(&search("tree", 1))).unwrap();
        wait!(c.search_images(&search("tree", 1))).unwrap();
        let k = sb.stats().app_keys["sandbox-client"].clone();
        assert_eq!((k.allowed, k.refused_for_day), (6, 1), "{k:?}");
    }
}

scenario! {
    fn the_retry_budget_runs_out_across_a_clients_clones() {
        let server = HostileServer::https(with_tokens(|_| Answer::html(503, "<h1>down</h1>")));
        let policy = RetryPolicy {
            budget: Some(RetryBudget {
                capacity: 10,
                retry_cost: 5,
                timeout_retry_cost: 10,
                success_refund: 1,
            }),
            ..super::hostile::quick_retries()
        };
        let c = hostile_builder(&server, user()).retry_policy(policy).build().unwrap();
        let other = c.clone();
        // The first call spends the whole budget on its two retries…
        let e = wait!(c.search_images(&query())).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Http, "{e}");
        assert_eq!(server.requests_to(SEARCH), 3);
        // …so every later call of the client, from any clone, fails after one request.
        for n in 1..=3 {
            let e = wait!(other.search_images(&query())).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Http, "{e}");
            assert_eq!(server.requests_to(SEARCH), 3 + n);
        }
    }
}

scenario! {
    fn the_rate_limiter_is_shared_by_a_clients_clones() {
        let sb = start(SandboxConfig::default());
        let c = client(&sb, alice());
        let clone = c.clone();
        wait!(c.search_images(&search("tree", 1))).unwrap();
        assert_eq!(c.pacing().rate, None, "open until the service throttles");
        sb.inject(FaultRule::new(Fault::OverQps).operation("SearchForImages").times(1));
        wait!(clone.search_images(&search("tree", 1))).unwrap();
        // The clone met the throttle; the original paces for it.
        let seen = c.pacing();
        assert_eq!(seen.throttled, 1, "{seen:?}");
        assert_eq!(seen.slowdowns, 1, "{seen:?}");
        assert!(seen.rate.is_some_and(|r| r > 0.0), "{seen:?}");
        assert_eq!(c.clone().pacing().throttled, 1);

        // A ceiling holds for every clone.
        let capped = builder(&sb, alice()).max_requests_per_second(3.0).build().unwrap();
        assert_eq!(capped.clone().pacing().rate, Some(3.0));
        assert_eq!(capped.pacing().max_per_second, Some(3.0));
        let e = builder(&sb, alice()).max_requests_per_second(0.0).build().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Config, "{e}");
    }
}
