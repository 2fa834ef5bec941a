//! The territory manifest (`territory.toml`): name, files, default parameters.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError, Location, Result};

/// The manifest of a territory folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Display name, e.g. "Pays Thur Doller".
    pub name: String,
    /// Short description.
    #[serde(default)]
    pub description: String,
    /// Population vintage and other notes on the figures.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Data files, relative to the folder.
    #[serde(default)]
    pub files: Files,
    /// Default parameters of computations.
    #[serde(default)]
    pub defaults: Defaults,
}

/// File names of a territory folder.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Files {
    /// Commune boundaries (GeoJSON).
    pub communes: String,
    /// Intercommunality outlines (GeoJSON).
    pub epci: String,
    /// The territory's outline (GeoJSON).
    pub outline: String,
    /// Business parks (CSV).
    pub parks: String,
    /// Treatment and reuse sites (CSV).
    pub sites: String,
    /// Companies and organisations (CSV).
    pub actors: String,
    /// Material flows (CSV).
    pub flows: String,
    /// Materials vocabulary (CSV).
    pub materials: String,
    /// Vehicle types for collection rounds (CSV, see [`crate::rounds::scenario::Vehicle`]).
    pub vehicles: String,
    /// Fuel consumption and emission factors per vehicle class (CSV, see
    /// [`crate::rounds::scenario::EmissionFactor`]).
    pub emission_factors: String,
}

impl Default for Files {
    fn default() -> Self {
        Files {
            communes: "communes.geojson".into(),
            epci: "epci.geojson".into(),
            outline: "territory.geojson".into(),
            parks: "parks.csv".into(),
            sites: "sites.csv".into(),
            actors: "actors.csv".into(),
            flows: "flows.csv".into(),
            materials: "materials.csv".into(),
            vehicles: "vehicles.csv".into(),
            emission_factors: "emission_factors.csv".into(),
        }
    }
}

/// Default parameters.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Defaults {
    /// Largest distance (m) at which a point is attached to its nearest business park.
    pub park_max_distance_m: f64,
    /// Circuity factor of the crow-flies fallback (road km / great-circle km).
    pub circuity: f64,
    /// Mean speed (km/h) of the crow-flies fallback.
    pub speed_kmh: f64,
    /// Per-material defaults for rounds (vehicle, treatment site…), keyed by material slug.
    pub rounds: toml::Table,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            park_max_distance_m: 5000.0,
            circuity: 1.3,
            speed_kmh: 50.0,
            rounds: toml::Table::new(),
        }
    }
}

impl Manifest {
    /// Read and parse `path`.
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Self::parse(path, &text)
    }

    /// Parse manifest text as if read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest> {
        toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() as u64 + 1);
            InputError::new(
                path,
                line.map(Location::Line).unwrap_or(Location::File),
                None,
                e.message().to_owned(),
            )
            .into()
        })
    }

    /// Serialise as TOML.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(|e| Error::Invalid(format!("manifest encoding: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_its_line() {
        let e = Manifest::parse(
            Path::new("territory.toml"),
            "name = \"X\"\n[files]\ncomunes = \"a\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("territory.toml, line 3:"), "{e}");
        assert!(e.contains("comunes"), "{e}");
    }

    #[test]
    fn round_trips() {
        let m = Manifest::parse(Path::new("t.toml"), "name = \"X\"\n").unwrap();
        assert_eq!(m.files.communes, "communes.geojson");
        let again = Manifest::parse(Path::new("t.toml"), &m.to_toml().unwrap()).unwrap();
        assert_eq!(again.name, "X");
    }
}
