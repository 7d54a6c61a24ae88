//! The sandbox's secrets: keys drawn from the OS random source at every start, and what is
//! made with them. Tokens are a keyed MAC (HMAC-SHA256) of a counter, download tokens and URLs
//! carry an HMAC-SHA256 signature. Neither depends on the catalog seed, so two sandboxes started
//! with the same seed serve the same catalog but issue unrelated, unpredictable secrets.

use ring::hmac;
use ring::rand::{SecureRandom, SystemRandom};
use std::sync::atomic::{AtomicU64, Ordering};

/// Random bytes behind each token (192 bits).
const TOKEN_BYTES: usize = 24;

/// The per-start keys.
pub struct Secrets {
    tokens: hmac::Key,
    signatures: hmac::Key,
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
        let rng = SystemRandom::new();
        let key = |rng: &SystemRandom| {
            let mut k = [0u8; 32];
            rng.fill(&mut k).ok()?;
            Some(hmac::Key::new(hmac::HMAC_SHA256, &k))
        };
        Some(Secrets {
            tokens: key(&rng)?,
            signatures: key(&rng)?,
            counter: AtomicU64::new(0),
        })
    }

    /// A new token: `prefix` and 48 hex digits no one without the key can predict.
    pub fn token(&self, prefix: &str) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let tag = hmac::sign(&self.tokens, &n.to_le_bytes());
        let mut out = String::with_capacity(prefix.len() + 2 * TOKEN_BYTES);
        out.push_str(prefix);
        push_hex(&mut out, &tag.as_ref()[..TOKEN_BYTES]);
        out
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

fn framed(domain: &str, message: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(domain.len() + message.len() + 1);
    m.extend_from_slice(domain.as_bytes());
    m.push(0);
    m.extend_from_slice(message.as_bytes());
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
    if s.len() % 2 != 0 || s.len() > 128 {
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
