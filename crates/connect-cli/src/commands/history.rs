//! `downloads` and `purchases`: one listing of the caller's history, newest first, that the
//! two commands fill in with their request, words and columns.

use crate::args::HistoryArgs;
use crate::client::Ctx;
use crate::commands::pages;
use crate::errors::CliError;
use crate::output::{self, Table};
use connect_auth::paging::Paged;
use connect_types::IsoDateTime;
use connect_types::ops::{
    GetPreviousDownloadsRequest, GetPreviousPurchasesRequest, PreviousDownload, PreviousPurchase,
};
use serde::Serialize;

/// What a history listing says and shows of its operation's items.
struct Listing<O: Paged> {
    /// The item, counted in the totals and the past-the-end note ("download").
    noun: &'static str,
    /// What the call is doing, for waiting notes and errors.
    doing: &'static str,
    /// The text when there is nothing to list.
    empty: &'static str,
    /// The table's columns and their widths.
    columns: [(&'static str, usize); 3],
    /// One item's cells, in the columns' order.
    row: fn(&O::Item) -> [String; 3],
}

/// `downloads`: the caller's previous downloads, newest first.
pub fn downloads(ctx: &Ctx, args: &HistoryArgs) -> Result<(), CliError> {
    fn row(d: &PreviousDownload) -> [String; 3] {
        [
            output::or_dash(d.asset_id.as_deref()),
            iso(d.date_downloaded.as_ref()),
            output::or_dash(d.product_offering.as_ref()),
        ]
    }
    let listing = Listing {
        noun: "download",
        doing: "listing previous downloads",
        empty: "No downloads yet.\n",
        columns: [("Asset", 12), ("Downloaded", 25), ("Offering", 24)],
        row,
    };
    list(
        ctx,
        args,
        GetPreviousDownloadsRequest::page(1, args.count),
        &listing,
    )
}

/// `purchases`: the caller's previous purchases, newest first.
pub fn purchases(ctx: &Ctx, args: &HistoryArgs) -> Result<(), CliError> {
    fn row(p: &PreviousPurchase) -> [String; 3] {
        [
            output::or_dash(p.asset_id.as_deref()),
            iso(p.date_purchased.as_ref()),
            output::or_dash(p.order_id.as_deref()),
        ]
    }
    let listing = Listing {
        noun: "purchase",
        doing: "listing previous purchases",
        empty: "No purchases yet.\n",
        columns: [("Asset", 12), ("Purchased", 25), ("Order", 12)],
        row,
    };
    list(
        ctx,
        args,
        GetPreviousPurchasesRequest::page(1, args.count),
        &listing,
    )
}

/// Lists the page `args` asks for (or, with `--all`, every page) of `first`'s operation;
/// `first` asks for the first page, whose total the past-the-end note names.
fn list<O>(ctx: &Ctx, args: &HistoryArgs, first: O, listing: &Listing<O>) -> Result<(), CliError>
where
    O: Paged,
    O::Item: Serialize,
    O::Result: Serialize,
{
    let mut request = first.clone();
    let start = (args.page - 1).saturating_mul(args.count).saturating_add(1);
    request.set_window(start, args.count);
    let doing = listing.doing;
    let (items, total) = if args.all {
        let (items, total) = ctx.api.collect_all(request, doing)?;
        if ctx.json {
            return output::print_json(&items);
        }
        (items, total)
    } else {
        let r = pages::or_past_the_end(
            ctx.api.call(&request, doing),
            args.page,
            args.count,
            listing.noun,
            || {
                let r = ctx.api.call(&first, doing).ok()?;
                O::into_page(r).total
            },
        )?;
        if ctx.json {
            return output::print_json(&r);
        }
        let page = O::into_page(r);
        (page.items, page.total)
    };
    if items.is_empty() {
        return output::print_text(listing.empty);
    }
    let mut t = Table::new(&listing.columns);
    for item in &items {
        t.row((listing.row)(item));
    }
    let mut text = t.render();
    if let Some(n) = total {
        text.push_str(&format!("{} in all\n", output::counted(n, listing.noun)));
    }
    output::print_text(&text)
}

/// A date, or a dash when the answer gave none.
fn iso(d: Option<&IsoDateTime>) -> String {
    d.map_or_else(|| "-".to_owned(), ToString::to_string)
}
