//! The [`Operation`] trait: what ties a request type to its endpoint and result.

use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// Which token an operation needs and whether it must travel over HTTPS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Security {
    /// No token, HTTPS only: the session bootstrap (CreateSession) and the OAuth2 token endpoint.
    None,
    /// Any valid token. Over HTTPS the secure token is sent, over plain HTTP the standard one.
    Standard,
    /// HTTPS only, with the secure token (RenewSession, CreateDownloadRequest).
    SecureOnly,
}

impl Security {
    /// Whether calls of this class must use HTTPS.
    pub fn requires_https(self) -> bool {
        matches!(self, Security::None | Security::SecureOnly)
    }

    /// Whether calls of this class carry a token in `RequestHeader.Token`.
    pub fn needs_token(self) -> bool {
        !matches!(self, Security::None)
    }
}

/// One Connect API operation: its request body type, its result type and where it goes.
///
/// The request type itself is the body that goes under [`Operation::BODY_KEY`].
pub trait Operation: Serialize + Debug {
    /// What the operation returns under [`Operation::RESULT_KEY`].
    type Result: DeserializeOwned + Serialize + Default + Debug;

    /// The operation's documented name, e.g. `SearchForImages`.
    const NAME: &'static str;
    /// The endpoint path, e.g. `/v2/search/SearchForImages`.
    const PATH: &'static str;
    /// The request body's key in the envelope, e.g. `SearchForImagesRequestBody`. For the
    /// operations documented without a body ([`Operation::HAS_BODY`] false) it is the key a
    /// body would have; nothing is sent under it.
    const BODY_KEY: &'static str;
    /// Whether the envelope carries a body. A few operations (GetCollections, the product
    /// offerings) are documented with a `RequestHeader` alone.
    const HAS_BODY: bool = true;
    /// The result's key in the response envelope, if the operation returns a result.
    const RESULT_KEY: Option<&'static str>;
    /// Which token the operation needs and whether it is HTTPS only.
    const SECURITY: Security;
    /// Whether sending the same request twice has the same effect as sending it once.
    /// Non-idempotent operations are not retried once they may have reached the server.
    const IDEMPOTENT: bool;
    /// Whether a call can change what the service keeps for its callers (a lightbox, a
    /// download allowance and its history, a customer, a usage report, a feed's position).
    /// Read-only operations leave all of it as it was; the sandbox saves its state file only
    /// after the others (a sandbox test holds every operation to its answer).
    const CHANGES_STATE: bool;

    /// The `RequestHeader.Detail` value, for the operations that have one.
    fn header_detail(&self) -> Option<&str> {
        None
    }
}

/// What the generators know of an envelope operation besides its routing: the method both
/// clients call it by, that method's documentation, and an example request.
///
/// Every operation of [`crate::ops::visit`] implements it. `cargo xtask codegen` writes the
/// clients' methods from it (`connect-blocking` and `connect-async`, `src/operations.rs`),
/// [`crate::openapi`] takes its summary and example, and the sandbox sends every example in a
/// test, so an example that stops working fails there.
pub trait Described: Operation<Result: MaybeSchema> + DeserializeOwned + MaybeSchema {
    /// The clients' method for the operation, e.g. `search_images`; `None` for the ones a
    /// client calls by itself (CreateSession, RenewSession) and for older paths.
    const METHOD: Option<&'static str>;
    /// What the operation does, in a line that follows its name: the first line of the
    /// method's documentation (`SearchForImages: one page of images matching a query.`) and
    /// the start of its OpenAPI description.
    const SUMMARY: &'static str;
    /// More of the method's documentation (Markdown; it may link the client's other methods,
    /// as `` [`Client::download`] ``), or empty.
    const DOC: &'static str = "";
    /// The body of the method's documentation example, run against a `client`: `{crate}` stands
    /// for the client crate's name and `{await}` for `.await` in the async client. Empty for
    /// the operations without a method.
    const CLIENT_EXAMPLE: &'static str = "";
    /// For a paged operation, the clients' method that lists every item lazily, a page at a
    /// time, and its documentation: `("search_images_all", "Every image a search …")`.
    const ALL_METHOD: Option<(&'static str, &'static str)> = None;

    /// A request that works as written against `connect-sandbox` (its seeded user `alice`, its
    /// catalog's ids; see [`crate::openapi::examples`]): the OpenAPI document's example.
    fn example() -> Self;
}

/// `schemars::JsonSchema` when the `schema` feature is on, nothing otherwise: the bound
/// [`Described`] puts on a request and its result, so the describers can write their schemas.
#[cfg(feature = "schema")]
pub trait MaybeSchema: schemars::JsonSchema {}
#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema + ?Sized> MaybeSchema for T {}
/// `schemars::JsonSchema` when the `schema` feature is on, nothing otherwise: the bound
/// [`Described`] puts on a request and its result, so the describers can write their schemas.
#[cfg(not(feature = "schema"))]
pub trait MaybeSchema {}
#[cfg(not(feature = "schema"))]
impl<T: ?Sized> MaybeSchema for T {}

/// Something that wants to see every envelope operation, one type at a time: what
/// [`crate::ops::visit`] walks the list with.
///
/// ```
/// use connect_types::operation::{Described, Visit};
///
/// struct Names(Vec<&'static str>);
/// impl Visit for Names {
///     fn operation<O: Described>(&mut self) {
///         self.0.push(O::NAME);
///     }
/// }
/// let mut names = Names(Vec::new());
/// connect_types::ops::visit(&mut names);
/// assert_eq!(names.0[2], "SearchForImages");
/// ```
pub trait Visit {
    /// One operation of the list.
    fn operation<O: Described>(&mut self);
    /// An older path and body key of an operation already visited, under the same name
    /// (SearchForImages under `/v1`). Ignored unless a visitor says otherwise.
    fn alias<O: Described>(&mut self) {}
}

/// The result of operations that return nothing but the response header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Empty {}
