//! Downloads: authorize, get the URL, stream the bytes to a writer or a file, resuming with
//! `Range` after a dropped connection. Memory stays flat: one fixed buffer.

use crate::client::Client;
use connect_auth::Error;
use connect_auth::download::{
    AfterBody, BUFFER_SIZE, BodyPlan, DownloadSummary, DownloadTarget, Transfer, part_path,
    read_error, send_error, token_from_authorizations, token_from_largest, write_error,
};
use connect_types::ops::{
    CreateDownloadRequest, GetImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsRequest,
};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

connect_auth::download_handle!();

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
}

impl Download {
    /// Streams the file into `writer`, resuming with `Range` after a dropped connection.
    pub fn to_writer<W: Write + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<DownloadSummary, Error> {
        let summary = self.run(&mut Sink::Writer(writer), Transfer::new(&self.target.url))?;
        writer.flush().map_err(|e| write_error(None, e))?;
        Ok(summary)
    }

    /// Writes the file to `path`: first to `path.part`, renamed to `path` when complete.
    ///
    /// When a `.part` file is there already (an earlier run failed; it is kept on failure for
    /// this purpose), only the missing bytes are fetched; if it does not fit the file (longer,
    /// or the server will not serve the rest) it is started over.
    pub fn to_file(mut self, path: impl AsRef<Path>) -> Result<DownloadSummary, Error> {
        let path = path.as_ref();
        let part = part_path(path);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&part)
            .map_err(|e| write_error(Some(&part), e))?;
        let have = file.metadata().map(|m| m.len()).unwrap_or(0);
        let transfer = Transfer::resume_at(&self.target.url, have);
        let summary = self.run(&mut Sink::<std::fs::File>::Part(&mut file, &part), transfer)?;
        file.flush().map_err(|e| write_error(Some(&part), e))?;
        drop(file);
        std::fs::rename(&part, path).map_err(|e| write_error(Some(path), e))?;
        Ok(DownloadSummary {
            path: Some(path.to_owned()),
            ..summary
        })
    }

    fn run<W: Write + ?Sized>(
        &mut self,
        sink: &mut Sink<'_, W>,
        mut transfer: Transfer,
    ) -> Result<DownloadSummary, Error> {
        let span = tracing::info_span!("connect_download", image_id = %self.target.image_id);
        let _entered = span.enter();
        let mut buf = vec![0u8; BUFFER_SIZE];
        loop {
            let request = transfer.request()?;
            let after = match self.client.transport().send(request) {
                Err(f) => transfer.on_interrupted(send_error(f))?,
                Ok(response) => match transfer.on_response(response.status(), response.headers()) {
                    Err(e) => transfer.on_interrupted(e)?,
                    Ok(BodyPlan::Complete) => AfterBody::Complete,
                    Ok(BodyPlan::StartOver) => {
                        sink.discard()?;
                        AfterBody::Resume(Duration::ZERO)
                    }
                    Ok(BodyPlan::Read) => {
                        let mut body = response.into_body();
                        loop {
                            let n = match body.read(&mut buf) {
                                Ok(0) => break transfer.on_end()?,
                                Ok(n) => n,
                                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                                Err(e) => break transfer.on_interrupted(read_error(e))?,
                            };
                            sink.put(transfer.accept(&buf[..n]))?;
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

/// Where the bytes go.
enum Sink<'a, W: Write + ?Sized> {
    /// Any writer; what it was given cannot be taken back.
    Writer(&'a mut W),
    /// The `.part` file, opened for appending, so truncating it starts it over.
    Part(&'a mut std::fs::File, &'a Path),
}

impl<W: Write + ?Sized> Sink<'_, W> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match self {
            Sink::Writer(w) => w.write_all(bytes).map_err(|e| write_error(None, e)),
            Sink::Part(f, path) => f.write_all(bytes).map_err(|e| write_error(Some(path), e)),
        }
    }

    fn discard(&mut self) -> Result<(), Error> {
        match self {
            // Only transfers resumed from a file start over.
            Sink::Writer(_) => Err(write_error(
                None,
                std::io::Error::other("cannot start over"),
            )),
            Sink::Part(f, path) => f.set_len(0).map_err(|e| write_error(Some(path), e)),
        }
    }
}
