//! The rounds of a plan as files for the road and the spreadsheet: GPX 1.1 (one `<rte>` per
//! round, its points named with the viewer's marks: `D` the depot, `1`…`n` the stops in round
//! order, `V` each unloading at the treatment site; a `<trk>` with the round's geometry) and
//! CSV (one row per place of a round). Both are written from the plan as answered, so a public
//! plan's files carry only what its answer carries (no loads when they are hidden).

use super::answer::{PlaceKind, PlanRound, RoundsPlan};

/// How a CSV is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvStyle {
    /// Comma-separated, decimal point, UTF-8, LF.
    Plain,
    /// For French spreadsheets (Excel): semicolon-separated, decimal comma, UTF-8 with a byte
    /// order mark, CRLF.
    French,
}

/// The viewer's mark of each place of `round`: `D`, `V`, or the stop's number in round order.
pub fn marks(round: &PlanRound) -> Vec<String> {
    let mut n = 0;
    round
        .stops
        .iter()
        .map(|s| match s.kind {
            PlaceKind::Depot => "D".to_owned(),
            PlaceKind::Dump => "V".to_owned(),
            PlaceKind::Stop => {
                n += 1;
                n.to_string()
            }
        })
        .collect()
}

fn kind_fr(k: PlaceKind) -> &'static str {
    match k {
        PlaceKind::Depot => "Dépôt",
        PlaceKind::Dump => "Vidage",
        PlaceKind::Stop => "Collecte",
    }
}

fn kind_en(k: PlaceKind) -> &'static str {
    match k {
        PlaceKind::Depot => "depot",
        PlaceKind::Dump => "dump",
        PlaceKind::Stop => "stop",
    }
}

fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn vehicle_label<'a>(plan: &'a RoundsPlan, id: &'a str) -> &'a str {
    plan.fleet
        .iter()
        .find(|v| v.id == id)
        .map(|v| v.label_fr.as_str())
        .filter(|l| !l.is_empty())
        .unwrap_or(id)
}

/// `h:mm` from the start of the round.
fn clock(s: f64) -> String {
    let m = (s.max(0.0) / 60.0).round() as u64;
    format!("{}:{:02}", m / 60, m % 60)
}

/// The plan's rounds as GPX 1.1; `material_fr` is the material's French label.
pub fn gpx(plan: &RoundsPlan, material_fr: &str) -> String {
    let mut o = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"boucle\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n",
    );
    o.push_str(&format!(
        "  <metadata><name>{}</name><desc>{}</desc></metadata>\n",
        xml(&format!("Tournées — {material_fr}")),
        xml(&format!(
            "{} tournée(s) d'un cycle de collecte ; D dépôt, 1…n collectes dans l'ordre, V vidage au site de traitement",
            plan.rounds.len()
        ))
    ));
    for (i, r) in plan.rounds.iter().enumerate() {
        let name = format!(
            "Tournée {} — {material_fr} — {}",
            i + 1,
            vehicle_label(plan, &r.vehicle)
        );
        o.push_str(&format!("  <rte>\n    <name>{}</name>\n", xml(&name)));
        o.push_str(&format!(
            "    <desc>{}</desc>\n    <number>{}</number>\n",
            xml(&format!(
                "{:.1} km, {} trajet(s)",
                r.distance_m / 1000.0,
                r.trips
            )),
            i + 1
        ));
        for (s, mark) in r.stops.iter().zip(marks(r)) {
            o.push_str(&format!(
                "    <rtept lat=\"{}\" lon=\"{}\"><name>{}</name><desc>{}</desc><type>{}</type></rtept>\n",
                s.lat,
                s.lon,
                xml(&mark),
                xml(&format!("{} — {} (+{})", kind_fr(s.kind), s.name, clock(s.arrival_s))),
                kind_en(s.kind)
            ));
        }
        o.push_str("  </rte>\n");
    }
    for (i, r) in plan.rounds.iter().enumerate() {
        let coords: Vec<[f64; 2]> = r
            .geometry
            .get("coordinates")
            .and_then(|c| serde_json::from_value(c.clone()).ok())
            .unwrap_or_else(|| r.stops.iter().map(|s| [s.lon, s.lat]).collect());
        o.push_str(&format!(
            "  <trk>\n    <name>{}</name>\n    <trkseg>\n",
            xml(&format!("Tournée {} — tracé", i + 1))
        ));
        for [lon, lat] in coords {
            o.push_str(&format!("      <trkpt lat=\"{lat}\" lon=\"{lon}\"/>\n"));
        }
        o.push_str("    </trkseg>\n  </trk>\n");
    }
    o.push_str("</gpx>\n");
    o
}

/// One CSV cell, quoted when it holds the separator, a quote or a line break.
fn cell(s: &str, sep: char) -> String {
    if s.contains(sep) || s.contains('"') || s.contains('\n') || s.contains('\r') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The plan's rounds as CSV: one row per place of each round, in round order.
///
/// Columns: `round`, `vehicle`, `vehicle_label`, `seq`, `mark`, `kind`, `id`, `name`, `lon`,
/// `lat`, `arrival_s` (from the start of the round), `arrival` (`h:mm`), `load_kg` (on leaving;
/// empty when the plan hides loads), `material`.
pub fn csv(plan: &RoundsPlan, material_fr: &str, style: CsvStyle) -> String {
    let (sep, eol) = match style {
        CsvStyle::Plain => (',', "\n"),
        CsvStyle::French => (';', "\r\n"),
    };
    let num = |x: f64, digits: usize| {
        let s = format!("{x:.digits$}");
        if style == CsvStyle::French {
            s.replace('.', ",")
        } else {
            s
        }
    };
    let mut o = String::new();
    if style == CsvStyle::French {
        o.push('\u{feff}');
    }
    let header = [
        "round",
        "vehicle",
        "vehicle_label",
        "seq",
        "mark",
        "kind",
        "id",
        "name",
        "lon",
        "lat",
        "arrival_s",
        "arrival",
        "load_kg",
        "material",
    ];
    o.push_str(&header.join(&sep.to_string()));
    o.push_str(eol);
    for (i, r) in plan.rounds.iter().enumerate() {
        for (k, (s, mark)) in r.stops.iter().zip(marks(r)).enumerate() {
            let row = [
                (i + 1).to_string(),
                cell(&r.vehicle, sep),
                cell(vehicle_label(plan, &r.vehicle), sep),
                k.to_string(),
                mark,
                kind_en(s.kind).to_owned(),
                cell(&s.id, sep),
                cell(&s.name, sep),
                num(s.lon, 6),
                num(s.lat, 6),
                num(s.arrival_s, 0),
                clock(s.arrival_s),
                s.load.map(|l| num(l, 1)).unwrap_or_default(),
                cell(material_fr, sep),
            ];
            o.push_str(&row.join(&sep.to_string()));
            o.push_str(eol);
        }
    }
    o
}
