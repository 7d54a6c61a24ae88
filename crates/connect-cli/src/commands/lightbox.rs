//! `lightbox ...`: the seven lightbox operations.

use crate::args::{LightboxCommand, LightboxListArgs};
use crate::client::Ctx;
use crate::commands::pages;
use crate::errors::CliError;
use crate::output::{self, Table};
use connect_types::ops::{
    CreateLightboxItemsRequest, CreateLightboxRequest, DeleteLightboxItemsRequest,
    DeleteLightboxRequest, GetLightboxHeadersRequest, GetLightboxRequest, LightboxHeader,
    LightboxItem, UpdateLightboxHeaderRequest,
};

/// Runs one `lightbox` subcommand.
pub fn run(ctx: &Ctx, cmd: &LightboxCommand) -> Result<(), CliError> {
    match cmd {
        LightboxCommand::List(args) => list(ctx, args),
        LightboxCommand::Download { id, batch } => {
            crate::commands::download::run_lightbox(ctx, *id, batch)
        }
        LightboxCommand::Show { id, count, page } => show(ctx, *id, *count, *page),
        LightboxCommand::Create {
            name,
            client,
            project,
            notes,
        } => {
            let mut req = CreateLightboxRequest::named(name);
            req.client_name = client.clone();
            req.project_name = project.clone();
            req.notes = notes.clone();
            let result = ctx.api.call(&req, &format!("creating lightbox {name:?}"))?;
            if ctx.json {
                return output::print_json(&result);
            }
            output::print_text(&format!(
                "Created lightbox {} {name:?}\n",
                output::or_dash(result.lightbox_id)
            ))
        }
        LightboxCommand::Rename { id, name } => {
            // UpdateLightboxHeader replaces the whole header: carry the other fields over.
            let current = ctx
                .api
                .call(
                    &GetLightboxRequest::new(*id).items(1, 1),
                    &format!("reading lightbox {id}"),
                )?
                .lightbox
                .and_then(|l| l.lightbox_header)
                .unwrap_or_default();
            let mut req = UpdateLightboxHeaderRequest::new(*id, name);
            req.client_name = current.client_name;
            req.project_name = current.project_name;
            req.notes = current.notes;
            let result = ctx.api.call(&req, &format!("renaming lightbox {id}"))?;
            done(ctx, &result, format!("Renamed lightbox {id} to {name:?}"))
        }
        LightboxCommand::Add { id, assets } => {
            // The service answers an empty result either way, so what was in the lightbox
            // before decides what the line may claim.
            let before = asset_ids(ctx, *id)?;
            let req = CreateLightboxItemsRequest::new(*id, assets.iter().cloned());
            let result = ctx
                .api
                .call(&req, &format!("adding items to lightbox {id}"))?;
            let (new, present) = split(assets, &before);
            let mut line = match new.len() {
                0 => format!("Nothing added to lightbox {id}"),
                n => format!(
                    "Added {} to lightbox {id}",
                    output::counted(n as u64, "item")
                ),
            };
            if !present.is_empty() {
                line.push_str(&format!("; already in it: {}", present.join(", ")));
            }
            done(ctx, &result, line)
        }
        LightboxCommand::Remove { id, assets } => {
            let before = asset_ids(ctx, *id)?;
            let req = DeleteLightboxItemsRequest::new(*id, assets.iter().cloned());
            let result = ctx
                .api
                .call(&req, &format!("removing items from lightbox {id}"))?;
            let (absent, present) = split(assets, &before);
            let mut line = match present.len() {
                0 => format!("Nothing removed from lightbox {id}"),
                n => format!(
                    "Removed {} from lightbox {id}",
                    output::counted(n as u64, "item")
                ),
            };
            if !absent.is_empty() {
                line.push_str(&format!("; not in it: {}", absent.join(", ")));
            }
            done(ctx, &result, line)
        }
        LightboxCommand::Share { id } => {
            let result = ctx.api.call(
                &connect_types::ops::CreateSharedLightboxRequest::new(*id),
                &format!("sharing lightbox {id}"),
            )?;
            let copy = output::or_dash(result.shared_lightbox_id);
            done(
                ctx,
                &result,
                format!("Shared lightbox {id} as read-only lightbox {copy}"),
            )
        }
        LightboxCommand::Delete { id } => {
            let result = ctx.api.call(
                &DeleteLightboxRequest::new(*id),
                &format!("deleting lightbox {id}"),
            )?;
            done(ctx, &result, format!("Deleted lightbox {id}"))
        }
    }
}

fn done<T: serde::Serialize>(ctx: &Ctx, result: &T, message: String) -> Result<(), CliError> {
    if ctx.json {
        output::print_json(result)
    } else {
        output::print_text(&format!("{message}\n"))
    }
}

/// The asset ids in lightbox `id`, every page of them.
fn asset_ids(ctx: &Ctx, id: u64) -> Result<Vec<String>, CliError> {
    let req = GetLightboxRequest::new(id).items(1, 100);
    let (items, _) = ctx
        .api
        .collect_all(req, &format!("reading lightbox {id}"))?;
    Ok(items.into_iter().filter_map(|i| i.asset_id).collect())
}

/// `asked` split into the ids not in `before` and those in it (each once, in order).
fn split(asked: &[String], before: &[String]) -> (Vec<String>, Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    asked
        .iter()
        .filter(|a| seen.insert(a.as_str()))
        .cloned()
        .partition(|a| !before.contains(a))
}

fn list(ctx: &Ctx, args: &LightboxListArgs) -> Result<(), CliError> {
    let start = (args.page - 1).saturating_mul(args.count).saturating_add(1);
    let req = GetLightboxHeadersRequest::page(start, args.count);
    let doing = "listing lightboxes";
    let (headers, total) = if args.all {
        let (headers, total) = ctx.api.collect_all(req, doing)?;
        if ctx.json {
            return output::print_json(&headers);
        }
        (headers, total)
    } else {
        let first = || {
            let req = GetLightboxHeadersRequest::page(1, args.count);
            let first = ctx.api.call(&req, doing).ok()?;
            first.total_lightbox_header_count.map(u64::from)
        };
        let called = ctx.api.call(&req, doing);
        let result = pages::or_past_the_end(called, args.page, args.count, "lightbox", first)?;
        if ctx.json {
            return output::print_json(&result);
        }
        let total = result.total_lightbox_header_count.map(u64::from);
        (result.lightbox_headers, total)
    };
    if headers.is_empty() {
        return output::print_text("No lightboxes.\n");
    }
    let mut text = headers_table(&headers).render();
    if let Some(t) = total {
        text.push_str(&format!("{} in all\n", output::counted(t, "lightbox")));
    }
    output::print_text(&text)
}

fn show(ctx: &Ctx, id: u64, count: u32, page: u32) -> Result<(), CliError> {
    let start = (page - 1).saturating_mul(count).saturating_add(1);
    let req = GetLightboxRequest::new(id).items(start, count);
    let doing = format!("reading lightbox {id}");
    let first = || {
        let first = ctx
            .api
            .call(&GetLightboxRequest::new(id).items(1, 1), &doing);
        let header = first.ok()?.lightbox?.lightbox_header?;
        header.lightbox_item_count.map(u64::from)
    };
    let result = pages::or_past_the_end(ctx.api.call(&req, &doing), page, count, "item", first)?;
    if ctx.json {
        return output::print_json(&result);
    }
    let lightbox = result.lightbox.unwrap_or_default();
    let header = lightbox.lightbox_header.unwrap_or_default();
    let mut text = format!(
        "Lightbox {}  {}\n",
        output::or_dash(header.lightbox_id.or(Some(id))),
        output::or_dash(header.lightbox_name.as_deref())
    );
    for (name, value) in [
        ("Client", header.client_name.clone()),
        ("Project", header.project_name.clone()),
        ("Notes", header.notes.clone()),
        ("Created", Some(output::date(header.date_created.as_ref()))),
        (
            "Modified",
            Some(output::date(header.date_modified.as_ref())),
        ),
        ("Items", header.lightbox_item_count.map(|n| n.to_string())),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty() && v != "-") {
            text.push_str(&format!("  {name:<10}{v}\n"));
        }
    }
    if lightbox.lightbox_items.is_empty() {
        text.push_str("  (no items on this page)\n");
    } else {
        text.push_str(&items_table(&lightbox.lightbox_items).render());
    }
    output::print_text(&text)
}

/// The table `lightbox list` prints.
pub fn headers_table(headers: &[LightboxHeader]) -> Table {
    let mut t = Table::new(&[
        ("ID", 12),
        ("ITEMS", 6),
        ("MODIFIED", 10),
        ("CLIENT", 20),
        ("NAME", 50),
    ]);
    for h in headers {
        t.row([
            output::or_dash(h.lightbox_id),
            output::or_dash(h.lightbox_item_count),
            output::date(h.date_modified.as_ref().or(h.date_created.as_ref())),
            output::or_dash(h.client_name.as_deref().filter(|c| !c.is_empty())),
            output::or_dash(h.lightbox_name.as_deref()),
        ]);
    }
    t
}

/// The table of a lightbox's items.
pub fn items_table(items: &[LightboxItem]) -> Table {
    let mut t = Table::new(&[("#", 5), ("ASSET", 12), ("ADDED", 10), ("TITLE", 60)]);
    for i in items {
        t.row([
            output::or_dash(i.item_position),
            output::or_dash(i.asset_id.as_deref()),
            output::date(i.date_created.as_ref()),
            output::or_dash(i.title.as_deref().or(i.caption.as_deref())),
        ]);
    }
    t
}
