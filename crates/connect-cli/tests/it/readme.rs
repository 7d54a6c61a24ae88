//! The README's examples, compiled (and run where they need no credentials), so they keep up
//! with the APIs.

#[allow(dead_code)]
fn blocking_example() -> Result<(), connect_blocking::Error> {
    use connect_blocking::{Client, ops::SearchForImagesRequest};

    let client = Client::from_env()?;
    let found = client.search_images(&SearchForImagesRequest::phrase("lighthouse").count(5))?;
    for image in &found.result.images {
        println!("{:?} {:?}", image.image_id, image.title);
    }
    if let Some(id) = found.result.images.first().and_then(|i| i.image_id.clone()) {
        client
            .download_largest(&id)?
            .on_progress(|p| eprintln!("{} of {:?} bytes", p.bytes, p.total))
            .to_file(format!("{id}.jpg"))?;
    }
    Ok(())
}

#[test]
fn types_example() -> Result<(), connect_types::DecodeError> {
    use connect_types::ops::{ImageFamily, SearchForImagesRequest};
    use connect_types::{RequestHeader, decode_response, encode_request};

    let request = SearchForImagesRequest::phrase("city skyline")
        .family(ImageFamily::Editorial)
        .count(10);
    let body = encode_request(&RequestHeader::default(), &request);

    let reply = br#"{"ResponseHeader":{"Status":"Success","StatusList":[]},
                 "SearchForImagesResult":{"Images":[],"ItemTotalCount":0}}"#;
    let response = decode_response::<SearchForImagesRequest>(reply)?;
    assert_eq!(response.result.item_total_count, Some(0));

    let sent: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        sent["SearchForImagesRequestBody"]["Query"]["SearchPhrase"],
        "city skyline"
    );
    Ok(())
}
