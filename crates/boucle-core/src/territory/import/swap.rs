//! An import is all-or-nothing and never silently overwrites the officer's work:
//! - [`guard`]: over an existing folder, refuse to replace measured flows (`estimate = false`)
//!   or manual positions unless forced, and say what would be replaced;
//! - [`stage`]: the new folder is written beside the old one (`.NAME.import-PID`), starting
//!   from links to the old folder's files so that the files the import does not write
//!   (synergy register, road graph, edited vehicle types) are kept;
//! - [`swap`]: two renames put it in place; a run killed before leaves the old folder intact
//!   and a staging folder that the next import removes ([`clean_stale`]).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::territory::files::{read_actors, read_flows};
use crate::territory::{MANIFEST_FILE, Manifest, Precision};

/// The files of `out` (an existing territory folder) whose officer-entered content an import
/// would replace: measured flows and manual positions. Refused unless `force`; with `force`,
/// the same list is returned as notes.
pub fn guard(out: &Path, force: bool) -> Result<Vec<String>> {
    if !out.join(MANIFEST_FILE).is_file() {
        return Ok(Vec::new());
    }
    let files = Manifest::read(&out.join(MANIFEST_FILE))
        .map(|m| m.files)
        .unwrap_or_default();
    let mut replaced = Vec::new();
    let flows = read_flows(&out.join(&files.flows)).records;
    let measured: Vec<String> = flows
        .iter()
        .filter(|f| !f.estimate)
        .map(|f| format!("{}/{}", f.holder, f.material))
        .collect();
    if !measured.is_empty() {
        replaced.push(format!(
            "{} measured flow(s) in {} (estimate = false: {}) would be replaced by demonstration values",
            measured.len(),
            files.flows,
            sample(&measured)
        ));
    }
    let actors = read_actors(&out.join(&files.actors)).records;
    let manual: Vec<String> = actors
        .iter()
        .filter(|a| a.precision == Precision::Manual)
        .map(|a| a.id.clone())
        .collect();
    if !manual.is_empty() {
        replaced.push(format!(
            "{} manual position(s) in {} ({}) would be replaced by commune points",
            manual.len(),
            files.actors,
            sample(&manual)
        ));
    }
    let outlines = out.join(&files.park_outlines);
    if let Ok(features) = crate::io::geojson::read_features(&outlines, "park_id")
        && !features.is_empty()
    {
        let mut ids: Vec<String> = features.iter().filter_map(|f| f.id.clone()).collect();
        ids.dedup();
        replaced.push(format!(
            "{} park outline(s) or CNIG record(s) in {} ({}) would be dropped with the parks \
             rebuilt from the sources (import them again with `boucle parks import-cnig`)",
            features.len(),
            files.park_outlines,
            sample(&ids)
        ));
    }
    if !replaced.is_empty() && !force {
        return Err(Error::Invalid(format!(
            "{} holds data entered by hand: {}; nothing was written (use --force to replace them)",
            out.display(),
            replaced.join("; ")
        )));
    }
    Ok(replaced)
}

fn sample(ids: &[String]) -> String {
    let mut s = ids.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if ids.len() > 5 {
        s.push_str(", …");
    }
    s
}

/// The sibling folder name `.NAME.TAG-PID` of `out`.
fn sibling(out: &Path, tag: &str) -> Result<PathBuf> {
    let name = out
        .file_name()
        .ok_or_else(|| Error::Invalid(format!("{}: not a folder path", out.display())))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Ok(parent.join(format!(
        ".{}.{tag}-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Remove staging and old folders of `out` left by killed imports (their process is gone).
pub fn clean_stale(out: &Path) {
    let (Some(name), Some(parent)) = (out.file_name(), out.parent()) else {
        return;
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = n.strip_prefix(&prefix) else {
            continue;
        };
        let pid = ["import-", "old-"]
            .iter()
            .find_map(|t| rest.strip_prefix(t))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !Path::new("/proc").join(pid.to_string()).exists()
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A new staging folder beside `out`, holding links to (or copies of) the files of `out` when
/// it exists; the import then writes its files there.
pub fn stage(out: &Path) -> Result<PathBuf> {
    clean_stale(out);
    let staging = sibling(out, "import")?;
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    }
    std::fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    if out.is_dir() {
        for e in std::fs::read_dir(out).map_err(|e| Error::io(out, e))? {
            let e = e.map_err(|e| Error::io(out, e))?;
            let name = e.file_name();
            let n = name.to_string_lossy();
            if !e.file_type().is_ok_and(|t| t.is_file())
                || n == crate::territory::lock::LOCK_FILE
                || n.ends_with(".tmp")
            {
                continue;
            }
            let to = staging.join(&name);
            if std::fs::hard_link(e.path(), &to).is_err() {
                std::fs::copy(e.path(), &to).map_err(|err| Error::io(e.path(), err))?;
            }
        }
    }
    Ok(staging)
}

/// Put the staging folder in place of `out`: `out` → `.NAME.old-PID`, staging → `out`, then
/// the old folder is removed.
pub fn swap(staging: &Path, out: &Path) -> Result<()> {
    if out.exists() {
        let old = sibling(out, "old")?;
        std::fs::rename(out, &old).map_err(|e| Error::io(out, e))?;
        if let Err(e) = std::fs::rename(staging, out) {
            let _ = std::fs::rename(&old, out);
            return Err(Error::io(out, e));
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::rename(staging, out).map_err(|e| Error::io(out, e))?;
    }
    Ok(())
}
