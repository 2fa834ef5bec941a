//! The server's travel context: the road graph loaded once, shared by every request, and
//! loaded again when the graph file changes (its modification time or size), so that a new
//! `boucle network import` is served without a restart.
//!
//! Each request takes the current context ([`SharedTravel::current`]): one `stat` of the graph
//! file, then an `Arc` clone. A request that started on the old graph finishes on it; the next
//! one gets the new graph. A graph file that cannot be read when it changes keeps the context
//! that was loaded (and says so in the log) rather than failing every request.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use super::{Travel, crow_flies_of};
use crate::error::Result;
use crate::network::{CrowFlies, GRAPH_FILE, RouterOptions, open_router_with};
use crate::territory::Territory;

/// What identifies one version of the graph file: (modification time, size), `None` without a
/// file.
type Stamp = Option<(SystemTime, u64)>;

fn stamp_of(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    if !m.is_file() {
        return None;
    }
    Some((m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()))
}

struct Loaded {
    travel: Arc<Travel>,
    stamp: Stamp,
}

/// A territory's travel context loaded once and reloaded when `network.graph` changes.
pub struct SharedTravel {
    /// The territory folder (empty: never reloaded).
    dir: PathBuf,
    crow_flies: CrowFlies,
    loaded: RwLock<Loaded>,
    loads: AtomicU64,
}

impl std::fmt::Debug for SharedTravel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedTravel")
            .field("dir", &self.dir)
            .field("loads", &self.loads())
            .finish()
    }
}

fn open(dir: &Path, crow_flies: CrowFlies) -> Result<Travel> {
    let router = open_router_with(
        dir,
        &RouterOptions {
            crow_flies,
            ..RouterOptions::default()
        },
    )?;
    Ok(Travel::from_router(
        router,
        crow_flies,
        dir.join(GRAPH_FILE),
    ))
}

impl SharedTravel {
    /// Load the travel context of territory `t` (its road graph if any). A graph file that
    /// cannot be read is an error.
    pub fn for_territory(t: &Territory) -> Result<SharedTravel> {
        let crow_flies = crow_flies_of(t);
        let stamp = stamp_of(&t.dir.join(GRAPH_FILE));
        let travel = open(&t.dir, crow_flies)?;
        Ok(SharedTravel {
            dir: t.dir.clone(),
            crow_flies,
            loaded: RwLock::new(Loaded {
                travel: Arc::new(travel),
                stamp,
            }),
            loads: AtomicU64::new(1),
        })
    }

    /// A context that never reloads, over `travel` (tests, a router the caller built).
    pub fn fixed(travel: Travel) -> SharedTravel {
        SharedTravel {
            dir: PathBuf::new(),
            crow_flies: travel.crow_flies(),
            loaded: RwLock::new(Loaded {
                travel: Arc::new(travel),
                stamp: None,
            }),
            loads: AtomicU64::new(1),
        }
    }

    /// How many times a graph was loaded (1 at start, +1 per reload): the generation of the
    /// current context, for caches of answers computed on it.
    pub fn loads(&self) -> u64 {
        self.loads.load(Ordering::SeqCst)
    }

    /// The current context: loaded again first if the graph file changed since it was loaded
    /// (a changed file that cannot be read keeps the previous context, logged, until it
    /// changes again).
    pub fn current(&self) -> Arc<Travel> {
        if self.dir.as_os_str().is_empty() {
            return self.read().travel.clone();
        }
        let path = self.dir.join(GRAPH_FILE);
        {
            let l = self.read();
            if l.stamp == stamp_of(&path) {
                return l.travel.clone();
            }
        }
        let mut l = self.loaded.write().unwrap_or_else(|e| e.into_inner());
        // Another request may have loaded it meanwhile.
        let now = stamp_of(&path);
        if l.stamp == now {
            return l.travel.clone();
        }
        match open(&self.dir, self.crow_flies) {
            Ok(t) => {
                tracing::info!(graph = %path.display(), "road graph changed: loaded again");
                l.travel = Arc::new(t);
                self.loads.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => {
                tracing::warn!(graph = %path.display(), error = %e,
                    "road graph changed but cannot be read: the previous one is kept");
            }
        }
        l.stamp = now;
        l.travel.clone()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Loaded> {
        self.loaded.read().unwrap_or_else(|e| e.into_inner())
    }
}
