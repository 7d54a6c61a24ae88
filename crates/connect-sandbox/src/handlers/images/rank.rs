//! How SearchForImages ranks its matches, and the refinement options it counts over them.

use crate::catalog;
use crate::index::{Columns, Index};
use crate::render;
use connect_types::ops;
use std::collections::HashMap;

/// The order asked for: the editorial sort (an index into its documented names) when only
/// editorial images are searched, the creative one when only creative ones are, newest first
/// for the legacy search of both, else whichever the request set.
pub(super) fn order(
    families: &[usize],
    editorial_sort: Option<usize>,
    creative_sort: Option<usize>,
) -> Sort {
    let creative_only = families == [0];
    let editorial_only = families == [1];
    let ed_sort = match editorial_sort {
        Some(0) => Sort::Recent,
        Some(1) => Sort::Popular,
        Some(2) => Sort::Trending,
        Some(3) => Sort::Oldest,
        _ => Sort::CreatedDesc,
    };
    let cr_sort = match creative_sort {
        Some(0) => Sort::Recent,
        _ => Sort::Popular,
    };
    if editorial_only {
        ed_sort
    } else if creative_only {
        cr_sort
    } else if families.is_empty() {
        // The legacy combined search cannot rank by relevancy: newest first.
        Sort::CreatedDesc
    } else if editorial_sort.is_some() {
        ed_sort
    } else {
        cr_sort
    }
}

/// Sort orders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sort {
    Popular,
    Recent,
    CreatedDesc,
    Oldest,
    Trending,
}

pub(super) fn sort_key(s: Sort, cols: &Columns, i: u32) -> u64 {
    let i = i as usize;
    let at = |col: &[u32]| u64::from(col.get(i).copied().unwrap_or(0));
    match s {
        Sort::Popular => at(&cols.popularity),
        Sort::Recent => at(&cols.submitted),
        Sort::CreatedDesc => at(&cols.created),
        Sort::Oldest => u64::from(u32::MAX) - at(&cols.created),
        Sort::Trending => ((at(&cols.created) / (60 * 24 * 30)) << 32) | at(&cols.popularity),
    }
}

/// Refinement options over the matched set: keyword counts per category plus events.
/// Large result sets are sampled (the first 20,000 matches) and the counts scaled.
pub(super) fn refinement_options(
    idx: &Index,
    matched: &[u32],
    per_category: usize,
) -> Vec<ops::RefinementOption> {
    const SAMPLE: usize = 20_000;
    let sample = &matched[..matched.len().min(SAMPLE)];
    let scale = matched.len() as f64 / sample.len().max(1) as f64;
    let mut kw: HashMap<u16, u64> = HashMap::new();
    let mut events: HashMap<u32, u64> = HashMap::new();
    for &i in sample {
        let core = idx.shape.image(i);
        for k in core.keywords {
            *kw.entry(k).or_default() += 1;
        }
        if let Some(e) = core.event {
            *events.entry(e).or_default() += 1;
        }
    }
    let option = |category: &str, id: String, n: u64, text: String| {
        let count = (n as f64 * scale).round() as u64;
        ops::RefinementOption {
            category: Some(ops::RefinementCategory::parse(category)),
            id: Some(id),
            image_count: Some(count),
            text: Some(text),
        }
    };
    let mut by_cat: HashMap<&str, Vec<ops::RefinementOption>> = HashMap::new();
    for (k, n) in kw {
        if let Some(def) = catalog::keyword(usize::from(k)) {
            let id = (catalog::KEYWORD_ID_BASE + u64::from(k)).to_string();
            by_cat.entry(def.category).or_default().push(option(
                def.category,
                id,
                n,
                def.text.to_owned(),
            ));
        }
    }
    for (e, n) in events {
        let id = render::event_id(e).to_string();
        by_cat.entry("Events").or_default().push(option(
            "Events",
            id,
            n,
            idx.shape.event(e).name(),
        ));
    }
    let mut cats: Vec<_> = by_cat.into_iter().collect();
    cats.sort_by(|a, b| a.0.cmp(b.0));
    let mut out = Vec::new();
    for (_, mut opts) in cats {
        opts.sort_by(|a, b| {
            b.image_count
                .cmp(&a.image_count)
                .then_with(|| a.id.cmp(&b.id))
        });
        out.extend(opts.into_iter().take(per_category));
    }
    out
}
