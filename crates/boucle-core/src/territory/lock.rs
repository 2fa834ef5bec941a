//! Serialised writers of a territory folder: an advisory exclusive lock on
//! [`LOCK_FILE`] in the folder, held around each read-modify-write (`actors set-position`,
//! `actors import-sirene`, `geocode actors`, `synergies record`, an import over the folder).
//! Two writers of different records both keep their update: the second reads after the first
//! has written. Readers do not lock (every write is atomic: temp file, then rename).
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows): it is
//! released when the process ends, even when killed, so a crash never leaves the folder locked.

use std::fs::{File, OpenOptions};
use std::path::Path;

use crate::error::{Error, Result};

/// Name of the lock file in a territory folder.
pub const LOCK_FILE: &str = ".boucle.lock";

/// An exclusive lock on a territory folder, released on drop.
#[derive(Debug)]
pub struct TerritoryLock {
    file: File,
}

impl TerritoryLock {
    /// Wait for and take the exclusive lock of the folder `dir` (creating the lock file), and
    /// remove temporary files a killed writer left there ([`clean_stale_temp_files`]).
    pub fn acquire(dir: &Path) -> Result<TerritoryLock> {
        let path = dir.join(LOCK_FILE);
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        file.lock().map_err(|e| Error::io(&path, e))?;
        clean_stale_temp_files(dir);
        Ok(TerritoryLock { file })
    }
}

impl Drop for TerritoryLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// Remove the temporary files of atomic writes (`.NAME.PID.tmp`) whose writer process is gone.
/// Called with the folder's lock held, so no live writer of this folder is mid-write; a file
/// of a live process (another folder's writer sharing the name pattern cannot be here) is kept.
/// Returns the names removed.
pub fn clean_stale_temp_files(dir: &Path) -> Vec<String> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = temp_file_pid(&name) else {
            continue;
        };
        if pid != std::process::id()
            && !process_alive(pid)
            && std::fs::remove_file(e.path()).is_ok()
        {
            removed.push(name);
        }
    }
    removed
}

/// The writer's process id in a temporary file name `.NAME.PID.tmp`.
fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, pid) = rest.rsplit_once('.')?;
    pid.parse().ok()
}

/// Whether a process with this id runs (Linux: `/proc/PID`; elsewhere assumed gone, since the
/// folder's lock is held and only writers of this folder create these files).
fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.is_dir() && proc.join(pid.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_parse() {
        assert_eq!(temp_file_pid(".actors.csv.1234.tmp"), Some(1234));
        assert_eq!(temp_file_pid("actors.csv"), None);
        assert_eq!(temp_file_pid(".x.tmp"), None);
    }

    #[test]
    fn stale_temp_files_of_dead_writers_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        // No process has id u32::MAX - 1 (above Linux's pid_max).
        let stale = format!(".actors.csv.{}.tmp", u32::MAX - 1);
        let live = format!(".flows.csv.{}.tmp", std::process::id());
        std::fs::write(dir.path().join(&stale), "x").unwrap();
        std::fs::write(dir.path().join(&live), "x").unwrap();
        std::fs::write(dir.path().join("actors.csv"), "x").unwrap();
        let _l = TerritoryLock::acquire(dir.path()).unwrap();
        assert!(!dir.path().join(&stale).exists());
        assert!(dir.path().join(&live).exists());
        assert!(dir.path().join("actors.csv").exists());
    }

    #[test]
    fn second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let l = TerritoryLock::acquire(dir.path()).unwrap();
        let f = File::open(dir.path().join(LOCK_FILE)).unwrap();
        assert!(f.try_lock().is_err(), "the folder is locked");
        drop(l);
        assert!(f.try_lock().is_ok(), "released on drop");
    }
}
