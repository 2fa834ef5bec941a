//! What the integration-test crates share: the default territory, copies of it to corrupt, the
//! `boucle` binary and its output.

#![allow(dead_code, reason = "each test crate uses a part of these helpers")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use boucle::territory::Territory;

pub mod period_synth;
pub mod territory_vrp;

/// The default territory folder (`geodata/` at the repository root).
pub fn geodata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata")
}

/// The default territory, loaded and validated.
pub fn load() -> Territory {
    Territory::load(&geodata()).expect("geodata/ loads without error")
}

/// A copy of the files of geodata/ in a temporary folder, to corrupt or to write into.
pub fn copy_geodata() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(geodata()).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
        }
    }
    dir
}

/// The `boucle` binary of this build, with no territory or geocoder taken from the environment.
pub fn command() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_boucle"));
    c.env_remove("BOUCLE_DATA")
        .env_remove("BOUCLE_GEOCODE_URL")
        .env_remove("BOUCLE_OFFICER_TOKEN");
    c
}

/// Runs `boucle ARGS`.
pub fn boucle(args: &[&str]) -> Output {
    command().args(args).output().expect("boucle runs")
}

/// Runs `boucle ARGS --data DIR`.
pub fn boucle_in(dir: &Path, args: &[&str]) -> Output {
    command()
        .args(args)
        .arg("--data")
        .arg(dir)
        .output()
        .expect("boucle runs")
}

/// The standard output of a run that must have succeeded (the failure shows both outputs).
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The header of the BAN's 23-column address CSV.
pub const BAN_HEADER: &str = "id;id_fantoir;numero;rep;nom_voie;code_postal;code_insee;nom_commune;code_insee_ancienne_commune;nom_ancienne_commune;x;y;lon;lat;type_position;alias;nom_ld;libelle_acheminement;nom_afnor;source_position;source_nom;certification_commune;cad_parcelles";
