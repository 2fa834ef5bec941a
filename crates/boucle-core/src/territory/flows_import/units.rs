//! Numbers, units, directions and frequencies as officers write them in spreadsheets.

use crate::io::csv::fmt_num;
use crate::io::text::normalize;
use crate::territory::Period;
use crate::territory::model::{Direction, Material};

use super::density_kg_per_m3;
use super::sheet::Cell;

/// A number of a cell: a spreadsheet number, or text with a decimal comma or point and spaces
/// as thousands separators ("1 250,5"); `None` when empty. Finite, non-negative, at most
/// [`crate::limits::MAX_QUANTITY`].
pub fn number(c: &Cell) -> Result<Option<f64>, String> {
    let x = match c {
        Cell::Empty => return Ok(None),
        Cell::Number(x) => *x,
        Cell::Text(s) => {
            let t: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
                .collect::<String>()
                .replace(',', ".");
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<f64>()
                .map_err(|_| format!("`{s}` is not a number"))?
        }
    };
    if !x.is_finite() || !(0.0..=crate::limits::MAX_QUANTITY).contains(&x) {
        return Err(format!(
            "{} outside [0, {}]",
            c.text(),
            crate::limits::MAX_QUANTITY
        ));
    }
    Ok(Some(x))
}

enum Unit {
    /// Mass, kg per unit.
    Mass(f64),
    /// Volume, m³ per unit.
    Volume(f64),
    /// Items (pallets, pieces).
    Items,
}

fn parse_unit(s: &str) -> Option<Unit> {
    let n = normalize(&s.replace('³', "3"));
    let first = n.split(' ').next().unwrap_or("");
    Some(match first {
        "t" | "tonne" | "tonnes" | "tonnage" => Unit::Mass(1000.0),
        "kg" | "kilo" | "kilos" | "kilogramme" | "kilogrammes" => Unit::Mass(1.0),
        "m3" | "metre" | "metres" | "mc" => Unit::Volume(1.0),
        "l" | "litre" | "litres" => Unit::Volume(0.001),
        "palette" | "palettes" | "pal" | "pallets" | "u" | "unite" | "unites" | "piece"
        | "pieces" | "units" | "nb" | "nombre" => Unit::Items,
        _ => return None,
    })
}

fn is_mass_or_volume(unit: &str) -> bool {
    matches!(parse_unit(unit), Some(Unit::Mass(_) | Unit::Volume(_)))
}

/// `q` in `unit` as a quantity in the material's unit, with a note saying how when converted.
/// Volumes go through the material's density (`kg_per_unit / m3_per_unit` of materials.csv),
/// items through its unit weight when its unit is items.
pub fn convert(q: f64, unit: &str, m: &Material) -> Result<(f64, Option<String>), String> {
    if unit.trim().is_empty() {
        return Err(format!(
            "no unit (t, kg, m³, l, palettes, unités); {} is counted in {}",
            m.slug, m.unit
        ));
    }
    let Some(u) = parse_unit(unit) else {
        return Err(format!(
            "unknown unit \"{unit}\" (t, kg, m³, l, palettes, unités)"
        ));
    };
    if m.kg_per_unit <= 0.0 {
        return Err(format!("{}: no unit weight in materials.csv", m.slug));
    }
    let target_items = !is_mass_or_volume(&m.unit);
    let (out, how) = match u {
        Unit::Items if target_items => return Ok((q, None)),
        Unit::Items => {
            return Err(format!(
                "\"{unit}\": items of {} have no unit weight (its unit is {}); give a mass or a \
                 volume",
                m.slug, m.unit
            ));
        }
        Unit::Mass(f) => {
            let kg = q * f;
            if let Some(Unit::Mass(g)) = parse_unit(&m.unit)
                && g == f
            {
                return Ok((q, None));
            }
            (kg / m.kg_per_unit, format!("{} {unit}", fmt_num(q)))
        }
        Unit::Volume(f) => {
            if let Some(Unit::Volume(g)) = parse_unit(&m.unit)
                && g == f
            {
                return Ok((q, None));
            }
            let Some(d) = density_kg_per_m3(m) else {
                return Err(format!(
                    "\"{unit}\": {} has no density (m3_per_unit empty in materials.csv)",
                    m.slug
                ));
            };
            (
                q * f * d / m.kg_per_unit,
                format!(
                    "{} {unit} at {} kg/m³ ({})",
                    fmt_num(q),
                    fmt_num(d),
                    if m.weights_source.is_empty() {
                        "materials.csv"
                    } else {
                        m.weights_source.as_str()
                    }
                ),
            )
        }
    };
    let out = (out * 1e6).round() / 1e6;
    Ok((out, Some(format!("{how} → {} {}", fmt_num(out), m.unit))))
}

/// Out or in from a « Sens » cell.
pub fn direction(s: &str) -> Option<Direction> {
    let n = normalize(s);
    let first = n.split(' ').next().unwrap_or("");
    match first {
        "out" | "sortant" | "sortie" | "produit" | "production" | "gisement" | "offre"
        | "rejet" => Some(Direction::Out),
        "in" | "entrant" | "entree" | "besoin" | "demande" | "consomme" | "consommation" => {
            Some(Direction::In)
        }
        _ => None,
    }
}

/// Collections per `period` from a « Fréquence » cell: a number, "12/an", "2 par mois",
/// "hebdomadaire", "mensuelle"…; `None` when empty.
pub fn frequency(c: &Cell, period: Period) -> Result<Option<f64>, String> {
    let per_year = match c {
        Cell::Empty => return Ok(None),
        Cell::Number(x) => {
            let x = *x;
            return check_frequency(x, c).map(Some);
        }
        Cell::Text(s) => {
            let n = normalize(s);
            if n.is_empty() {
                return Ok(None);
            }
            let words: Vec<&str> = n.split(' ').collect();
            let word_rate = |w: &str| -> Option<f64> {
                Some(match w {
                    "quotidien" | "quotidienne" | "jour" | "jours" | "j" => 250.0,
                    "hebdomadaire" | "semaine" | "semaines" | "sem" | "hebdo" => 52.0,
                    "bimensuel" | "bimensuelle" => 24.0,
                    "mensuel" | "mensuelle" | "mois" => 12.0,
                    "trimestriel" | "trimestrielle" | "trimestre" => 4.0,
                    "semestriel" | "semestrielle" | "semestre" => 2.0,
                    "annuel" | "annuelle" | "an" | "annee" | "ans" => 1.0,
                    _ => return None,
                })
            };
            let count = words[0].replace(',', ".").parse::<f64>().ok();
            let rate = words.iter().rev().find_map(|w| word_rate(w));
            match (count, rate) {
                (Some(k), Some(r)) => k * r,
                (None, Some(r)) if words.len() == 1 => r,
                (Some(k), None) if words.len() == 1 => {
                    return check_frequency(k, c).map(Some);
                }
                _ => {
                    return Err(format!(
                        "`{s}` is not a frequency (a number per period, \"12/an\", \"2 par \
                         mois\", \"hebdomadaire\")"
                    ));
                }
            }
        }
    };
    check_frequency(per_year / period.per_year(), c).map(Some)
}

fn check_frequency(x: f64, c: &Cell) -> Result<f64, String> {
    let max = crate::limits::MAX_COLLECTIONS_PER_PERIOD;
    if x.is_finite() && x > 0.0 && x <= max {
        Ok(x)
    } else {
        Err(format!("frequency {} outside (0, {max}]", c.text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn material(unit: &str, kg: f64, m3: Option<f64>) -> Material {
        Material {
            slug: "x".into(),
            label_fr: "X".into(),
            ewc_codes: vec![],
            family: "wood".into(),
            unit: unit.into(),
            kg_per_unit: kg,
            m3_per_unit: m3,
            synonyms_fr: vec![],
            weights_source: String::new(),
        }
    }

    #[test]
    fn units_convert_through_density_and_unit_weight() {
        let wood = material("t", 1000.0, Some(4.0)); // 250 kg/m³
        assert_eq!(convert(3.0, "t", &wood).unwrap(), (3.0, None));
        assert_eq!(convert(2500.0, "kg", &wood).unwrap().0, 2.5);
        assert_eq!(convert(12.0, "m³", &wood).unwrap().0, 3.0);
        assert_eq!(convert(12.0, "m3/an", &wood).unwrap().0, 3.0);
        assert!(convert(5.0, "palettes", &wood).is_err());
        assert!(convert(5.0, "barils", &wood).is_err());
        assert!(convert(5.0, "", &wood).is_err());
        let pallets = material("pallets", 25.0, Some(0.14));
        assert_eq!(convert(40.0, "palettes", &pallets).unwrap(), (40.0, None));
        assert_eq!(convert(1.0, "t", &pallets).unwrap().0, 40.0);
        let no_density = material("t", 1000.0, None);
        assert!(convert(1.0, "m3", &no_density).is_err());
    }

    #[test]
    fn numbers_frequencies_and_directions() {
        assert_eq!(number(&Cell::Text("1 250,5".into())).unwrap(), Some(1250.5));
        assert!(number(&Cell::Text("-3".into())).is_err());
        assert!(number(&Cell::Text("1e300".into())).is_err());
        assert!(number(&Cell::Number(f64::NAN)).is_err());
        assert!(number(&Cell::Text("beaucoup".into())).is_err());
        let f = |s: &str| frequency(&Cell::Text(s.into()), Period::Year);
        assert_eq!(f("12/an").unwrap(), Some(12.0));
        assert_eq!(f("2 par mois").unwrap(), Some(24.0));
        assert_eq!(f("hebdomadaire").unwrap(), Some(52.0));
        assert_eq!(f("6").unwrap(), Some(6.0));
        assert!(f("parfois").is_err());
        assert!(f("0").is_err());
        assert_eq!(direction("Sortant"), Some(Direction::Out));
        assert_eq!(direction("besoin"), Some(Direction::In));
        assert_eq!(direction("?"), None);
    }
}
