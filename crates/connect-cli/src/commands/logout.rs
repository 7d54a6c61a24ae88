//! `logout`: forgets the tokens cached for these credentials.

use crate::client::Ctx;
use crate::errors::CliError;
use crate::output;

/// Removes this user's (application's, base URL's) cached tokens and says what it removed.
pub fn run(ctx: &Ctx) -> Result<(), CliError> {
    let (key, file, removed) = ctx.api.sign_out()?;
    if ctx.json {
        return output::print_json(&serde_json::json!({
            "removed": removed,
            "user": key.user,
            "application": key.application,
            "service": key.service,
            "grant": key.grant.name(),
            "file": file,
        }));
    }
    let whose = crate::terminal::terminal_safe(&key.to_string());
    let text = match (&file, removed) {
        (Some(path), true) => format!(
            "Signed out {whose}: removed its cached tokens ({}).\n",
            path.display()
        ),
        (Some(path), false) => format!(
            "No tokens were cached for {whose} ({} does not exist); nothing to remove.\n",
            path.display()
        ),
        (None, _) => format!(
            "No tokens are cached for {whose}: no cache folder (set XDG_CACHE_HOME or HOME).\n"
        ),
    };
    output::print_text(&text)
}
