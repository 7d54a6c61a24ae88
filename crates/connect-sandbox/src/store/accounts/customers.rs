//! The customers CreateCustomer creates.

use super::Accounts;
use serde::{Deserialize, Serialize};

/// Customers CreateCustomer may create in one run.
pub const MAX_CUSTOMERS: usize = 10_000;
/// A customer created by CreateCustomer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Customer {
    /// Login name, as given.
    pub user_name: String,
    /// Password (a sandbox fixture, kept in memory only).
    pub password: String,
}

impl Accounts {
    /// Whether `name` is taken by a created customer (case-insensitively).
    pub fn customer_exists(&self, name: &str) -> bool {
        self.lock()
            .customers
            .contains_key(&name.to_ascii_lowercase())
    }

    /// Adds a customer; `false` when the name is taken or the store is full.
    pub fn add_customer(&self, c: Customer) -> bool {
        let mut inner = self.lock();
        let key = c.user_name.to_ascii_lowercase();
        if inner.customers.contains_key(&key) || inner.customers.len() >= MAX_CUSTOMERS {
            return false;
        }
        inner.customers.insert(key, c);
        true
    }

    /// The created customer's exact name, when `name`/`password` sign them in.
    pub fn customer_login(&self, name: &str, password: &str) -> Option<String> {
        let inner = self.lock();
        let c = inner.customers.get(&name.to_ascii_lowercase())?;
        (c.password == password).then(|| c.user_name.clone())
    }
}
