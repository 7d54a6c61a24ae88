//! The bytes behind a download URL and the `Range` header that selects some of them.
//!
//! File bytes are generated from `(seed, asset, size, offset)` as they are sent: a 256 MiB
//! file never sits in memory.

use crate::rng::mix;
use crate::store::downloads::Grant;
use bytes::Bytes;

/// Deterministic file content: a JPEG start-of-image marker and APP0 header (or, for images,
/// a whole decodable JPEG from [`crate::picture`]), then seeded filler, ending with an
/// end-of-image marker. Viewers show the picture and ignore the filler after it.
#[derive(Clone, Debug)]
pub struct Content {
    key: u64,
    len: u64,
    /// A picture the file begins with (shorter than `len - 2`).
    picture: Option<Bytes>,
}

const HEAD: [u8; 20] = [
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x48,
    0x00, 0x48, 0x00, 0x00,
];

impl Content {
    /// The content of an asset's size.
    pub fn new(seed: u64, g: &Grant, len: u64) -> Self {
        let mut key = mix(seed ^ (u64::from(g.kind as u32) << 40) ^ u64::from(g.index));
        for b in g.size.bytes() {
            key = mix(key ^ u64::from(b));
        }
        Content {
            key,
            len,
            picture: None,
        }
    }

    /// The same content beginning with `picture` (ignored unless it fits before the last two
    /// bytes).
    pub fn with_picture(mut self, picture: Option<Bytes>) -> Self {
        self.picture = picture.filter(|p| (p.len() as u64) + 2 <= self.len);
        self
    }

    /// How many leading bytes come from the picture or the fixed header.
    fn head_len(&self) -> u64 {
        self.picture.as_ref().map_or(HEAD.len(), Bytes::len) as u64
    }

    /// The byte at `pos`.
    fn byte(&self, pos: u64) -> u8 {
        if let Some(p) = &self.picture {
            if let Some(&b) = p.get(pos as usize) {
                return b;
            }
        } else if let Some(&b) = HEAD
            .get(pos as usize)
            .filter(|_| pos < self.len.saturating_sub(2))
        {
            return b;
        }
        if self.len >= 4 && pos == self.len - 2 {
            return 0xFF;
        }
        if self.len >= 4 && pos == self.len - 1 {
            return 0xD9;
        }
        mix(self.key ^ (pos >> 3)).to_le_bytes()[(pos & 7) as usize]
    }

    /// Fills `buf` with the bytes starting at `pos`: the head and the tail byte by byte, the
    /// filler between them a whole aligned word at a time with no test per word (the
    /// sandbox's side of a download is mostly this; a per-word test took a fifth of the CPU
    /// of a 256 MiB download benchmark).
    pub fn fill(&self, pos: u64, buf: &mut [u8]) {
        let end = pos + buf.len() as u64;
        // Filler words lie in [head_len, len - 2), aligned to 8.
        let first = pos.max(self.head_len()).next_multiple_of(8);
        let last = end.min(self.len.saturating_sub(2)) / 8 * 8;
        if first >= last {
            for (i, b) in buf.iter_mut().enumerate() {
                *b = self.byte(pos + i as u64);
            }
            return;
        }
        let (a, z) = ((first - pos) as usize, (last - pos) as usize);
        let (head, rest) = buf.split_at_mut(a);
        let (words, tail) = rest.split_at_mut(z - a);
        for (i, b) in head.iter_mut().enumerate() {
            *b = self.byte(pos + i as u64);
        }
        for (word, chunk) in (first >> 3..).zip(words.chunks_exact_mut(8)) {
            chunk.copy_from_slice(&mix(self.key ^ word).to_le_bytes());
        }
        for (i, b) in tail.iter_mut().enumerate() {
            *b = self.byte(last + i as u64);
        }
    }

    /// Streams bytes `[start, end)` in 64 KiB chunks; when `cut_after` is set, the stream
    /// fails after that many bytes, which makes the server drop the connection mid-body.
    pub fn stream(
        self,
        start: u64,
        end: u64,
        cut_after: Option<u64>,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        const CHUNK: u64 = 64 * 1024;
        let stop = cut_after.map_or(end, |n| end.min(start.saturating_add(n)));
        let cut = cut_after.is_some() && stop < end;
        futures_util::stream::unfold((start, false), move |(pos, done)| {
            let this = self.clone();
            async move {
                if done {
                    return None;
                }
                if pos >= stop {
                    if cut {
                        // Give the connection time to flush what was sent, so the client
                        // really receives the first `cut_after` bytes before the cut.
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                        let e = std::io::Error::new(
                            std::io::ErrorKind::ConnectionAborted,
                            "injected disconnect",
                        );
                        return Some((Err(e), (pos, true)));
                    }
                    return None;
                }
                let n = (stop - pos).min(CHUNK);
                let mut buf = vec![0u8; n as usize];
                this.fill(pos, &mut buf);
                Some((Ok(Bytes::from(buf)), (pos + n, false)))
            }
        })
    }
}

impl Content {
    /// Streams bytes `[start, end)` at `bytes_per_sec`: a twentieth of it every 50 ms.
    pub fn trickle(
        self,
        start: u64,
        end: u64,
        bytes_per_sec: u64,
    ) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        const TICK: std::time::Duration = std::time::Duration::from_millis(50);
        let step = (bytes_per_sec / 20).clamp(1, 64 * 1024);
        futures_util::stream::unfold(start, move |pos| {
            let this = self.clone();
            async move {
                if pos >= end {
                    return None;
                }
                tokio::time::sleep(TICK).await;
                let n = (end - pos).min(step);
                let mut buf = vec![0u8; n as usize];
                this.fill(pos, &mut buf);
                Some((Ok(Bytes::from(buf)), pos + n))
            }
        })
    }
}

/// A parsed `Range` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Range {
    /// No usable range: send everything.
    Full,
    /// Bytes `[start, end)`.
    Part(u64, u64),
    /// The range lies outside the file: 416.
    Unsatisfiable,
}

/// Parses a single-range `Range: bytes=…` header against a length. Syntax it does not
/// understand (or several ranges) is ignored, as RFC 9110 allows.
pub fn parse_range(header: Option<&str>, len: u64) -> Range {
    let Some(h) = header else {
        return Range::Full;
    };
    let Some(spec) = h.trim().strip_prefix("bytes=") else {
        return Range::Full;
    };
    if spec.contains(',') {
        return Range::Full;
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Range::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        let Ok(n) = b.parse::<u64>() else {
            return Range::Full;
        };
        if n == 0 || len == 0 {
            return Range::Unsatisfiable;
        }
        return Range::Part(len.saturating_sub(n), len);
    }
    let Ok(start) = a.parse::<u64>() else {
        return Range::Full;
    };
    let end = if b.is_empty() {
        len
    } else {
        match b.parse::<u64>() {
            Ok(e) if e >= start => e.saturating_add(1).min(len),
            _ => return Range::Full,
        }
    };
    if start >= len {
        return Range::Unsatisfiable;
    }
    Range::Part(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range(None, 10), Range::Full);
        assert_eq!(parse_range(Some("bytes=2-4"), 10), Range::Part(2, 5));
        assert_eq!(parse_range(Some("bytes=2-"), 10), Range::Part(2, 10));
        assert_eq!(parse_range(Some("bytes=-3"), 10), Range::Part(7, 10));
        assert_eq!(parse_range(Some("bytes=5-100"), 10), Range::Part(5, 10));
        assert_eq!(parse_range(Some("bytes=10-"), 10), Range::Unsatisfiable);
        assert_eq!(parse_range(Some("bytes=1-2,4-5"), 10), Range::Full);
        assert_eq!(parse_range(Some("items=1-2"), 10), Range::Full);
    }

    #[test]
    fn content_is_positional_and_starts_with_soi() {
        let g = Grant {
            kind: 'i',
            index: 3,
            size: "large".into(),
            expires: 0,
            offering: None,
        };
        let c = Content::new(7, &g, 1000);
        let mut whole = vec![0u8; 1000];
        c.fill(0, &mut whole);
        assert_eq!(&whole[..2], &[0xFF, 0xD8]);
        assert_eq!(&whole[998..], &[0xFF, 0xD9]);
        let mut part = vec![0u8; 333];
        c.fill(401, &mut part);
        assert_eq!(&whole[401..734], &part[..]);
        // Every slice, aligned or not, short or long, is the bytes one by one.
        for (start, n) in [
            (0, 1000),
            (0, 7),
            (3, 20),
            (17, 9),
            (19, 983),
            (990, 10),
            (999, 1),
        ] {
            let mut part = vec![0u8; n];
            c.fill(start, &mut part);
            let one_by_one: Vec<u8> = (start..start + n as u64).map(|p| c.byte(p)).collect();
            assert_eq!(part, one_by_one, "fill({start}, {n})");
        }
        let small = Content::new(7, &g, 3);
        let mut three = [0u8; 3];
        small.fill(0, &mut three);
        assert_eq!(
            three.to_vec(),
            (0..3).map(|p| small.byte(p)).collect::<Vec<_>>()
        );
    }
}
