//! CNIG records into the territory's parks: a SITE-ECO becomes (or updates) a park, with its
//! outline; a TERRAIN-ECO joins its site's park as a plot; a POLE-ECO becomes a park only when
//! no site of the folder belongs to it (else it is the sites' `pole_id`).
//!
//! A record updates the park that was imported from the same CNIG id, else the one park of the
//! same name (accents and case ignored) in a compatible commune. Two or more such parks: the
//! record is listed for review and not merged.

use geo::Point;
use serde::Serialize;

use crate::io::text::{normalize, slug};
use crate::territory::Territory;
use crate::territory::files::representative_point;
use crate::territory::model::{Park, Precision};

use super::read::{CnigFile, CnigRecord, parse_number};
use super::{CnigClass, CnigPark, CnigPlot};

/// What an import did (or would do, in a dry run).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergeReport {
    /// Parks added (ids).
    pub added: Vec<String>,
    /// Parks updated: (park id, how the record was matched).
    pub updated: Vec<(String, String)>,
    /// Plots attached: (park id, terr_id).
    pub plots: Vec<(String, String)>,
    /// Records not merged, for the officer to settle (ambiguous name, unknown site).
    pub review: Vec<String>,
    /// Other remarks (a pole kept as its sites' pole_id).
    pub notes: Vec<String>,
}

fn field<'a>(r: &'a CnigRecord, name: &str) -> Option<&'a str> {
    r.fields.get(name).map(String::as_str)
}

fn number(r: &CnigRecord, name: &str) -> Option<f64> {
    field(r, name).and_then(|v| parse_number(v).ok())
}

fn cnig_id(p: &Park, class: CnigClass) -> Option<&str> {
    let c = p.cnig.as_ref()?;
    (c.class == Some(class))
        .then(|| c.fields.get(class.id_field()).map(String::as_str))
        .flatten()
}

/// Merge the records of `file` into `parks` (the territory's, possibly already changed by an
/// earlier file of the same import). `imported_on` is the date written into the parks' source.
pub fn merge(
    t: &Territory,
    parks: &mut Vec<Park>,
    file: &CnigFile,
    imported_on: &str,
) -> MergeReport {
    let mut report = MergeReport::default();
    let file_name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for r in &file.records {
        let here = format!("{}{}", file.path.display(), r.location);
        match file.class {
            CnigClass::Site | CnigClass::Pole => {
                let class = file.class;
                let id = field(r, class.id_field()).unwrap_or_default().to_owned();
                if class == CnigClass::Pole {
                    let sites: Vec<&str> = parks
                        .iter()
                        .filter(|p| {
                            cnig_id(p, CnigClass::Site).is_some()
                                && p.cnig
                                    .as_ref()
                                    .and_then(|c| c.fields.get("pole_id"))
                                    .is_some_and(|pid| *pid == id)
                        })
                        .map(|p| p.id.as_str())
                        .collect();
                    if !sites.is_empty() {
                        report.notes.push(format!(
                            "{here}: pole {id} groups the parks {}: kept as their pole_id, not \
                             added as a park",
                            sites.join(", ")
                        ));
                        continue;
                    }
                }
                let name_field = if class == CnigClass::Site {
                    "site_nom"
                } else {
                    "pole_nom"
                };
                let name = field(r, name_field).unwrap_or_default().to_owned();
                let max = crate::limits::MAX_KM_OUTSIDE_TERRITORY;
                if let Some(km) = r
                    .point
                    .or_else(|| r.outline.as_ref().and_then(representative_point))
                    .map(|p| t.km_outside_box(p))
                    .filter(|&km| km > max)
                {
                    report.review.push(format!(
                        "{here}: {id} \"{name}\" lies {km:.0} km outside the territory (more \
                         than {max} km): not imported"
                    ));
                    continue;
                }
                let insee = field(r, "site_comm_insee").map(str::to_owned);
                let target = match parks.iter().position(|p| cnig_id(p, class) == Some(&id)) {
                    Some(k) => Some((k, format!("same {} {id}", class.id_field()))),
                    None => {
                        let n = normalize(&name);
                        let same: Vec<usize> = parks
                            .iter()
                            .enumerate()
                            .filter(|(_, p)| normalize(&p.name) == n)
                            .filter(|(_, p)| {
                                insee.as_ref().is_none_or(|i| {
                                    p.insee.is_none()
                                        || p.insee.as_ref() == Some(i)
                                        || p.communes.contains(i)
                                })
                            })
                            .filter(|(_, p)| p.cnig.as_ref().and_then(|c| c.class).is_none())
                            .map(|(k, _)| k)
                            .collect();
                        match same.as_slice() {
                            [] => None,
                            [k] => Some((*k, format!("same name \"{name}\""))),
                            many => {
                                let ids: Vec<&str> =
                                    many.iter().map(|&k| parks[k].id.as_str()).collect();
                                report.review.push(format!(
                                    "{here}: {id} \"{name}\" matches the parks {} by name: not \
                                     merged (settle by hand, e.g. rename one)",
                                    ids.join(", ")
                                ));
                                continue;
                            }
                        }
                    }
                };
                let k = match target {
                    Some((k, how)) => {
                        report.updated.push((parks[k].id.clone(), how));
                        k
                    }
                    None => {
                        let mut base = slug(&name);
                        if base.is_empty() {
                            base = slug(&id);
                        }
                        let mut pid = base.clone();
                        let mut n = 2;
                        while parks.iter().any(|p| p.id == pid) {
                            pid = format!("{base}-{n}");
                            n += 1;
                        }
                        parks.push(Park {
                            id: pid.clone(),
                            name: name.clone(),
                            insee: None,
                            communes: Vec::new(),
                            epci_siren: None,
                            position: None,
                            precision: Precision::Unknown,
                            area_ha: None,
                            free_ha: None,
                            companies: None,
                            jobs: None,
                            in_territory: true,
                            remarks: String::new(),
                            source: String::new(),
                            confidence: String::new(),
                            outline: None,
                            cnig: None,
                        });
                        report.added.push(pid);
                        parks.len() - 1
                    }
                };
                apply(t, &mut parks[k], class, r, &file_name, imported_on);
            }
            CnigClass::Terrain => {
                let site = field(r, "site_id").unwrap_or_default();
                let terr = field(r, "terr_id").unwrap_or_default().to_owned();
                let Some(p) = parks
                    .iter_mut()
                    .find(|p| cnig_id(p, CnigClass::Site) == Some(site))
                else {
                    report.review.push(format!(
                        "{here}: plot {terr}: no park imported from site {site} (import its \
                         SITE-ECO first)"
                    ));
                    continue;
                };
                let plot = CnigPlot {
                    fields: r.fields.clone(),
                    outline: r.outline.clone(),
                };
                let c = p.cnig.get_or_insert_with(CnigPark::default);
                match c
                    .plots
                    .iter_mut()
                    .find(|x| x.fields.get("terr_id") == Some(&terr))
                {
                    Some(x) => *x = plot,
                    None => c.plots.push(plot),
                }
                if !c.fields.contains_key("site_surf_comm_dispo") {
                    p.free_ha = plots_for_sale(&c.plots);
                }
                report.plots.push((p.id.clone(), terr));
            }
        }
    }
    report
}

/// Hectares of the plots on sale (`terr_stade_comm` "en vente…"), when any plot says.
fn plots_for_sale(plots: &[CnigPlot]) -> Option<f64> {
    let stated: Vec<&CnigPlot> = plots
        .iter()
        .filter(|p| p.fields.contains_key("terr_stade_comm"))
        .collect();
    if stated.is_empty() {
        return None;
    }
    Some(
        stated
            .iter()
            .filter(|p| {
                p.fields
                    .get("terr_stade_comm")
                    .is_some_and(|s| s.starts_with("en vente"))
            })
            .filter_map(|p| {
                p.fields
                    .get("terr_surf_brute")
                    .and_then(|v| parse_number(v).ok())
            })
            .sum(),
    )
}

fn apply(
    t: &Territory,
    p: &mut Park,
    class: CnigClass,
    r: &CnigRecord,
    file_name: &str,
    imported_on: &str,
) {
    let site = class == CnigClass::Site;
    p.name = field(r, if site { "site_nom" } else { "pole_nom" })
        .unwrap_or(&p.name)
        .to_owned();
    if let Some(i) = field(r, "site_comm_insee") {
        p.insee = Some(i.to_owned());
        if !p.communes.iter().any(|c| c == i) {
            p.communes.insert(0, i.to_owned());
        }
        p.in_territory = t.communes.iter().any(|c| c.insee == i);
    }
    if let Some(s) = field(r, "site_epci_siren") {
        p.epci_siren = Some(s.to_owned());
    }
    let position: Option<Point<f64>> = r
        .point
        .or_else(|| r.outline.as_ref().and_then(representative_point));
    if let Some(pos) = position {
        p.position = Some(pos);
        p.precision = Precision::Park;
        // A record without commune (a pole) takes the commune of its position.
        if p.insee.is_none()
            && let Some(c) = t.commune_at(pos)
        {
            p.insee = Some(c.insee.clone());
            p.communes.insert(0, c.insee.clone());
            p.epci_siren.get_or_insert_with(|| c.epci_siren.clone());
        }
    }
    let area = if site {
        "site_surf_brute"
    } else {
        "pole_surface"
    };
    if let Some(a) = number(r, area) {
        p.area_ha = Some(a);
    }
    let etab = if site { "site_nb_etab" } else { "pole_nb_etab" };
    if let Some(v) = field(r, etab) {
        p.companies = Some(v.to_owned());
    }
    let jobs = if site {
        "site_nb_emploi"
    } else {
        "pole_nb_emploi"
    };
    if let Some(v) = field(r, jobs) {
        p.jobs = Some(v.to_owned());
    }
    if r.outline.is_some() {
        p.outline = r.outline.clone();
    }
    let plots = p.cnig.take().map(|c| c.plots).unwrap_or_default();
    let c = CnigPark {
        class: Some(class),
        fields: r.fields.clone(),
        plots,
    };
    if let Some(free) = number(r, "site_surf_comm_dispo") {
        p.free_ha = Some(free);
    } else if let Some(free) = plots_for_sale(&c.plots) {
        p.free_ha = Some(free);
    }
    let id = field(r, class.id_field()).unwrap_or_default();
    let mut source = format!(
        "CNIG Sites économiques {} {id} ({file_name}, imported {imported_on}",
        class.as_str().to_uppercase()
    );
    let dated = if site {
        field(r, "site_actu_date").or(field(r, "site_identif_date"))
    } else {
        field(r, "pole_actu_date").or(field(r, "pole_identif_date"))
    };
    if let Some(d) = dated {
        source.push_str(&format!("; record of {d}"));
    }
    if let Some(prod) = field(r, "source_producteur") {
        source.push_str(&format!("; producer: {}", prod.trim()));
    }
    source.push(')');
    p.source = source;
    p.confidence = format!(
        "position: {}; outline: {}; figures as published in the inventory",
        if r.point.is_some() {
            "published centroid"
        } else if r.outline.is_some() {
            "inside the published outline"
        } else {
            "unchanged"
        },
        if p.outline.is_some() {
            "published"
        } else {
            "none"
        }
    );
    if p.remarks.is_empty()
        && let Some(d) = field(r, "site_description")
    {
        p.remarks = d.to_owned();
    }
    p.cnig = Some(c);
}
