//! Routing profiles ([`Profile`]): the truck profile (the default, defined here) and the car
//! profile ([`super::car`], OSRM's car.lua in Rust, for comparisons). This module holds the
//! truck's rules: which OpenStreetMap ways a collection truck may drive, in which directions,
//! and at what speed.
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
//! - `maxweight` (tonnes) and `maxheight` (metres) are recorded on edges, not enforced;
//! - time penalties added at graph build ([`super::build::BuildOptions`]): 8 s per traffic light
//!   (`highway=traffic_signals` node, an estimate of the mean wait over green and red); 2 s per
//!   stop sign and 1 s per give-way sign (`highway=stop|give_way` nodes, OSRM car.lua's values,
//!   both directions);
//! - turns ([`super::turns`]): `restriction:hgv` then `restriction` relations, `except=hgv`
//!   honoured; turn costs from OSRM car.lua's turn function (no truck-specific figures are
//!   published; a truck turns no faster than a car, so these are a lower bound).

/// A routing profile, chosen at import and recorded in the graph file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// A collection truck (the default): `hgv` access, truck speed limits, `restriction:hgv`.
    #[default]
    Truck,
    /// A car, following OSRM's car.lua (see [`super::car`]).
    Car,
}

impl Profile {
    /// The profile's name (`truck`, `car`).
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Truck => "truck",
            Profile::Car => "car",
        }
    }

    /// Parse `truck` or `car`.
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "truck" => Some(Profile::Truck),
            "car" => Some(Profile::Car),
            _ => None,
        }
    }

    /// The profile of a way from its tags, or `None` when the vehicle may not use it.
    pub fn way<'a>(self, get: impl Fn(&str) -> Option<&'a str>) -> Option<WayProfile> {
        match self {
            Profile::Truck => way_profile(get),
            Profile::Car => super::car::car_way_profile(get),
        }
    }

    /// The `restriction:*` key specific to this vehicle (read before plain `restriction`).
    pub fn restriction_key(self) -> &'static str {
        match self {
            Profile::Truck => "restriction:hgv",
            Profile::Car => "restriction:motorcar",
        }
    }

    /// Values of a restriction's `except` tag that exempt this vehicle.
    pub fn exempt_by(self, except: &str) -> bool {
        except.split(';').map(str::trim).any(|x| match self {
            Profile::Truck => matches!(x, "hgv" | "goods" | "motor_vehicle" | "vehicle"),
            Profile::Car => matches!(x, "motorcar" | "motor_vehicle" | "vehicle"),
        })
    }
}

/// Traffic moves slower than the legal limit: effective speed = limit × this factor.
pub const SPEED_FACTOR: f32 = 0.8;

/// Road class, from the `highway` tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HighwayClass {
    /// `motorway`.
    Motorway,
    /// `motorway_link`.
    MotorwayLink,
    /// `trunk`.
    Trunk,
    /// `trunk_link`.
    TrunkLink,
    /// `primary`.
    Primary,
    /// `primary_link`.
    PrimaryLink,
    /// `secondary`.
    Secondary,
    /// `secondary_link`.
    SecondaryLink,
    /// `tertiary`.
    Tertiary,
    /// `tertiary_link`.
    TertiaryLink,
    /// `unclassified` or `road`.
    Unclassified,
    /// `residential`.
    Residential,
    /// `living_street`.
    LivingStreet,
    /// `service`.
    Service,
}

impl HighwayClass {
    /// The class of a `highway` value, `None` for roads a truck does not use.
    pub fn parse(v: &str) -> Option<HighwayClass> {
        use HighwayClass::*;
        Some(match v {
            "motorway" => Motorway,
            "motorway_link" => MotorwayLink,
            "trunk" => Trunk,
            "trunk_link" => TrunkLink,
            "primary" => Primary,
            "primary_link" => PrimaryLink,
            "secondary" => Secondary,
            "secondary_link" => SecondaryLink,
            "tertiary" => Tertiary,
            "tertiary_link" => TertiaryLink,
            "unclassified" | "road" => Unclassified,
            "residential" => Residential,
            "living_street" => LivingStreet,
            "service" => Service,
            _ => return None,
        })
    }
}

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

/// What a profile keeps of a way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayProfile {
    /// Road class.
    pub class: HighwayClass,
    /// Drivable in the way's direction (first node → last node).
    pub forward: bool,
    /// Drivable against the way's direction.
    pub backward: bool,
    /// Effective travel speed in the way's direction, km/h.
    pub speed_kmh: f32,
    /// Effective travel speed against the way's direction, km/h.
    pub speed_bwd_kmh: f32,
    /// In the way's direction, access is for local traffic only (destination, private…):
    /// entering it from an unrestricted road is penalised (car profile).
    pub restricted_fwd: bool,
    /// Against the way's direction, access is for local traffic only.
    pub restricted_bwd: bool,
    /// Part of a roundabout (`junction=roundabout|circular`).
    pub roundabout: bool,
    /// Legal weight limit in tonnes, if any.
    pub maxweight_t: Option<f32>,
    /// Legal height limit in metres, if any.
    pub maxheight_m: Option<f32>,
}

/// What a node does to traffic passing through it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NodeBarrier {
    /// Nothing.
    #[default]
    None,
    /// Impassable (bollard, block, access=no…): only turning back is possible.
    Block,
    /// A gate (`barrier=gate|lift_gate`): passable, with a time penalty.
    Gate,
}

/// Time lost at a gate, seconds (OSRM car.lua `barrier_penalties`).
pub const GATE_PENALTY_S: f64 = 60.0;

impl Profile {
    /// The barrier a node forms for this vehicle, after OSRM car.lua's `process_node`: an
    /// access tag decides when present (forbidding values block); otherwise `barrier=*` blocks
    /// except cattle grids, border controls, toll booths, sally ports, entrances, arches,
    /// `no`, rising bollards, lowered or flush kerbs, kerbs at crossings, audible fences and
    /// height restrictors the vehicle fits under (2 m car, 4 m truck); gates cost
    /// [`GATE_PENALTY_S`].
    pub fn node_barrier<'a>(self, get: impl Fn(&str) -> Option<&'a str>) -> NodeBarrier {
        match self {
            Profile::Truck => {
                for key in ["hgv", "goods", "motor_vehicle", "vehicle", "access"] {
                    if let Some(ok) = get(key).and_then(access_allows) {
                        return if ok {
                            NodeBarrier::None
                        } else {
                            NodeBarrier::Block
                        };
                    }
                }
            }
            Profile::Car => {
                if let Some(blocked) = super::car::node_access_blocks(&get) {
                    return if blocked {
                        NodeBarrier::Block
                    } else {
                        NodeBarrier::None
                    };
                }
            }
        }
        let Some(barrier) = get("barrier") else {
            return NodeBarrier::None;
        };
        let height = match self {
            Profile::Truck => 4.0,
            Profile::Car => 2.0,
        };
        if barrier == "height_restrictor"
            && get("maxheight")
                .and_then(parse_height_m)
                .is_some_and(|h| h < height)
        {
            return NodeBarrier::Block;
        }
        if matches!(barrier, "gate" | "lift_gate") {
            return NodeBarrier::Gate;
        }
        let passable = matches!(
            barrier,
            "cattle_grid"
                | "border_control"
                | "toll_booth"
                | "sally_port"
                | "no"
                | "entrance"
                | "height_restrictor"
                | "arch"
        ) || get("bollard") == Some("rising")
            || matches!(get("kerb"), Some("lowered" | "flush"))
            || (barrier == "kerb" && get("highway") == Some("crossing"))
            || (barrier == "fence" && matches!(get("sensory"), Some("audible" | "audio")));
        if passable {
            NodeBarrier::None
        } else {
            NodeBarrier::Block
        }
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
    for key in ["hgv", "goods", "motor_vehicle", "vehicle", "access"] {
        if let Some(ok) = get(key).and_then(access_allows) {
            if !ok {
                return None;
            }
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
        restricted_fwd: false,
        restricted_bwd: false,
        roundabout: matches!(get("junction"), Some("roundabout" | "circular")),
        maxweight_t: get("maxweight:hgv")
            .or_else(|| get("maxweight"))
            .and_then(parse_weight_t),
        maxheight_m: get("maxheight").and_then(parse_height_m),
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

/// Parse a `maxspeed` value into km/h: `50`, `30 mph`, `FR:urban`, `DE:zone:30`, `walk`…
/// Returns `None` for `signals`, `none`, `variable` and unknown values (the default applies).
pub fn parse_maxspeed_kmh(v: &str) -> Option<f32> {
    let v = v.split(';').next()?.trim();
    let lower = v.to_ascii_lowercase();
    if lower == "walk" || lower.ends_with(":walk") {
        return Some(6.0);
    }
    if let Some(rest) = lower.strip_suffix("mph") {
        return rest.trim().parse::<f32>().ok().map(|m| m * 1.609_344);
    }
    if let Some(rest) = lower
        .strip_suffix("km/h")
        .or_else(|| lower.strip_suffix("kmh"))
    {
        return rest.trim().parse::<f32>().ok();
    }
    if let Ok(n) = lower.parse::<f32>() {
        return (n > 0.0).then_some(n);
    }
    // Implicit values: "FR:urban", "DE:zone:30", "FR:zone30", "RO:rural".
    if let Some((_, kind)) = lower.split_once(':') {
        let digits: String = kind.chars().filter(char::is_ascii_digit).collect();
        if kind.contains("zone") && !digits.is_empty() {
            return digits.parse().ok();
        }
        return match kind {
            "urban" => Some(50.0),
            "rural" => Some(80.0),
            "trunk" => Some(110.0),
            "motorway" => Some(130.0),
            "living_street" => Some(20.0),
            _ => None,
        };
    }
    None
}

/// Parse a `maxweight` value into tonnes: `7.5`, `7.5 t`, `3500 kg`.
pub fn parse_weight_t(v: &str) -> Option<f32> {
    let v = v.trim().to_ascii_lowercase();
    if let Some(kg) = v.strip_suffix("kg") {
        return kg.trim().parse::<f32>().ok().map(|x| x / 1000.0);
    }
    let v = v.strip_suffix('t').unwrap_or(&v).trim();
    v.parse::<f32>().ok().filter(|x| *x > 0.0)
}

/// Parse a `maxheight` value into metres: `3.5`, `3.5 m`, `11'6"`.
pub fn parse_height_m(v: &str) -> Option<f32> {
    let v = v.trim().to_ascii_lowercase();
    if let Some((ft, inch)) = v.split_once('\'') {
        let ft: f32 = ft.trim().parse().ok()?;
        let inch: f32 = inch.trim_end_matches('"').trim().parse().unwrap_or(0.0);
        return Some(ft * 0.3048 + inch * 0.0254);
    }
    let v = v.strip_suffix('m').unwrap_or(&v).trim();
    v.parse::<f32>().ok().filter(|x| *x > 0.0)
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
