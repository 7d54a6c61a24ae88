//! The calls a [`Batch`] makes for its images (lightbox pages, details, tokens) and what their
//! answers do to them.

use super::*;

impl Batch {
    pub(super) fn details_call(&mut self) -> Option<BatchCall> {
        let picked = self.take_chunk(Stage::Details);
        if picked.is_empty() {
            return None;
        }
        let ids: Vec<String> = picked
            .iter()
            .map(|&n| self.items[n].image_id.clone())
            .collect();
        Some(BatchCall::Details(
            Ticket(picked),
            GetImageDetailsRequest::ids(ids),
        ))
    }

    pub(super) fn token_call(&mut self) -> Option<BatchCall> {
        let picked = self.take_chunk(Stage::Token);
        if picked.is_empty() {
            return None;
        }
        Some(match &self.spec.size {
            SizeChoice::Largest => {
                let ids: Vec<&str> = picked
                    .iter()
                    .map(|&n| self.items[n].image_id.as_str())
                    .collect();
                let request = GetLargestImageDownloadAuthorizationsRequest::ids(ids);
                BatchCall::Largest(Ticket(picked), request)
            }
            SizeChoice::Key(k) => {
                let pairs: Vec<(&str, &str)> = picked
                    .iter()
                    .map(|&n| (self.items[n].image_id.as_str(), k.as_str()))
                    .collect();
                let request = GetImageDownloadAuthorizationsRequest::for_sizes(pairs);
                BatchCall::Sizes(Ticket(picked), request)
            }
        })
    }

    /// The outcome of a lightbox page.
    pub fn handle_lightbox(
        &mut self,
        outcome: Result<Response<connect_types::ops::GetLightboxResult>, Error>,
    ) {
        self.listing_in_flight = false;
        match outcome {
            Ok(r) => {
                if let Some(pager) = &mut self.listing {
                    pager.handle_page(r.result);
                    let mut ids = Vec::new();
                    while let Next::Item(item) = pager.poll_request() {
                        ids.extend(item.asset_id);
                    }
                    // The pager keeps its position: the next poll fetches the next page.
                    for id in ids {
                        self.add(id);
                    }
                }
            }
            Err(e) => {
                self.listing = None;
                self.note_stop(&e);
                // The listing's failure is the batch's report, as one entry.
                let id = match &self.spec.source {
                    BatchSource::Lightbox(id) => format!("lightbox {id}"),
                    BatchSource::Ids(_) => "lightbox".into(),
                };
                self.newly_finished.push(self.items.len());
                self.items.push(Item {
                    image_id: id.clone(),
                    stage: Stage::Finished,
                    asking: false,
                    file: None,
                    size_key: None,
                    expected: None,
                    sizes: Vec::new(),
                    token: None,
                    progress: Progress::default(),
                    report: Some(FileReport {
                        image_id: id,
                        size_key: None,
                        path: None,
                        result: Err(e),
                    }),
                });
            }
        }
    }

    pub(super) fn finish_with(&mut self, n: usize, result: Result<DownloadSummary, Error>) {
        self.newly_finished.push(n);
        let dir = self.spec.dir.clone();
        let item = &mut self.items[n];
        item.stage = Stage::Finished;
        item.asking = false;
        if let Ok(s) = &result {
            item.progress.bytes = s.bytes;
            item.progress.total = Some(s.bytes);
        }
        item.report = Some(FileReport {
            image_id: item.image_id.clone(),
            size_key: item.size_key.clone(),
            path: item.file.as_ref().map(|f| dir.join(f)),
            result,
        });
    }

    pub(super) fn note_stop(&mut self, e: &Error) {
        if self.stopped.is_none() && stops_authorizing(e) {
            tracing::warn!(
                target: crate::trace::TARGET,
                error = %e,
                "the batch stops asking for download URLs; downloads already paid for go on"
            );
            self.stopped = Some(Stopped::of(e));
        }
    }

    /// A call failed for every image of `ticket`: each gets a copy of the error.
    pub(super) fn fail_ticket(&mut self, ticket: Ticket, e: &Error) {
        self.note_stop(e);
        for n in ticket.0 {
            let copy = match &self.stopped {
                Some(stop) => stop.error(&self.items[n].image_id),
                None => e.duplicate(),
            };
            self.finish_with(n, Err(copy));
        }
        self.version += 1;
    }

    /// The outcome of a details call.
    pub fn handle_details(
        &mut self,
        ticket: Ticket,
        outcome: Result<Response<GetImageDetailsResult>, Error>,
    ) {
        self.calls_in_flight = self.calls_in_flight.saturating_sub(1);
        let result = match outcome {
            Ok(r) => r.result,
            Err(e) => return self.fail_ticket(ticket, &e),
        };
        for n in ticket.0 {
            let id = self.items[n].image_id.clone();
            let found = result
                .images
                .iter()
                .find(|i| i.image_id.as_deref() == Some(id.as_str()));
            match found {
                None => self.finish_with(n, Err(not_found(&id))),
                Some(image) => self.take_details(n, image),
            }
        }
        self.version += 1;
    }

    pub(super) fn take_details(&mut self, n: usize, image: &Image) {
        let sizes: Vec<(String, Option<String>, Option<u64>)> = image
            .sizes_downloadable_images
            .iter()
            .filter_map(|s| {
                let key = s.size_key.clone()?;
                Some((key, s.mime_type.clone(), s.file_size_in_bytes))
            })
            .collect();
        let item = &mut self.items[n];
        item.asking = false;
        item.sizes = sizes;
        match &self.spec.size {
            SizeChoice::Largest => item.stage = Stage::Token,
            SizeChoice::Key(k) => {
                let size = item
                    .sizes
                    .iter()
                    .find(|(key, _, _)| key.eq_ignore_ascii_case(k))
                    .cloned();
                match size {
                    Some((key, mime, bytes)) => {
                        item.file = Some(file_name(&item.image_id, &key, mime.as_deref()));
                        item.size_key = Some(key);
                        item.expected = bytes;
                        item.progress.total = bytes;
                        item.stage = Stage::Token;
                    }
                    None => {
                        let offered: Vec<String> =
                            item.sizes.iter().map(|(k, _, _)| k.clone()).collect();
                        let e = Error::NotCovered {
                            operation: "download",
                            image_id: item.image_id.clone(),
                            what: format!(
                                "at size {k} (the image has no such size; it has {})",
                                offered.join(", ")
                            ),
                        };
                        self.finish_with(n, Err(e));
                    }
                }
            }
        }
    }

    /// The outcome of a largest-size authorization call.
    pub fn handle_largest(
        &mut self,
        ticket: Ticket,
        outcome: Result<Response<GetLargestImageDownloadAuthorizationsResult>, Error>,
    ) {
        self.calls_in_flight = self.calls_in_flight.saturating_sub(1);
        let result = match outcome {
            Ok(r) => r.result,
            Err(e) => return self.fail_ticket(ticket, &e),
        };
        for n in ticket.0 {
            let picked = token_from_largest(&result, &self.items[n].image_id, &self.spec.offering);
            self.take_token(n, picked);
        }
        self.version += 1;
    }

    /// The outcome of a size-key authorization call.
    pub fn handle_sizes(
        &mut self,
        ticket: Ticket,
        outcome: Result<Response<GetImageDownloadAuthorizationsResult>, Error>,
    ) {
        self.calls_in_flight = self.calls_in_flight.saturating_sub(1);
        let result = match outcome {
            Ok(r) => r.result,
            Err(e) => return self.fail_ticket(ticket, &e),
        };
        let key = match &self.spec.size {
            SizeChoice::Key(k) => k.clone(),
            SizeChoice::Largest => String::new(),
        };
        for n in ticket.0 {
            let picked =
                token_for_size(&result, &self.items[n].image_id, &key, &self.spec.offering);
            self.take_token(n, picked);
        }
        self.version += 1;
    }

    pub(super) fn take_token(&mut self, n: usize, picked: Result<Authorized, Error>) {
        let a = match picked {
            Ok(a) => a,
            Err(e) => return self.finish_with(n, Err(e)),
        };
        let item = &mut self.items[n];
        item.asking = false;
        if item.file.is_none() {
            // The largest size: its key comes with the token; the details give its type.
            let key = a.size_key.clone().or_else(|| {
                item.sizes
                    .iter()
                    .max_by_key(|(_, _, b)| b.unwrap_or(0))
                    .map(|(k, _, _)| k.clone())
            });
            let Some(key) = key else {
                let e = Error::Decode {
                    operation: "download",
                    message: format!(
                        "the largest-size authorization of image {} names no size",
                        item.image_id
                    ),
                };
                return self.finish_with(n, Err(e));
            };
            let size = item
                .sizes
                .iter()
                .find(|(k, _, _)| k.eq_ignore_ascii_case(&key))
                .cloned();
            item.file = Some(file_name(
                &item.image_id,
                &key,
                size.as_ref().and_then(|s| s.1.as_deref()),
            ));
            item.expected = size.and_then(|s| s.2);
            item.progress.total = item.expected;
            item.size_key = Some(key);
        }
        item.token = Some(a);
        item.stage = Stage::Ready;
        self.name(n);
    }
}
