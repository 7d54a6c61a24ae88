//! Where `getty-connect` keeps things between runs, by each platform's conventions: its data
//! folder (the embedded sandbox's state) and its cache folder (tokens).

use std::path::PathBuf;

const APP: &str = "getty-connect";

/// `$<xdg>/getty-connect`, else (on Windows) `%<windows>%\getty-connect`, else
/// `$HOME/<home…>/getty-connect`; `None` when none of those is set to an absolute path.
fn user_dir(
    var: impl Fn(&str) -> Option<String>,
    xdg: &str,
    windows: &str,
    home: &[&str],
) -> Option<PathBuf> {
    let absolute = |v: Option<String>| v.map(PathBuf::from).filter(|p| p.is_absolute());
    if let Some(dir) = absolute(var(xdg)) {
        return Some(dir.join(APP));
    }
    if cfg!(windows) {
        if let Some(dir) = absolute(var(windows)) {
            return Some(dir.join(APP));
        }
    }
    let mut dir = absolute(var("HOME"))?;
    dir.extend(home);
    Some(dir.join(APP))
}

/// The data folder: `$XDG_DATA_HOME/getty-connect`, else `$HOME/.local/share/getty-connect`
/// (on Windows `%APPDATA%\getty-connect`).
pub fn data_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    user_dir(var, "XDG_DATA_HOME", "APPDATA", &[".local", "share"])
}

/// The cache folder: `$XDG_CACHE_HOME/getty-connect`, else `~/.cache/getty-connect`
/// (`~/Library/Caches/getty-connect` on macOS, `%LOCALAPPDATA%\getty-connect` on Windows).
pub fn cache_dir(var: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let home: &[&str] = if cfg!(target_os = "macos") {
        &["Library", "Caches"]
    } else {
        &[".cache"]
    };
    user_dir(var, "XDG_CACHE_HOME", "LOCALAPPDATA", home)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_folders_follow_xdg_then_home() {
        assert_eq!(
            data_dir(env(&[("XDG_DATA_HOME", "/x"), ("HOME", "/h")])),
            Some(PathBuf::from("/x/getty-connect"))
        );
        assert_eq!(
            cache_dir(env(&[("XDG_CACHE_HOME", "/c"), ("XDG_DATA_HOME", "/x")])),
            Some(PathBuf::from("/c/getty-connect"))
        );
        if cfg!(target_os = "linux") {
            assert_eq!(
                data_dir(env(&[("XDG_DATA_HOME", "relative"), ("HOME", "/h")])),
                Some(PathBuf::from("/h/.local/share/getty-connect"))
            );
            assert_eq!(
                cache_dir(env(&[("XDG_CACHE_HOME", "relative"), ("HOME", "/h")])),
                Some(PathBuf::from("/h/.cache/getty-connect"))
            );
            assert_eq!(data_dir(env(&[])), None);
            assert_eq!(cache_dir(env(&[])), None);
        }
    }
}
