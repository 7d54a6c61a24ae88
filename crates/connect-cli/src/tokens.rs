//! The command line's token cache: on by default, in the platform cache folder, so a run
//! reuses the tokens of the run before (and of runs at the same time) instead of signing in
//! again. `--no-token-cache` / `GETTY_CONNECT_NO_TOKEN_CACHE` turn it off; `logout` removes
//! the tokens of the credentials given.

use connect_blocking::FileTokenCache;
use std::path::PathBuf;

/// The token cache folder: `$XDG_CACHE_HOME/getty-connect`, else the platform's cache folder
/// (`~/Library/Caches/getty-connect` on macOS, `%LOCALAPPDATA%\getty-connect` on Windows,
/// `~/.cache/getty-connect` elsewhere). `None` when none of those variables is set to an
/// absolute path.
pub fn cache_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let absolute = |v: Option<String>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(xdg) = absolute(var("XDG_CACHE_HOME")) {
        return Some(xdg.join("getty-connect"));
    }
    if cfg!(windows) {
        if let Some(local) = absolute(var("LOCALAPPDATA")) {
            return Some(local.join("getty-connect"));
        }
    }
    let home = absolute(var("HOME"))?;
    Some(if cfg!(target_os = "macos") {
        home.join("Library").join("Caches").join("getty-connect")
    } else {
        home.join(".cache").join("getty-connect")
    })
}

/// The file cache in [`cache_dir`] of the process environment; its warnings (a damaged file,
/// say) go to stderr unless `quiet`.
pub fn file_cache(quiet: bool) -> Option<FileTokenCache> {
    let dir = cache_dir(|k| std::env::var(k).ok())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_folder_follows_xdg_then_home() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(
            cache_dir(env(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/getty-connect"))
        );
        if cfg!(target_os = "linux") {
            assert_eq!(
                cache_dir(env(&[("XDG_CACHE_HOME", "relative"), ("HOME", "/h")])),
                Some(PathBuf::from("/h/.cache/getty-connect"))
            );
            assert_eq!(cache_dir(env(&[])), None);
        }
    }
}
