//! SearchForImages' `Filter`: read into [`Filters`], which decides for one image at a time from
//! the index's columns.

use super::super::readers::collections_filter;
use crate::api::{self, Fail, Obj};
use crate::catalog::{self, LICENSING, OFFERINGS, ORIENTATIONS};
use crate::index::{Attrs, Columns};
use connect_types::StatusCode;

/// Parsed filters. Their `Debug` form names a filter in the cache of filter sets.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Filters {
    pub(super) families: Vec<usize>,
    orientations: u8,
    licensing: Vec<usize>,
    file_types: Vec<usize>,
    graphic: Vec<usize>,
    segments: u8,
    offerings: u8,
    collections: Option<(bool, Vec<u8>)>,
    sources: Option<(bool, Vec<u8>)>,
    exclude_nudity: bool,
    embeddable_only: bool,
    white_only: bool,
    pub(super) created: Option<(u32, u32)>,
}

impl Filters {
    /// Whether no filter is set (every image passes).
    pub(super) fn is_empty(&self) -> bool {
        *self == Filters::default()
    }

    /// Whether image `i` passes, reading its flags column and, only for the filters that need
    /// them, its collection and creation date.
    pub(super) fn keep(&self, cols: &Columns, i: u32) -> bool {
        let Some(&bits) = cols.bits.get(i as usize) else {
            return false;
        };
        let a = Attrs {
            bits,
            ..Attrs::default()
        };
        if !self.families.is_empty() && !self.families.contains(&usize::from(a.editorial())) {
            return false;
        }
        if self.orientations != 0 && self.orientations & (1 << a.orientation()) == 0 {
            return false;
        }
        if !self.licensing.is_empty() && !self.licensing.contains(&usize::from(a.licensing())) {
            return false;
        }
        if !self.file_types.is_empty() && !self.file_types.contains(&usize::from(a.file_type())) {
            return false;
        }
        if !self.graphic.is_empty() && !self.graphic.contains(&usize::from(a.graphic())) {
            return false;
        }
        if self.segments != 0 && self.segments & a.segments() == 0 {
            return false;
        }
        if self.offerings != 0 && self.offerings & a.offerings() == 0 {
            return false;
        }
        if self.exclude_nudity && a.nudity() {
            return false;
        }
        if self.embeddable_only && !a.embeddable() {
            return false;
        }
        if self.white_only && !a.white_background() {
            return false;
        }
        let collection = || cols.collection.get(i as usize).copied().unwrap_or(u8::MAX);
        if let Some((include, ids)) = &self.collections {
            if ids.contains(&collection()) != *include {
                return false;
            }
        }
        if let Some((include, ids)) = &self.sources {
            if !a.editorial() || ids.contains(&collection()) != *include {
                return false;
            }
        }
        if let Some((from, to)) = self.created {
            let created = cols.created.get(i as usize).copied().unwrap_or(0);
            if created < from || created >= to {
                return false;
            }
        }
        true
    }
}

/// Reads the request's `Filter` object (at `fp`), every value checked with its own status code.
pub(super) fn read(filter: &Obj, fp: &str) -> Result<Filters, Fail> {
    let mut f = Filters {
        families: api::enum_list(
            filter,
            "ImageFamilies",
            &format!("{fp}.ImageFamilies"),
            &["Creative", "Editorial"],
            StatusCode::InvalidRequest,
        )?,
        ..Filters::default()
    };
    for o in api::enum_list(
        filter,
        "Orientations",
        &format!("{fp}.Orientations"),
        ORIENTATIONS,
        StatusCode::InvalidOrientation,
    )? {
        f.orientations |= 1 << o;
    }
    f.licensing = api::enum_list(
        filter,
        "LicensingModels",
        &format!("{fp}.LicensingModels"),
        LICENSING,
        StatusCode::InvalidRequest,
    )?;
    f.file_types = api::enum_list(
        filter,
        "FileTypes",
        &format!("{fp}.FileTypes"),
        catalog::FILE_TYPES,
        StatusCode::InvalidRequest,
    )?;
    f.graphic = api::enum_list(
        filter,
        "GraphicStyles",
        &format!("{fp}.GraphicStyles"),
        catalog::GRAPHIC_STYLES,
        StatusCode::InvalidRequest,
    )?;
    // Requests say "Sports" where responses say "Sport"; both are read.
    for s in api::enum_list(
        filter,
        "EditorialSegments",
        &format!("{fp}.EditorialSegments"),
        &[
            "News",
            "Sport",
            "Entertainment",
            "Publicity",
            "Royalty",
            "Archival",
            "Sports",
        ],
        StatusCode::InvalidEditorialSegment,
    )? {
        f.segments |= 1 << if s == 6 { 1 } else { s };
    }
    for o in api::enum_list(
        filter,
        "ProductOfferings",
        &format!("{fp}.ProductOfferings"),
        &["PremiumAccess", "EditorialSubscription", "EasyAccess"],
        StatusCode::InvalidProductOffering,
    )? {
        let name = ["PremiumAccess", "EditorialSubscription", "EasyAccess"][o];
        if let Some(bit) = OFFERINGS.iter().position(|x| *x == name) {
            f.offerings |= 1 << bit;
        }
    }
    f.collections = collections_filter(
        filter,
        "Collections",
        &format!("{fp}.Collections"),
        StatusCode::InvalidCollectionId,
    )?;
    f.sources = collections_filter(
        filter,
        "EditorialSources",
        &format!("{fp}.EditorialSources"),
        StatusCode::InvalidEditorialSourceId,
    )?;
    f.exclude_nudity =
        api::opt_bool(filter, "ExcludeNudity", &format!("{fp}.ExcludeNudity"))?.unwrap_or(false);
    f.embeddable_only = api::opt_bool(
        filter,
        "EmbedContentOnly",
        &format!("{fp}.EmbedContentOnly"),
    )?
    .unwrap_or(false);
    f.white_only = api::opt_bool(
        filter,
        "WhiteBackgroundOnly",
        &format!("{fp}.WhiteBackgroundOnly"),
    )?
    .unwrap_or(false);

    Ok(f)
}
