//! The lightbox store: every user's lightboxes and their items, in memory.

use std::collections::BTreeMap;
use std::sync::Mutex;

/// One item in a lightbox.
#[derive(Clone, Debug)]
pub struct Item {
    /// The asset's id.
    pub asset_id: String,
    /// The item's own id.
    pub item_id: u64,
    /// When it was added (Unix milliseconds).
    pub added: i64,
}

/// One lightbox.
#[derive(Clone, Debug)]
pub struct Lightbox {
    /// Its id.
    pub id: u64,
    /// The user who owns it.
    pub owner: String,
    /// `LightboxName`.
    pub name: String,
    /// `ClientName`.
    pub client_name: String,
    /// `ProjectName`.
    pub project_name: String,
    /// `Notes`.
    pub notes: String,
    /// Created (Unix milliseconds).
    pub created: i64,
    /// Last modified (Unix milliseconds).
    pub modified: i64,
    /// Items in insertion order.
    pub items: Vec<Item>,
}

#[derive(Debug, Default)]
struct Inner {
    boxes: BTreeMap<u64, Lightbox>,
    next_id: u64,
    next_item: u64,
}

/// Every lightbox, by id.
#[derive(Debug, Default)]
pub struct Lightboxes(Mutex<Inner>);

/// Why a lightbox operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such lightbox.
    NotFound,
    /// Someone else's lightbox.
    NotOwner,
}

impl Lightboxes {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates a lightbox and returns its id.
    pub fn create(
        &self,
        owner: &str,
        name: String,
        client: String,
        project: String,
        notes: String,
    ) -> u64 {
        let mut g = self.lock();
        g.next_id += 1;
        let id = 1000 + g.next_id;
        let now = crate::clock::now_millis();
        g.boxes.insert(
            id,
            Lightbox {
                id,
                owner: owner.to_owned(),
                name,
                client_name: client,
                project_name: project,
                notes,
                created: now,
                modified: now,
                items: Vec::new(),
            },
        );
        id
    }

    /// Runs `f` on lightbox `id` if `user` owns it.
    pub fn with_owned<T>(
        &self,
        id: u64,
        user: &str,
        f: impl FnOnce(&mut Lightbox, &mut u64) -> T,
    ) -> Result<T, Refusal> {
        let mut g = self.lock();
        let inner = &mut *g;
        let lb = inner.boxes.get_mut(&id).ok_or(Refusal::NotFound)?;
        if lb.owner != user {
            return Err(Refusal::NotOwner);
        }
        Ok(f(lb, &mut inner.next_item))
    }

    /// Deletes lightbox `id` if `user` owns it.
    pub fn delete(&self, id: u64, user: &str) -> Result<(), Refusal> {
        let mut g = self.lock();
        match g.boxes.get(&id) {
            None => Err(Refusal::NotFound),
            Some(lb) if lb.owner != user => Err(Refusal::NotOwner),
            Some(_) => {
                g.boxes.remove(&id);
                Ok(())
            }
        }
    }

    /// Copies of `user`'s lightboxes, oldest first.
    pub fn owned_by(&self, user: &str) -> Vec<Lightbox> {
        self.lock()
            .boxes
            .values()
            .filter(|l| l.owner == user)
            .cloned()
            .collect()
    }
}
