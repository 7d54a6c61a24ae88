//! What the catalog's assets say: titles and captions, made from their facts.

use super::calendar::minutes_to_millis;
use super::ids::Family;
use super::shape::{Core, Shape};
use super::video::VideoCore;
use super::vocabulary::keyword;
use crate::vocab::{ADJECTIVES, ARTISTS, COLOURS, LOCATIONS, SCENES, SUBJECTS, VENUES};
use connect_types::date::civil_from_days;

/// Capitalizes the first letter.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Title of an image.
pub fn image_title(shape: &Shape, core: &Core) -> String {
    let s = |k: usize| {
        core.keywords
            .get(k)
            .map_or("", |&i| SUBJECTS[usize::from(i) % SUBJECTS.len()])
    };
    match (core.family, core.event) {
        (Family::Editorial, Some(e)) => {
            let ev = shape.event(e);
            match core
                .people
                .first()
                .and_then(|(kw, _)| keyword(usize::from(*kw)))
            {
                Some(p) => format!("{} at the {}", p.text, ev.name()),
                None => ev.name(),
            }
        }
        _ => match core.scene {
            Some(scene) => format!(
                "{} {} and {} by the {}",
                capitalize(ADJECTIVES[usize::from(core.adjective)]),
                s(0),
                s(1),
                SCENES[usize::from(scene) % SCENES.len()]
            ),
            None => format!(
                "{} {} and {}",
                capitalize(ADJECTIVES[usize::from(core.adjective)]),
                s(0),
                s(1)
            ),
        },
    }
}

/// The caption's closing words: the scene, if any, and the dominant colour.
fn caption_tail(core: &Core) -> String {
    let colour = match core.colour {
        Some(c) => format!("mostly {}", COLOURS[usize::from(c) % COLOURS.len()]),
        None => "in black and white".to_owned(),
    };
    match core.scene {
        Some(scene) => format!(
            "near a {}, {colour}",
            SCENES[usize::from(scene) % SCENES.len()]
        ),
        None => colour,
    }
}

/// Caption of an image.
pub fn image_caption(shape: &Shape, core: &Core) -> String {
    let s = |k: usize| {
        core.keywords
            .get(k)
            .map_or("", |&i| SUBJECTS[usize::from(i) % SUBJECTS.len()])
    };
    let (city, _, country) = LOCATIONS[usize::from(core.location)];
    let artist = ARTISTS[usize::from(core.artist)];
    match (core.family, core.event) {
        (Family::Editorial, Some(e)) => {
            let ev = shape.event(e);
            let days = minutes_to_millis(core.created) / 86_400_000;
            let (y, m, d) = civil_from_days(days);
            let who = core
                .people
                .first()
                .and_then(|(kw, _)| keyword(usize::from(*kw)))
                .map_or("A general view", |p| p.text);
            format!(
                "{city}, {country} - {y:04}-{m:02}-{d:02}: {who} at the {} at {} in {city}, with {} and {}, {}. (Photo by {artist}/Getty Images)",
                ev.name(),
                VENUES[ev.venue],
                s(0),
                s(1),
                caption_tail(core)
            )
        }
        _ => format!(
            "{} {} with {} and {} in {city}, {country}, {}.",
            capitalize(ADJECTIVES[usize::from(core.adjective)]),
            s(0),
            s(1),
            s(2),
            caption_tail(core)
        ),
    }
}

/// Title of a video.
pub fn video_title(core: &VideoCore) -> String {
    let s = |k: usize| {
        core.subjects
            .get(k)
            .map_or("", |&i| SUBJECTS[usize::from(i) % SUBJECTS.len()])
    };
    format!(
        "{} {} and {} footage",
        capitalize(ADJECTIVES[usize::from(core.adjective)]),
        s(0),
        s(1)
    )
}
