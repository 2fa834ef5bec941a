//! The officer's flow spreadsheet as a grid of cells: xlsx/xlsm/xls/ods through `calamine`, or
//! CSV (`;` or `,`, UTF-8 or Windows-1252). Cells keep their sheet row and column so that every
//! message can name file, sheet, row and column.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use crate::error::{Error, Result};
use crate::io::csv::sniff_delimiter;

/// Largest number of rows read from a sheet.
pub const MAX_ROWS: usize = 200_000;
/// Largest number of columns read from a sheet.
pub const MAX_COLUMNS: usize = 200;

/// A cell's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Empty.
    Empty,
    /// Text (trimmed).
    Text(String),
    /// A number stored as a number in the spreadsheet.
    Number(f64),
}

impl Cell {
    /// The cell as text (numbers without trailing zeros).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(x) => crate::io::csv::fmt_num(*x),
        }
    }

    /// Whether the cell holds nothing.
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }
}

/// One sheet read.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Sheet name (`-` for a CSV file).
    pub name: String,
    /// 1-based sheet row number of `rows[0]`.
    pub first_row: usize,
    /// 0-based sheet column index of each row's first cell.
    pub first_column: usize,
    /// The cells.
    pub rows: Vec<Vec<Cell>>,
}

/// Spreadsheet column letters of a 0-based column index: 0 → A, 27 → AB.
pub fn column_letters(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Read the sheet `sheet` (default: the first) of a spreadsheet, or a CSV file (by extension).
pub fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<Sheet> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "csv" || ext == "txt" {
        return read_csv(path);
    }
    let invalid = |m: String| Error::Invalid(format!("{}: {m}", path.display()));
    let mut book = open_workbook_auto(path)
        .map_err(|e| invalid(format!("not a readable spreadsheet (xlsx, xls, ods): {e}")))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| invalid(format!("no sheet `{s}` (sheets: {})", names.join(", "))))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| invalid("the workbook has no sheet".into()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| invalid(format!("sheet `{name}`: {e}")))?;
    let (height, width) = range.get_size();
    if height > MAX_ROWS || width > MAX_COLUMNS {
        return Err(invalid(format!(
            "sheet `{name}` spans {height} rows × {width} columns (at most {MAX_ROWS} × \
             {MAX_COLUMNS})"
        )));
    }
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::Empty | Data::Error(_) => Cell::Empty,
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Float(x) => Cell::Number(*x),
                    Data::Bool(b) => Cell::Text(if *b { "oui" } else { "non" }.into()),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
                        Cell::Text(s.trim().to_owned())
                    }
                    Data::DateTime(d) => Cell::Number(d.as_f64()),
                })
                .collect()
        })
        .collect();
    Ok(Sheet {
        name,
        first_row: r0 as usize + 1,
        first_column: c0 as usize,
        rows,
    })
}

fn read_csv(path: &Path) -> Result<Sheet> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let (text, _) = crate::io::encoding::decode_text(&bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
        if rows.len() >= MAX_ROWS || rec.len() > MAX_COLUMNS {
            return Err(Error::Invalid(format!(
                "{}: more than {MAX_ROWS} rows or {MAX_COLUMNS} columns",
                path.display()
            )));
        }
        rows.push(
            rec.iter()
                .map(|s| {
                    let s = s.trim();
                    if s.is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(s.to_owned())
                    }
                })
                .collect(),
        );
    }
    Ok(Sheet {
        name: "-".into(),
        first_row: 1,
        first_column: 0,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_are_spreadsheet_names() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }
}
