//! `videos <phrase>`: SearchForVideos.

use crate::args::{Family, VideoSortArg, VideosArgs};
use crate::client::Ctx;
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

/// Runs `videos`.
pub fn run(ctx: &Ctx, args: &VideosArgs) -> Result<(), CliError> {
    let result = ctx.api.call(
        &request(args),
        &format!("searching videos for {:?}", args.phrase()),
    )?;
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
    text.push_str(&format!(
        "Page {} of {}: {} videos in all\n",
        args.page,
        output::thousands(total.div_ceil(u64::from(args.count))),
        output::thousands(total)
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
