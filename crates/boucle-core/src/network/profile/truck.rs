//! The truck profile (the default): which OpenStreetMap ways a collection truck may drive, in
//! which directions, and at what speed.
//!
//! Rules (documented defaults, all in one place):
//! - kept `highway` values: motorway, trunk, primary, secondary, tertiary (and their `_link`),
//!   unclassified, residential, living_street, service, road; `area=yes` is dropped;
//! - access, most specific tag first: `hgv`, `goods`, `motor_vehicle`, `vehicle`, `access`.
//!   `no`, `private`, `agricultural`, `forestry`, `emergency`, `military`, `psv`, `bus`,
//!   `customers`… forbid; `yes`, `designated`, `permissive`, `destination`, `delivery` allow;
//! - direction: `oneway=yes|true|1` forward, `oneway=-1|reverse` backward, `oneway=no` both;
//!   `junction=roundabout|circular` and `highway=motorway` imply forward-only;
//! - speed: the legal limit `maxspeed` (`maxspeed:hgv` when lower), numbers in km/h or mph,
//!   French/German implicit values (`FR:urban` 50, `FR:rural` 80, `FR:motorway` 130,
//!   `*:zone30`, `walk` 6), capped by the truck's legal limit (motorway 90, other roads 80,
//!   in town 50), times [`SPEED_FACTOR`] (traffic is slower than the sign); without `maxspeed`,
//!   a default per highway type, lower in town (see [`default_speed_kmh`]);
//! - urban vs rural: `maxspeed` or `source:maxspeed` / `zone:maxspeed` / `maxspeed:type`
//!   values containing `urban` / `zone` / `rural`; otherwise residential and living streets are
//!   urban and other classes rural;
//! - `destination` and `delivery` on the deciding access tag make the way local: a truck uses
//!   it only to reach or leave a place on it (first or last leg; see
//!   [`crate::network::turns`]);
//! - `maxweight` (`maxweight:hgv` first, tonnes), `maxheight` (metres), `maxlength`
//!   (`maxlength:hgv` first, metres) and `maxaxleload` (tonnes) are recorded on edges; a vehicle
//!   whose size is given avoids the edges whose limits it breaks
//!   (the network's vehicle module);
//! - time penalties added at graph build ([`crate::network::build::BuildOptions`]): 8 s per
//!   traffic light (`highway=traffic_signals` node, an estimate of the mean wait over green and
//!   red); 2 s per stop sign and 1 s per give-way sign (`highway=stop|give_way` nodes, OSRM
//!   car.lua's values, both directions);
//! - turns ([`crate::network::turns`]): `restriction:hgv` then `restriction` relations,
//!   `except=hgv` honoured; turn costs from OSRM car.lua's turn function (no truck-specific
//!   figures are published; a truck turns no faster than a car, so these are a lower bound).

use super::{HighwayClass, WayProfile, parse_height_m, parse_maxspeed_kmh, parse_weight_t};

/// Traffic moves slower than the legal limit: effective speed = limit × this factor.
pub const SPEED_FACTOR: f32 = 0.8;

/// Default travel speed in km/h for a road class when `maxspeed` is absent (truck, free flow).
pub fn default_speed_kmh(class: HighwayClass, urban: bool) -> f32 {
    use HighwayClass::*;
    match (class, urban) {
        (Motorway, _) => 85.0,
        (MotorwayLink, _) => 45.0,
        (Trunk, false) => 75.0,
        (Trunk, true) => 45.0,
        (TrunkLink, _) => 40.0,
        (Primary, false) => 65.0,
        (Primary, true) => 35.0,
        (PrimaryLink, _) => 30.0,
        (Secondary, false) => 55.0,
        (Secondary, true) => 32.0,
        (SecondaryLink, _) => 25.0,
        (Tertiary, false) => 45.0,
        (Tertiary, true) => 30.0,
        (TertiaryLink, _) => 20.0,
        (Unclassified, false) => 35.0,
        (Unclassified, true) => 25.0,
        (Residential, _) => 22.0,
        (LivingStreet, _) => 10.0,
        (Service, _) => 12.0,
    }
}

fn access_allows(v: &str) -> Option<bool> {
    match v {
        "yes" | "designated" | "permissive" | "destination" | "delivery" | "official" => Some(true),
        "no"
        | "private"
        | "agricultural"
        | "forestry"
        | "emergency"
        | "military"
        | "psv"
        | "bus"
        | "customers"
        | "discouraged"
        | "agricultural;forestry" => Some(false),
        _ => None,
    }
}

/// For a node: `Some(true)` when its access tag (first of `hgv`, `goods`, `motor_vehicle`,
/// `vehicle`, `access` with a known value) forbids trucks, `Some(false)` when it allows them,
/// `None` without such a tag.
pub fn node_access_blocks<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Option<bool> {
    for key in ["hgv", "goods", "motor_vehicle", "vehicle", "access"] {
        if let Some(ok) = get(key).and_then(access_allows) {
            return Some(!ok);
        }
    }
    None
}

/// The truck profile of a way from its tags (`get(key)` returns a tag's value), or `None` when
/// a truck may not use it.
pub fn way_profile<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<WayProfile> {
    let class = HighwayClass::parse(get("highway")?)?;
    if get("area") == Some("yes") {
        return None;
    }
    if matches!(get("service"), Some("emergency_access")) {
        return None;
    }
    let mut local = false;
    for key in ["hgv", "goods", "motor_vehicle", "vehicle", "access"] {
        if let Some(v) = get(key)
            && let Some(ok) = access_allows(v)
        {
            if !ok {
                return None;
            }
            local = matches!(v, "destination" | "delivery");
            break;
        }
    }
    let implied_oneway = class == HighwayClass::Motorway
        || matches!(get("junction"), Some("roundabout" | "circular"));
    let (forward, backward) = match get("oneway") {
        Some("yes" | "true" | "1") => (true, false),
        Some("-1" | "reverse") => (false, true),
        Some("no" | "false" | "0") => (true, true),
        _ => (true, !implied_oneway),
    };
    let urban = is_urban(&get, class);
    let limit = get("maxspeed").and_then(parse_maxspeed_kmh);
    let limit_hgv = get("maxspeed:hgv").and_then(parse_maxspeed_kmh);
    let limit = match (limit, limit_hgv) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let speed_kmh = match limit {
        Some(l) => {
            let cap = match class {
                HighwayClass::Motorway | HighwayClass::Trunk if !urban => 90.0,
                _ if urban => 50.0,
                _ => 80.0,
            };
            (l.min(cap) * SPEED_FACTOR).max(5.0)
        }
        None => default_speed_kmh(class, urban),
    };
    Some(WayProfile {
        class,
        forward,
        backward,
        speed_kmh,
        speed_bwd_kmh: speed_kmh,
        restricted_fwd: local,
        restricted_bwd: local,
        roundabout: matches!(get("junction"), Some("roundabout" | "circular")),
        maxweight_t: get("maxweight:hgv")
            .or_else(|| get("maxweight"))
            .and_then(parse_weight_t),
        maxheight_m: get("maxheight:hgv")
            .or_else(|| get("maxheight"))
            .and_then(parse_height_m),
        maxlength_m: get("maxlength:hgv")
            .or_else(|| get("maxlength"))
            .and_then(parse_height_m),
        maxaxleload_t: get("maxaxleload:hgv")
            .or_else(|| get("maxaxleload"))
            .and_then(parse_weight_t),
    })
}

fn is_urban<'a>(get: &impl Fn(&str) -> Option<&'a str>, class: HighwayClass) -> bool {
    for key in [
        "maxspeed",
        "source:maxspeed",
        "zone:maxspeed",
        "maxspeed:type",
    ] {
        if let Some(v) = get(key) {
            let v = v.to_ascii_lowercase();
            if v.contains("urban") || v.contains("zone") || v.contains("living_street") {
                return true;
            }
            if v.contains("rural") || v.contains("motorway") || v.contains("trunk") {
                return false;
            }
        }
    }
    matches!(
        class,
        HighwayClass::Residential | HighwayClass::LivingStreet
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(tags: &[(&str, &str)]) -> Option<WayProfile> {
        way_profile(|k| tags.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v))
    }

    #[test]
    fn access_and_direction() {
        assert!(profile(&[("highway", "footway")]).is_none());
        assert!(profile(&[("highway", "residential"), ("access", "no")]).is_none());
        assert!(profile(&[("highway", "residential"), ("hgv", "no")]).is_none());
        // The most specific tag wins.
        assert!(profile(&[("highway", "service"), ("access", "no"), ("hgv", "yes")]).is_some());
        let p = profile(&[("highway", "primary"), ("oneway", "-1")]).unwrap();
        assert!(!p.forward && p.backward);
        let p = profile(&[("highway", "primary"), ("junction", "roundabout")]).unwrap();
        assert!(p.forward && !p.backward);
        let p = profile(&[("highway", "motorway")]).unwrap();
        assert!(p.forward && !p.backward);
    }

    #[test]
    fn speeds() {
        assert_eq!(parse_maxspeed_kmh("50"), Some(50.0));
        assert_eq!(parse_maxspeed_kmh("FR:urban"), Some(50.0));
        assert_eq!(parse_maxspeed_kmh("DE:zone:30"), Some(30.0));
        assert_eq!(parse_maxspeed_kmh("FR:zone30"), Some(30.0));
        assert!((parse_maxspeed_kmh("30 mph").unwrap() - 48.28).abs() < 0.01);
        assert_eq!(parse_maxspeed_kmh("signals"), None);
        let p = profile(&[("highway", "primary"), ("maxspeed", "70")]).unwrap();
        assert!((p.speed_kmh - 70.0 * SPEED_FACTOR).abs() < 1e-4);
        let p = profile(&[("highway", "motorway"), ("maxspeed", "130")]).unwrap();
        assert!((p.speed_kmh - 90.0 * SPEED_FACTOR).abs() < 1e-4);
        assert_eq!(parse_weight_t("3500 kg"), Some(3.5));
        assert_eq!(parse_height_m("3.5 m"), Some(3.5));
    }
}
