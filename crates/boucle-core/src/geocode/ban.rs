//! Readers for Base Adresse Nationale files, streamed record by record (plain or gzip).
//!
//! Two formats, recognised from the header:
//! - the BAN per-département CSV (`adresses-68.csv[.gz]`, `;`-separated). Columns read:
//!   `numero`, `rep`, `nom_voie` (or `nom_ld` when `nom_voie` is empty), `code_postal`,
//!   `code_insee`, `nom_commune`, `code_insee_ancienne_commune`, `lon`, `lat`. The others (`id`,
//!   `id_fantoir`, `x`, `y`, `type_position`, `alias`, `libelle_acheminement`, `nom_afnor`,
//!   `source_position`, `source_nom`, `certification_commune`, `cad_parcelles`) are ignored.
//!   `nom_ancienne_commune` gives the former (delegated) commune's name.
//! - a Base Adresse Locale file (BAL 1.x, `;` or `,`-separated). Columns read: `voie_nom`,
//!   `numero`, `suffixe`, `commune_insee`, `commune_nom`, `commune_deleguee_insee` and
//!   `commune_deleguee_nom` (optional), `code_postal` (optional), `long`, `lat`. BAL 1.1 has no
//!   `commune_insee`: the INSEE code is then the first five characters of `cle_interop`
//!   (`68219_0001_00003`).
//!
//! Files are read as UTF-8, a line that is not valid UTF-8 as Windows-1252 (see
//! [`crate::io::encoding`]); the count of such lines is [`AddressReader::cp1252_lines`].
//!
//! Number `99999` (BAL's convention for a named place without a number) and `0` mean "no number":
//! the record then positions the street or place itself. Records without coordinates are skipped
//! and counted; malformed values are errors naming the file, the line and the column.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, InputError, Location, Result};
use crate::geocode::normalise::{Suffix, parse_suffix};

/// One address (or named place) read from a BAN or BAL file. Coordinates are WGS84.
#[derive(Debug, Clone, PartialEq)]
pub struct AddressRecord {
    /// INSEE code of the commune, as written in the file.
    pub insee: String,
    /// INSEE code of the former (delegated) commune, if the file gives one.
    pub old_insee: Option<String>,
    /// Name of the former (delegated) commune, if the file gives one (BAN
    /// `nom_ancienne_commune`, BAL `commune_deleguee_nom`).
    pub old_commune: Option<String>,
    /// Commune name.
    pub commune: String,
    /// Postcode, if given.
    pub postcode: String,
    /// Street (or named place) name, as written.
    pub street: String,
    /// House number, `None` for a street or place without number.
    pub number: Option<u32>,
    /// Repetition index (bis, ter, a…), see [`Suffix`].
    pub suffix: Suffix,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
}

/// Which kind of address file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressFormat {
    /// BAN per-département CSV.
    Ban,
    /// Base Adresse Locale.
    Bal,
}

/// Open a file for reading, decompressing gzip, or the first file of a ZIP archive (INSEE's
/// SIRENE stocks), transparently (recognised by their magic bytes).
pub fn open_maybe_gz(path: &Path) -> Result<Box<dyn BufRead>> {
    let f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut r = BufReader::with_capacity(1 << 16, f);
    let head = r.fill_buf().map_err(|e| Error::io(path, e))?;
    if head.starts_with(crate::io::zip::ZIP_MAGIC) {
        let (_, inner) = crate::io::zip::first_entry(r).map_err(|e| Error::io(path, e))?;
        Ok(inner)
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            flate2::read::MultiGzDecoder::new(r),
        )))
    } else {
        Ok(Box::new(r))
    }
}

/// Open a text file (plain or gzip) as UTF-8: lines that are not valid UTF-8 are decoded as
/// Windows-1252, and a UTF-8 BOM is removed. Returns the reader and the counter of decoded
/// lines.
pub fn open_text(path: &Path) -> Result<(Box<dyn BufRead>, Arc<AtomicU64>)> {
    let r = crate::io::encoding::Utf8Reader::new(open_maybe_gz(path)?);
    let counter = r.cp1252_lines();
    Ok((Box::new(r), counter))
}

/// Guess the delimiter of a CSV from its first line: `;` if it holds one, else `,`.
pub fn sniff_delimiter(r: &mut dyn BufRead) -> std::io::Result<u8> {
    let buf = r.fill_buf()?;
    let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let line = &buf[..line_end];
    let semi = line.iter().filter(|&&b| b == b';').count();
    let comma = line.iter().filter(|&&b| b == b',').count();
    Ok(if semi >= comma && semi > 0 {
        b';'
    } else {
        b','
    })
}

/// Column positions for the chosen format.
struct Columns {
    number: usize,
    suffix: Option<usize>,
    street: usize,
    place: Option<usize>,
    postcode: Option<usize>,
    /// The INSEE code column; for BAL 1.1, `cle_interop` (its first five characters).
    insee: usize,
    insee_from_key: bool,
    commune: Option<usize>,
    old_insee: Option<usize>,
    old_commune: Option<usize>,
    lon: usize,
    lat: usize,
}

/// A streaming reader of [`AddressRecord`]s.
pub struct AddressReader {
    path: PathBuf,
    format: AddressFormat,
    reader: csv::Reader<Box<dyn BufRead>>,
    cols: Columns,
    record: csv::StringRecord,
    /// Records skipped because they have no coordinates.
    pub skipped_no_position: u64,
    cp1252: Arc<AtomicU64>,
}

impl std::fmt::Debug for AddressReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AddressReader")
            .field("path", &self.path)
            .field("format", &self.format)
            .finish()
    }
}

impl AddressReader {
    /// Open a BAN CSV or BAL file (plain or gzip) and recognise its format from the header.
    pub fn open(path: &Path) -> Result<AddressReader> {
        let (mut input, cp1252) = open_text(path)?;
        let delim = sniff_delimiter(&mut input).map_err(|e| Error::io(path, e))?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delim)
            .flexible(true)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
            .collect::<Vec<_>>();
        let find = |name: &str| headers.iter().position(|h| h == name);
        let need = |name: &str| {
            find(name).ok_or_else(|| {
                Error::from(InputError::new(
                    path,
                    Location::Line(1),
                    Some(name),
                    "missing column in the header",
                ))
            })
        };
        let (format, cols) = if find("nom_voie").is_some() || find("code_insee").is_some() {
            (
                AddressFormat::Ban,
                Columns {
                    number: need("numero")?,
                    suffix: find("rep"),
                    street: need("nom_voie")?,
                    place: find("nom_ld"),
                    postcode: find("code_postal"),
                    insee: need("code_insee")?,
                    insee_from_key: false,
                    commune: find("nom_commune"),
                    old_insee: find("code_insee_ancienne_commune"),
                    old_commune: find("nom_ancienne_commune"),
                    lon: need("lon")?,
                    lat: need("lat")?,
                },
            )
        } else if find("voie_nom").is_some() || find("commune_insee").is_some() {
            // BAL 1.1: the INSEE code only inside `cle_interop`
            let (insee, insee_from_key) = match (find("commune_insee"), find("cle_interop")) {
                (Some(i), _) => (i, false),
                (None, Some(k)) => (k, true),
                (None, None) => (need("commune_insee")?, false),
            };
            (
                AddressFormat::Bal,
                Columns {
                    number: need("numero")?,
                    suffix: find("suffixe"),
                    street: need("voie_nom")?,
                    place: None,
                    postcode: find("code_postal"),
                    insee,
                    insee_from_key,
                    commune: find("commune_nom"),
                    old_insee: find("commune_deleguee_insee"),
                    old_commune: find("commune_deleguee_nom"),
                    lon: need("long")?,
                    lat: need("lat")?,
                },
            )
        } else {
            return Err(InputError::new(
                path,
                Location::Line(1),
                None,
                "not a BAN address file (no `nom_voie`/`code_insee` columns) nor a BAL file \
                 (no `voie_nom`/`commune_insee` columns)",
            )
            .into());
        };
        Ok(AddressReader {
            path: path.to_path_buf(),
            format,
            reader,
            cols,
            record: csv::StringRecord::new(),
            skipped_no_position: 0,
            cp1252,
        })
    }

    /// Lines read so far that were not UTF-8 and were decoded as Windows-1252.
    pub fn cp1252_lines(&self) -> u64 {
        self.cp1252.load(Ordering::Relaxed)
    }

    /// The recognised format.
    pub fn format(&self) -> AddressFormat {
        self.format
    }

    fn parse_current(&self, line: u64) -> Result<Option<AddressRecord>> {
        let r = &self.record;
        let get = |i: usize| r.get(i).unwrap_or("").trim();
        let err = |field: &str, msg: String| -> Error {
            InputError::new(&self.path, Location::Line(line), Some(field), msg).into()
        };
        let (lon_name, lat_name, num_name, insee_name) = match self.format {
            AddressFormat::Ban => ("lon", "lat", "numero", "code_insee"),
            AddressFormat::Bal if self.cols.insee_from_key => {
                ("long", "lat", "numero", "cle_interop")
            }
            AddressFormat::Bal => ("long", "lat", "numero", "commune_insee"),
        };
        let lon_s = get(self.cols.lon);
        let lat_s = get(self.cols.lat);
        if lon_s.is_empty() || lat_s.is_empty() {
            return Ok(None);
        }
        let lon: f64 = lon_s
            .replace(',', ".")
            .parse()
            .map_err(|_| err(lon_name, format!("not a number: {lon_s:?}")))?;
        let lat: f64 = lat_s
            .replace(',', ".")
            .parse()
            .map_err(|_| err(lat_name, format!("not a number: {lat_s:?}")))?;
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(err(
                lon_name,
                format!("coordinates out of range: lon {lon}, lat {lat}"),
            ));
        }
        let num_s = get(self.cols.number);
        let number = if num_s.is_empty() {
            None
        } else {
            let n: u32 = num_s
                .parse()
                .map_err(|_| err(num_name, format!("not a house number: {num_s:?}")))?;
            (n != 0 && n != 99999).then_some(n)
        };
        let suffix = match self.cols.suffix {
            Some(i) => {
                let s = get(i);
                parse_suffix(s).ok_or_else(|| {
                    let field = if self.format == AddressFormat::Ban {
                        "rep"
                    } else {
                        "suffixe"
                    };
                    err(field, format!("unknown repetition index: {s:?}"))
                })?
            }
            None => 0,
        };
        let mut street = get(self.cols.street).to_owned();
        if street.is_empty()
            && let Some(p) = self.cols.place
        {
            street = get(p).to_owned();
        }
        let mut insee = get(self.cols.insee).to_owned();
        if self.cols.insee_from_key {
            // `68219_0001_00003`: commune, street, number (BAL 1.1 `cle_interop`)
            insee = insee.split('_').next().unwrap_or("").to_ascii_uppercase();
        }
        let code_ok = insee.len() == 5
            && insee
                .bytes()
                .enumerate()
                .all(|(i, b)| b.is_ascii_digit() || (i == 1 && (b == b'A' || b == b'B')));
        if !code_ok {
            return Err(err(
                insee_name,
                format!("not an INSEE commune code: {insee:?}"),
            ));
        }
        Ok(Some(AddressRecord {
            insee,
            old_insee: self
                .cols
                .old_insee
                .map(|i| get(i).to_owned())
                .filter(|s| !s.is_empty()),
            old_commune: self
                .cols
                .old_commune
                .map(|i| get(i).to_owned())
                .filter(|s| !s.is_empty()),
            commune: self
                .cols
                .commune
                .map(|i| get(i).to_owned())
                .unwrap_or_default(),
            postcode: self
                .cols
                .postcode
                .map(|i| get(i).to_owned())
                .unwrap_or_default(),
            street,
            number,
            suffix,
            lon,
            lat,
        }))
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let loc = if line > 0 {
        Location::Line(line)
    } else {
        Location::File
    };
    InputError::new(path, loc, None, format!("malformed CSV: {e}")).into()
}

impl Iterator for AddressReader {
    type Item = Result<AddressRecord>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {}
                Err(e) => return Some(Err(csv_error(&self.path, e))),
            }
            let line = self.record.position().map(|p| p.line()).unwrap_or(0);
            match self.parse_current(line) {
                Ok(Some(rec)) => return Some(Ok(rec)),
                Ok(None) => self.skipped_no_position += 1,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Read a whole small file into records (tests, small BAL files).
pub fn read_all(path: &Path) -> Result<Vec<AddressRecord>> {
    AddressReader::open(path)?.collect()
}
