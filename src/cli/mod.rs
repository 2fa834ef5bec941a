//! Command implementations for the `boucle` binary: each submodule holds a command's arguments
//! (clap derive) and its `run` function. `main.rs` only parses and dispatches.

use std::path::PathBuf;

pub mod vrp;

/// The `--data DIR` option shared by every command that reads a territory.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArg {
    /// Territory folder (default: ./geodata if present, else the repository's geodata/).
    #[arg(long, value_name = "DIR", env = "BOUCLE_DATA", global = true)]
    pub data: Option<PathBuf>,
}

impl DataArg {
    /// The territory folder to use.
    pub fn resolve(&self) -> PathBuf {
        default_data_dir(self.data.as_deref())
    }
}

/// `explicit` if given, else `./geodata` when it holds a manifest, else the geodata/ folder of
/// the source tree this binary was built from.
pub fn default_data_dir(explicit: Option<&std::path::Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    let local = PathBuf::from("geodata");
    if local.join(crate::territory::MANIFEST_FILE).is_file() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("geodata")
}
pub mod actors;
pub mod flows;
pub mod geocode;
pub mod network;
pub mod parks;
pub mod period;
pub mod planning;
pub mod progress;
pub mod rounds;
pub mod serve;
pub mod territory;
