//! A scenario report the officer can hand over (`boucle report`, `POST /api/report`): one dated,
//! self-contained HTML page in French, ready to print — a map of the rounds drawn from the
//! territory's own outlines (no tiles needed), the alone-vs-pooled figures with the baseline's
//! definition, the savings' range and break-even, the assumptions with their sources, and what
//! rests on estimates.

use std::fmt::Write as _;

use super::answer::{PlaceKind, RoundsPlan};
use super::sensitivity::{Side, Uncertain};
use crate::estimate::{Estimate, EstimateReason};
use crate::territory::{Territory, Totals};
use crate::travel::Method;

/// Round colours (ColorBrewer Dark2), as in the viewer.
const COLOURS: [&str; 8] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
];

/// Escape `s` for HTML text and attributes.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `x` in French notation with `decimals` digits: narrow no-break space between thousands,
/// decimal comma ("12 345,6").
pub fn fr_number(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "—".into();
    }
    let text = format!("{:.*}", decimals, x.abs());
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    let sign = if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "−"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{frac}")
    }
}

/// A reason code in French words.
pub fn reason_fr(r: EstimateReason) -> &'static str {
    match r {
        EstimateReason::DemonstrationFlows => "quantités de démonstration",
        EstimateReason::CrowFlies => "distances à vol d'oiseau",
        EstimateReason::UnreachablePairs => "trajets sans chemin routier estimés à vol d'oiseau",
        EstimateReason::EstimatedFactor => "consommation ou facteur d'émission estimé",
        EstimateReason::EstimatedCost => "coûts des véhicules en ordre de grandeur",
        EstimateReason::CommunePrecision => "positions au centre de la commune",
        EstimateReason::DefaultFrequency => "fréquence de collecte par défaut",
        EstimateReason::UnverifiedNaf => "codes NAF non vérifiés",
        EstimateReason::DemonstrationRegister => "registre des synergies de démonstration",
    }
}

/// Why figures are estimates, in one French sentence (empty when measured).
pub fn estimate_fr(e: Option<&Estimate>) -> String {
    let Some(e) = e else {
        return String::new();
    };
    let mut s = format!(
        "Estimation : {}.",
        e.reasons
            .iter()
            .map(|r| reason_fr(*r))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(share) = e.commune_precision_share.filter(|x| *x > 0.0) {
        let _ = write!(
            s,
            " {} % de la quantité provient d'entreprises placées au centre de leur commune.",
            fr_number(share * 100.0, 0)
        );
    }
    s
}

/// A factor's name in French.
fn factor_fr(name: &str) -> &str {
    match name {
        "cost_per_km" | "cost_per_km_eur" => "coût kilométrique",
        "cost_per_hour" | "cost_per_hour_eur" => "coût horaire",
        "fixed_cost_per_round" | "fixed_cost_eur" => "coût fixe par tournée",
        "fuel_consumption" => "consommation de carburant",
        "emission_factor_fuel" => "facteur d'émission du carburant",
        "circuity" => "facteur de détour (estimation à vol d'oiseau)",
        "speed" => "vitesse moyenne (estimation à vol d'oiseau)",
        other => other,
    }
}

/// A unit in French.
fn unit_fr(unit: &str) -> String {
    match unit {
        "EUR/km" => "€/km".into(),
        "EUR/h" => "€/h".into(),
        "EUR/round" => "€ par tournée".into(),
        "L/100km" => "L/100 km".into(),
        "km/h" => "km/h".into(),
        "road km / great-circle km" => "km par route / km à vol d'oiseau".into(),
        other => other
            .replace("kgCO2e/L", "kg CO2e/L")
            .replace("diesel", "gazole"),
    }
}

/// Hours as "4 h 05".
fn clock(hours: f64) -> String {
    let minutes = (hours * 60.0).round().max(0.0) as u64;
    format!("{} h {:02}", minutes / 60, minutes % 60)
}

/// The map: commune outlines, the rounds' lines, depot (D), treatment site (V) and stops, in
/// an SVG of 640 × 440 (equirectangular, scaled by the cosine of the mean latitude).
fn map_svg(t: &Territory, plan: &RoundsPlan) -> String {
    let mut pts: Vec<(f64, f64)> = Vec::new();
    for c in &t.communes {
        for poly in &c.geometry.0 {
            pts.extend(poly.exterior().0.iter().map(|p| (p.x, p.y)));
        }
    }
    for r in &plan.rounds {
        pts.extend(r.stops.iter().map(|s| (s.lon, s.lat)));
    }
    pts.push((plan.depot.lon, plan.depot.lat));
    pts.push((plan.dump.lon, plan.dump.lat));
    pts.retain(|(x, y)| x.is_finite() && y.is_finite());
    let (w, h, pad) = (640.0, 440.0, 12.0);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in &pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if pts.is_empty() || x1 <= x0 || y1 <= y0 {
        return String::new();
    }
    let k = ((y0 + y1) / 2.0).to_radians().cos().max(0.1);
    let scale = ((w - 2.0 * pad) / ((x1 - x0) * k)).min((h - 2.0 * pad) / (y1 - y0));
    let px = |x: f64, y: f64| (pad + (x - x0) * k * scale, h - pad - (y - y0) * scale);
    let path = |coords: &mut dyn Iterator<Item = (f64, f64)>| {
        let mut d = String::new();
        for (i, (x, y)) in coords.enumerate() {
            let (a, b) = px(x, y);
            let _ = write!(d, "{}{a:.1},{b:.1} ", if i == 0 { "M" } else { "L" });
        }
        d
    };
    let mut svg = format!(
        r##"<svg class="map" viewBox="0 0 {w} {h}" role="img" aria-label="Carte des tournées"><rect width="{w}" height="{h}" fill="#f4f6f7"/>"##
    );
    for c in &t.communes {
        for poly in &c.geometry.0 {
            let d = path(&mut poly.exterior().0.iter().map(|p| (p.x, p.y)));
            let _ = write!(
                svg,
                r##"<path d="{d}Z" fill="#ffffff" stroke="#9aa5ad" stroke-width="0.6"/>"##
            );
        }
    }
    for (i, r) in plan.rounds.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let coords: Vec<(f64, f64)> = r.geometry["coordinates"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
                    .collect()
            })
            .unwrap_or_default();
        let d = path(&mut coords.into_iter());
        let _ = write!(
            svg,
            r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>"#
        );
        for s in r.stops.iter().filter(|s| s.kind == PlaceKind::Stop) {
            let (a, b) = px(s.lon, s.lat);
            let _ = write!(
                svg,
                r##"<circle cx="{a:.1}" cy="{b:.1}" r="3.5" fill="{colour}" stroke="#fff" stroke-width="1"/>"##
            );
        }
    }
    for (p, mark) in [(&plan.depot, "D"), (&plan.dump, "V")] {
        let (a, b) = px(p.lon, p.lat);
        let _ = write!(
            svg,
            r##"<circle cx="{a:.1}" cy="{b:.1}" r="8" fill="#1d2a33"/><text x="{a:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="#fff" font-weight="bold">{mark}</text>"##,
            b + 3.5
        );
    }
    svg.push_str("</svg>");
    svg
}

fn figures_row(
    label: &str,
    a: &Totals,
    p: &Totals,
    s: &Totals,
    pick: fn(&Totals) -> f64,
    d: usize,
) -> String {
    format!(
        "<tr><th>{label}</th><td>{}</td><td>{}</td><td><strong>{}</strong></td></tr>",
        fr_number(pick(a), d),
        fr_number(pick(p), d),
        fr_number(pick(s), d)
    )
}

/// The report of `plan` (computed on `t`) as a self-contained French HTML page dated `date`
/// (YYYY-MM-DD).
pub fn html(t: &Territory, plan: &RoundsPlan, date: &str) -> String {
    let material = t
        .material(&plan.material)
        .map(|m| m.label_fr.clone())
        .unwrap_or_else(|| plan.material.clone());
    let s = &plan.scenario;
    let b = &plan.baseline;
    let sens = &s.sensitivity;
    let vehicle_name = |id: &str| {
        plan.fleet
            .iter()
            .find(|v| v.id == id)
            .map(|v| v.label_fr.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| id.to_owned())
    };
    let mut out = String::new();
    let _ = write!(
        out,
        r##"<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Tournées mutualisées — {m} — {terr}</title>
<style>body{{font-family:system-ui,"DejaVu Sans",sans-serif;color:#1d2a33;max-width:190mm;margin:8mm auto;font-size:11pt}}h1{{font-size:16pt;margin:0}}h2{{font-size:12.5pt;margin:1em 0 .3em;border-bottom:1px solid #ccd}}table{{border-collapse:collapse}}td,th{{padding:2px 8px;text-align:right}}th:first-child{{text-align:left}}.map{{width:100%;height:auto;border:1px solid #ccd}}.definition{{border-left:3px solid #1b9e77;padding-left:.5em}}.estimate{{background:#fff3cd;padding:.2em .4em}}.small{{font-size:9pt;color:#445}}@page{{size:A4;margin:10mm}}</style></head><body>
<header><h1>Tournées mutualisées — {m}</h1><p>{terr} — édité le <time datetime="{date}">{date_fr}</time></p></header>"##,
        m = esc(&material),
        terr = esc(&t.manifest.name),
        date = esc(date),
        date_fr = esc(&date_fr(date)),
    );
    out.push_str(&map_svg(t, plan));
    let _ = write!(
        out,
        r#"<p class="small">D : dépôt ({}) — V : site de traitement ({}). Fond : limites communales du territoire.</p>"#,
        esc(&plan.depot.name),
        esc(&plan.dump.name)
    );
    out.push_str("<h2>Chacun seul ou mutualisé, par an</h2>");
    let _ = write!(
        out,
        "<table id=\"report-figures\"><thead><tr><th></th><th>Chacun seul</th><th>Mutualisé</th><th>Gain</th></tr></thead><tbody>{}{}{}{}</tbody></table>",
        figures_row("km", &s.alone, &s.pooled, &s.savings, |x| x.distance_km, 0),
        figures_row("heures", &s.alone, &s.pooled, &s.savings, |x| x.hours, 0),
        figures_row("€", &s.alone, &s.pooled, &s.savings, |x| x.cost_eur, 0),
        figures_row("kg CO2e", &s.alone, &s.pooled, &s.savings, |x| x.co2e_kg, 0),
    );
    let _ = write!(
        out,
        r#"<p class="definition" id="report-definition">{}</p>"#,
        esc(&b.definition_fr)
    );
    if !b.same_site_as_pooled {
        let _ = write!(
            out,
            "<p>Les tournées mutualisées déchargent à {}, le scénario « chacun seul » au site de traitement par défaut de la matière, {} : la comparaison inclut ce changement de site.</p>",
            esc(&plan.dump.name),
            esc(&b.treatment_site.name)
        );
    }
    out.push_str("<h2>Fourchette du gain</h2>");
    let _ = write!(
        out,
        r#"<p id="report-range">Gain annuel en € selon les coûts incertains : entre {} € et {} € par an (valeur retenue : {} €). kg CO2e évités : entre {} et {} par an.</p>"#,
        fr_number(sens.savings_eur.low, 0),
        fr_number(sens.savings_eur.high, 0),
        fr_number(sens.savings_eur.central, 0),
        fr_number(sens.savings_co2e_kg.low, 0),
        fr_number(sens.savings_co2e_kg.high, 0),
    );
    let verdict = if sens.savings_eur.low > 0.0 {
        "La mutualisation reste moins chère quelles que soient les valeurs plausibles des coûts."
    } else if sens.savings_eur.high < 0.0 {
        "La mutualisation reste plus chère quelles que soient les valeurs plausibles des coûts."
    } else {
        "La mutualisation est moins chère avec les valeurs retenues, mais pas à tous les extrêmes des fourchettes."
    };
    let _ = write!(out, "<p>{verdict}");
    if let Some(be) = &sens.break_even {
        let _ = write!(
            out,
            " Seuil : la mutualisation reste moins chère tant que le {} du véhicule {} est {} {} {}{}.",
            factor_fr(be.factor.as_str()),
            esc(&vehicle_name(&be.vehicle)),
            if be.pooling_cheaper == Side::Above {
                "au-dessus de"
            } else {
                "au-dessous de"
            },
            fr_number(be.value, 2),
            unit_fr(&be.unit),
            if be.within_range {
                ""
            } else {
                " (valeur hors de la fourchette plausible)"
            }
        );
    }
    out.push_str(" Les quantités ne varient pas dans cette fourchette.</p><table class=\"small\"><thead><tr><th>Facteur incertain</th><th>Gain au bas de la fourchette</th><th>Gain au haut de la fourchette</th></tr></thead><tbody>");
    for e in &sens.factors {
        let (lo, hi) = if e.factor == Uncertain::FuelConsumption {
            (
                format!("{} kg CO2e", fr_number(e.savings_co2e_kg.low, 0)),
                format!("{} kg CO2e", fr_number(e.savings_co2e_kg.high, 0)),
            )
        } else {
            (
                format!("{} €", fr_number(e.savings_eur.low, 0)),
                format!("{} €", fr_number(e.savings_eur.high, 0)),
            )
        };
        let _ = write!(
            out,
            "<tr><th>{}</th><td>{lo}</td><td>{hi}</td></tr>",
            factor_fr(e.factor.as_str())
        );
    }
    out.push_str("</tbody></table>");
    out.push_str("<h2>Tournées d'un cycle de collecte</h2><ol>");
    for r in &plan.rounds {
        let stops = r.stops.iter().filter(|s| s.kind == PlaceKind::Stop).count();
        let _ = write!(
            out,
            "<li>{} — {stops} arrêt(s), {} km, {}, {} €, {} kg CO2e</li>",
            esc(&vehicle_name(&r.vehicle)),
            fr_number(r.distance_m / 1000.0, 1),
            clock(r.duration_s / 3600.0),
            fr_number(r.cost_eur, 0),
            fr_number(r.co2e_kg, 1)
        );
    }
    out.push_str("</ol>");
    let _ = write!(
        out,
        "<p>{} cycle(s) de collecte par an (la fréquence la plus élevée demandée). Distances : {}.</p>",
        fr_number(plan.cycles_per_year, 0),
        match plan.method {
            Method::Road => "par la route (réseau OpenStreetMap importé)",
            Method::CrowFlies =>
                "à vol d'oiseau × facteur de détour (aucun réseau routier importé)",
        }
    );
    if plan.suppressed_rounds > 0 {
        let _ = write!(
            out,
            "<p class=\"small\">{} tournée(s) de moins de {} entreprises ne sont pas détaillées (confidentialité) ; leurs chiffres sont inclus dans les totaux annuels.</p>",
            plan.suppressed_rounds,
            crate::disclosure::Rule::of(t).k
        );
    }
    out.push_str("<h2>Hypothèses et sources</h2><ul class=\"small\" id=\"report-sources\">");
    for f in &s.factors {
        let _ = write!(
            out,
            "<li>{} : {} {} — source : {}</li>",
            factor_fr(&f.name),
            fr_number(f.value, 2),
            esc(&unit_fr(&f.unit)),
            esc(&f.source)
        );
    }
    out.push_str("</ul>");
    let why = estimate_fr(s.estimate.as_ref());
    out.push_str("<h2>Ce qui repose sur des estimations</h2>");
    if why.is_empty() {
        out.push_str("<p>Rien : quantités mesurées, distances routières, positions à l'adresse, facteurs et coûts sourcés.</p>");
    } else {
        let _ = write!(
            out,
            r#"<p class="estimate" id="report-estimate">{}</p>"#,
            esc(&why)
        );
    }
    let _ = write!(
        out,
        "<p class=\"small\">Rapport produit par boucle le {} à partir du dossier du territoire « {} ».</p></body></html>",
        esc(&date_fr(date)),
        esc(&t.manifest.name)
    );
    out
}

/// A YYYY-MM-DD date in French words ("3 décembre 2026"); the text itself when it is not one.
pub fn date_fr(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    let parts: Vec<&str> = iso.split('-').collect();
    match parts.as_slice() {
        [y, m, d] => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => iso.to_owned(),
        },
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers_and_dates() {
        assert_eq!(fr_number(12345.678, 1), "12\u{202f}345,7");
        assert_eq!(fr_number(-4330.2, 0), "−4\u{202f}330");
        assert_eq!(fr_number(-0.2, 0), "0");
        assert_eq!(fr_number(f64::NAN, 0), "—");
        assert_eq!(date_fr("2026-12-03"), "3 décembre 2026");
        assert_eq!(date_fr("hier"), "hier");
    }
}
