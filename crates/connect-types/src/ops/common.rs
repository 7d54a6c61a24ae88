//! Vocabulary shared by several operations: asset families, licensing, product offerings,
//! languages, collection filters.

use serde::{Deserialize, Serialize};

/// The documented cap on asset ids, image sizes or download items in one call.
pub const MAX_ASSET_IDS: usize = 500;

/// The documented cap on image ids in one GetImageDetails call.
pub const MAX_IMAGE_DETAIL_IDS: usize = 90;

crate::string_enum! {
    /// Image family (`ImageFamilies` filter entries, `Image.ImageFamily`).
    pub enum ImageFamily {
        /// Creative (stock) imagery.
        Creative = "Creative",
        /// Editorial (news, sport, entertainment) imagery.
        Editorial = "Editorial",
    }
}

/// Video asset family; the same two values as [`ImageFamily`].
pub type AssetFamily = ImageFamily;

crate::string_enum! {
    /// Licensing model of an asset, or a licensing filter entry.
    pub enum LicensingModel {
        /// Royalty free.
        RoyaltyFree = "RoyaltyFree",
        /// Rights managed.
        RightsManaged = "RightsManaged",
        /// Rights ready (video only).
        RightsReady = "RightsReady",
    }
}

crate::string_enum! {
    /// A product offering (filter entry, applicable offering, or download authorization type).
    pub enum ProductOffering {
        /// Premium Access.
        PremiumAccess = "PremiumAccess",
        /// Editorial Subscription.
        EditorialSubscription = "EditorialSubscription",
        /// Easy Access.
        EasyAccess = "EasyAccess",
        /// Royalty-free subscription.
        RoyaltyFreeSubscription = "RoyaltyFreeSubscription",
        /// Image pack (search results write it `Imagepack`; any casing reads).
        ImagePack = "ImagePack",
        /// Legacy royalty-free subscription (GetPreviousDownloads lists it).
        LegacyRfSubscription = "LegacyRfSubscription",
    }
}

crate::string_enum! {
    /// Language tag (IETF RFC 5646) for localised strings. The API defaults to `en-us`.
    pub enum Language {
        /// German.
        De = "de",
        /// British English.
        EnGb = "en-gb",
        /// American English (the default; the prose writes `en-US`).
        EnUs = "en-us",
        /// Spanish.
        Es = "es",
        /// French.
        Fr = "fr",
        /// Italian.
        It = "it",
        /// Japanese.
        Ja = "ja",
        /// Korean.
        Ko = "ko",
        /// Dutch.
        Nl = "nl",
        /// European Portuguese.
        PtPt = "pt-pt",
        /// Russian.
        Ru = "ru",
        /// Swedish.
        Sv = "sv",
    }
}

crate::string_enum! {
    /// Whether a collections or editorial-sources filter keeps or drops the listed ids.
    /// SearchForImages documents the lower-case spelling.
    pub enum CollectionMode {
        /// Keep only assets from the listed ids.
        Include = "include",
        /// Drop assets from the listed ids.
        Exclude = "exclude",
    }
}

crate::string_enum! {
    /// Editorial segment: filter entries (`Sports`) and image segments (`Sport`, `Contour`, ...).
    pub enum EditorialSegment {
        /// News.
        News = "News",
        /// Sport, as the request filter spells it.
        Sports = "Sports",
        /// Sport, as images in responses spell it.
        Sport = "Sport",
        /// Entertainment.
        Entertainment = "Entertainment",
        /// Contour (responses only).
        Contour = "Contour",
        /// Travel (responses only).
        Travel = "Travel",
        /// Publicity.
        Publicity = "Publicity",
        /// Royalty.
        Royalty = "Royalty",
        /// Archival.
        Archival = "Archival",
        /// Invalid (responses only).
        Invalid = "Invalid",
    }
}

crate::string_enum! {
    /// Whether an image (or video) is in colour.
    pub enum ColorType {
        /// Colour (GetImageDetails also writes `color`; any casing reads).
        Color = "Color",
        /// Black and white.
        BlackAndWhite = "BlackAndWhite",
        /// Black and white, as GetImageDetails documents it.
        BlackWhite = "black/white",
        /// Not known.
        Unknown = "Unknown",
    }
}

crate::string_enum! {
    /// Graphic style of an image, or a graphic-style filter entry.
    pub enum GraphicStyle {
        /// Photography.
        Photography = "Photography",
        /// Photograph, as GetImageDetails documents it.
        Photograph = "Photograph",
        /// Illustration.
        Illustration = "Illustration",
    }
}

crate::string_enum! {
    /// Image orientation.
    pub enum Orientation {
        /// Wider than tall.
        Horizontal = "Horizontal",
        /// Taller than wide.
        Vertical = "Vertical",
        /// Panoramic, wide.
        PanoramicHorizontal = "PanoramicHorizontal",
        /// Panoramic, tall.
        PanoramicVertical = "PanoramicVertical",
        /// Square.
        Square = "Square",
        /// Not known (responses only).
        Unknown = "Unknown",
    }
}

crate::string_enum! {
    /// File type filter entry.
    pub enum FileType {
        /// Encapsulated PostScript.
        Eps = "eps",
        /// JPEG.
        Jpg = "jpg",
    }
}

crate::string_enum! {
    /// Kind of a keyword. The documented spellings contain spaces.
    pub enum KeywordType {
        /// Unknown.
        Unknown = "Unknown",
        /// A named person.
        SpecificPeople = "Specific people",
        /// Ethnicity.
        Ethnicity = "Ethnicity",
        /// Age.
        Age = "Age",
        /// Gender.
        Gender = "Gender",
        /// Number of people.
        NumberOfPeople = "Number of People",
        /// Concept.
        Concept = "Concept",
        /// Location.
        Location = "Location",
        /// Viewpoint.
        Viewpoint = "Viewpoint",
        /// Image technique.
        ImageTechnique = "Image technique",
        /// Composition.
        Composition = "Composition",
        /// Colour.
        Color = "Color",
        /// Additional information.
        AdditionalInfo = "Additional Info",
        /// Candidate term.
        CandidateTerm = "Candidate Term",
        /// Fashion phrase, as SearchForImages spells it.
        FashionPhrase = "FashionPhrase",
        /// Fashion phrases, as GetImageDetails spells it.
        FashionPhrases = "Fashion Phrases",
        /// Entertainment.
        Entertainment = "Entertainment",
    }
}

crate::string_enum! {
    /// How prominent a specific person is in an image.
    pub enum VisualProminence {
        /// Unknown.
        Unknown = "Unknown",
        /// Medium.
        Medium = "Medium",
        /// High.
        High = "High",
        /// Very high.
        VeryHigh = "VeryHigh",
    }
}

crate::string_enum! {
    /// Site a referral destination points to.
    pub enum SiteName {
        /// gettyimages.com.
        GettyImages = "gettyimages",
        /// thinkstock.
        Thinkstock = "thinkstock",
        /// jupiterimages.
        JupiterImages = "jupiterimages",
        /// photos.com.
        Photos = "photos",
    }
}

crate::string_enum! {
    /// Authorization constraint on an image.
    pub enum AuthorizationConstraint {
        /// Call Getty Images before using the image (the appendix writes `callforimage`).
        CallForImage = "CallForImage",
    }
}

/// A keep-or-drop filter over ids (collections, editorial sources).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct IdFilter {
    /// The ids to include or exclude.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "crate::lenient::vec_string"
    )]
    pub ids: Vec<String>,
    /// Include or exclude.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<CollectionMode>,
}

impl IdFilter {
    /// Keep only these ids.
    pub fn include<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        Self {
            ids: ids.into_iter().map(Into::into).collect(),
            mode: Some(CollectionMode::Include),
        }
    }

    /// Drop these ids.
    pub fn exclude<I: IntoIterator<Item = S>, S: Into<String>>(ids: I) -> Self {
        Self {
            ids: ids.into_iter().map(Into::into).collect(),
            mode: Some(CollectionMode::Exclude),
        }
    }
}

/// The `Filter.Collections` object of SearchForImages.
pub type CollectionsFilter = IdFilter;
/// The `Filter.EditorialSources` object of SearchForImages.
pub type EditorialSourcesFilter = IdFilter;

/// A referral destination: a page on a Getty Images site that shows the asset.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct ReferralDestination {
    /// The site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_name: Option<SiteName>,
    /// The page's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
