//! The one integration-test binary of connect-types.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod schemas;
