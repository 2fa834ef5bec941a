//! Path-aware reading of a JSON document: every value read knows where it sits
//! (`jobs[3].time_windows[0]`), and every number is range-checked before use, so that an error
//! names the place and what was expected.

use serde_json::Value;

use crate::error::{Error, Result};

/// A JSON value and its path in the document.
#[derive(Debug, Clone, Copy)]
pub(super) struct At<'a> {
    pub v: &'a Value,
    path: &'a str,
}

/// An owned path, for the values read below it.
#[derive(Debug, Clone)]
pub(super) struct Path(pub String);

impl Path {
    /// The document's root.
    pub fn root() -> Path {
        Path(String::new())
    }

    /// The path of member `key`.
    pub fn key(&self, key: &str) -> Path {
        if self.0.is_empty() {
            Path(key.to_owned())
        } else {
            Path(format!("{}.{key}", self.0))
        }
    }

    /// The path of element `i`.
    pub fn index(&self, i: usize) -> Path {
        Path(format!("{}[{i}]", self.0))
    }

    /// An error at this path.
    pub fn err(&self, msg: impl std::fmt::Display) -> Error {
        let at = if self.0.is_empty() {
            "(document)"
        } else {
            &self.0
        };
        Error::Invalid(format!("{at}: {msg}"))
    }

    /// Binds the path to a value.
    pub fn at<'a>(&'a self, v: &'a Value) -> At<'a> {
        At { v, path: &self.0 }
    }
}

impl<'a> At<'a> {
    /// This value's path.
    pub fn path(&self) -> Path {
        Path(self.path.to_owned())
    }

    /// An error at this value.
    pub fn err(&self, msg: impl std::fmt::Display) -> Error {
        self.path().err(msg)
    }

    /// The member `key` of this object, if present and not null. Errors if this is not an
    /// object.
    pub fn get(&self, key: &str) -> Result<Option<&'a Value>> {
        match self.v {
            Value::Object(m) => Ok(m.get(key).filter(|v| !v.is_null())),
            _ => Err(self.err("expected an object")),
        }
    }

    /// The elements of this array, at most `max`.
    pub fn array(&self, max: usize) -> Result<&'a [Value]> {
        match self.v {
            Value::Array(a) if a.len() <= max => Ok(a),
            Value::Array(a) => Err(self.err(format!(
                "{} elements, more than the limit of {max}",
                a.len()
            ))),
            _ => Err(self.err("expected an array")),
        }
    }

    /// A number in `[lo, hi]`.
    pub fn number(&self, lo: f64, hi: f64) -> Result<f64> {
        match self.v.as_f64() {
            Some(x) if x.is_finite() && x >= lo && x <= hi => Ok(x),
            Some(x) => Err(self.err(format!("{x} is outside [{lo}, {hi}]"))),
            None => Err(self.err(format!("expected a number in [{lo}, {hi}]"))),
        }
    }

    /// A non-negative integer no larger than `hi`.
    pub fn integer(&self, hi: u64) -> Result<u64> {
        match self.v.as_u64() {
            Some(x) if x <= hi => Ok(x),
            Some(x) => Err(self.err(format!("{x} is larger than {hi}"))),
            None => Err(self.err(format!("expected an integer from 0 to {hi}"))),
        }
    }

    /// A string.
    pub fn string(&self) -> Result<&'a str> {
        self.v.as_str().ok_or_else(|| self.err("expected a string"))
    }
}

/// Reads member `key` of `obj` (at `path`) with `f`, if present.
pub(super) fn opt<'a, T>(
    obj: At<'a>,
    path: &Path,
    key: &str,
    f: impl FnOnce(At<'_>) -> Result<T>,
) -> Result<Option<T>> {
    match obj.get(key)? {
        None => Ok(None),
        Some(v) => {
            let p = path.key(key);
            f(p.at(v)).map(Some)
        }
    }
}

/// Reads required member `key` of `obj` (at `path`) with `f`.
pub(super) fn req<'a, T>(
    obj: At<'a>,
    path: &Path,
    key: &str,
    f: impl FnOnce(At<'_>) -> Result<T>,
) -> Result<T> {
    opt(obj, path, key, f)?.ok_or_else(|| path.key(key).err("missing"))
}

/// An array of numbers in `[lo, hi]`, at most `max` long.
pub(super) fn numbers(a: At<'_>, max: usize, lo: f64, hi: f64) -> Result<Vec<f64>> {
    let p = a.path();
    a.array(max)?
        .iter()
        .enumerate()
        .map(|(i, v)| p.index(i).at(v).number(lo, hi))
        .collect()
}

/// A `[lon, lat]` pair.
pub(super) fn coordinates(a: At<'_>) -> Result<[f64; 2]> {
    let p = a.path();
    let xs = a.array(2)?;
    if xs.len() != 2 {
        return Err(a.err("expected [lon, lat]"));
    }
    Ok([
        p.index(0).at(&xs[0]).number(-180.0, 180.0)?,
        p.index(1).at(&xs[1]).number(-90.0, 90.0)?,
    ])
}

/// A `[start, end]` time window with `start <= end`, both in `[0, hi]`.
pub(super) fn window(a: At<'_>, hi: f64) -> Result<[f64; 2]> {
    let p = a.path();
    let xs = a.array(2)?;
    if xs.len() != 2 {
        return Err(a.err("expected [start, end]"));
    }
    let s = p.index(0).at(&xs[0]).number(0.0, hi)?;
    let e = p.index(1).at(&xs[1]).number(0.0, hi)?;
    if s > e {
        return Err(a.err(format!("start {s} is after end {e}")));
    }
    Ok([s, e])
}
