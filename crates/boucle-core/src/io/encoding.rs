//! Text encodings of the files officers receive: UTF-8 (with or without BOM) and Windows-1252 /
//! Latin-1, which spreadsheet exports and older BAL tools still write.
//!
//! The decision is made line by line: a line that is valid UTF-8 is kept as is, any other line
//! is decoded as Windows-1252 (a superset of Latin-1 for the printable characters). A file mixes
//! both only when it was concatenated from different sources; reading line by line handles that
//! too, and streams (the BAN and SIRENE files are large).

use std::io::{BufRead, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Characters of Windows-1252 bytes 0x80–0x9F (0x81, 0x8D, 0x8F, 0x90, 0x9D are unassigned and
/// kept as the C1 control of the same value, as Latin-1 does).
const CP1252_80_9F: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Decode Windows-1252 bytes into a string.
pub fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252_80_9F[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// The bytes as UTF-8 text: UTF-8 (a BOM removed) when valid, else decoded as Windows-1252.
/// Returns the text and whether it was decoded from Windows-1252.
pub fn decode_text(bytes: &[u8]) -> (std::borrow::Cow<'_, str>, bool) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (std::borrow::Cow::Borrowed(s), false),
        Err(_) => (std::borrow::Cow::Owned(decode_cp1252(bytes)), true),
    }
}

/// A reader that yields UTF-8: each line of the inner reader that is not valid UTF-8 is decoded
/// as Windows-1252. A UTF-8 byte-order mark at the start is removed. The number of decoded
/// lines is shared through [`Utf8Reader::cp1252_lines`].
pub struct Utf8Reader<R> {
    inner: R,
    line: Vec<u8>,
    pos: usize,
    first: bool,
    cp1252: Arc<AtomicU64>,
}

impl<R: BufRead> Utf8Reader<R> {
    /// Wrap a buffered reader.
    pub fn new(inner: R) -> Self {
        Utf8Reader {
            inner,
            line: Vec::new(),
            pos: 0,
            first: true,
            cp1252: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A counter of the lines decoded as Windows-1252 so far (it keeps counting as the reader
    /// is read).
    pub fn cp1252_lines(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.cp1252)
    }

    fn refill(&mut self) -> std::io::Result<()> {
        self.line.clear();
        self.pos = 0;
        self.inner.read_until(b'\n', &mut self.line)?;
        if self.first {
            self.first = false;
            if self.line.starts_with(b"\xEF\xBB\xBF") {
                self.line.drain(..3);
            }
        }
        if std::str::from_utf8(&self.line).is_err() {
            let decoded = decode_cp1252(&self.line);
            self.line = decoded.into_bytes();
            self.cp1252.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

impl<R: BufRead> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pos >= self.line.len() {
            self.refill()?;
        }
        let n = (self.line.len() - self.pos).min(buf.len());
        buf[..n].copy_from_slice(&self.line[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Utf8Reader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.pos >= self.line.len() {
            self.refill()?;
        }
        Ok(&self.line[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos = (self.pos + amt).min(self.line.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_lines_are_decoded_and_utf8_kept() {
        let bytes = b"\xEF\xBB\xBFnom;voie\nSoppe-le-Haut;Rue de l'\xc9glise \x80\nThann;Rue de la Gare \xc3\xa9\n";
        let mut r = Utf8Reader::new(&bytes[..]);
        let counter = r.cp1252_lines();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(
            s,
            "nom;voie\nSoppe-le-Haut;Rue de l'Église €\nThann;Rue de la Gare é\n"
        );
        assert_eq!(counter.load(Ordering::Relaxed), 1);
        assert_eq!(decode_text(b"\xe9t\xe9").0, "été");
        assert!(decode_text(b"\xe9t\xe9").1);
        assert!(!decode_text("été".as_bytes()).1);
    }
}
