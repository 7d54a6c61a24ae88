//! The command line's token cache: on by default, in the platform cache folder, so a run
//! reuses the tokens of the run before (and of runs at the same time) instead of signing in
//! again. `--no-token-cache` / `GETTY_CONNECT_NO_TOKEN_CACHE` turn it off; `logout` removes
//! the tokens of the credentials given.

use connect_blocking::FileTokenCache;

/// The file cache in [`crate::dirs::cache_dir`] of the process environment; its warnings (a damaged file,
/// say) go to stderr unless `quiet`.
pub fn file_cache(quiet: bool) -> Option<FileTokenCache> {
    let dir = crate::dirs::cache_dir(|k| std::env::var(k).ok())?;
    Some(FileTokenCache::new(dir).on_warning(move |message| {
        if !quiet {
            eprintln!("warning: {message}");
        }
    }))
}

/// What the token cache calls the embedded sandbox: its base URL changes every run (ephemeral
/// ports), its token key does not (it is kept in the state file at `state`).
pub fn embedded_sandbox_service(state: &std::path::Path) -> String {
    format!("embedded-sandbox:{}", state.display())
}
