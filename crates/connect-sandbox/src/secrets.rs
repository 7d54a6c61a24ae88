//! The sandbox's secrets: keys drawn from the OS random source, and what is made with them.
//! Ids are a keyed MAC (HMAC-SHA256) of a per-start nonce and a counter; tokens are sealed
//! claims (who, until when) with their HMAC-SHA256 tag, so a sandbox holding the same token
//! key (kept in its state file) can tell a token issued before a restart from a forged one;
//! download tokens and URLs carry an HMAC-SHA256 signature. None depends on the catalog seed,
//! so two sandboxes started with the same seed serve the same catalog but issue unrelated,
//! unpredictable secrets.

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::sync::atomic::{AtomicU64, Ordering};

/// Random bytes behind each token (192 bits).
const TOKEN_BYTES: usize = 24;

/// Bytes of the token key.
pub const TOKEN_KEY_BYTES: usize = 32;
/// Bytes of a token's tag.
const TAG_BYTES: usize = 32;

/// The keys.
pub struct Secrets {
    tokens: hmac::Key,
    /// The token key's bytes, for the state file.
    token_key: [u8; TOKEN_KEY_BYTES],
    signatures: hmac::Key,
    /// Drawn at every start: sets this run's ids and tokens apart from an earlier run's.
    run: [u8; 8],
    counter: AtomicU64,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(..)")
    }
}

impl Secrets {
    /// Fresh keys from the OS random source; `None` when it cannot be read.
    pub fn from_os() -> Option<Self> {
        let mut token_key = [0u8; TOKEN_KEY_BYTES];
        SystemRandom::new().fill(&mut token_key).ok()?;
        Self::with_token_key(token_key)
    }

    /// Keys with this token key (one kept from an earlier run) and a fresh nonce; `None` when
    /// the OS random source cannot be read. The signature key of download tokens and URLs is
    /// derived from the token key, so a download URL bought before a restart (with the same
    /// state file) still downloads after it, as the service's URLs did, until it expires.
    pub fn with_token_key(token_key: [u8; TOKEN_KEY_BYTES]) -> Option<Self> {
        let rng = SystemRandom::new();
        let derive = hmac::Key::new(hmac::HMAC_SHA256, &token_key);
        let signatures = hmac::sign(&derive, b"connect-sandbox download signatures");
        let mut run = [0u8; 8];
        rng.fill(&mut run).ok()?;
        Some(Secrets {
            tokens: hmac::Key::new(hmac::HMAC_SHA256, &token_key),
            token_key,
            signatures: hmac::Key::new(hmac::HMAC_SHA256, signatures.as_ref()),
            run,
            counter: AtomicU64::new(0),
        })
    }

    /// The token key as hex, for the state file.
    pub fn token_key_hex(&self) -> String {
        let mut out = String::with_capacity(2 * TOKEN_KEY_BYTES);
        push_hex(&mut out, &self.token_key);
        out
    }

    /// A token key read back from [`Secrets::token_key_hex`].
    pub fn parse_token_key(hex: &str) -> Option<[u8; TOKEN_KEY_BYTES]> {
        from_hex(hex)?.try_into().ok()
    }

    /// A new id: `prefix` and 48 hex digits no one without the key can predict.
    pub fn token(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut message = self.run.to_vec();
        message.extend_from_slice(&n.to_le_bytes());
        let tag = hmac::sign(&self.tokens, &message);
        let mut out = String::with_capacity(prefix.len() + 2 * TOKEN_BYTES);
        out.push_str(prefix);
        push_hex(&mut out, &tag.as_ref()[..TOKEN_BYTES]);
        out
    }

    /// A new token carrying `claims`: `prefix`, this run's nonce, a counter, the claims and
    /// their tag, in hex. Only the token key can make one that [`Secrets::open`] accepts.
    pub fn seal(&self, prefix: &str, claims: &[u8]) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut body = Vec::with_capacity(16 + claims.len() + TAG_BYTES);
        body.extend_from_slice(&self.run);
        body.extend_from_slice(&n.to_le_bytes());
        body.extend_from_slice(claims);
        let tag = hmac::sign(&self.tokens, &framed(prefix, &body));
        body.extend_from_slice(tag.as_ref());
        let mut out = String::with_capacity(prefix.len() + 2 * body.len());
        out.push_str(prefix);
        push_hex(&mut out, &body);
        out
    }

    /// The claims of a token [`Secrets::seal`] made with this key and `prefix`, and whether it
    /// was made in this run; `None` for anything else.
    pub fn open(&self, prefix: &str, token: &str) -> Option<(Vec<u8>, bool)> {
        let hex = token.strip_prefix(prefix)?;
        if hex.len() > 2 * (16 + MAX_CLAIMS + TAG_BYTES) {
            return None;
        }
        let body = from_hex_any(hex)?;
        let split = body.len().checked_sub(TAG_BYTES).filter(|&s| s >= 16)?;
        let (sealed, tag) = body.split_at(split);
        hmac::verify(&self.tokens, &framed(prefix, sealed), tag).ok()?;
        Some((sealed[16..].to_vec(), sealed[..8] == self.run))
    }

    /// The signature of `message` in `domain` (so a value signed for one use is refused for
    /// another), as 64 hex digits.
    pub fn sign(&self, domain: &str, message: &str) -> String {
        let tag = hmac::sign(&self.signatures, &framed(domain, message));
        let mut out = String::with_capacity(64);
        push_hex(&mut out, tag.as_ref());
        out
    }

    /// Whether `signature` is the signature of `message` in `domain` (compared in constant time).
    pub fn verify(&self, domain: &str, message: &str, signature: &str) -> bool {
        let Some(tag) = from_hex(signature) else {
            return false;
        };
        hmac::verify(&self.signatures, &framed(domain, message), &tag).is_ok()
    }
}

/// The most claim bytes a token may carry (a user name and three numbers).
pub const MAX_CLAIMS: usize = 1024;

fn framed(domain: &str, message: impl AsRef<[u8]>) -> Vec<u8> {
    let message = message.as_ref();
    let mut m = Vec::with_capacity(domain.len() + message.len() + 1);
    m.extend_from_slice(domain.as_bytes());
    m.push(0);
    m.extend_from_slice(message);
    m
}

fn push_hex(out: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 15)]));
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() > 128 {
        return None;
    }
    from_hex_any(s)
}

fn from_hex_any(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|p| {
            let d = |c: u8| char::from(c).to_digit(16);
            Some((d(p[0])? * 16 + d(p[1])?) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_keys_differ_per_start() {
        let a = Secrets::from_os().unwrap();
        let b = Secrets::from_os().unwrap();
        let (t1, t2) = (a.token("oa-"), a.token("oa-"));
        assert_ne!(t1, t2);
        assert_eq!(t1.len(), 3 + 48);
        // Same counter value, other keys: unrelated tokens.
        assert_ne!(t1, b.token("oa-"));
    }

    #[test]
    fn sealed_tokens_open_with_their_key_and_prefix_only() {
        let a = Secrets::from_os().unwrap();
        let t = a.seal("oa-", b"alice");
        assert_eq!(a.open("oa-", &t), Some((b"alice".to_vec(), true)));
        assert_ne!(
            t,
            a.seal("oa-", b"alice"),
            "a counter makes each one unique"
        );
        // Another run with the same key: accepted, and known to be from another run.
        let later =
            Secrets::with_token_key(Secrets::parse_token_key(&a.token_key_hex()).unwrap()).unwrap();
        assert_eq!(later.open("oa-", &t), Some((b"alice".to_vec(), false)));
        // Another key, another prefix, a changed claim or a cut token: refused.
        assert!(Secrets::from_os().unwrap().open("oa-", &t).is_none());
        assert!(a.open("rt-", &t.replacen("oa-", "rt-", 1)).is_none());
        let mut forged = t.clone();
        forged.replace_range(3 + 32..3 + 34, "00");
        assert!(a.open("oa-", &forged).is_none());
        assert!(a.open("oa-", &t[..t.len() - 2]).is_none());
        assert!(a.open("oa-", "oa-").is_none());
    }

    #[test]
    fn download_signatures_outlive_a_restart_with_the_same_token_key() {
        let a = Secrets::from_os().unwrap();
        let key = Secrets::parse_token_key(&a.token_key_hex()).unwrap();
        let later = Secrets::with_token_key(key).unwrap();
        let s = a.sign("url", "i5.master.2000");
        assert!(later.verify("url", "i5.master.2000", &s));
        assert!(
            !Secrets::from_os()
                .unwrap()
                .verify("url", "i5.master.2000", &s)
        );
    }

    #[test]
    fn signatures_verify_only_in_their_domain_and_key() {
        let a = Secrets::from_os().unwrap();
        let b = Secrets::from_os().unwrap();
        let s = a.sign("url", "i5.master.2000");
        assert!(a.verify("url", "i5.master.2000", &s));
        assert!(!a.verify("token", "i5.master.2000", &s));
        assert!(!a.verify("url", "i6.master.2000", &s));
        assert!(!b.verify("url", "i5.master.2000", &s));
        assert!(!a.verify("url", "i5.master.2000", "zz"));
        assert!(!a.verify("url", "i5.master.2000", &s[..62]));
    }
}
