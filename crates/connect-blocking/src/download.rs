//! Downloads: authorize, get the URL, stream the bytes to a writer or a file, resuming with
//! `Range` after a dropped connection. Memory stays flat: one fixed buffer.

use crate::client::Client;
use connect_auth::Error;
use connect_auth::download::{
    AfterBody, BUFFER_SIZE, BodyPlan, DownloadSummary, DownloadTarget, Progress, Transfer,
    part_path, read_error, send_error, token_from_authorizations, token_from_largest, write_error,
};
use connect_types::ops::{
    CreateDownloadRequest, GetImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsRequest,
};
use std::fmt;
use std::io::{Read, Write};
use std::path::Path;

type ProgressFn = Box<dyn FnMut(Progress) + Send>;

/// An authorized download, ready to be written somewhere.
pub struct Download {
    client: Client,
    target: DownloadTarget,
    progress: Option<ProgressFn>,
}

impl fmt::Debug for Download {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL authorizes the download by itself: keep it out of logs.
        f.debug_struct("Download")
            .field("image_id", &self.target.image_id)
            .field("size_key", &self.target.size_key)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Authorizes `image_id` at `size_key` and asks for its download URL
    /// (GetImageDownloadAuthorizations, then CreateDownloadRequest over HTTPS).
    pub fn download(&self, image_id: &str, size_key: &str) -> Result<Download, Error> {
        let auth = self.image_download_authorizations(
            &GetImageDownloadAuthorizationsRequest::for_sizes([(image_id, size_key)]),
        )?;
        let (token, size) = token_from_authorizations(&auth.result, image_id)?;
        self.download_for_token(image_id, &token, size.or_else(|| Some(size_key.to_owned())))
    }

    /// Authorizes the largest size of `image_id` and asks for its download URL.
    pub fn download_largest(&self, image_id: &str) -> Result<Download, Error> {
        let auth = self.largest_image_download_authorizations(
            &GetLargestImageDownloadAuthorizationsRequest::ids([image_id]),
        )?;
        let (token, size) = token_from_largest(&auth.result, image_id)?;
        self.download_for_token(image_id, &token, size)
    }

    fn download_for_token(
        &self,
        image_id: &str,
        token: &str,
        size_key: Option<String>,
    ) -> Result<Download, Error> {
        let urls = self.create_download_request(&CreateDownloadRequest::for_tokens([token]))?;
        let target = DownloadTarget::from_result(&urls.result, image_id, size_key)?;
        Ok(self.download_target(target))
    }

    /// A download of a URL obtained earlier (for example from
    /// [`Client::create_download_request`]).
    pub fn download_target(&self, target: DownloadTarget) -> Download {
        Download {
            client: self.clone(),
            target,
            progress: None,
        }
    }
}

impl Download {
    /// What is downloaded.
    pub fn target(&self) -> &DownloadTarget {
        &self.target
    }

    /// Calls `f` with the bytes written so far and the total (once known) after every chunk.
    pub fn on_progress(mut self, f: impl FnMut(Progress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(f));
        self
    }

    /// Streams the file into `writer`, resuming with `Range` after a dropped connection.
    pub fn to_writer<W: Write + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<DownloadSummary, Error> {
        let summary = self.run(writer, None)?;
        writer.flush().map_err(|e| write_error(None, e))?;
        Ok(summary)
    }

    /// Writes the file to `path`: first to `path.part`, renamed to `path` when complete (and
    /// removed on failure).
    pub fn to_file(mut self, path: impl AsRef<Path>) -> Result<DownloadSummary, Error> {
        let path = path.as_ref();
        let part = part_path(path);
        let result = std::fs::File::create(&part)
            .map_err(|e| write_error(Some(&part), e))
            .and_then(|mut file| {
                let summary = self.run(&mut file, Some(&part))?;
                file.flush().map_err(|e| write_error(Some(&part), e))?;
                drop(file);
                std::fs::rename(&part, path).map_err(|e| write_error(Some(path), e))?;
                Ok(summary)
            });
        match result {
            Ok(summary) => Ok(DownloadSummary {
                path: Some(path.to_owned()),
                ..summary
            }),
            Err(e) => {
                // Best effort: a half-written temporary file is of no use to anyone.
                let _ = std::fs::remove_file(&part);
                Err(e)
            }
        }
    }

    fn run<W: Write + ?Sized>(
        &mut self,
        writer: &mut W,
        path: Option<&Path>,
    ) -> Result<DownloadSummary, Error> {
        let span = tracing::info_span!("connect_download", image_id = %self.target.image_id);
        let _entered = span.enter();
        let mut transfer = Transfer::new(self.target.url.as_str());
        let mut buf = vec![0u8; BUFFER_SIZE];
        loop {
            let request = transfer.request()?;
            let after = match self.client.transport().send(request) {
                Err(f) => transfer.on_interrupted(send_error(f))?,
                Ok(response) => match transfer.on_response(response.status(), response.headers()) {
                    Err(e) => transfer.on_interrupted(e)?,
                    Ok(BodyPlan::Complete) => AfterBody::Complete,
                    Ok(BodyPlan::Read) => {
                        let mut body = response.into_body();
                        loop {
                            let n = match body.read(&mut buf) {
                                Ok(0) => break transfer.on_end()?,
                                Ok(n) => n,
                                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                                Err(e) => break transfer.on_interrupted(read_error(e))?,
                            };
                            let fresh = transfer.accept(&buf[..n]);
                            writer.write_all(fresh).map_err(|e| write_error(path, e))?;
                            if let Some(f) = self.progress.as_mut() {
                                f(transfer.progress());
                            }
                        }
                    }
                },
            };
            match after {
                AfterBody::Complete => {
                    tracing::debug!(
                        bytes = transfer.progress().bytes,
                        resumes = transfer.resumes(),
                        "download complete"
                    );
                    return Ok(transfer.summary(None));
                }
                AfterBody::Resume(pause) => {
                    tracing::debug!(at = transfer.progress().bytes, "resuming the download");
                    std::thread::sleep(pause);
                }
            }
        }
    }
}
