//! The deterministic catalog: every image, event and video is a pure function of
//! `(seed, index)`, derived on demand. Nothing but the search index is stored, which is what
//! lets a million-image catalog start in well under two seconds.
//!
//! One file a part: the ids and families ([`ids`]), the keyword vocabulary and the documented
//! value lists ([`vocabulary`]), dates as minutes since 2000 ([`calendar`]), the images and
//! events and their sizes ([`shape`]), the videos' facts ([`video`]), and titles and captions
//! ([`text`]). Everything is re-exported here, so `crate::catalog::Shape` names it.

pub mod calendar;
pub mod ids;
pub mod shape;
pub mod text;
pub mod video;
pub mod vocabulary;

pub use calendar::*;
pub use ids::*;
pub use shape::*;
pub use text::*;
pub use video::*;
pub use vocabulary::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ids() {
        assert_eq!(year_of(0), 2000);
        let shape = Shape::new(1, 5_000, 1234);
        assert_eq!(shape.image_index("100004999"), Some(4_999));
        assert_eq!(shape.image_index("100005000"), None);
        assert_eq!(shape.image_index("99"), None);
        assert_eq!(shape.event_index(EVENT_ID_BASE + 19), Some(19));
        let big = shape.image_sizes(0, &shape.image(0));
        assert_eq!(
            big.iter().find(|s| s.key == "master").map(|s| s.bytes),
            Some(1234)
        );
    }

    #[test]
    fn the_catalog_is_a_function_of_the_seed() {
        let a = Shape::new(7, 100, 1);
        let b = Shape::new(7, 100, 1);
        let c = Shape::new(8, 100, 1);
        assert_eq!(
            image_caption(&a, &a.image(42)),
            image_caption(&b, &b.image(42))
        );
        assert_ne!(
            (0..20)
                .map(|i| image_title(&a, &a.image(i)))
                .collect::<Vec<_>>(),
            (0..20)
                .map(|i| image_title(&c, &c.image(i)))
                .collect::<Vec<_>>()
        );
        assert!((0..catalog_keywords()).all(|k| keyword(k).is_some()));
        assert!(keyword(catalog_keywords()).is_none());
    }

    fn catalog_keywords() -> usize {
        keyword_count()
    }
}
