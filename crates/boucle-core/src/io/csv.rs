//! CSV reading with errors that name the file, the line and the column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, InputError, Location, Result};

/// The delimiter of a CSV text from its first line: `;` when it holds at least as many `;` as
/// `,` (and one), else `,`.
pub fn sniff_delimiter(text: &str) -> u8 {
    let line = text.lines().next().unwrap_or("");
    let semi = line.matches(';').count();
    let comma = line.matches(',').count();
    if semi >= comma && semi > 0 {
        b';'
    } else {
        b','
    }
}

/// A CSV file read whole, with a header.
#[derive(Debug)]
pub struct CsvTable {
    /// The file it was read from.
    pub path: PathBuf,
    /// Column names.
    pub headers: Vec<String>,
    index: HashMap<String, usize>,
    /// Rows with their 1-based line numbers (header is line 1).
    pub rows: Vec<(u64, csv::StringRecord)>,
    /// Rows that could not be used (wrong number of fields), with their error; they are not in
    /// `rows`.
    pub row_errors: Vec<InputError>,
}

/// One row of a [`CsvTable`], with typed accessors whose errors name file, line and field.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    table: &'a CsvTable,
    line: u64,
    record: &'a csv::StringRecord,
}

impl CsvTable {
    /// Read `path` (comma-separated unless `delimiter` says otherwise), requiring `required`
    /// columns in the header.
    pub fn read(path: &Path, delimiter: u8, required: &[&str]) -> Result<CsvTable> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes(path, &bytes, delimiter, required)
    }

    /// Read a file received from outside: UTF-8 or Windows-1252 (see
    /// [`crate::io::encoding::decode_text`]), separated by `;` or `,` (the one the header line
    /// holds more of). Returns the table and the delimiter found.
    pub fn read_received(path: &Path, required: &[&str]) -> Result<(CsvTable, u8)> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let (text, _) = crate::io::encoding::decode_text(&bytes);
        let delimiter = sniff_delimiter(&text);
        Ok((
            Self::from_bytes(path, text.as_bytes(), delimiter, required)?,
            delimiter,
        ))
    }

    /// Like [`Self::read`], but rows with a wrong number of fields are kept aside in
    /// `row_errors` instead of failing the whole file.
    pub fn read_lenient(path: &Path, delimiter: u8, required: &[&str]) -> Result<CsvTable> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::from_bytes_lenient(path, &bytes, delimiter, required)
    }

    /// Parse CSV bytes as if read from `path`; the first bad row is an error.
    pub fn from_bytes(
        path: &Path,
        bytes: &[u8],
        delimiter: u8,
        required: &[&str],
    ) -> Result<CsvTable> {
        let mut t = Self::from_bytes_lenient(path, bytes, delimiter, required)?;
        if !t.row_errors.is_empty() {
            return Err(t.row_errors.swap_remove(0).into());
        }
        Ok(t)
    }

    /// Parse CSV bytes as if read from `path`, keeping bad rows aside in `row_errors`.
    pub fn from_bytes_lenient(
        path: &Path,
        bytes: &[u8],
        delimiter: u8,
        required: &[&str],
    ) -> Result<CsvTable> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .from_reader(bytes);
        let headers: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error(path, e))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        let index: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        for r in required {
            if !index.contains_key(*r) {
                return Err(InputError::new(
                    path,
                    Location::Line(1),
                    Some(r),
                    format!("missing column (header has: {})", headers.join(", ")),
                )
                .into());
            }
        }
        let mut rows = Vec::new();
        let mut row_errors = Vec::new();
        let mut last_line = 1;
        for rec in rdr.records() {
            let rec = rec.map_err(|e| csv_error(path, e))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            last_line = line;
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            if rec.len() != headers.len() {
                row_errors.push(InputError::new(
                    path,
                    Location::Line(line),
                    None,
                    format!(
                        "row has {} fields, the header has {}",
                        rec.len(),
                        headers.len()
                    ),
                ));
                continue;
            }
            rows.push((line, rec));
        }
        if bytes.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
            // An opening quote never closed: the csv reader takes the rest of the file as one
            // field, so a file cut in the middle of a quoted field would pass unnoticed.
            if rows.last().is_some_and(|(l, _)| *l == last_line) {
                rows.pop();
            }
            row_errors.push(InputError::new(
                path,
                Location::Line(last_line),
                None,
                "a quoted field is never closed: the file looks truncated",
            ));
        }
        Ok(CsvTable {
            path: path.to_path_buf(),
            headers,
            index,
            rows,
            row_errors,
        })
    }

    /// Whether the header has this column.
    pub fn has(&self, column: &str) -> bool {
        self.index.contains_key(column)
    }

    /// Iterate over rows.
    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(move |(line, record)| Row {
            table: self,
            line: *line,
            record,
        })
    }
}

fn csv_error(path: &Path, e: csv::Error) -> Error {
    let line = match e.kind() {
        csv::ErrorKind::UnequalLengths { pos: Some(p), .. } => Some(p.line()),
        csv::ErrorKind::Utf8 { pos: Some(p), .. } => Some(p.line()),
        _ => e.position().map(|p| p.line()),
    };
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("row has {len} fields, the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_owned(),
        _ => e.to_string(),
    };
    let location = line.map(Location::Line).unwrap_or(Location::File);
    InputError::new(path, location, None, message).into()
}

impl<'a> Row<'a> {
    /// 1-based line number in the file.
    pub fn line(&self) -> u64 {
        self.line
    }

    /// An error about `field` on this row.
    pub fn error(&self, field: &str, message: impl Into<String>) -> InputError {
        InputError::new(
            &self.table.path,
            Location::Line(self.line),
            Some(field),
            message,
        )
    }

    /// The raw trimmed value of a column ("" when the column is absent).
    pub fn get(&self, column: &str) -> &'a str {
        self.table
            .index
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .unwrap_or("")
    }

    /// A non-empty string.
    pub fn required(&self, column: &str) -> Result<String, InputError> {
        let v = self.get(column);
        if v.is_empty() {
            Err(self.error(column, "empty value"))
        } else {
            Ok(v.to_owned())
        }
    }

    /// `None` when empty.
    pub fn optional(&self, column: &str) -> Option<String> {
        let v = self.get(column);
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// A number, `None` when empty.
    pub fn f64_opt(&self, column: &str) -> Result<Option<f64>, InputError> {
        let v = self.get(column);
        if v.is_empty() {
            return Ok(None);
        }
        match v.replace(',', ".").parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(self.error(column, format!("`{v}` is not a number"))),
        }
    }

    /// A required number.
    pub fn f64_req(&self, column: &str) -> Result<f64, InputError> {
        self.f64_opt(column)?
            .ok_or_else(|| self.error(column, "empty value (a number is required)"))
    }

    /// A boolean (`true`/`false`/`1`/`0`/`yes`/`no`/`oui`/`non`), `default` when empty.
    pub fn bool_or(&self, column: &str, default: bool) -> Result<bool, InputError> {
        match self.get(column).to_ascii_lowercase().as_str() {
            "" => Ok(default),
            "true" | "1" | "yes" | "oui" => Ok(true),
            "false" | "0" | "no" | "non" => Ok(false),
            other => Err(self.error(column, format!("`{other}` is not true/false"))),
        }
    }

    /// A `;`-separated list (empty items dropped).
    pub fn list(&self, column: &str) -> Vec<String> {
        self.get(column)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// A WGS84 position from `lon`/`lat` columns: both empty → `None`; one missing or out of
    /// range → error.
    pub fn lonlat(&self, lon: &str, lat: &str) -> Result<Option<geo::Point<f64>>, InputError> {
        match (self.f64_opt(lon)?, self.f64_opt(lat)?) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(self.error(lat, "longitude given without latitude")),
            (None, Some(_)) => Err(self.error(lon, "latitude given without longitude")),
            (Some(x), Some(y)) => {
                if !(-180.0..=180.0).contains(&x) {
                    Err(self.error(lon, format!("longitude {x} out of range [-180, 180]")))
                } else if !(-90.0..=90.0).contains(&y) {
                    Err(self.error(lat, format!("latitude {y} out of range [-90, 90]")))
                } else {
                    Ok(Some(geo::Point::new(x, y)))
                }
            }
        }
    }
}

/// Write rows as CSV bytes (header first).
pub fn to_csv_bytes(headers: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Invalid(format!("CSV encoding: {e}"));
    w.write_record(headers).map_err(err)?;
    for r in rows {
        w.write_record(r).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Invalid(format!("CSV encoding: {e}")))
}

/// Format an optional number for CSV (empty when `None`); trims trailing zeros.
pub fn fmt_opt(v: Option<f64>) -> String {
    v.map(fmt_num).unwrap_or_default()
}

/// Format a number with at most 7 decimals and no trailing zeros.
pub fn fmt_num(v: f64) -> String {
    let s = format!("{v:.7}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_owned()
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_line_and_field() {
        let p = Path::new("x.csv");
        let t = CsvTable::from_bytes(p, b"id,lon,lat\na,7.1,47.8\nb,abc,47.8\n", b',', &["id"])
            .unwrap();
        let rows: Vec<_> = t.iter().collect();
        assert_eq!(rows[0].lonlat("lon", "lat").unwrap().unwrap().x(), 7.1);
        let e = rows[1].lonlat("lon", "lat").unwrap_err().to_string();
        assert_eq!(e, "x.csv, line 3, field `lon`: `abc` is not a number");
    }

    #[test]
    fn ragged_row_and_missing_column() {
        let p = Path::new("y.csv");
        let e = CsvTable::from_bytes(p, b"id,name\na,b\nc\n", b',', &[]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "y.csv, line 3: row has 1 fields, the header has 2"
        );
        let e = CsvTable::from_bytes(p, b"id,name\n", b',', &["insee"]).unwrap_err();
        assert!(
            e.to_string().contains("field `insee`: missing column"),
            "{e}"
        );
    }

    #[test]
    fn numbers_format_compactly() {
        assert_eq!(fmt_num(7.1000000), "7.1");
        assert_eq!(fmt_num(12.0), "12");
        assert_eq!(fmt_opt(None), "");
    }
}
