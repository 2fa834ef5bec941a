//! Routing profiles: [`Profile`] (chosen at import and recorded in the graph file) and what
//! its two vehicles share: road classes ([`HighwayClass`]), what a profile keeps of a way
//! ([`WayProfile`]), the barriers nodes form ([`Profile::node_barrier`]) and the parsing of
//! `maxspeed`, `maxweight` and `maxheight` values.
//!
//! - [`truck`]: the truck profile (the default), boucle's own rules;
//! - [`car`]: the car profile, OSRM's car.lua in Rust, for comparisons.
//!
//! The two profiles take their shared items from here and never use each other; [`Profile`]
//! dispatches to them.

pub mod car;
pub mod truck;

/// A routing profile, chosen at import and recorded in the graph file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// A collection truck (the default; see [`truck`]): `hgv` access, truck speed limits,
    /// `restriction:hgv`.
    #[default]
    Truck,
    /// A car, following OSRM's car.lua (see [`car`]).
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
            Profile::Truck => truck::way_profile(get),
            Profile::Car => car::car_way_profile(get),
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
    /// In the way's direction, access is for local traffic only (destination, private… in the
    /// car profile; `hgv`/`goods`/… `=destination|delivery` in the truck profile): entering it
    /// from an unrestricted road is penalised, so that it is used only as the first or last
    /// leg.
    pub restricted_fwd: bool,
    /// Against the way's direction, access is for local traffic only.
    pub restricted_bwd: bool,
    /// Part of a roundabout (`junction=roundabout|circular`).
    pub roundabout: bool,
    /// Legal weight limit in tonnes, if any.
    pub maxweight_t: Option<f32>,
    /// Legal height limit in metres, if any.
    pub maxheight_m: Option<f32>,
    /// Legal length limit in metres, if any.
    pub maxlength_m: Option<f32>,
    /// Legal axle-load limit in tonnes, if any.
    pub maxaxleload_t: Option<f32>,
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
        let access = match self {
            Profile::Truck => truck::node_access_blocks(&get),
            Profile::Car => car::node_access_blocks(&get),
        };
        if let Some(blocked) = access {
            return if blocked {
                NodeBarrier::Block
            } else {
                NodeBarrier::None
            };
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
