//! Trusted CA certificates given as PEM: read once here, checked for real (each block decoded
//! and its DER read as an X.509 certificate's outline), so a wrong file is named as wrong when
//! the client is built instead of failing later as an untrusted server.

use std::fmt;

/// What is wrong with a CA certificate PEM.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CaPemError {
    /// No `BEGIN CERTIFICATE` block at all; `found` names what is there instead, if anything
    /// recognisable (a private key, a certificate request, DER bytes).
    NoCertificate {
        /// What the file holds instead.
        found: Option<&'static str>,
    },
    /// A `BEGIN CERTIFICATE` block without its `END CERTIFICATE` line.
    Unterminated {
        /// Which block (1 for the first).
        block: usize,
    },
    /// A block whose text is not base64.
    NotBase64 {
        /// Which block (1 for the first).
        block: usize,
    },
    /// A block that decodes, but not to an X.509 certificate.
    NotCertificate {
        /// Which block (1 for the first).
        block: usize,
    },
}

impl fmt::Display for CaPemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoCertificate { found: Some(what) } => write!(
                f,
                "it holds {what}, not a certificate (no PEM \"BEGIN CERTIFICATE\" block)"
            ),
            Self::NoCertificate { found: None } => {
                f.write_str("it holds no PEM \"BEGIN CERTIFICATE\" block")
            }
            Self::Unterminated { block } => write!(
                f,
                "its certificate block {block} has no \"END CERTIFICATE\" line (the file is cut \
                 short?)"
            ),
            Self::NotBase64 { block } => {
                write!(f, "its certificate block {block} is not valid base64")
            }
            Self::NotCertificate { block } => write!(
                f,
                "its certificate block {block} decodes, but not to an X.509 certificate"
            ),
        }
    }
}

impl std::error::Error for CaPemError {}

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// The DER of every certificate in `pem`, in order; an error for the first block that is not
/// one, or when there is none. Text outside the blocks (comments, other blocks) is ignored,
/// as PEM readers do.
pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<Vec<u8>>, CaPemError> {
    let text = String::from_utf8_lossy(pem);
    let mut rest: &str = &text;
    let mut certs = Vec::new();
    while let Some(start) = rest.find(BEGIN) {
        let block = certs.len() + 1;
        let after = &rest[start + BEGIN.len()..];
        let end = after.find(END).ok_or(CaPemError::Unterminated { block })?;
        let der = base64(&after[..end]).ok_or(CaPemError::NotBase64 { block })?;
        if !looks_like_certificate(&der) {
            return Err(CaPemError::NotCertificate { block });
        }
        certs.push(der);
        rest = &after[end + END.len()..];
    }
    if certs.is_empty() {
        return Err(CaPemError::NoCertificate {
            found: what_else(pem, &text),
        });
    }
    Ok(certs)
}

fn what_else(bytes: &[u8], text: &str) -> Option<&'static str> {
    if text.contains("PRIVATE KEY-----") {
        Some("a private key")
    } else if text.contains("CERTIFICATE REQUEST-----") {
        Some("a certificate signing request")
    } else if text.contains("PUBLIC KEY-----") {
        Some("a public key")
    } else if bytes.first() == Some(&0x30) {
        Some("binary (DER) data; convert it to PEM")
    } else {
        None
    }
}

/// Standard base64 with padding, whitespace ignored.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut padding = 0;
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => {
                padding += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return None,
        };
        if padding > 0 {
            // Data after padding.
            return None;
        }
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            // Masked to a byte, so the cast keeps every bit that matters.
            out.push(((acc >> bits) & 0xff) as u8);
        }
    }
    (padding <= 2 && !out.is_empty()).then_some(out)
}

/// The outline of an X.509 certificate in DER: a SEQUENCE spanning the whole input, holding a
/// SEQUENCE (the to-be-signed part), a SEQUENCE (the signature algorithm) and a BIT STRING
/// (the signature), and nothing after them.
fn looks_like_certificate(der: &[u8]) -> bool {
    let Some((0x30, body, rest)) = tlv(der) else {
        return false;
    };
    if !rest.is_empty() {
        return false;
    }
    let Some((0x30, _, after_tbs)) = tlv(body) else {
        return false;
    };
    let Some((0x30, _, after_alg)) = tlv(after_tbs) else {
        return false;
    };
    matches!(tlv(after_alg), Some((0x03, _, [])))
}

/// One DER tag-length-value: the tag, the value and what follows.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pem(der: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut b64 = String::new();
        for chunk in der.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
                << (8 * (3 - chunk.len()));
            for i in 0..4 {
                if i <= chunk.len() {
                    b64.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    b64.push('=');
                }
            }
        }
        format!("{BEGIN}\n{b64}\n{END}\n")
    }

    // A minimal certificate outline: SEQ { SEQ{}, SEQ{}, BIT STRING{0} }.
    const OUTLINE: &[u8] = &[0x30, 0x07, 0x30, 0x00, 0x30, 0x00, 0x03, 0x01, 0x00];

    #[test]
    fn a_certificate_outline_is_accepted_and_garbage_is_named() {
        assert_eq!(
            certificates_from_pem(pem(OUTLINE).as_bytes()).unwrap(),
            vec![OUTLINE.to_vec()]
        );
        let two = format!("# comment\n{}{}", pem(OUTLINE), pem(OUTLINE));
        assert_eq!(certificates_from_pem(two.as_bytes()).unwrap().len(), 2);
        // BEGIN and END around text that decodes to something else.
        let bogus = pem(b"hello world");
        assert_eq!(
            certificates_from_pem(bogus.as_bytes()),
            Err(CaPemError::NotCertificate { block: 1 })
        );
        let second_bad = format!("{}{}", pem(OUTLINE), pem(&[0x30, 0x01]));
        assert_eq!(
            certificates_from_pem(second_bad.as_bytes()),
            Err(CaPemError::NotCertificate { block: 2 })
        );
        let not_b64 = format!("{BEGIN}\n!!!!\n{END}\n");
        assert_eq!(
            certificates_from_pem(not_b64.as_bytes()),
            Err(CaPemError::NotBase64 { block: 1 })
        );
        let cut = format!("{BEGIN}\nMAA=\n");
        assert_eq!(
            certificates_from_pem(cut.as_bytes()),
            Err(CaPemError::Unterminated { block: 1 })
        );
        let key = "-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----\n";
        let e = certificates_from_pem(key.as_bytes()).unwrap_err();
        assert!(e.to_string().contains("private key"), "{e}");
        assert!(
            certificates_from_pem(OUTLINE)
                .unwrap_err()
                .to_string()
                .contains("DER")
        );
        assert_eq!(
            certificates_from_pem(b""),
            Err(CaPemError::NoCertificate { found: None })
        );
    }

    #[test]
    fn lengths_never_read_past_the_input() {
        for der in [
            &[0x30, 0x84, 0xff, 0xff, 0xff, 0xff][..],
            &[0x30, 0x85, 0, 0, 0, 0, 1],
            &[0x30],
        ] {
            assert!(!looks_like_certificate(der));
        }
    }
}
