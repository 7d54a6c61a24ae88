//! The README's first command: the tour passes, step by step, with stdout not a terminal.

use crate::cli;
use predicates::prelude::*;

#[test]
fn the_demo_passes_every_step() {
    let out = cli().arg("demo").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "demo failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("FAILED"), "{text}");
    for step in [
        "OAuth2 sign-in",
        "Legacy session",
        "Creative search",
        "Editorial search",
        "Image details",
        "Event details",
        "Video search",
        "Download authorizations",
        "Download with a progress bar",
        "Lightbox: create",
        "Lightbox: delete",
        "secure-only",
    ] {
        assert!(text.contains(step), "step {step:?} missing:\n{text}");
    }
    assert!(
        predicate::str::is_match(r"All \d+ steps passed")
            .unwrap()
            .eval(&text)
    );
}

#[test]
fn the_demo_reports_its_steps_as_json() {
    let out = cli().args(["--json", "demo"]).output().unwrap();
    assert!(out.status.success());
    let steps = crate::json_of(&out);
    let steps = steps.as_array().unwrap();
    assert!(steps.len() >= 10);
    assert!(steps.iter().all(|s| s["ok"] == true), "{steps:?}");
}
