//! A simulated service, download server and disk for the tests of [`super::FileFlow`] and
//! [`super::batch::Batch`]: every purchase is counted, every URL is remembered, time is
//! simulated, and a run can be cut off at any byte (a killed process) and started again.

use super::*;
use crate::download::batch::{Batch, BatchCall, BatchStep, FileFacts, FileStart};
use connect_types::Response;
use connect_types::ops::{
    Authorization, CreateDownloadRequestResult, DownloadUrl, GetImageDetailsResult,
    GetImageDownloadAuthorizationsResult, GetLargestImageDownloadAuthorizationsResult, Image,
    ImageAuthorizations, ImageSize, LargestImageAuthorizations, ProductOffering,
};
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// The bytes of image `id`'s file.
pub fn file_of(id: &str) -> Vec<u8> {
    let seed: u32 = id.bytes().map(u32::from).sum();
    (0..1000 + seed % 500)
        .map(|i| (i.wrapping_mul(31).wrapping_add(seed) % 251) as u8)
        .collect()
}

/// How the download server misbehaves for one GET.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Misbehave {
    /// Half the body, then silence (time passes until the reader gives up).
    StallHalf,
    /// Half the body, then the connection breaks.
    CutHalf,
}

/// The world: service, server, disk, clock.
#[derive(Debug)]
pub struct World {
    pub now: Instant,
    pub now_ms: i64,
    /// CreateDownloadRequest calls, per image (the purchases).
    pub bought: BTreeMap<String, u32>,
    /// Authorization calls (free), in all.
    pub authorizations: u32,
    /// Details calls.
    pub details: u32,
    /// URLs refused from now on (HTTP 410).
    pub gone: BTreeSet<String>,
    /// Every GET: (image, Range header).
    pub gets: Vec<(String, Option<String>)>,
    /// Misbehaviour of the next GETs, in order.
    pub faults: Vec<Misbehave>,
    /// The calls that fail, by operation name, with this error maker.
    pub failing: BTreeMap<&'static str, fn() -> Error>,
    /// Images the service does not know.
    pub unknown: BTreeSet<String>,
    /// Purchases the account may still make today; past them, every call is refused with the
    /// daily limit's 403.
    pub daily_budget: Option<u32>,
    /// Files on disk: name -> bytes.
    pub disk: BTreeMap<String, Vec<u8>>,
    /// Records beside `.part` files (single downloads): name -> record.
    pub records: BTreeMap<String, PartRecord>,
    next_url: u32,
}

impl Default for World {
    fn default() -> Self {
        Self {
            now: Instant::now(),
            now_ms: 1_800_000_000_000,
            bought: BTreeMap::new(),
            authorizations: 0,
            details: 0,
            gone: BTreeSet::new(),
            gets: Vec::new(),
            faults: Vec::new(),
            failing: BTreeMap::new(),
            unknown: BTreeSet::new(),
            daily_budget: None,
            disk: BTreeMap::new(),
            records: BTreeMap::new(),
            next_url: 0,
        }
    }
}

/// The service's answer once the application is over its daily limit, as the clients classify
/// the gateway's `403 Account Over Rate Limit`.
pub fn daily_limit() -> Error {
    Error::RateLimited {
        operation: "CreateDownloadRequest",
        scope: crate::RateLimitScope::Daily,
    }
}

fn ok<T>(result: T) -> Result<Response<T>, Error> {
    Ok(Response {
        header: connect_types::ResponseHeader::default(),
        result,
    })
}

fn premium(id: &str) -> Authorization {
    Authorization {
        download_is_free: Some(false),
        download_token: Some(format!("token-{id}")),
        product_offering_type: Some(ProductOffering::parse("PremiumAccess")),
        product_offering_instance_id: Some("77".into()),
        downloads_remaining: Some(100),
        size_key: Some("large".into()),
    }
}

/// What ends a run early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Never: run to the end.
    Never,
    /// Once this many bytes are in the `.part` (the process is killed).
    AtBytes(u64),
}

impl World {
    fn fails(&self, op: &'static str) -> Option<Error> {
        if self.daily_budget == Some(0) {
            return Some(daily_limit());
        }
        self.failing.get(op).map(|f| f())
    }

    pub fn purchases(&self) -> u32 {
        self.bought.values().sum()
    }

    pub fn details_result(
        &mut self,
        ids: &[String],
    ) -> Result<Response<GetImageDetailsResult>, Error> {
        self.details += 1;
        if let Some(e) = self.fails("GetImageDetails") {
            return Err(e);
        }
        let images = ids
            .iter()
            .filter(|id| !self.unknown.contains(*id))
            .map(|id| Image {
                image_id: Some(id.as_str().into()),
                sizes_downloadable_images: vec![ImageSize {
                    size_key: Some("large".into()),
                    mime_type: Some("image/jpeg".into()),
                    file_size_in_bytes: Some(file_of(id).len() as u64),
                    ..ImageSize::default()
                }],
                ..Image::default()
            })
            .collect();
        ok(GetImageDetailsResult { images })
    }

    pub fn largest_result(
        &mut self,
        ids: &[String],
    ) -> Result<Response<GetLargestImageDownloadAuthorizationsResult>, Error> {
        self.authorizations += 1;
        if let Some(e) = self.fails("GetLargestImageDownloadAuthorizations") {
            return Err(e);
        }
        ok(GetLargestImageDownloadAuthorizationsResult {
            images: ids
                .iter()
                .map(|id| LargestImageAuthorizations {
                    image_id: Some(id.clone()),
                    authorizations: vec![premium(id)],
                })
                .collect(),
        })
    }

    pub fn sizes_result(
        &mut self,
        ids: &[String],
    ) -> Result<Response<GetImageDownloadAuthorizationsResult>, Error> {
        self.authorizations += 1;
        if let Some(e) = self.fails("GetImageDownloadAuthorizations") {
            return Err(e);
        }
        ok(GetImageDownloadAuthorizationsResult {
            images: ids
                .iter()
                .map(|id| ImageAuthorizations {
                    image_id: Some(id.clone()),
                    size_key: Some("large".into()),
                    authorizations: vec![premium(id)],
                    ..ImageAuthorizations::default()
                })
                .collect(),
        })
    }

    /// CreateDownloadRequest for one token: a purchase, and a fresh URL.
    pub fn create(&mut self, token: &str) -> Result<Response<CreateDownloadRequestResult>, Error> {
        if let Some(e) = self.fails("CreateDownloadRequest") {
            return Err(e);
        }
        let id = token.trim_start_matches("token-").to_owned();
        if let Some(b) = &mut self.daily_budget {
            *b -= 1;
        }
        *self.bought.entry(id.clone()).or_default() += 1;
        self.next_url += 1;
        ok(CreateDownloadRequestResult {
            download_urls: vec![DownloadUrl {
                image_id: Some(id.clone()),
                url_attachment: Some(format!(
                    "https://dl.example/{id}/u{}?sig=s3cret",
                    self.next_url
                )),
                ..DownloadUrl::default()
            }],
        })
    }

    fn image_of(url: &str) -> String {
        url.trim_start_matches("https://dl.example/")
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs `flow` on the `.part` named `part` (its bytes in `disk`), saving records with
    /// `save`, until it ends or `stop` kills it. Returns the result, if it ended.
    pub fn run(
        &mut self,
        flow: &mut FileFlow,
        part: &str,
        stop: Stop,
        hooks: &mut dyn Hooks,
    ) -> Option<Result<DownloadSummary, Error>> {
        let mut body: Option<(Vec<u8>, Option<Misbehave>)> = None;
        for _ in 0..10_000 {
            let step = flow.poll_step(self.now);
            if let FileStep::Call(call) = &step {
                if let Err(e) = hooks.permit() {
                    match call {
                        UrlCall::CreateDownloadRequest(_) => {
                            flow.handle_download_request(self.now_ms, Err(e))
                        }
                        UrlCall::LargestAuthorizations(_) => {
                            flow.handle_largest_authorizations(Err(e))
                        }
                        UrlCall::ImageAuthorizations(_) => flow.handle_image_authorizations(Err(e)),
                        UrlCall::SingleStep(_) => flow.handle_single_step(self.now_ms, Err(e)),
                    }
                    continue;
                }
            }
            match step {
                FileStep::Call(UrlCall::CreateDownloadRequest(r)) => {
                    let token = r.download_items[0].download_token.clone();
                    let outcome = self.create(&token);
                    flow.handle_download_request(self.now_ms, outcome);
                }
                FileStep::Call(UrlCall::LargestAuthorizations(r)) => {
                    let ids: Vec<String> = r.images.iter().map(|i| i.image_id.clone()).collect();
                    let outcome = self.largest_result(&ids);
                    flow.handle_largest_authorizations(outcome);
                }
                FileStep::Call(UrlCall::ImageAuthorizations(r)) => {
                    let ids: Vec<String> =
                        r.image_sizes.iter().map(|i| i.image_id.clone()).collect();
                    let outcome = self.sizes_result(&ids);
                    flow.handle_image_authorizations(outcome);
                }
                FileStep::Call(UrlCall::SingleStep(r)) => {
                    let token = format!("token-{}", r.image_id);
                    let outcome = self.create(&token).map(|resp| Response {
                        header: resp.header,
                        result: DownloadTarget {
                            image_id: r.image_id.clone(),
                            size_key: None,
                            url: resp.result.download_urls[0]
                                .url_attachment
                                .clone()
                                .unwrap_or_default(),
                            offering: None,
                        },
                    });
                    flow.handle_single_step(self.now_ms, outcome);
                }
                FileStep::Save(record) => hooks.save(self, record),
                FileStep::Send(req) => {
                    let url = req.uri().to_string();
                    let id = Self::image_of(&url);
                    let range = req
                        .headers()
                        .get("range")
                        .map(|v| v.to_str().unwrap_or_default().to_owned());
                    self.gets.push((id.clone(), range.clone()));
                    let mut h = http::HeaderMap::new();
                    if self.gone.iter().any(|g| url.starts_with(g.as_str())) {
                        flow.handle_head(self.now, http::StatusCode::GONE, &h);
                        continue;
                    }
                    let file = file_of(&id);
                    let from: usize = range
                        .as_deref()
                        .and_then(|r| r.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok())
                        .unwrap_or(0);
                    h.insert("etag", "\"v1\"".parse().unwrap());
                    let status = if from > 0 {
                        h.insert(
                            "content-range",
                            format!("bytes {from}-{}/{}", file.len() - 1, file.len())
                                .parse()
                                .unwrap(),
                        );
                        http::StatusCode::PARTIAL_CONTENT
                    } else {
                        http::StatusCode::OK
                    };
                    h.insert(
                        "content-length",
                        (file.len() - from).to_string().parse().unwrap(),
                    );
                    flow.handle_head(self.now, status, &h);
                    let fault = if self.faults.is_empty() {
                        None
                    } else {
                        Some(self.faults.remove(0))
                    };
                    body = Some((file[from..].to_vec(), fault));
                }
                FileStep::ReadBody => {
                    let Some((bytes, fault)) = body.take() else {
                        continue;
                    };
                    let end = if fault.is_some() {
                        bytes.len() / 2
                    } else {
                        bytes.len()
                    };
                    let mut read = 0;
                    while read < end && flow.reading() {
                        let n = (end - read).min(50);
                        self.now += Duration::from_millis(1);
                        if let Some(keep) = flow.handle_chunk(self.now, &bytes[read..read + n]) {
                            self.disk
                                .entry(part.to_owned())
                                .or_default()
                                .extend_from_slice(keep);
                        }
                        read += n;
                        if let Stop::AtBytes(at) = stop {
                            let held = self.disk.get(part).map_or(0, |b| b.len() as u64);
                            if held >= at {
                                return None;
                            }
                        }
                    }
                    if !flow.reading() {
                        continue;
                    }
                    match fault {
                        None => flow.handle_body_end(self.now),
                        Some(Misbehave::CutHalf) => {
                            flow.handle_read_failure(self.now, std::io::Error::other("reset"))
                        }
                        Some(Misbehave::StallHalf) => {
                            // Silence: the reader waits until the flow's deadline.
                            let deadline = flow.read_deadline().expect("a stall deadline");
                            self.now = deadline;
                            flow.handle_read_timeout(self.now);
                        }
                    }
                }
                FileStep::Truncate => {
                    self.disk.insert(part.to_owned(), Vec::new());
                }
                FileStep::Wait => {
                    let at = flow.poll_timeout().expect("a deadline");
                    self.now = self.now.max(at);
                    flow.handle_timeout(self.now);
                }
                FileStep::Done(result) => return Some(result),
            }
        }
        panic!("the flow never ended")
    }

    /// A single download of `id` to `name` (its `.part` and record in this world), as the
    /// clients' `to_file` does it. Returns the result if it ended.
    pub fn single(
        &mut self,
        id: &str,
        name: &str,
        source: UrlSource,
        stop: Stop,
    ) -> Option<Result<DownloadSummary, Error>> {
        let part = format!("{name}.part");
        if self.disk.contains_key(name) {
            return Some(Ok(DownloadSummary {
                skipped: true,
                ..DownloadSummary::default()
            }));
        }
        let held = self.disk.get(&part).map_or(0, |b| b.len() as u64);
        let mut spec = FileSpec::new(id, source, false);
        spec.stall = Some(StallRule::new(1000, Duration::from_secs(2)));
        let record = self.records.get(name).cloned();
        let mut flow = FileFlow::new(spec, held, record, self.now_ms);
        let result = self.run(&mut flow, &part, stop, &mut Beside(name.to_owned()))?;
        if result.is_ok() {
            let bytes = self.disk.remove(&part).unwrap_or_default();
            self.disk.insert(name.to_owned(), bytes);
            self.records.remove(name);
        }
        Some(result)
    }

    /// Runs a batch in this world, one job at a time in poll order, until it is done or
    /// `stop` kills it (counted over every file's bytes). The manifest lives in `disk` under
    /// `manifest`. Returns the reports if it ended.
    pub fn batch(&mut self, spec: batch::BatchSpec, stop: Stop) -> Option<Vec<batch::FileReport>> {
        let manifest = self.disk.get(manifest::MANIFEST_FILE).cloned();
        let mut b = Batch::new(spec, manifest.as_deref()).expect("the manifest reads");
        let mut written = 0u64;
        let mut fetched = 0u64;
        loop {
            let step = b.poll();
            match step {
                BatchStep::Call(BatchCall::Details(t, r)) => {
                    let outcome = self.details_result(&r.image_ids);
                    b.handle_details(t, outcome);
                }
                BatchStep::Call(BatchCall::Largest(t, r)) => {
                    let ids: Vec<String> = r.images.iter().map(|i| i.image_id.clone()).collect();
                    let outcome = self.largest_result(&ids);
                    b.handle_largest(t, outcome);
                }
                BatchStep::Call(BatchCall::Sizes(t, r)) => {
                    let ids: Vec<String> =
                        r.image_sizes.iter().map(|i| i.image_id.clone()).collect();
                    let outcome = self.sizes_result(&ids);
                    b.handle_sizes(t, outcome);
                }
                BatchStep::Call(BatchCall::Lightbox(_)) => unreachable!("no lightbox here"),
                BatchStep::File(job) => {
                    let part = format!("{}.part", job.file);
                    let facts = FileFacts {
                        dest_len: self.disk.get(&job.file).map(|b| b.len() as u64),
                        held: self.disk.get(&part).map_or(0, |b| b.len() as u64),
                    };
                    match b.start_file(&job, facts, self.now_ms) {
                        FileStart::Skipped | FileStart::Later => {}
                        FileStart::Run(mut flow) => {
                            let budget = match stop {
                                Stop::AtBytes(at) => {
                                    Stop::AtBytes(facts.held + at.saturating_sub(fetched))
                                }
                                Stop::Never => Stop::Never,
                            };
                            let index = job.index;
                            let outcome = self.run_gated(
                                &mut flow,
                                &part,
                                budget,
                                &mut b,
                                index,
                                &mut written,
                            );
                            let now_held = self.disk.get(&part).map_or(0, |x| x.len() as u64);
                            fetched += now_held.saturating_sub(facts.held);
                            match outcome {
                                None => return None,
                                Some(result) => {
                                    if result.is_ok() {
                                        let bytes = self.disk.remove(&part).unwrap_or_default();
                                        fetched += bytes.len() as u64 - now_held;
                                        self.disk.insert(job.file.clone(), bytes);
                                    }
                                    b.finish_file(index, result);
                                }
                            }
                        }
                    }
                }
                BatchStep::Wait => panic!("a one-worker batch never waits"),
                BatchStep::Done => {
                    self.write_manifest(&b, &mut written);
                    return Some(b.take_reports());
                }
            }
            self.write_manifest(&b, &mut written);
        }
    }

    fn write_manifest(&mut self, b: &Batch, written: &mut u64) {
        if b.manifest_version() > *written {
            let (v, bytes) = b.manifest_bytes();
            self.disk.insert(manifest::MANIFEST_FILE.to_owned(), bytes);
            *written = v;
        }
    }

    /// [`World::run`] for a batch's flow: calls go through `permit`, records into the
    /// manifest, which is written at once.
    fn run_gated(
        &mut self,
        flow: &mut FileFlow,
        part: &str,
        stop: Stop,
        b: &mut Batch,
        index: usize,
        written: &mut u64,
    ) -> Option<Result<DownloadSummary, Error>> {
        self.run(flow, part, stop, &mut InBatch { b, index, written })
    }
}

/// What a run does with permits and records.
pub trait Hooks {
    /// May the flow make a call now?
    fn permit(&mut self) -> Result<(), Error> {
        Ok(())
    }
    /// Keep this record.
    fn save(&mut self, world: &mut World, record: PartRecord);
}

/// Records beside the `.part` of this file name.
struct Beside(String);

impl Hooks for Beside {
    fn save(&mut self, world: &mut World, record: PartRecord) {
        world.records.insert(self.0.clone(), record);
    }
}

struct InBatch<'a> {
    b: &'a mut Batch,
    index: usize,
    written: &'a mut u64,
}

impl Hooks for InBatch<'_> {
    fn permit(&mut self) -> Result<(), Error> {
        self.b.permit(self.index)
    }
    fn save(&mut self, world: &mut World, record: PartRecord) {
        self.b.save(self.index, record);
        world.write_manifest(self.b, self.written);
    }
}
