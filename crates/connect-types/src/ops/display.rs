//! Readable views of the models people print most: an id and a title as `&str`, and a compact
//! `Display` (`100000123  Misty harbor and boat by the lighthouse`).
//!
//! The API leaves every member optional, so the fields are `Option`s; these accessors spare a
//! program the `as_deref().unwrap_or(..)` dance when all it wants is a line of text. They never
//! invent data: a missing id reads as `""`, a missing title as the caption or `""`.

use super::{Event, Image, LightboxHeader, LightboxItem, Video};
use std::fmt;

/// The first present, non-blank text of `choices`, or `""`.
fn first_text<'a>(choices: &[Option<&'a str>]) -> &'a str {
    choices
        .iter()
        .flatten()
        .copied()
        .find(|s| !s.trim().is_empty())
        .unwrap_or("")
}

/// Writes `id  text`, leaving out whichever is empty.
fn id_and_text(f: &mut fmt::Formatter<'_>, id: &str, text: &str) -> fmt::Result {
    match (id.is_empty(), text.is_empty()) {
        (false, false) => write!(f, "{id}  {text}"),
        (false, true) => f.write_str(id),
        (true, _) => f.write_str(text),
    }
}

impl Image {
    /// The image id (`ImageId`), or `""` when the answer left it out.
    ///
    /// ```
    /// let image: connect_types::ops::Image =
    ///     serde_json::from_str(r#"{"ImageId": 100000123, "Title": "Harbor at dusk"}"#)?;
    /// assert_eq!(image.id(), "100000123");
    /// assert_eq!(image.title(), "Harbor at dusk");
    /// assert_eq!(image.to_string(), "100000123  Harbor at dusk");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn id(&self) -> &str {
        self.image_id.as_deref().unwrap_or("")
    }

    /// The title, or the caption when there is no title, or `""`.
    pub fn title(&self) -> &str {
        first_text(&[self.title.as_deref(), self.caption.as_deref()])
    }
}

/// `id  title`, on one line: what a listing of search hits shows.
impl fmt::Display for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        id_and_text(f, self.id(), self.title())
    }
}

impl Video {
    /// The video id (`AssetId`), or `""` when the answer left it out.
    pub fn id(&self) -> &str {
        self.asset_id.as_deref().unwrap_or("")
    }

    /// The title, or the caption when there is no title, or `""`.
    pub fn title(&self) -> &str {
        first_text(&[self.title.as_deref(), self.caption.as_deref()])
    }
}

/// `id  title`, on one line.
impl fmt::Display for Video {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        id_and_text(f, self.id(), self.title())
    }
}

impl LightboxItem {
    /// The asset id of the item (`AssetId`), or `""` when the answer left it out.
    pub fn id(&self) -> &str {
        self.asset_id.as_deref().unwrap_or("")
    }

    /// The title, or the caption when there is no title, or `""`.
    pub fn title(&self) -> &str {
        first_text(&[self.title.as_deref(), self.caption.as_deref()])
    }
}

/// `asset id  title`, on one line.
impl fmt::Display for LightboxItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        id_and_text(f, self.id(), self.title())
    }
}

impl LightboxHeader {
    /// The lightbox's name, or `""`.
    pub fn name(&self) -> &str {
        first_text(&[self.lightbox_name.as_deref()])
    }
}

/// `id  name (n items)`, on one line.
impl fmt::Display for LightboxHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.lightbox_id.map(|i| i.to_string()).unwrap_or_default();
        id_and_text(f, &id, self.name())?;
        match self.lightbox_item_count {
            Some(1) => f.write_str(" (1 item)"),
            Some(n) => write!(f, " ({n} items)"),
            None => Ok(()),
        }
    }
}

impl Event {
    /// The event's name (`EventName`), or `""`.
    pub fn name(&self) -> &str {
        first_text(&[self.event_name.as_deref()])
    }
}

/// `id  name`, on one line.
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self.event_id.map(|i| i.to_string()).unwrap_or_default();
        id_and_text(f, &id, self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_read_as_id_and_title() {
        let mut image = Image {
            image_id: Some("100000123".into()),
            title: Some("Harbor at dusk".into()),
            caption: Some("A harbor.".into()),
            ..Image::default()
        };
        assert_eq!(image.id(), "100000123");
        assert_eq!(image.title(), "Harbor at dusk");
        assert_eq!(image.to_string(), "100000123  Harbor at dusk");
        // A blank title falls back to the caption, a missing caption to nothing.
        image.title = Some("  ".into());
        assert_eq!(image.title(), "A harbor.");
        image.caption = None;
        assert_eq!(image.to_string(), "100000123");
        image.image_id = None;
        image.title = Some("Untitled".into());
        assert_eq!(image.id(), "");
        assert_eq!(image.to_string(), "Untitled");
        assert_eq!(Image::default().to_string(), "");
    }

    #[test]
    fn videos_items_headers_and_events() {
        let video = Video {
            asset_id: Some("700000001".into()),
            caption: Some("Surfer at dawn".into()),
            ..Video::default()
        };
        assert_eq!(video.to_string(), "700000001  Surfer at dawn");
        let item = LightboxItem {
            asset_id: Some("100000010".into()),
            title: Some("Dog on the beach".into()),
            ..LightboxItem::default()
        };
        assert_eq!((item.id(), item.title()), ("100000010", "Dog on the beach"));
        assert_eq!(item.to_string(), "100000010  Dog on the beach");
        let mut header = LightboxHeader {
            lightbox_id: Some(1001),
            lightbox_name: Some("Spring campaign".into()),
            lightbox_item_count: Some(2),
            ..LightboxHeader::default()
        };
        assert_eq!(header.to_string(), "1001  Spring campaign (2 items)");
        header.lightbox_item_count = Some(1);
        assert_eq!(header.to_string(), "1001  Spring campaign (1 item)");
        let event = Event {
            event_id: Some(10_004),
            event_name: Some("Lisbon Marathon 2012".into()),
            ..Event::default()
        };
        assert_eq!(event.name(), "Lisbon Marathon 2012");
        assert_eq!(event.to_string(), "10004  Lisbon Marathon 2012");
    }
}
