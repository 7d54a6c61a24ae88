//! `search <phrase>`: SearchForImages, one page or every page.

use crate::args::{Family, Licensing, OrientationArg, SearchArgs, SortArg};
use crate::client::Ctx;
use crate::commands::pages;
use crate::errors::CliError;
use crate::output::{self, Table};
use connect_types::ops::{
    CreativeSortOrder, EditorialSortOrder, Image, ImageFamily, LicensingModel, Orientation,
    SearchForImagesRequest, SearchForImagesResult,
};

/// Builds the request the flags describe.
pub fn request(args: &SearchArgs) -> SearchForImagesRequest {
    let mut req = SearchForImagesRequest::phrase(args.phrase())
        .count(args.count)
        .page(args.page);
    for f in &args.family {
        req = req.family(family(*f));
    }
    req.filter.orientations = args.orientation.iter().map(|o| orientation(*o)).collect();
    req.filter.licensing_models = args.licensing.iter().map(|l| licensing(*l)).collect();
    if args.embeddable {
        req.filter.embed_content_only = Some(true);
    }
    if let Some(sort) = args.sort {
        // The API applies each order only to its family; send the ones that exist for it.
        req.result_options.editorial_sort_order = Some(editorial_sort(sort));
        req.result_options.creative_sort_order = creative_sort(sort);
    }
    req
}

/// Refuses a sort order that applies to none of the families asked for (editorial searches
/// take every order; creative ones only most-recent and most-popular).
pub fn check_sort(args: &SearchArgs) -> Result<(), CliError> {
    let (Some(sort), [Family::Creative]) = (args.sort, args.family.as_slice()) else {
        return Ok(());
    };
    if creative_sort(sort).is_some() {
        return Ok(());
    }
    Err(CliError::sort_not_for_family(
        &crate::args::spelled(&sort),
        "creative",
        "images",
        &["most-recent", "most-popular"],
    ))
}

/// Runs `search`.
pub fn run(ctx: &Ctx, args: &SearchArgs) -> Result<(), CliError> {
    let req = request(args);
    let doing = format!("searching images for {:?}", args.phrase());
    if args.all {
        let (images, total) = ctx.api.collect_all(req, &doing)?;
        if ctx.json {
            return output::print_json(&images);
        }
        let mut text = table(&images).render();
        text.push_str(&format!(
            "{}{}\n",
            output::counted(images.len() as u64, "image"),
            total.map_or(String::new(), |t| format!(
                " of {} reported",
                output::thousands(t)
            ))
        ));
        return output::print_text(&text);
    }
    let first = || {
        let first = ctx.api.call(&req.clone().page(1), &doing);
        first.ok().and_then(|r| r.item_total_count)
    };
    let called = ctx.api.call(&req, &doing);
    let result = pages::or_past_the_end(called, args.page, args.count, "image", first)?;
    if ctx.json {
        return output::print_json(&result);
    }
    output::print_text(&page_text(&result, args.count, args.page))
}

fn page_text(result: &SearchForImagesResult, count: u32, page: u32) -> String {
    if result.images.is_empty() {
        return "No images found.\n".to_owned();
    }
    let mut text = table(&result.images).render();
    let total = result
        .item_total_count
        .unwrap_or(result.images.len() as u64);
    text.push_str(&pages::footer(
        page,
        count,
        total,
        "image",
        "--page N for more, --all for every one",
    ));
    text
}

/// The table `search` prints.
pub fn table(images: &[Image]) -> Table {
    let mut t = Table::new(&[
        ("ID", 12),
        ("FAMILY", 9),
        ("LICENSE", 13),
        ("CREATED", 10),
        ("ARTIST", 20),
        ("TITLE", 60),
    ]);
    for i in images {
        t.row([
            output::or_dash(i.image_id.as_deref()),
            output::or_dash(i.image_family.as_ref()),
            output::or_dash(i.licensing_model.as_ref()),
            output::date(i.date_created.as_ref()),
            output::or_dash(i.artist.as_deref()),
            output::or_dash(i.title.as_deref().or(i.caption.as_deref())),
        ]);
    }
    t
}

/// The API's family for the flag's.
pub fn family(f: Family) -> ImageFamily {
    match f {
        Family::Creative => ImageFamily::Creative,
        Family::Editorial => ImageFamily::Editorial,
    }
}

fn orientation(o: OrientationArg) -> Orientation {
    match o {
        OrientationArg::Horizontal => Orientation::Horizontal,
        OrientationArg::Vertical => Orientation::Vertical,
        OrientationArg::PanoramicHorizontal => Orientation::PanoramicHorizontal,
        OrientationArg::PanoramicVertical => Orientation::PanoramicVertical,
        OrientationArg::Square => Orientation::Square,
    }
}

fn licensing(l: Licensing) -> LicensingModel {
    match l {
        Licensing::RoyaltyFree => LicensingModel::RoyaltyFree,
        Licensing::RightsManaged => LicensingModel::RightsManaged,
    }
}

fn editorial_sort(s: SortArg) -> EditorialSortOrder {
    match s {
        SortArg::Default => EditorialSortOrder::Default,
        SortArg::MostRecent => EditorialSortOrder::MostRecent,
        SortArg::MostPopular => EditorialSortOrder::MostPopular,
        SortArg::Trending => EditorialSortOrder::Trending,
        SortArg::Oldest => EditorialSortOrder::Oldest,
    }
}

fn creative_sort(s: SortArg) -> Option<CreativeSortOrder> {
    match s {
        SortArg::MostRecent => Some(CreativeSortOrder::MostRecent),
        SortArg::MostPopular => Some(CreativeSortOrder::MostPopular),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::{Cli, Command};
    use clap::Parser;

    fn parse(args: &[&str]) -> SearchArgs {
        let mut all = vec!["getty-connect", "search"];
        all.extend_from_slice(args);
        match Cli::try_parse_from(all).unwrap().command {
            Command::Search(s) => s,
            _ => unreachable!(),
        }
    }

    #[test]
    fn flags_become_the_documented_request() {
        let a = parse(&[
            "red",
            "car",
            "--family",
            "creative",
            "--orientation",
            "vertical",
            "--licensing",
            "royalty-free",
            "--sort",
            "most-popular",
            "--count",
            "10",
            "--page",
            "3",
        ]);
        let r = request(&a);
        assert_eq!(r.query.search_phrase.as_deref(), Some("red car"));
        assert_eq!(r.filter.image_families, vec![ImageFamily::Creative]);
        assert_eq!(r.filter.orientations, vec![Orientation::Vertical]);
        assert_eq!(r.filter.licensing_models, vec![LicensingModel::RoyaltyFree]);
        assert_eq!(r.result_options.item_count, 10);
        assert_eq!(r.result_options.item_start_number, 21);
        assert_eq!(
            r.result_options.creative_sort_order,
            Some(CreativeSortOrder::MostPopular)
        );
    }

    #[test]
    fn editorial_only_orders_are_not_sent_as_creative() {
        let both = ["--family", "editorial", "--family", "creative"];
        let r = request(&parse(
            &[&["x", "--sort", "oldest"][..], &both[..]].concat(),
        ));
        assert_eq!(r.result_options.creative_sort_order, None);
        assert_eq!(
            r.result_options.editorial_sort_order,
            Some(EditorialSortOrder::Oldest)
        );
        // Without a family the service applies no sort: refused before anything is sent.
        let mut all = vec!["getty-connect", "search", "x", "--sort", "oldest"];
        assert!(Cli::try_parse_from(all.clone()).is_err());
        all.extend(["--family", "editorial"]);
        assert!(Cli::try_parse_from(all).is_ok());
    }
}
