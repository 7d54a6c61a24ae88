//! `events <event-id>...`: GetEventDetails.

use crate::args::EventsArgs;
use crate::client::Ctx;
use crate::errors::CliError;
use crate::output::{self, Table};
use connect_types::ops::{EventResult, EventStatus, GetEventDetailsRequest};

/// Runs `events`.
pub fn run(ctx: &Ctx, args: &EventsArgs) -> Result<(), CliError> {
    let ids: Vec<String> = args.ids.iter().map(u64::to_string).collect();
    let req = GetEventDetailsRequest::ids(args.ids.iter().copied());
    let result = ctx.api.call(
        &req,
        &format!("getting details of event {}", ids.join(", ")),
    )?;
    if ctx.json {
        output::print_json(&result)?;
    } else {
        output::print_text(&table(&result.event_result).render())?;
    }
    // Unknown events come back as entries with Status "Not Found", or not at all.
    let lost: Vec<String> = args
        .ids
        .iter()
        .filter(|id| {
            !result.event_result.iter().any(|r| {
                let rid = r
                    .event_id
                    .or_else(|| r.event.as_ref().and_then(|e| e.event_id));
                rid == Some(**id) && r.status != Some(EventStatus::NotFound) && r.event.is_some()
            })
        })
        .map(u64::to_string)
        .collect();
    if lost.is_empty() {
        Ok(())
    } else {
        Err(CliError::not_found(
            format!("no such event: {}", lost.join(", ")),
            "check the id (image details list the events an image belongs to)",
        ))
    }
}

/// The table `events` prints.
pub fn table(results: &[EventResult]) -> Table {
    let mut t = Table::new(&[
        ("EVENT", 12),
        ("STATUS", 10),
        ("STARTS", 10),
        ("IMAGES", 8),
        ("WHERE", 30),
        ("NAME", 60),
    ]);
    for r in results {
        let e = r.event.as_ref();
        let place = e.and_then(|e| e.location.as_ref()).map(|l| {
            [&l.venue, &l.city, &l.country]
                .into_iter()
                .filter_map(|p| p.as_deref())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        });
        t.row([
            output::or_dash(r.event_id.or_else(|| e.and_then(|e| e.event_id))),
            output::or_dash(r.status.as_ref()),
            output::date(e.and_then(|e| e.start_date.as_ref())),
            output::or_dash(e.and_then(|e| e.image_count)),
            output::or_dash(place.filter(|p| !p.is_empty())),
            output::or_dash(e.and_then(|e| e.event_name.as_deref())),
        ]);
    }
    t
}
