//! The account group's commands ([`run`]): `offerings`, `collections`, `countries`,
//! `customer create`, `oembed` here; the histories, usage reports and the feed in their own
//! modules.

use crate::args::{AccountCommand, CustomerCommand, OfferingsArgs};
use crate::client::Ctx;
use crate::commands::{changes, history, usage};
use crate::errors::CliError;
use crate::output::{self, Table};
use connect_types::ops::{
    CreateCustomerRequest, GetActiveProductOfferingsRequest, GetAllProductOfferingsRequest,
    GetCollectionsRequest, GetCountriesRequest, Language, OEmbedRequest,
};

/// Runs a command of the account group.
pub fn run(ctx: &Ctx, command: &AccountCommand) -> Result<(), CliError> {
    match command {
        AccountCommand::Downloads(a) => history::downloads(ctx, a),
        AccountCommand::Purchases(a) => history::purchases(ctx, a),
        AccountCommand::Offerings(a) => offerings(ctx, a),
        AccountCommand::Collections => collections(ctx),
        AccountCommand::Countries { language } => countries(ctx, language.as_deref()),
        AccountCommand::Customer(c) => customer(ctx, c),
        AccountCommand::Usage(c) => usage::run(ctx, c),
        AccountCommand::Changes(c) => changes::run(ctx, c),
        AccountCommand::Oembed { id } => oembed(ctx, id),
    }
}

/// `offerings`: the active offering types, or (`--all`) every instance with its quota.
pub fn offerings(ctx: &Ctx, args: &OfferingsArgs) -> Result<(), CliError> {
    if !args.all {
        let r = ctx.api.call(
            &GetActiveProductOfferingsRequest {},
            "listing active product offerings",
        )?;
        if ctx.json {
            return output::print_json(&r);
        }
        let names: Vec<String> = r
            .active_product_offerings
            .iter()
            .map(ToString::to_string)
            .collect();
        return output::print_text(&format!("Active: {}\n", names.join(", ")));
    }
    let r = ctx.api.call(
        &GetAllProductOfferingsRequest {},
        "listing product offerings",
    )?;
    if ctx.json {
        return output::print_json(&r);
    }
    let mut t = Table::new(&[
        ("Id", 10),
        ("Name", 36),
        ("Type", 12),
        ("Status", 10),
        ("Left", 6),
        ("Limit", 6),
        ("Expires", 20),
    ]);
    for o in &r.product_offerings {
        t.row([
            output::or_dash(o.product_offering_instance_id),
            output::or_dash(o.name.as_deref()),
            output::or_dash(o.product_offering_type.as_ref()),
            output::or_dash(o.status.as_ref()),
            output::or_dash(o.downloads_remaining),
            output::or_dash(o.download_limit),
            output::date(o.expiration_utc.as_ref()),
        ]);
    }
    output::print_text(&t.render())
}

/// `collections`.
pub fn collections(ctx: &Ctx) -> Result<(), CliError> {
    let r = ctx
        .api
        .call(&GetCollectionsRequest {}, "listing collections")?;
    if ctx.json {
        return output::print_json(&r);
    }
    let mut t = Table::new(&[
        ("Id", 6),
        ("Name", 28),
        ("Family", 10),
        ("License", 8),
        ("Offerings", 60),
    ]);
    for c in &r.collections {
        let offers: Vec<String> = c
            .applicable_product_offerings
            .iter()
            .map(ToString::to_string)
            .collect();
        t.row([
            output::or_dash(c.collection_id),
            output::or_dash(c.collection_name.as_deref()),
            output::or_dash(c.image_family.as_ref()),
            output::or_dash(c.license_model.as_deref()),
            offers.join(", "),
        ]);
    }
    output::print_text(&t.render())
}

/// `countries`.
pub fn countries(ctx: &Ctx, language: Option<&str>) -> Result<(), CliError> {
    let req = GetCountriesRequest {
        language: language.map(Language::parse),
    };
    let r = ctx.api.call(&req, "listing countries")?;
    if ctx.json {
        return output::print_json(&r);
    }
    let mut t = Table::new(&[("ISO2", 4), ("ISO3", 4), ("Name", 40)]);
    for c in &r.countries {
        t.row([
            output::or_dash(c.country_char2_iso.as_deref()),
            output::or_dash(c.country_char3_iso.as_deref()),
            output::or_dash(c.country_name.as_deref()),
        ]);
    }
    output::print_text(&t.render())
}

/// `customer create`.
pub fn customer(ctx: &Ctx, cmd: &CustomerCommand) -> Result<(), CliError> {
    let CustomerCommand::Create {
        user_name,
        customer_password,
        email,
        first_name,
        last_name,
        country,
    } = cmd;
    let req = CreateCustomerRequest::new(
        user_name,
        customer_password.clone(),
        email,
        first_name,
        last_name,
        country,
    );
    let result = ctx
        .api
        .call(&req, &format!("creating customer {user_name:?}"))?;
    if ctx.json {
        return output::print_json(&result);
    }
    output::print_text(&format!(
        "Created customer {user_name:?}; they can sign in now\n"
    ))
}

/// `oembed ID`.
pub fn oembed(ctx: &Ctx, id: &str) -> Result<(), CliError> {
    let e = ctx.api.oembed(&OEmbedRequest::for_asset(id))?;
    if ctx.json {
        return output::print_json(&e);
    }
    let mut text = format!(
        "{}\n{} / {}\n{}x{}  thumbnail {}\n",
        output::or_dash(e.title.as_deref()),
        output::or_dash(e.photographer.as_deref()),
        output::or_dash(e.collection.as_deref()),
        output::or_dash(e.width),
        output::or_dash(e.height),
        output::or_dash(e.thumbnail_url.as_deref()),
    );
    if let Some(html) = &e.html {
        text.push_str(html);
        text.push('\n');
    }
    output::print_text(&text)
}
