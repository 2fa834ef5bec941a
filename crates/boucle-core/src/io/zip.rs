//! Reading the first file of a ZIP archive as a stream, as INSEE publishes its SIRENE stocks
//! (`StockEtablissement_utf8.zip`, `StockUniteLegale_utf8.zip`: one CSV each, several GB
//! uncompressed). Only what these archives use is supported: a first entry stored or deflated,
//! ZIP64 sizes included (a deflate stream ends by itself, so its size is not needed).

use std::io::{BufRead, BufReader};

/// The magic bytes of a ZIP local file header.
pub const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";

/// Open the first entry of a ZIP archive positioned at its local file header. Returns the
/// entry's name and a reader of its uncompressed bytes.
pub fn first_entry<R: BufRead + 'static>(mut r: R) -> std::io::Result<(String, Box<dyn BufRead>)> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_owned());
    let mut h = [0u8; 30];
    r.read_exact(&mut h)?;
    if &h[..4] != ZIP_MAGIC {
        return Err(bad("not a ZIP archive (no local file header)"));
    }
    let u16_at = |i: usize| u16::from_le_bytes([h[i], h[i + 1]]);
    let u32_at = |i: usize| u32::from_le_bytes([h[i], h[i + 1], h[i + 2], h[i + 3]]);
    let flags = u16_at(6);
    let method = u16_at(8);
    let compressed = u32_at(18);
    let name_len = usize::from(u16_at(26));
    let extra_len = usize::from(u16_at(28));
    if flags & 1 != 0 {
        return Err(bad("encrypted ZIP entries are not supported"));
    }
    let mut name = vec![0u8; name_len];
    r.read_exact(&mut name)?;
    let mut extra = vec![0u8; extra_len];
    r.read_exact(&mut extra)?;
    let name = String::from_utf8_lossy(&name).into_owned();
    match method {
        8 => Ok((
            name,
            Box::new(BufReader::with_capacity(
                1 << 16,
                flate2::bufread::DeflateDecoder::new(r),
            )),
        )),
        0 if flags & 8 == 0 && compressed != u32::MAX => Ok((
            name,
            Box::new(BufReader::new(r.take(u64::from(compressed)))),
        )),
        0 => Err(bad("a stored ZIP entry without its size is not supported")),
        m => Err(bad(&format!(
            "ZIP compression method {m} is not supported (only stored and deflated)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// A one-entry deflated archive, as `zip` writes it (local header, data; the central
    /// directory is not read).
    pub fn deflated_zip(name: &str, content: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(content).unwrap();
        let data = enc.finish().unwrap();
        let mut z = Vec::new();
        z.extend_from_slice(ZIP_MAGIC);
        z.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
        z.extend_from_slice(&[0, 0, 0, 0]); // crc (not checked)
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&(content.len() as u32).to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(name.as_bytes());
        z.extend_from_slice(&data);
        z
    }

    #[test]
    fn reads_the_first_deflated_entry() {
        let z = deflated_zip(
            "StockUniteLegale_utf8.csv",
            b"siren,denominationUniteLegale\n1,A\n",
        );
        let (name, mut r) = first_entry(std::io::Cursor::new(z)).unwrap();
        assert_eq!(name, "StockUniteLegale_utf8.csv");
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert_eq!(s, "siren,denominationUniteLegale\n1,A\n");
        let err = first_entry(std::io::Cursor::new(b"PK\x03\x04short".to_vec()))
            .err()
            .unwrap();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    }
}
