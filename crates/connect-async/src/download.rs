//! Downloads: authorize, get the URL, stream the bytes to a writer or a file, resuming with
//! `Range` after a dropped connection. Memory stays flat: chunks are written as they come.

use crate::client::Client;
use connect_auth::Error;
use connect_auth::download::{
    AfterBody, BodyPlan, DownloadSummary, DownloadTarget, Transfer, part_path, read_error,
    send_error, token_from_authorizations, token_from_largest, write_error,
};
use connect_types::ops::{
    CreateDownloadRequest, GetImageDownloadAuthorizationsRequest,
    GetLargestImageDownloadAuthorizationsRequest,
};
use futures_util::StreamExt;
use std::path::Path;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tracing::Instrument;

/// Writes to a file go through tokio's blocking pool; this buffer keeps those hand-offs few.
const FILE_BUFFER: usize = 1024 * 1024;

connect_auth::download_handle!();

impl Client {
    /// Authorizes `image_id` at `size_key` and asks for its download URL
    /// (GetImageDownloadAuthorizations, then CreateDownloadRequest over HTTPS).
    pub async fn download(&self, image_id: &str, size_key: &str) -> Result<Download, Error> {
        let auth = self
            .image_download_authorizations(&GetImageDownloadAuthorizationsRequest::for_sizes([(
                image_id, size_key,
            )]))
            .await?;
        let (token, size) = token_from_authorizations(&auth.result, image_id)?;
        self.download_for_token(image_id, &token, size.or_else(|| Some(size_key.to_owned())))
            .await
    }

    /// Authorizes the largest size of `image_id` and asks for its download URL.
    pub async fn download_largest(&self, image_id: &str) -> Result<Download, Error> {
        let auth = self
            .largest_image_download_authorizations(
                &GetLargestImageDownloadAuthorizationsRequest::ids([image_id]),
            )
            .await?;
        let (token, size) = token_from_largest(&auth.result, image_id)?;
        self.download_for_token(image_id, &token, size).await
    }

    async fn download_for_token(
        &self,
        image_id: &str,
        token: &str,
        size_key: Option<String>,
    ) -> Result<Download, Error> {
        let urls = self
            .create_download_request(&CreateDownloadRequest::for_tokens([token]))
            .await?;
        let target = DownloadTarget::from_result(&urls.result, image_id, size_key)?;
        Ok(self.download_target(target))
    }
}

impl Download {
    /// Streams the file into `writer`, resuming with `Range` after a dropped connection.
    pub async fn to_writer<W: AsyncWrite + Unpin + ?Sized>(
        mut self,
        writer: &mut W,
    ) -> Result<DownloadSummary, Error> {
        let transfer = Transfer::new(&self.target.url);
        let summary = self.run(&mut Sink::Writer(writer), transfer).await?;
        writer.flush().await.map_err(|e| write_error(None, e))?;
        Ok(summary)
    }

    /// Writes the file to `path`: first to `path.part`, renamed to `path` when complete.
    ///
    /// When a `.part` file is there already (an earlier run failed; it is kept on failure for
    /// this purpose), only the missing bytes are fetched; if it does not fit the file (longer,
    /// or the server will not serve the rest) it is started over.
    pub async fn to_file(mut self, path: impl AsRef<Path>) -> Result<DownloadSummary, Error> {
        let path = path.as_ref();
        let part = part_path(path);
        let file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&part)
            .await
            .map_err(|e| write_error(Some(&part), e))?;
        let have = file.metadata().await.map(|m| m.len()).unwrap_or(0);
        let mut file = tokio::io::BufWriter::with_capacity(FILE_BUFFER, file);
        let transfer = Transfer::resume_at(&self.target.url, have);
        let summary = self
            .run(
                &mut Sink::<tokio::fs::File>::Part(&mut file, &part),
                transfer,
            )
            .await?;
        file.flush()
            .await
            .map_err(|e| write_error(Some(&part), e))?;
        drop(file);
        tokio::fs::rename(&part, path)
            .await
            .map_err(|e| write_error(Some(path), e))?;
        Ok(DownloadSummary {
            path: Some(path.to_owned()),
            ..summary
        })
    }

    async fn run<W: AsyncWrite + Unpin + ?Sized>(
        &mut self,
        sink: &mut Sink<'_, W>,
        transfer: Transfer,
    ) -> Result<DownloadSummary, Error> {
        let span = tracing::info_span!("connect_download", image_id = %self.target.image_id);
        self.transfer(sink, transfer).instrument(span).await
    }

    async fn transfer<W: AsyncWrite + Unpin + ?Sized>(
        &mut self,
        sink: &mut Sink<'_, W>,
        mut transfer: Transfer,
    ) -> Result<DownloadSummary, Error> {
        loop {
            let request = transfer.request()?;
            let after = match self.client.transport().send(request).await {
                Err(f) => transfer.on_interrupted(send_error(f))?,
                Ok(response) => match transfer.on_response(response.status(), response.headers()) {
                    Err(e) => transfer.on_interrupted(e)?,
                    Ok(BodyPlan::Complete) => AfterBody::Complete,
                    Ok(BodyPlan::StartOver) => {
                        sink.discard().await?;
                        AfterBody::Resume(std::time::Duration::ZERO)
                    }
                    Ok(BodyPlan::Read) => {
                        let mut body = response.into_body();
                        loop {
                            let chunk = match body.next().await {
                                None => break transfer.on_end()?,
                                Some(Ok(chunk)) => chunk,
                                Some(Err(e)) => break transfer.on_interrupted(read_error(e))?,
                            };
                            sink.put(transfer.accept(&chunk)).await?;
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
                    tokio::time::sleep(pause).await;
                }
            }
        }
    }
}

/// Where the bytes go.
enum Sink<'a, W: AsyncWrite + Unpin + ?Sized> {
    /// Any writer; what it was given cannot be taken back.
    Writer(&'a mut W),
    /// The `.part` file, opened for appending, so truncating it starts it over.
    Part(&'a mut tokio::io::BufWriter<tokio::fs::File>, &'a Path),
}

impl<W: AsyncWrite + Unpin + ?Sized> Sink<'_, W> {
    async fn put(&mut self, bytes: &[u8]) -> Result<(), Error> {
        match self {
            Sink::Writer(w) => w.write_all(bytes).await.map_err(|e| write_error(None, e)),
            Sink::Part(f, path) => f
                .write_all(bytes)
                .await
                .map_err(|e| write_error(Some(path), e)),
        }
    }

    async fn discard(&mut self) -> Result<(), Error> {
        match self {
            // Only transfers resumed from a file start over.
            Sink::Writer(_) => Err(write_error(
                None,
                std::io::Error::other("cannot start over"),
            )),
            Sink::Part(f, path) => {
                let result = match f.flush().await {
                    Ok(()) => f.get_mut().set_len(0).await,
                    Err(e) => Err(e),
                };
                result.map_err(|e| write_error(Some(path), e))
            }
        }
    }
}
