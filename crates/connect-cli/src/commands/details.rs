//! `details <image-id>...`: GetImageDetails.

use crate::args::DetailsArgs;
use crate::client::Ctx;
use crate::errors::CliError;
use crate::output;
use connect_types::ops::{GetImageDetailsRequest, Image, ImageSize};
use std::fmt::Write as _;

/// Runs `details`.
pub fn run(ctx: &Ctx, args: &DetailsArgs) -> Result<(), CliError> {
    let req = GetImageDetailsRequest::ids(args.ids.iter().cloned());
    let result = ctx.api.call(
        &req,
        &format!("getting details of image {}", args.ids.join(", ")),
    )?;
    if ctx.json {
        output::print_json(&result)?;
    } else {
        let text: Vec<String> = result.images.iter().map(describe).collect();
        if !text.is_empty() {
            output::print_text(&text.join("\n"))?;
        }
    }
    missing(
        &args.ids,
        result.images.iter().map(|i| i.image_id.as_deref()),
    )
}

/// An error naming the requested ids the API did not return, if any.
pub fn missing<'a>(
    asked: &[String],
    got: impl Iterator<Item = Option<&'a str>>,
) -> Result<(), CliError> {
    let got: Vec<&str> = got.flatten().collect();
    let lost: Vec<&str> = asked
        .iter()
        .map(String::as_str)
        .filter(|id| !got.contains(id))
        .collect();
    if lost.is_empty() {
        return Ok(());
    }
    Err(CliError::not_found(
        format!("no such image: {}", lost.join(", ")),
        "check the id: the API does not know it (search to find ids)",
    ))
}

/// A readable block about one image.
pub fn describe(i: &Image) -> String {
    let mut s = String::new();
    // `id  title`, the models' own one-line form.
    let _ = writeln!(s, "{i}");
    let mut field = |name: &str, value: String| {
        if value != "-" && !value.is_empty() {
            let _ = writeln!(s, "  {name:<12}{value}");
        }
    };
    field(
        "Caption",
        output::truncate(i.caption.as_deref().unwrap_or("-"), 200),
    );
    field("Artist", output::or_dash(i.artist.as_deref()));
    field(
        "Family",
        match (&i.image_family, &i.licensing_model) {
            (Some(f), Some(l)) => format!("{f} ({l})"),
            (f, l) => output::or_dash(
                f.as_ref()
                    .map(ToString::to_string)
                    .or(l.as_ref().map(ToString::to_string)),
            ),
        },
    );
    field("Created", output::date(i.date_created.as_ref()));
    field("Collection", output::or_dash(i.collection_name.as_deref()));
    let place: Vec<&str> = [&i.city, &i.state_province, &i.country]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.is_empty())
        .collect();
    field("Place", place.join(", "));
    let events: Vec<String> = i.event_ids.iter().map(u64::to_string).collect();
    field("Events", events.join(", "));
    field("Credit", output::or_dash(i.credit_line.as_deref()));
    let keywords: Vec<&str> = i
        .keywords
        .iter()
        .filter_map(|k| k.text.as_deref())
        .collect();
    field("Keywords", output::truncate(&keywords.join(", "), 200));
    for (n, size) in i.sizes_downloadable_images.iter().enumerate() {
        field(if n == 0 { "Sizes" } else { "" }, size_line(size));
    }
    s
}

fn size_line(z: &ImageSize) -> String {
    let px = match (z.pixel_width, z.pixel_height) {
        (Some(w), Some(h)) => format!("{w}x{h}"),
        _ => "?".to_owned(),
    };
    format!(
        "{:<8} {:>11}  {:>10}",
        output::or_dash(z.size_key.as_deref()),
        px,
        z.file_size_in_bytes
            .map_or_else(|| "-".to_owned(), output::bytes)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_ids_the_api_left_out() {
        let asked = vec!["1".to_owned(), "2".to_owned()];
        assert!(missing(&asked, [Some("1"), Some("2")].into_iter()).is_ok());
        let e = missing(&asked, [Some("2")].into_iter()).unwrap_err();
        assert!(e.line().contains("no such image: 1"));
    }

    #[test]
    fn describes_an_image() {
        let img = Image {
            image_id: Some("42".into()),
            title: Some("Dog on a beach".into()),
            sizes_downloadable_images: vec![ImageSize {
                size_key: Some("small".into()),
                pixel_width: Some(480),
                pixel_height: Some(320),
                file_size_in_bytes: Some(2048),
                ..ImageSize::default()
            }],
            ..Image::default()
        };
        let text = describe(&img);
        assert!(text.starts_with("42  Dog on a beach\n"));
        assert!(text.contains("Sizes       small"));
        assert!(text.contains("480x320"));
        assert!(text.contains("2.0 KiB"));
    }
}
