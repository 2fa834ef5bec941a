//! The territory manifest (`territory.toml`): name, files, default parameters, and the
//! per-material defaults of collection rounds.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, InputError, Location, Result};

/// Accepted values of `min_contributors` in territory.toml.
pub const MIN_CONTRIBUTORS_RANGE: std::ops::RangeInclusive<usize> = 2..=1000;

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
    /// Fewest contributors (companies) behind a figure published without the officer's token
    /// (`min_contributors`, at least 2; default [`super::MIN_CONTRIBUTORS`]). See
    /// [`crate::disclosure`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_contributors: Option<usize>,
    /// The web viewer's settings (`[viewer]`: its base maps).
    #[serde(default, skip_serializing_if = "Viewer::is_default")]
    pub viewer: Viewer,
    /// Line of each `key = value` setting in the file, by dotted path (e.g.
    /// `defaults.rounds.pallets.vehicle`), for error messages.
    #[serde(skip)]
    pub lines: BTreeMap<String, u64>,
}

/// Most base maps a territory may offer in the viewer's switcher.
pub const MAX_BASE_MAPS: usize = 10;

/// The web viewer's settings (`[viewer]` in territory.toml).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Viewer {
    /// Base maps offered by the switcher, first shown first (`[[viewer.base_maps]]`); empty:
    /// Plan IGN (Géoplateforme) and OpenStreetMap.
    pub base_maps: Vec<BaseMap>,
}

impl Viewer {
    fn is_default(&self) -> bool {
        self == &Viewer::default()
    }
}

/// One base map of the viewer: an XYZ tile URL (`{z}`, `{x}`, `{y}`), e.g. a WMTS in
/// Google-Maps tiling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseMap {
    /// Short id (`plan_ign`, `osm`), kept in the viewer's links.
    pub id: String,
    /// Name shown in the switcher (French).
    pub label: String,
    /// Tile URL template with `{z}`, `{x}` and `{y}` (http or https).
    pub url: String,
    /// Attribution shown on the map.
    pub attribution: String,
    /// Highest zoom level served (0–22; default 19).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_zoom: Option<u8>,
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
    /// Vehicle types for collection rounds (CSV, see [`super::Vehicle`]).
    pub vehicles: String,
    /// Fuel consumption and emission factors per vehicle class (CSV, see
    /// [`super::EmissionFactor`]).
    pub emission_factors: String,
    /// The officer's week: opening hours, service times, containers, access (CSV, optional,
    /// see [`super::schedules`]).
    pub schedules: String,
    /// Outlines of the business parks and their CNIG records (GeoJSON, optional: absent means
    /// no outline), see [`super::cnig`].
    pub park_outlines: String,
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
            schedules: super::schedules::SCHEDULES_FILE.into(),
            park_outlines: "parks.geojson".into(),
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
    /// Per-material defaults for rounds (vehicle, treatment site…), keyed by material slug
    /// (`[defaults.rounds.<material>]`).
    pub rounds: BTreeMap<String, RoundsDefaults>,
}

/// The defaults of collection rounds for one material (`[defaults.rounds.<material>]`). Each
/// id is checked with the territory: a setting naming a missing vehicle, site or actor is an
/// error, never a silent fallback.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundsDefaults {
    /// Treatment site where the rounds unload: a site id, an actor id or `LON,LAT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treatment_site: Option<String>,
    /// Depot where the rounds start and end: a site id, an actor id or `LON,LAT` (default: the
    /// treatment site).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depot: Option<String>,
    /// Vehicle type id (`vehicles.csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<String>,
    /// Service time at each stop, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_min: Option<f64>,
    /// Unloading time at the treatment site, minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unload_min: Option<f64>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            park_max_distance_m: 5000.0,
            circuity: 1.3,
            speed_kmh: 50.0,
            rounds: BTreeMap::new(),
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
        let mut m: Manifest = toml::from_str(text).map_err(|e| -> Error {
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
        })?;
        m.lines = setting_lines(text);
        if let Some(k) = m.min_contributors
            && !(MIN_CONTRIBUTORS_RANGE).contains(&k)
        {
            return Err(InputError::new(
                path,
                m.location_of("min_contributors"),
                Some("min_contributors"),
                format!(
                    "min_contributors must be between {} and {}, got {k} (below 2 a published figure is one company's own)",
                    MIN_CONTRIBUTORS_RANGE.start(),
                    MIN_CONTRIBUTORS_RANGE.end()
                ),
            )
            .into());
        }
        m.check_defaults(path)?;
        m.check_viewer(path)?;
        Ok(m)
    }

    /// The viewer's base maps are few, named, and tile URLs the browser can fetch.
    fn check_viewer(&self, path: &Path) -> Result<()> {
        let maps = &self.viewer.base_maps;
        let err = |field: &str, msg: String| -> Error {
            InputError::new(path, self.location_of("viewer.base_maps"), Some(field), msg).into()
        };
        if maps.len() > MAX_BASE_MAPS {
            return Err(err(
                "viewer.base_maps",
                format!("at most {MAX_BASE_MAPS} base maps, got {}", maps.len()),
            ));
        }
        for (i, b) in maps.iter().enumerate() {
            let ok_id = !b.id.is_empty()
                && b.id.len() <= 40
                && b.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !ok_id || maps[..i].iter().any(|o| o.id == b.id) {
                return Err(err(
                    "viewer.base_maps.id",
                    format!(
                        "base map {}: id {:?} must be unique, 1–40 letters, digits, '_' or '-'",
                        i + 1,
                        b.id
                    ),
                ));
            }
            if b.label.trim().is_empty() || b.label.len() > 100 || b.attribution.len() > 500 {
                return Err(err(
                    "viewer.base_maps.label",
                    format!(
                        "base map {:?}: label 1–100 characters, attribution at most 500",
                        b.id
                    ),
                ));
            }
            let scheme = b.url.starts_with("https://") || b.url.starts_with("http://");
            if !scheme
                || b.url.len() > 1000
                || !["{z}", "{x}", "{y}"].iter().all(|k| b.url.contains(k))
            {
                return Err(err(
                    "viewer.base_maps.url",
                    format!(
                        "base map {:?}: url must be http(s) with {{z}}, {{x}} and {{y}}, got {:?}",
                        b.id, b.url
                    ),
                ));
            }
            if b.max_zoom.is_some_and(|z| z > 22) {
                return Err(err(
                    "viewer.base_maps.max_zoom",
                    format!("base map {:?}: max_zoom must be 0–22", b.id),
                ));
            }
        }
        Ok(())
    }

    /// The default parameters are within their documented ranges ([`crate::limits`]): a
    /// circuity below 1 (or NaN) would make negative or meaningless kilometres and CO2e.
    fn check_defaults(&self, path: &Path) -> Result<()> {
        use crate::limits::*;
        let d = &self.defaults;
        for (key, r) in [
            (
                "defaults.circuity",
                in_range(d.circuity, CIRCUITY.0, CIRCUITY.1),
            ),
            (
                "defaults.speed_kmh",
                in_range(d.speed_kmh, SPEED_KMH.0, SPEED_KMH.1),
            ),
            (
                "defaults.park_max_distance_m",
                in_range(d.park_max_distance_m, 0.0, MAX_PARK_DISTANCE_M),
            ),
        ] {
            if let Err(m) = r {
                return Err(InputError::new(path, self.location_of(key), Some(key), m).into());
            }
        }
        Ok(())
    }

    /// The location of the setting at the dotted `key` (its line when the manifest was read
    /// from a file).
    pub fn location_of(&self, key: &str) -> Location {
        self.lines
            .get(key)
            .map_or(Location::File, |&l| Location::Line(l))
    }

    /// Serialise as TOML.
    pub fn to_toml(&self) -> Result<String> {
        toml::to_string_pretty(self).map_err(|e| Error::Invalid(format!("manifest encoding: {e}")))
    }
}

/// The line of each `key = value` under its `[table]` header, by dotted path (plain keys and
/// headers only: enough to point at a setting in an error message).
fn setting_lines(text: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let mut table = String::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(h) = l.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            table = h.trim().to_owned();
        } else if let Some((k, _)) = l.split_once('=')
            && !l.starts_with('#')
        {
            let k = k.trim().trim_matches('"');
            let key = if table.is_empty() {
                k.to_owned()
            } else {
                format!("{table}.{k}")
            };
            out.entry(key).or_insert(i as u64 + 1);
        }
    }
    out
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

    #[test]
    fn rounds_defaults_are_typed_and_located() {
        let text = "name = \"X\"\n[defaults.rounds.pallets]\nvehicle = \"van\"\nservice_min = 10\n";
        let m = Manifest::parse(Path::new("t.toml"), text).unwrap();
        let d = &m.defaults.rounds["pallets"];
        assert_eq!(d.vehicle.as_deref(), Some("van"));
        assert_eq!(d.service_min, Some(10.0));
        assert_eq!(
            m.location_of("defaults.rounds.pallets.vehicle"),
            Location::Line(3)
        );
        let again = Manifest::parse(Path::new("t.toml"), &m.to_toml().unwrap()).unwrap();
        assert_eq!(again.defaults.rounds, m.defaults.rounds);
        let e = Manifest::parse(
            Path::new("t.toml"),
            "name = \"X\"\n[defaults.rounds.pallets]\nvehicule = \"van\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 3") && e.contains("vehicule"), "{e}");
    }
}
