//! `videos <phrase>`: SearchForVideos.

use crate::args::{Family, VideoSortArg, VideosArgs};
use crate::client::Ctx;
use crate::commands::pages;
use crate::errors::CliError;
use crate::output::{self, Table};
use connect_types::ops::{AssetFamily, SearchForVideosRequest, Video, VideoSortOrder};

/// Builds the request the flags describe.
pub fn request(args: &VideosArgs) -> SearchForVideosRequest {
    let start = (args.page - 1).saturating_mul(args.count).saturating_add(1);
    let mut req = SearchForVideosRequest::phrase(args.phrase())
        .count(args.count)
        .start(start);
    if let Some(f) = args.family {
        req = req.family(match f {
            Family::Creative => AssetFamily::Creative,
            Family::Editorial => AssetFamily::Editorial,
        });
    }
    if let Some(s) = args.sort {
        req = req.sort(match s {
            VideoSortArg::MostRecent => VideoSortOrder::MostRecent,
            VideoSortArg::BestMatch => VideoSortOrder::BestMatch,
            VideoSortArg::MostPopular => VideoSortOrder::MostPopular,
            VideoSortArg::Trending => VideoSortOrder::Trending,
        });
    }
    req
}

/// The orders each family's video searches take.
fn orders(family: Family) -> &'static [VideoSortArg] {
    match family {
        Family::Creative => &[VideoSortArg::MostRecent, VideoSortArg::BestMatch],
        Family::Editorial => &[
            VideoSortArg::MostRecent,
            VideoSortArg::MostPopular,
            VideoSortArg::Trending,
        ],
    }
}

/// Refuses a sort order the chosen family does not take (clap already requires --family
/// with --sort).
pub fn check_sort(args: &VideosArgs) -> Result<(), CliError> {
    let (Some(sort), Some(family)) = (args.sort, args.family) else {
        return Ok(());
    };
    let allowed = orders(family);
    if allowed.contains(&sort) {
        return Ok(());
    }
    let names: Vec<String> = allowed.iter().map(crate::args::spelled).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let family = match family {
        Family::Creative => "creative",
        Family::Editorial => "editorial",
    };
    Err(CliError::sort_not_for_family(
        &crate::args::spelled(&sort),
        family,
        "videos",
        &names,
    ))
}

/// Runs `videos`.
pub fn run(ctx: &Ctx, args: &VideosArgs) -> Result<(), CliError> {
    let doing = format!("searching videos for {:?}", args.phrase());
    let first = || {
        let first = ctx.api.call(&request(args).start(1), &doing);
        first.ok().and_then(|r| r.item_total_count)
    };
    let called = ctx.api.call(&request(args), &doing);
    let result = pages::or_past_the_end(called, args.page, args.count, "video", first)?;
    if ctx.json {
        return output::print_json(&result);
    }
    if result.videos.is_empty() {
        return output::print_text("No videos found.\n");
    }
    let mut text = table(&result.videos).render();
    let total = result
        .item_total_count
        .unwrap_or(result.videos.len() as u64);
    text.push_str(&pages::footer(
        args.page,
        args.count,
        total,
        "video",
        "--page N for more",
    ));
    output::print_text(&text)
}

/// The table `videos` prints.
pub fn table(videos: &[Video]) -> Table {
    let mut t = Table::new(&[
        ("ID", 12),
        ("FAMILY", 9),
        ("LENGTH", 11),
        ("CREATED", 10),
        ("TITLE", 60),
    ]);
    for v in videos {
        t.row([
            output::or_dash(v.asset_id.as_deref()),
            output::or_dash(v.asset_family.as_ref()),
            output::or_dash(v.clip_length.as_deref()),
            output::date(v.date_created.as_ref()),
            output::or_dash(v.title.as_deref().or(v.caption.as_deref())),
        ]);
    }
    t
}
