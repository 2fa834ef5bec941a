//! The car profile: a Rust reading of OSRM's `car.lua` (osrm-backend profiles, API version 4,
//! with `lib/way_handlers.lua`, `lib/access.lua`, `lib/measure.lua`), so that boucle's graph
//! can be compared with OSRM's on equal terms. Boucle routes trucks; this profile exists for
//! that comparison and for users who want car figures.
//!
//! What is reproduced, per way:
//! - kept `highway` values and their speeds (km/h): motorway 90, motorway_link 45, trunk 85,
//!   trunk_link 40, primary 65, primary_link 30, secondary 55, secondary_link 25, tertiary 40,
//!   tertiary_link 20, unclassified 25, residential 25, living_street 10, service 15;
//! - dropped: `area=yes`, `oneway=reversible`, `impassable=yes`, `status=impassable`,
//!   `construction=*` (except no/widening/minor), `service=emergency_access`, limits below the
//!   car's size (`maxheight` < 2 m, `maxwidth`/`width` < 1.9 m, `maxweight` < 2 t);
//! - access, per direction (`:forward`/`:backward`), first of `motorcar`, `motor_vehicle`,
//!   `vehicle`, `access`: `private`, `delivery`, `destination`, `customers`, `permit`,
//!   `residents` are *restricted* (usable, but entering them from an unrestricted road costs
//!   a prohibitive turn weight, see [`crate::network::turns`]); `no`, `agricultural`,
//!   `forestry`, `emergency`, `psv`, `bus`, `military`, `official`, `foot`… forbid;
//! - oneway from `oneway:motorcar|motor_vehicle|vehicle` then `oneway`; motorways and
//!   roundabouts (`junction=roundabout|circular`) are implied oneway;
//! - `maxspeed:advisory`, `maxspeed`, `source:maxspeed`, `maxspeed:type` (per direction):
//!   a number (mph converted), or a country table (`FR:rural` 80, `DE:rural` 100, `CH:rural`
//!   80…), or `XX:urban` 50, `XX:rural` 90, `XX:trunk` 110, `XX:motorway` 130; when present the
//!   speed is that limit × 0.8 (replacing the highway speed, even upwards);
//! - speed caps from `surface`, `tracktype` and `smoothness`;
//! - routability factors (OSRM's *rate*): service alleys, parking aisles and driveways ×0.5,
//!   narrow two-way roads by `width` (≤3 m ×0.5, <4 ×0.6, <5 ×0.75, <6 ×0.8), `lanes=1`
//!   two-way ×0.5, `lane_markings=no` ×0.75, `oneway=alternating` ×0.4, `side_road` ×0.8,
//!   `priority=forward|backward` ×0.7 on the other direction. Boucle has one cost per arc, so
//!   the factor divides the speed: the duration of such a road is OSRM's *weight*, not its
//!   duration (documented in the README: car durations on penalised roads are longer than
//!   OSRM's reported ones).
//!
//! Barriers on nodes follow `process_node` ([`super::Profile::node_barrier`]); traffic
//! lights cost 2 s, stop signs 2 s and give-way signs 1 s when passing the node (OSRM applies
//! them per direction and skips minor-road stops; here they apply both ways).
//! Not reproduced: ferries and movable bridges (ways without `highway` are not read), HOV lanes,
//! `highway=track` with explicit access.

use super::{HighwayClass, WayProfile, parse_height_m, parse_weight_t};

/// OSRM car.lua `speed_reduction`: a signed limit is driven at this share.
pub const CAR_SPEED_REDUCTION: f32 = 0.8;
/// OSRM car.lua `traffic_signal_penalty` (obstacles): seconds per traffic light.
pub const CAR_SIGNAL_PENALTY_S: f64 = 2.0;

fn car_speed_kmh(class: HighwayClass) -> f32 {
    use HighwayClass::*;
    match class {
        Motorway => 90.0,
        MotorwayLink => 45.0,
        Trunk => 85.0,
        TrunkLink => 40.0,
        Primary => 65.0,
        PrimaryLink => 30.0,
        Secondary => 55.0,
        SecondaryLink => 25.0,
        Tertiary => 40.0,
        TertiaryLink => 20.0,
        Unclassified => 25.0,
        Residential => 25.0,
        LivingStreet => 10.0,
        Service => 15.0,
    }
}

/// Access of one direction: forbidden, allowed, or allowed but restricted (local traffic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    No,
    Yes,
    Restricted,
}

const RESTRICTED: [&str; 7] = [
    "private",
    "delivery",
    "destination",
    "customers",
    "permit",
    "residents",
    "unknown",
];
const BLACKLIST: [&str; 20] = [
    "no",
    "agricultural",
    "forestry",
    "emergency",
    "psv",
    "taxi",
    "share_taxi",
    "minibus",
    "bus",
    "foot",
    "emergency_vehicle",
    "restricted",
    "military",
    "official",
    "customers",
    "private",
    "delivery",
    "destination",
    "permit",
    "residents",
];
const WHITELIST: [&str; 7] = [
    "yes",
    "motorcar",
    "motor_vehicle",
    "vehicle",
    "permissive",
    "designated",
    "hov",
];

/// OSRM `resolve_access`: of `a;b` lists, the most permissive known value.
fn resolve(v: &str) -> &str {
    if !v.contains(';') {
        return v;
    }
    let class = |x: &str| {
        if WHITELIST.contains(&x) {
            3
        } else if RESTRICTED.contains(&x) {
            2
        } else if BLACKLIST.contains(&x) {
            1
        } else {
            0
        }
    };
    v.split(';')
        .map(str::trim)
        .max_by_key(|x| class(x))
        .unwrap_or(v)
}

fn classify(v: Option<&str>) -> Access {
    match v.map(resolve) {
        None => Access::Yes,
        Some(x) if RESTRICTED.contains(&x) => Access::Restricted,
        Some(x) if BLACKLIST.contains(&x) => Access::No,
        Some(_) => Access::Yes,
    }
}

/// For a node: `Some(true)` when its access tag (first of `motorcar`, `motor_vehicle`,
/// `vehicle`, `access`) forbids cars outright (blacklisted and not merely restricted),
/// `Some(false)` when it allows them, `None` without such a tag.
pub fn node_access_blocks<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Option<bool> {
    let v = ["motorcar", "motor_vehicle", "vehicle", "access"]
        .iter()
        .find_map(|k| get(k))?;
    let v = resolve(v);
    Some(BLACKLIST.contains(&v) && !RESTRICTED.contains(&v))
}

/// OSRM `Tags.get_forward_backward_by_set`: the first key with a value, `:forward` and
/// `:backward` variants first.
fn by_direction<'a>(
    get: &impl Fn(&str) -> Option<&'a str>,
    keys: &[&str],
) -> (Option<&'a str>, Option<&'a str>) {
    let (mut f, mut b) = (None, None);
    for k in keys {
        if f.is_none() {
            f = get(&format!("{k}:forward"));
        }
        if b.is_none() {
            b = get(&format!("{k}:backward"));
        }
        if f.is_none() || b.is_none() {
            let common = get(k);
            f = f.or(common);
            b = b.or(common);
        }
        if f.is_some() && b.is_some() {
            break;
        }
    }
    (f, b)
}

/// Leading integer of a string (Lua's `tonumber(s:match("%d*"))`).
fn leading_number(s: &str) -> Option<f32> {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// OSRM `WayHandlers.parse_maxspeed`: km/h, or 0 when unknown.
pub fn osrm_maxspeed_kmh(v: &str) -> f32 {
    if let Some(n) = leading_number(v) {
        if v.contains("mph") || v.contains("mp/h") {
            return n * 1.609;
        }
        return n;
    }
    let lower = v.to_ascii_lowercase();
    // car.lua `maxspeed_table` (exceptions to the defaults below).
    let table: &[(&str, f32)] = &[
        ("at:rural", 100.0),
        ("at:trunk", 100.0),
        ("ar:urban", 40.0),
        ("ar:rural", 110.0),
        ("be:motorway", 120.0),
        ("be-bru:rural", 70.0),
        ("be-bru:urban", 30.0),
        ("be-vlg:rural", 70.0),
        ("bg:motorway", 140.0),
        ("by:urban", 60.0),
        ("by:motorway", 110.0),
        ("ca-on:rural", 80.0),
        ("ch:rural", 80.0),
        ("ch:trunk", 100.0),
        ("ch:motorway", 120.0),
        ("de:living_street", 7.0),
        ("de:rural", 100.0),
        ("de:motorway", 0.0),
        ("dk:rural", 80.0),
        ("es:trunk", 90.0),
        ("fr:rural", 80.0),
        ("gb:nsl_single", 96.54),
        ("gb:nsl_dual", 112.63),
        ("gb:motorway", 112.63),
        ("lv:living_street", 20.0),
        ("nl:rural", 80.0),
        ("nl:trunk", 100.0),
        ("no:rural", 80.0),
        ("no:motorway", 110.0),
        ("ph:urban", 40.0),
        ("ph:rural", 80.0),
        ("ph:motorway", 100.0),
        ("pl:rural", 100.0),
        ("pl:expressway", 120.0),
        ("pl:motorway", 140.0),
        ("ro:trunk", 100.0),
        ("ru:living_street", 20.0),
        ("ru:urban", 60.0),
        ("ru:motorway", 110.0),
        ("uk:nsl_single", 96.54),
        ("uk:nsl_dual", 112.63),
        ("uk:motorway", 112.63),
        ("za:urban", 60.0),
        ("za:rural", 100.0),
        ("none", 140.0),
    ];
    if let Some((_, n)) = table.iter().find(|(k, _)| *k == lower) {
        return *n;
    }
    // `%a%a:(%a+)`: two letters, a colon, then letters.
    let b = lower.as_bytes();
    if b.len() > 3 && b[0].is_ascii_alphabetic() && b[1].is_ascii_alphabetic() && b[2] == b':' {
        let kind: String = lower[3..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        return match kind.as_str() {
            "urban" => 50.0,
            "rural" => 90.0,
            "trunk" => 110.0,
            "motorway" => 130.0,
            _ => 0.0,
        };
    }
    0.0
}

fn surface_cap<'a>(get: &impl Fn(&str) -> Option<&'a str>) -> Option<f32> {
    let surface = get("surface").and_then(|s| {
        Some(match s {
            "cement" | "compacted" | "fine_gravel" => 80.0,
            "paving_stones" | "metal" | "bricks" => 60.0,
            "grass" | "wood" | "sett" | "grass_paver" | "gravel" | "unpaved" | "ground"
            | "dirt" | "pebblestone" | "tartan" => 40.0,
            "cobblestone" | "clay" => 30.0,
            "earth" | "stone" | "rocky" | "sand" => 20.0,
            "laterite" => 15.0,
            "mud" => 10.0,
            "ice" => 20.0,
            "snow" => 30.0,
            _ => return None,
        })
    });
    let track = get("tracktype").and_then(|s| {
        Some(match s {
            "grade1" => 60.0,
            "grade2" => 40.0,
            "grade3" => 30.0,
            "grade4" => 25.0,
            "grade5" => 20.0,
            _ => return None,
        })
    });
    let smooth = get("smoothness").and_then(|s| {
        Some(match s {
            "intermediate" => 80.0,
            "bad" => 40.0,
            "very_bad" => 20.0,
            "horrible" => 10.0,
            "very_horrible" => 5.0,
            "impassable" => 0.0,
            _ => return None,
        })
    });
    [surface, track, smooth]
        .into_iter()
        .flatten()
        .reduce(f32::min)
}

/// The car profile of a way from its tags, or `None` when a car may not use it.
pub fn car_way_profile<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<WayProfile> {
    let highway = get("highway")?;
    if highway == "road" {
        return None; // not in car.lua's speed table
    }
    let class = HighwayClass::parse(highway)?;
    if get("area") == Some("yes")
        || get("oneway") == Some("reversible")
        || get("impassable") == Some("yes")
        || get("status") == Some("impassable")
        || get("service") == Some("emergency_access")
    {
        return None;
    }
    if let Some(c) = get("construction")
        && !matches!(c, "no" | "widening" | "minor")
    {
        return None;
    }
    if get("maxheight")
        .and_then(parse_height_m)
        .is_some_and(|h| h < 2.0)
        || get("maxweight")
            .and_then(parse_weight_t)
            .is_some_and(|t| t < 2.0)
        || get("maxwidth")
            .and_then(parse_height_m)
            .is_some_and(|w| w < 1.9)
    {
        return None;
    }
    let (fa, ba) = by_direction(&get, &["motorcar", "motor_vehicle", "vehicle", "access"]);
    let (fa, ba) = (classify(fa), classify(ba));
    let oneway = ["oneway:motorcar", "oneway:motor_vehicle", "oneway:vehicle"]
        .iter()
        .find_map(|k| get(k))
        .or_else(|| get("oneway"));
    let (mut forward, mut backward) = (fa != Access::No, ba != Access::No);
    match oneway {
        Some("-1") => forward = false,
        Some("yes" | "1" | "true") => backward = false,
        Some("no") => {}
        _ => {
            if class == HighwayClass::Motorway
                || matches!(get("junction"), Some("roundabout" | "circular"))
            {
                backward = false;
            }
        }
    }
    if !forward && !backward {
        return None;
    }
    let base = car_speed_kmh(class);
    let (mf, mb) = by_direction(
        &get,
        &[
            "maxspeed:advisory",
            "maxspeed",
            "source:maxspeed",
            "maxspeed:type",
        ],
    );
    let with_limit = |m: Option<&str>| {
        let n = m.map_or(0.0, osrm_maxspeed_kmh);
        if n > 0.0 {
            n * CAR_SPEED_REDUCTION
        } else {
            base
        }
    };
    let cap = surface_cap(&get);
    let capped = |s: f32| cap.map_or(s, |c| s.min(c));
    let (sf, sb) = (capped(with_limit(mf)), capped(with_limit(mb)));
    // Routability factors.
    let bidirectional = forward && backward;
    let mut service_f = 1.0f32;
    if matches!(
        get("service"),
        Some("alley" | "parking" | "parking_aisle" | "driveway" | "drive-through" | "drive-thru")
    ) {
        service_f = 0.5;
    }
    let mut width_f = 1.0f32;
    if bidirectional && get("lane_markings") == Some("no") {
        width_f = 0.75;
    }
    if bidirectional && let Some(w) = get("width").and_then(parse_height_m) {
        width_f = if w <= 3.0 {
            0.5
        } else if w < 4.0 {
            0.6
        } else if w < 5.0 {
            0.75
        } else if w < 6.0 {
            0.8
        } else {
            width_f
        };
    }
    if bidirectional
        && get("lanes")
            .and_then(leading_number)
            .is_some_and(|l| l <= 1.0)
    {
        width_f = 0.5;
    }
    let alternating_f = if get("oneway") == Some("alternating") {
        0.4
    } else {
        1.0
    };
    let side_f = if matches!(get("side_road"), Some("yes" | "rotary")) {
        0.8
    } else {
        1.0
    };
    let (prio_f, prio_b) = match get("priority") {
        Some("forward") => (1.0, 0.7),
        Some("backward") => (0.7, 1.0),
        _ => (1.0, 1.0),
    };
    let common = service_f.min(width_f).min(alternating_f).min(side_f);
    let rate_f = common.min(prio_f);
    let rate_b = common.min(prio_b);
    if (forward && sf * rate_f <= 0.0) && (backward && sb * rate_b <= 0.0) {
        return None;
    }
    Some(WayProfile {
        class,
        forward: forward && sf > 0.0,
        backward: backward && sb > 0.0,
        speed_kmh: (sf * rate_f).max(1.0),
        speed_bwd_kmh: (sb * rate_b).max(1.0),
        restricted_fwd: fa == Access::Restricted,
        restricted_bwd: ba == Access::Restricted,
        roundabout: matches!(get("junction"), Some("roundabout" | "circular")),
        maxweight_t: get("maxweight").and_then(parse_weight_t),
        maxheight_m: get("maxheight").and_then(parse_height_m),
        maxlength_m: None,
        maxaxleload_t: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn car(tags: &[(&str, &str)]) -> Option<WayProfile> {
        car_way_profile(|k| tags.iter().find(|(kk, _)| *kk == k).map(|(_, v)| *v))
    }

    #[test]
    fn speeds_follow_car_lua() {
        let p = car(&[("highway", "residential")]).unwrap();
        assert_eq!(p.speed_kmh, 25.0);
        // A signed limit replaces the class speed, at 80 %.
        let p = car(&[("highway", "residential"), ("maxspeed", "50")]).unwrap();
        assert!((p.speed_kmh - 40.0).abs() < 1e-4);
        let p = car(&[("highway", "primary"), ("maxspeed", "FR:rural")]).unwrap();
        assert!((p.speed_kmh - 64.0).abs() < 1e-4);
        let p = car(&[("highway", "primary"), ("maxspeed", "FR:urban")]).unwrap();
        assert!((p.speed_kmh - 40.0).abs() < 1e-4);
        // Unknown zone values fall back to the class speed, as in car.lua.
        let p = car(&[("highway", "tertiary"), ("maxspeed", "FR:zone30")]).unwrap();
        assert_eq!(p.speed_kmh, 40.0);
        let p = car(&[("highway", "tertiary"), ("surface", "cobblestone")]).unwrap();
        assert_eq!(p.speed_kmh, 30.0);
        // Routability: parking aisles count double.
        let p = car(&[("highway", "service"), ("service", "parking_aisle")]).unwrap();
        assert!((p.speed_kmh - 7.5).abs() < 1e-4);
        assert!((osrm_maxspeed_kmh("30 mph") - 48.27).abs() < 1e-3);
    }

    #[test]
    fn access_and_oneway_follow_car_lua() {
        assert!(car(&[("highway", "road")]).is_none());
        assert!(car(&[("highway", "service"), ("access", "no")]).is_none());
        assert!(car(&[("highway", "service"), ("motor_vehicle", "agricultural")]).is_none());
        let p = car(&[("highway", "service"), ("access", "private")]).unwrap();
        assert!(p.restricted_fwd && p.restricted_bwd);
        let p = car(&[("highway", "residential"), ("access", "no;destination")]).unwrap();
        assert!(p.restricted_fwd);
        // hgv=no does not concern cars.
        assert!(car(&[("highway", "residential"), ("hgv", "no")]).is_some());
        let p = car(&[("highway", "residential"), ("oneway:motorcar", "-1")]).unwrap();
        assert!(!p.forward && p.backward);
        let p = car(&[("highway", "residential"), ("junction", "roundabout")]).unwrap();
        assert!(p.forward && !p.backward && p.roundabout);
        let p = car(&[("highway", "residential"), ("motor_vehicle:backward", "no")]).unwrap();
        assert!(p.forward && !p.backward);
        assert!(car(&[("highway", "residential"), ("oneway", "reversible")]).is_none());
        assert!(car(&[("highway", "residential"), ("maxheight", "1.8")]).is_none());
    }
}
