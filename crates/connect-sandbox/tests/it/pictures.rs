//! Pictures that load: result URLs point at the sandbox, which serves decodable JPEGs at the
//! documented sizes, watermarked where the kind says so; downloaded image files begin with one.

use crate::common::*;
use crate::downloads::url_for;
use serde_json::json;

fn fetch(c: &Client, url: &str) -> (u16, String, Vec<u8>) {
    let mut r = c.agent.get(url).call().unwrap();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_owned())
        .unwrap_or_default();
    let body = r.body_mut().read_to_vec().unwrap();
    (r.status().as_u16(), kind, body)
}

/// Decodes a JPEG: (width, height, RGB pixels).
fn decode(bytes: &[u8]) -> (u16, u16, Vec<u8>) {
    let mut d = jpeg_decoder::Decoder::new(bytes);
    let px = d.decode().expect("a decodable JPEG");
    let info = d.info().unwrap();
    (info.width, info.height, px)
}

fn mean(px: &[u8]) -> f64 {
    px.iter().map(|&b| f64::from(b)).sum::<f64>() / px.len() as f64
}

#[test]
fn search_results_link_to_pictures_the_sandbox_serves() {
    let sb = shared();
    let c = Client::new(sb);
    let token = c.oauth("alice");
    let (_, v) = c.search(
        &token,
        json!({"Query": {"SearchPhrase": "beach"}, "ResultOptions": {"ItemCount": 5, "ItemStartNumber": 1}}),
    );
    let images = v["SearchForImagesResult"]["Images"].as_array().unwrap();
    assert_eq!(images.len(), 5);
    let mut thumbs = Vec::new();
    for img in images {
        for key in [
            "UrlThumb",
            "UrlPreview",
            "UrlComp",
            "UrlWatermarkPreview",
            "UrlWatermarkComp",
        ] {
            let url = img[key].as_str().unwrap();
            assert!(
                url.starts_with(&format!("{}/media/", c.http)),
                "{key}: {url}"
            );
        }
        let (status, kind, body) = fetch(&c, img["UrlThumb"].as_str().unwrap());
        assert_eq!((status, kind.as_str()), (200, "image/jpeg"));
        let (w, h, px) = decode(&body);
        assert_eq!(w.max(h), 170, "thumbnails are 170 px on their longest side");
        let (pw, ph, _) = decode(&fetch(&c, img["UrlPreview"].as_str().unwrap()).2);
        assert_eq!(pw.max(ph), 340, "previews are 340 px on their longest side");
        // Same aspect ratio at both sizes (within rounding).
        assert!((f64::from(w) / f64::from(h) - f64::from(pw) / f64::from(ph)).abs() < 0.05);
        thumbs.push(px);
    }
    // Different images look different; the same URL gives the same bytes.
    thumbs.dedup();
    assert_eq!(thumbs.len(), 5, "five images, five different pictures");
    let thumb = images[0]["UrlThumb"].as_str().unwrap();
    assert_eq!(fetch(&c, thumb).2, fetch(&c, thumb).2);

    // The watermarked preview is the preview with light letters across it.
    let (_, _, plain) = decode(&fetch(&c, images[0]["UrlPreview"].as_str().unwrap()).2);
    let (_, _, marked) = decode(&fetch(&c, images[0]["UrlWatermarkPreview"].as_str().unwrap()).2);
    assert_eq!(plain.len(), marked.len());
    let changed = plain
        .chunks(3)
        .zip(marked.chunks(3))
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 40))
        .count();
    let share = changed as f64 / (plain.len() / 3) as f64;
    assert!(
        share > 0.03,
        "the watermark covers {share:.3} of the picture"
    );
    assert!(
        mean(&marked) > mean(&plain),
        "the watermark lightens the picture"
    );

    let (status, _, _) = fetch(&c, &format!("{}/media/thumb/99.jpg", c.http));
    assert_eq!(status, 404);
    let (status, _, _) = fetch(&c, &format!("{}/media/poster/100000001.jpg", c.http));
    assert_eq!(status, 404);
}

#[test]
fn downloaded_images_open_as_jpegs_and_keep_the_catalog_length() {
    let sb = shared();
    let c = Client::new(sb);
    let token = c.oauth("alice");
    let (url, bytes) = url_for(&c, &token, "100000002", "small");
    let mut r = c.agent.get(&url).call().unwrap();
    let declared: u64 = r
        .headers()
        .get("content-length")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = r
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .unwrap();
    assert_eq!(declared, bytes);
    assert_eq!(
        body.len() as u64,
        bytes,
        "the catalog's FileSizeInBytes is the file's length"
    );
    let (w, h, _) = decode(&body);
    assert!(w.max(h) >= 170, "{w}x{h}");
    assert_eq!(&body[body.len() - 2..], &[0xFF, 0xD9]);
}
