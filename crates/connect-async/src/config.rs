//! [`ClientBuilder`]: credentials, base URLs, certificates, timeouts, retries, user agent, proxy.
//! Defined by `connect_auth::client_builder!`, so both transports offer the same builder.

use crate::client::Client;
use crate::transport::{ReqwestTransport, Transport};

connect_auth::client_builder!(ReqwestTransport, "connect_async");
