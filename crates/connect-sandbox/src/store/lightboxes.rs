//! The lightbox store: every user's lightboxes and their items, in memory, within the caps of
//! [`crate::Limits`] (lightboxes per user, items per lightbox).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// One item in a lightbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Item {
    /// The asset's canonical id (as the catalog writes it, e.g. `100000001`).
    pub asset_id: String,
    /// The item's own id.
    pub item_id: u64,
    /// When it was added (Unix milliseconds).
    pub added: i64,
}

/// One lightbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    /// A read-only copy made by CreateSharedLightbox: anyone may read it, nobody edit it.
    pub shared: bool,
}

impl Lightbox {
    /// A copy without the items (for header listings), and how many items it holds.
    pub fn header(&self) -> (Lightbox, usize) {
        let copy = Lightbox {
            items: Vec::new(),
            name: self.name.clone(),
            owner: self.owner.clone(),
            client_name: self.client_name.clone(),
            project_name: self.project_name.clone(),
            notes: self.notes.clone(),
            ..*self
        };
        (copy, self.items.len())
    }
}

#[derive(Debug, Default)]
struct Inner {
    boxes: BTreeMap<u64, Lightbox>,
    per_user: HashMap<String, usize>,
    next_id: u64,
    next_item: u64,
}

/// Every lightbox, by id.
#[derive(Debug, Default)]
pub struct Lightboxes(Mutex<Inner>);

/// The lightboxes as a state file keeps them.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Saved {
    next_id: u64,
    next_item: u64,
    boxes: Vec<Lightbox>,
}

/// Why a lightbox operation was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such lightbox.
    NotFound,
    /// Someone else's lightbox.
    NotOwner,
    /// The user already has the most lightboxes allowed.
    TooManyLightboxes,
    /// A read-only shared copy.
    ReadOnly,
}

/// The fields a new lightbox starts with.
#[derive(Debug)]
pub struct NewLightbox {
    /// `LightboxName`.
    pub name: String,
    /// `ClientName`.
    pub client: String,
    /// `ProjectName`.
    pub project: String,
    /// `Notes`.
    pub notes: String,
}

impl Lightboxes {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Everything, for the state file.
    pub fn save(&self) -> Saved {
        let g = self.lock();
        Saved {
            next_id: g.next_id,
            next_item: g.next_item,
            boxes: g.boxes.values().cloned().collect(),
        }
    }

    /// The store a state file describes (per-user counts are recounted, ids continue).
    pub fn restore(saved: Saved) -> Self {
        let mut inner = Inner {
            next_id: saved.next_id,
            next_item: saved.next_item,
            ..Inner::default()
        };
        for lb in saved.boxes {
            *inner.per_user.entry(lb.owner.clone()).or_default() += 1;
            // Never hand out an id or item id a saved one already has.
            inner.next_id = inner.next_id.max(lb.id.saturating_sub(1000));
            let top_item = lb
                .items
                .iter()
                .map(|i| i.item_id.saturating_sub(5000))
                .max();
            let top_item = top_item.unwrap_or(0);
            inner.next_item = inner.next_item.max(top_item);
            inner.boxes.insert(lb.id, lb);
        }
        Lightboxes(Mutex::new(inner))
    }

    /// Creates a lightbox for `owner` at time `now` and returns its id, unless the owner
    /// already has `max_per_user`.
    pub fn create(
        &self,
        owner: &str,
        fields: NewLightbox,
        now: i64,
        max_per_user: usize,
    ) -> Result<u64, Refusal> {
        let mut g = self.lock();
        if g.per_user.get(owner).copied().unwrap_or(0) >= max_per_user {
            return Err(Refusal::TooManyLightboxes);
        }
        *g.per_user.entry(owner.to_owned()).or_default() += 1;
        g.next_id += 1;
        let id = 1000 + g.next_id;
        g.boxes.insert(
            id,
            Lightbox {
                id,
                owner: owner.to_owned(),
                name: fields.name,
                client_name: fields.client,
                project_name: fields.project,
                notes: fields.notes,
                created: now,
                modified: now,
                items: Vec::new(),
                shared: false,
            },
        );
        Ok(id)
    }

    /// A copy of lightbox `id` for reading: `user` owns it, or it is a shared copy.
    pub fn read(&self, id: u64, user: &str) -> Result<Lightbox, Refusal> {
        let g = self.lock();
        let lb = g.boxes.get(&id).ok_or(Refusal::NotFound)?;
        if lb.owner != user && !lb.shared {
            return Err(Refusal::NotOwner);
        }
        Ok(lb.clone())
    }

    /// Makes a read-only copy of lightbox `id`, which `user` must own, and returns its id.
    /// The copy counts toward the user's `max_per_user` lightboxes.
    pub fn share(
        &self,
        id: u64,
        user: &str,
        now: i64,
        max_per_user: usize,
    ) -> Result<u64, Refusal> {
        let mut g = self.lock();
        let source = g.boxes.get(&id).ok_or(Refusal::NotFound)?;
        if source.owner != user {
            return Err(Refusal::NotOwner);
        }
        let mut copy = source.clone();
        if g.per_user.get(user).copied().unwrap_or(0) >= max_per_user {
            return Err(Refusal::TooManyLightboxes);
        }
        *g.per_user.entry(user.to_owned()).or_default() += 1;
        g.next_id += 1;
        copy.id = 1000 + g.next_id;
        copy.shared = true;
        copy.created = now;
        copy.modified = now;
        let new_id = copy.id;
        g.boxes.insert(new_id, copy);
        Ok(new_id)
    }

    /// Runs `f` on lightbox `id` if `user` owns it and it may be edited (not a shared copy).
    ///
    /// A shared copy is refused as read-only whoever asks: anyone may read it, so "it belongs
    /// to another user" would send a reader looking for an owner who cannot edit it either.
    pub fn with_owned<T>(
        &self,
        id: u64,
        user: &str,
        f: impl FnOnce(&mut Lightbox, &mut u64) -> T,
    ) -> Result<T, Refusal> {
        let mut g = self.lock();
        let inner = &mut *g;
        let lb = inner.boxes.get_mut(&id).ok_or(Refusal::NotFound)?;
        if lb.shared {
            return Err(Refusal::ReadOnly);
        }
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
                if let Some(n) = g.per_user.get_mut(user) {
                    *n = n.saturating_sub(1);
                }
                Ok(())
            }
        }
    }

    /// Headers (lightboxes without their items) of `user`'s lightboxes with their item
    /// counts, oldest first.
    pub fn owned_by(&self, user: &str) -> Vec<(Lightbox, usize)> {
        self.lock()
            .boxes
            .values()
            .filter(|l| l.owner == user)
            .map(Lightbox::header)
            .collect()
    }
}
