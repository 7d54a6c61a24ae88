//! Request and result models, one module per API group.

pub mod oauth2;
pub mod session;
