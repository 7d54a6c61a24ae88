//! "Still waiting for …": a line on a terminal when a call is slow, so a user is not left in
//! silence until a timeout, and knows which limit will end the wait.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The first line comes after this much silence.
pub const FIRST_AFTER: Duration = Duration::from_secs(3);
/// Then one line every so often.
pub const EVERY: Duration = Duration::from_secs(15);

/// While alive, prints a line to `out` after `first` and then every `every`; dropping it
/// (the call ended) stops it at once.
#[derive(Debug)]
pub struct Waiting {
    done: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Waiting {
    /// Starts the notices for `what` (e.g. `searching images for "tree"`); `limit` names the
    /// per-call timeout the wait ends at.
    pub fn start(
        what: String,
        limit: Duration,
        first: Duration,
        every: Duration,
        mut out: impl Write + Send + 'static,
    ) -> Self {
        let done = Arc::new((Mutex::new(false), Condvar::new()));
        let seen = Arc::clone(&done);
        let thread = std::thread::Builder::new()
            .name("still-waiting".into())
            .spawn(move || {
                let started = Instant::now();
                let (lock, wake) = &*seen;
                let mut finished = lock.lock().unwrap_or_else(|p| p.into_inner());
                let mut pause = first;
                while !*finished {
                    let (guard, timeout) = wake
                        .wait_timeout(finished, pause)
                        .unwrap_or_else(|p| p.into_inner());
                    finished = guard;
                    if *finished || !timeout.timed_out() {
                        continue;
                    }
                    let waited = started.elapsed().as_secs();
                    // A closed stderr ends the notices; nothing else to do about it.
                    if writeln!(
                        out,
                        "still waiting for {what} ({waited} s so far; each attempt may take up \
                         to {} s, --timeout)",
                        limit.as_secs()
                    )
                    .is_err()
                    {
                        return;
                    }
                    pause = every;
                }
            })
            .ok();
        Self { done, thread }
    }

    /// Notices on stderr when it is a terminal and not `quiet`; none otherwise.
    pub fn on_terminal(what: &str, limit: Duration, quiet: bool) -> Option<Self> {
        use std::io::IsTerminal;
        (!quiet && std::io::stderr().is_terminal()).then(|| {
            Self::start(
                what.to_owned(),
                limit,
                FIRST_AFTER,
                EVERY,
                std::io::stderr(),
            )
        })
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        let (lock, wake) = &*self.done;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_slow_call_is_announced_and_a_quick_one_is_not() {
        let out = Shared::default();
        let w = Waiting::start(
            "searching images".into(),
            Duration::from_secs(60),
            Duration::from_millis(20),
            Duration::from_secs(3600),
            out.clone(),
        );
        // Wait for the line rather than for a time: the machine may be slow.
        while out.0.lock().unwrap().is_empty() {
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(w);
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert!(
            text.starts_with("still waiting for searching images ("),
            "{text}"
        );
        assert!(text.contains("up to 60 s, --timeout"), "{text}");
        assert_eq!(text.lines().count(), 1);

        let quiet = Shared::default();
        let w = Waiting::start(
            "x".into(),
            Duration::from_secs(1),
            Duration::from_secs(3600),
            Duration::from_secs(3600),
            quiet.clone(),
        );
        // Dropped long before its first line: stops at once and says nothing.
        drop(w);
        assert!(quiet.0.lock().unwrap().is_empty());
    }
}
