//! Placing an actor by hand: the one write shared by `boucle actors set-position` and
//! `POST /api/actors/{id}/position`.

use std::path::Path;

use anyhow::Context;
use geo::Point;

use crate::territory::{Precision, Territory};

/// What [`set_actor_position`] changed.
#[derive(Debug, Clone)]
pub struct PositionSet {
    /// The actor's former position (lon, lat), if it had one.
    pub previous: Option<(f64, f64)>,
    /// Its former precision (`commune`, `unknown`…).
    pub previous_precision: String,
    /// Where the point falls against the territory's communes, when it is odd (outside them, or
    /// in another commune than the declared one).
    pub warning: Option<String>,
}

/// Place actor `id` of the territory folder `dir` at (lon, lat) with `precision = manual`:
/// range-checked (WGS84 degrees, within the territory's box give or take
/// [`crate::limits::MAX_KM_OUTSIDE_TERRITORY`]), under the folder's lock, `actors.csv` written
/// atomically. Shared by `boucle actors set-position` and `POST /api/actors/{id}/position`.
pub fn set_actor_position(dir: &Path, id: &str, lon: f64, lat: f64) -> anyhow::Result<PositionSet> {
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        anyhow::bail!(
            "invalid position lon {lon} lat {lat}: longitude in [-180, 180], latitude in [-90, 90] \
             (WGS84 degrees, longitude first)"
        );
    }
    let _lock = crate::territory::lock::TerritoryLock::acquire(dir)?;
    let t = Territory::load(dir)
        .with_context(|| format!("loading the territory in {}", dir.display()))?;
    let outside = t.km_outside_box(Point::new(lon, lat));
    if !t.communes.is_empty() && outside > crate::limits::MAX_KM_OUTSIDE_TERRITORY {
        anyhow::bail!(
            "position lon {lon} lat {lat} is {outside:.0} km outside the territory's box (more than {} km): longitude and latitude swapped? (WGS84 degrees, longitude first)",
            crate::limits::MAX_KM_OUTSIDE_TERRITORY
        );
    }
    let mut actors = t.actors.clone();
    let Some(actor) = actors.iter_mut().find(|x| x.id == id) else {
        anyhow::bail!("no actor with id {id:?} in {}", dir.display());
    };
    let previous = actor.position.map(|p| (p.x(), p.y()));
    let previous_precision = actor.precision.as_str().to_owned();
    actor.position = Some(Point::new(lon, lat));
    actor.precision = Precision::Manual;
    actor.score = None;
    let spatial = crate::spatial::SpatialIndex::new(&t);
    let at = spatial.commune_at(lon, lat).map(|c| c.insee.clone());
    let warning = match (&at, &actor.insee) {
        (None, _) => Some("the point lies outside the territory's communes".to_owned()),
        (Some(c), Some(d)) if c != d => Some(format!(
            "the point lies in commune {c}, not in the actor's declared commune {d}"
        )),
        _ => None,
    };
    crate::territory::write_actors(dir, &actors)?;
    Ok(PositionSet {
        previous,
        previous_precision,
        warning,
    })
}
