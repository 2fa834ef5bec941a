//! Indicators of the industrial ecosystem for elected officials, after Korhonen's four
//! ecosystem principles (J. Korhonen, "Four ecosystem principles for an industrial ecosystem",
//! *Journal of Cleaner Production* 9 (2001) 253–259): roundput, diversity, locality and
//! gradual change (here: cooperation between actors, as the programme follows it), plus the
//! programme's own counts.
//!
//! Every [`Indicator`] carries its definition, its meaning and scale in French, its inputs
//! (aggregates only) and `estimate: {reasons}` when it rests on demonstration flows, unverified
//! NAF codes, demonstration register rows, crow-flies distances or commune-centre positions.
//! The output holds **no company-level quantity**.
//!
//! A "loop" is an out flow matched, by the [`crate::territory::Vocabulary`] (same material, same
//! EWC code or synonym; a shared family alone does not count), to an "in" side (an in flow or a
//! treatment site accepting the material) that lies inside the territory; the nearest such side
//! closes the loop. Such a side is a *potential* taker (`potential_takers`); the flow counts as
//! recovered in the territory (`roundput`) only with a *recorded* taker: an in flow, or an
//! implemented synergy of the register naming its holder and material.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::disclosure::{Rule, coarsen};
use crate::error::Result;
use crate::estimate::{Estimate, EstimateReason, Reasons};
use crate::territory::register::count_by_status;
use crate::territory::sides::Exchanges;
use crate::territory::vocabulary::normalize;
use crate::territory::{Precision, Status, Synergy, Territory, Vocabulary};
use crate::travel::{CostMatrix, Method, Travel};

/// Reference of the principles.
pub const KORHONEN_2001: &str = "Korhonen J. (2001). Four ecosystem principles for an industrial ecosystem. Journal of Cleaner Production 9(3), 253–259.";

/// One indicator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable key, e.g. `roundput`.
    pub key: String,
    /// Korhonen principle: `roundput`, `diversity`, `cooperation`, `locality`; or `programme`.
    pub principle: String,
    /// French label for the viewer.
    pub label_fr: String,
    /// Value, `None` when it cannot be computed (e.g. no implemented synergy).
    pub value: Option<f64>,
    /// Unit of the value (`share`, `nats`, `km`, `actors`, `count`).
    pub unit: String,
    /// How it is computed.
    pub definition: String,
    /// What it was computed from (aggregates only).
    pub inputs: Vec<String>,
    /// Why it is an estimate (stable reason codes), `None` when it rests on recorded data.
    pub estimate: Option<Estimate>,
    /// Remark, when needed (why no value, what is estimated).
    pub note: Option<String>,
    /// What the value means and its scale, in one French sentence for the viewer.
    #[serde(default)]
    pub meaning_fr: Option<String>,
}

/// The programme's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgrammeCounts {
    /// Actors listed in the territory (companies, ESS, public bodies).
    pub actors_listed: usize,
    /// Actors with at least one flow recorded.
    pub actors_with_flows: usize,
    /// Actors mobilised: distinct actors involved in at least one recorded synergy (any status).
    pub actors_mobilised: usize,
    /// Synergies recorded.
    pub synergies: usize,
    /// Synergies by status (every status, zero included).
    pub synergies_by_status: BTreeMap<String, usize>,
    /// Mean number of actors per recorded synergy (`None` without synergies).
    pub mean_actors_per_synergy: Option<f64>,
    /// Whether any register row is a demonstration row.
    pub estimate: bool,
}

/// All indicators of a territory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorsReport {
    /// Territory name.
    pub territory: String,
    /// How distances were obtained (`road` / `crow_flies`).
    pub method: Method,
    /// Whether any indicator is an estimate.
    pub estimate: bool,
    /// The indicators, principle by principle.
    pub indicators: Vec<Indicator>,
    /// The programme's counts.
    pub programme: ProgrammeCounts,
    /// Reference for the principles.
    pub reference: String,
    /// The day the indicators were computed (UTC, YYYY-MM-DD).
    #[serde(default)]
    pub computed_on: String,
    /// The day flows.csv was last written (UTC, YYYY-MM-DD): the vintage of the data; `None`
    /// when the territory is not read from a folder.
    #[serde(default)]
    pub flows_file_date: Option<String>,
}

/// Shannon index H = −Σ pᵢ ln pᵢ (natural log, nats) of category counts; 0 for one category,
/// `None` for none.
pub fn shannon<'a>(counts: impl IntoIterator<Item = &'a usize>) -> Option<f64> {
    let c: Vec<f64> = counts
        .into_iter()
        .filter(|&&x| x > 0)
        .map(|&x| x as f64)
        .collect();
    let total: f64 = c.iter().sum();
    if total == 0.0 {
        return None;
    }
    Some(
        -c.iter()
            .map(|&x| {
                let p = x / total;
                p * p.ln()
            })
            .sum::<f64>()
            + 0.0,
    )
}

/// NAF section letter (A–U) of a NAF code such as `25.62B`, from its two-digit division.
pub fn naf_section(naf: &str) -> Option<char> {
    let d: u32 = naf.trim().get(0..2)?.parse().ok()?;
    Some(match d {
        1..=3 => 'A',
        5..=9 => 'B',
        10..=33 => 'C',
        35 => 'D',
        36..=39 => 'E',
        41..=43 => 'F',
        45..=47 => 'G',
        49..=53 => 'H',
        55..=56 => 'I',
        58..=63 => 'J',
        64..=66 => 'K',
        68 => 'L',
        69..=75 => 'M',
        77..=82 => 'N',
        84 => 'O',
        85 => 'P',
        86..=88 => 'Q',
        90..=93 => 'R',
        94..=96 => 'S',
        97..=98 => 'T',
        99 => 'U',
        _ => return None,
    })
}

fn is_demo(s: &Synergy) -> bool {
    let src = normalize(&s.source);
    src.contains("demonstration") || src.contains("demo")
}

fn ind(
    key: &str,
    principle: &str,
    label_fr: &str,
    value: Option<f64>,
    unit: &str,
    definition: &str,
) -> Indicator {
    Indicator {
        key: key.into(),
        principle: principle.into(),
        label_fr: label_fr.into(),
        value,
        unit: unit.into(),
        definition: definition.into(),
        inputs: Vec::new(),
        estimate: None,
        note: None,
        meaning_fr: None,
    }
}

/// What a Shannon index over `n` categories means, in French, with its scale.
fn shannon_meaning(n: usize, what: &str) -> String {
    if n < 2 {
        return format!(
            "Indice de Shannon (en nats) : 0 quand tout relève d'une seule catégorie ({what} présentes : {n})."
        );
    }
    format!(
        "Indice de Shannon (en nats) : 0 quand tout relève d'une seule catégorie, au plus ln {n} ≈ {} quand les {n} {what} présentes sont également représentées ; plus il est élevé, plus la répartition est variée.",
        format!("{:.2}", (n as f64).ln()).replace('.', ",")
    )
}

/// Compute the indicators of `t` with its synergy `register`, on the territory's travel costs.
pub fn indicators(t: &Territory, register: &[Synergy]) -> Result<IndicatorsReport> {
    indicators_with(t, register, &Travel::for_territory(t)?)
}

/// [`indicators`] with a travel context the caller keeps.
pub fn indicators_with(
    t: &Territory,
    register: &[Synergy],
    travel: &Travel,
) -> Result<IndicatorsReport> {
    let vocab = Vocabulary::new(&t.materials);
    let ex = Exchanges::of(t);
    let m = travel.table(&ex.out_points, &ex.in_points)?.matrix;
    let (outs, ins, out_ix, in_ix) = (&ex.outs, &ex.ins, &ex.out_ix, &ex.in_ix);
    let flows_estimate = outs.iter().any(|o| o.estimate);
    let mut out = Vec::new();

    // Loops: nearest in-territory specific match of each out flow (a potential taker: an in
    // flow or a site whose accepts list names the material). A flow is recovered in the
    // territory only with a recorded taker: an in flow of an in-territory holder, or an
    // implemented synergy of the register naming its holder and material.
    let total_t: f64 = outs.iter().filter_map(|o| o.tonnes).sum();
    let mut looped_t = 0.0;
    let mut recovered_t = 0.0;
    let mut loops = 0usize;
    let mut recovered = 0usize;
    let mut dist_wsum = 0.0;
    let mut dist_tonnes = 0.0;
    let mut dist_commune_t = 0.0;
    // Contributors (holders) behind the tonnage of the loops and behind the rest.
    let mut looped_holders: BTreeSet<&str> = BTreeSet::new();
    let mut recovered_holders: BTreeSet<&str> = BTreeSet::new();
    let mut distance_holders: BTreeSet<&str> = BTreeSet::new();
    let all_holders: BTreeSet<&str> = outs
        .iter()
        .filter(|o| o.tonnes.is_some())
        .map(|o| o.holder.as_str())
        .collect();
    let implemented_for = |holder: &str, material: &str| {
        register.iter().any(|s| {
            s.status == Status::Implemented
                && s.material == material
                && s.actors.iter().any(|a| a == holder)
        })
    };
    let at_commune = |id: &str| t.position_precision(id) == Some(Precision::Commune);
    let mut epci_known = 0usize;
    let mut epci_same = 0usize;
    for (i, o) in outs.iter().enumerate() {
        let mut best: Option<(f64, usize)> = None;
        let mut recorded_taker = implemented_for(&o.holder, &o.material);
        for (j, n) in ins.iter().enumerate() {
            if n.holder == o.holder || !n.in_territory {
                continue;
            }
            let specific = vocab
                .match_materials(&o.material, &o.ewc, &n.material, &n.ewc)
                .is_some_and(|r| r.is_specific());
            if !specific {
                continue;
            }
            recorded_taker |= n.recorded;
            let d = match (out_ix[i], in_ix[j]) {
                (Some(a), Some(b)) => m.distance_m(a, b) / 1000.0,
                _ => f64::INFINITY,
            };
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, j));
            }
        }
        let tonnes = o.tonnes.unwrap_or(0.0);
        if recorded_taker {
            recovered += 1;
            recovered_t += tonnes;
            if o.tonnes.is_some() {
                recovered_holders.insert(o.holder.as_str());
            }
        }
        if let Some((d, j)) = best {
            loops += 1;
            looped_t += tonnes;
            if o.tonnes.is_some() {
                looped_holders.insert(o.holder.as_str());
            }
            if d.is_finite() {
                dist_wsum += tonnes * d;
                dist_tonnes += tonnes;
                if at_commune(&o.holder) || at_commune(&ins[j].holder) {
                    dist_commune_t += tonnes;
                }
                distance_holders.insert(o.holder.as_str());
            }
            if let (Some(a), Some(b)) = (&o.epci, &ins[j].epci) {
                epci_known += 1;
                epci_same += usize::from(a == b);
            }
        }
    }
    let flow_reasons = |r: &mut Reasons| {
        r.when(flows_estimate, EstimateReason::DemonstrationFlows);
    };
    // Disclosure: a tonnage share or a tonnage-weighted mean is published only when at
    // least k holders stand behind it and behind its complement (none or at least k), see
    // crate::disclosure; the total tonnage is rounded to two significant digits.
    let rule = Rule::of(t);
    let unlooped = all_holders
        .iter()
        .filter(|h| !looped_holders.contains(*h))
        .count();
    let unrecovered = all_holders
        .iter()
        .filter(|h| !recovered_holders.contains(*h))
        .count();
    // A share resting on no company (0 %) isolates none: only its complement must be safe.
    let roundput_shown = (recovered_holders.is_empty() || rule.allows(recovered_holders.len()))
        && rule.safe_difference(unrecovered);
    let potential_shown = (looped_holders.is_empty() || rule.allows(looped_holders.len()))
        && rule.safe_difference(unlooped);
    let distance_shown = rule.allows(distance_holders.len());
    let confidential = |n: usize| {
        format!(
            "Not published: rests on fewer than {} companies ({n}) or would isolate them (confidentiality rule, territory.toml min_contributors).",
            rule.k
        )
    };
    let flows_input = format!(
        "{} out flows (about {} t/year in total, two significant digits), {} in sides (in flows and materials accepted by sites)",
        outs.len(),
        coarsen(total_t),
        ins.len()
    );
    let mut r = ind(
        "roundput",
        "roundput",
        "Part du tonnage sortant valorisé dans le territoire",
        (total_t > 0.0 && roundput_shown).then(|| recovered_t / total_t),
        "share",
        "Tonnes per year of out flows with a recorded in-territory taker (an in flow of the same material, same EWC code or synonym, or an implemented synergy of the register naming the holder and the material) ÷ tonnes per year of all out flows. A site that only lists the material among those it accepts is a potential taker (see `potential_takers`), not a recorded one.",
    );
    r.inputs = vec![
        flows_input.clone(),
        format!("{recovered} out flows with a recorded in-territory taker"),
    ];
    r.meaning_fr = Some("Ne compte que les flux dont un repreneur est enregistré (flux entrant déclaré ou synergie en place) : un site qui accepte la matière ne suffit pas.".into());
    let mut reasons = Reasons::new();
    flow_reasons(&mut reasons);
    r.estimate = reasons.build();
    if flows_estimate {
        r.note = Some("Built on demonstration flows (estimate), not measured tonnages.".into());
    }
    if !roundput_shown {
        r.note = Some(confidential(recovered_holders.len().min(unrecovered)));
    }
    out.push(r);
    let mut r = ind(
        "potential_takers",
        "roundput",
        "Part du tonnage sortant ayant un repreneur potentiel dans le territoire",
        (total_t > 0.0 && potential_shown).then(|| looped_t / total_t),
        "share",
        "Tonnes per year of out flows that have an in-territory potential taker (an in flow, or a treatment site whose accepts list names the material; same material, same EWC code or synonym) ÷ tonnes per year of all out flows.",
    );
    r.inputs = vec![
        flows_input.clone(),
        format!("{loops} out flows with an in-territory potential taker"),
    ];
    r.meaning_fr = Some("Un site du territoire déclare accepter la matière : une piste, pas une valorisation constatée.".into());
    let mut reasons = Reasons::new();
    flow_reasons(&mut reasons);
    r.estimate = reasons.build();
    if !potential_shown {
        r.note = Some(confidential(looped_holders.len().min(unlooped)));
    }
    out.push(r);

    // Diversity.
    let mut sections: BTreeMap<char, usize> = BTreeMap::new();
    let mut no_naf = 0;
    let mut unverified = 0;
    for a in &t.actors {
        match a.naf.as_deref().and_then(naf_section) {
            Some(s) => {
                *sections.entry(s).or_default() += 1;
                unverified += usize::from(!a.naf_verified);
            }
            None => no_naf += 1,
        }
    }
    let mut d = ind(
        "diversity_naf_sections",
        "diversity",
        "Diversité des activités (sections NAF)",
        shannon(sections.values()),
        "nats",
        "Shannon index H = −Σ p ln p over the NAF sections (A–U) of the actors with a NAF code; 0 when all share one section, ln(number of sections) at most.",
    );
    d.inputs = vec![format!(
        "{} actors with a NAF code in {} sections, {} without",
        sections.values().sum::<usize>(),
        sections.len(),
        no_naf
    )];
    d.estimate = Reasons::new()
        .when(unverified > 0, EstimateReason::UnverifiedNaf)
        .build();
    if unverified > 0 {
        d.note = Some(format!("{unverified} NAF code(s) not verified."));
    }
    d.meaning_fr = Some(shannon_meaning(sections.len(), "sections NAF"));
    out.push(d);

    let implemented: Vec<&Synergy> = register
        .iter()
        .filter(|s| s.status == Status::Implemented)
        .collect();
    let mut mats: HashMap<&str, usize> = HashMap::new();
    for s in &implemented {
        *mats.entry(s.material.as_str()).or_default() += 1;
    }
    let mut d = ind(
        "diversity_materials_implemented",
        "diversity",
        "Diversité des matières des synergies en place",
        shannon(mats.values()),
        "nats",
        "Shannon index H = −Σ p ln p over the materials of implemented synergies (one count per synergy).",
    );
    d.inputs = vec![format!(
        "{} implemented synergies, {} materials",
        implemented.len(),
        mats.len()
    )];
    d.estimate = Reasons::new()
        .when(
            implemented.iter().any(|s| is_demo(s)),
            EstimateReason::DemonstrationRegister,
        )
        .build();
    d.meaning_fr = Some(shannon_meaning(mats.len(), "matières"));
    if implemented.is_empty() {
        d.note = Some("No implemented synergy recorded.".into());
    }
    out.push(d);

    // Cooperation (non-abandoned synergies).
    let active: Vec<&Synergy> = register
        .iter()
        .filter(|s| s.status != Status::Abandoned)
        .collect();
    let active_demo = active.iter().any(|s| is_demo(s));
    let mut c = ind(
        "actors_per_synergy",
        "cooperation",
        "Nombre moyen d'acteurs par synergie",
        (!active.is_empty()).then(|| {
            active.iter().map(|s| s.actors.len()).sum::<usize>() as f64 / active.len() as f64
        }),
        "actors",
        "Mean number of actors involved per synergy not abandoned.",
    );
    c.inputs = vec![format!("{} synergies not abandoned", active.len())];
    c.estimate = Reasons::new()
        .when(active_demo, EstimateReason::DemonstrationRegister)
        .build();
    c.meaning_fr = Some("Nombre moyen d'entreprises et d'organisations engagées dans une même synergie (2 au minimum).".into());
    if active.is_empty() {
        c.note = Some("No synergy recorded.".into());
    }
    out.push(c);

    let mut nodes: HashSet<&str> = HashSet::new();
    let mut edges: HashSet<(&str, &str)> = HashSet::new();
    for s in &active {
        let mut a: Vec<&str> = s.actors.iter().map(String::as_str).collect();
        a.sort_unstable();
        a.dedup();
        nodes.extend(a.iter().copied());
        for x in 0..a.len() {
            for y in x + 1..a.len() {
                edges.insert((a[x], a[y]));
            }
        }
    }
    let n = nodes.len() as f64;
    let mut c = ind(
        "synergy_network_density",
        "cooperation",
        "Densité du réseau de coopération",
        (nodes.len() >= 2).then(|| 2.0 * edges.len() as f64 / (n * (n - 1.0))),
        "share",
        "Density of the graph whose nodes are the actors of synergies not abandoned and whose edges join two actors of a same synergy: 2E / (N (N − 1)).",
    );
    c.inputs = vec![format!("{} actors, {} links", nodes.len(), edges.len())];
    c.estimate = Reasons::new()
        .when(active_demo, EstimateReason::DemonstrationRegister)
        .build();
    c.meaning_fr = Some("De 0 (aucun lien) à 1 (chaque acteur coopère avec tous les autres) : part des paires d'acteurs liées par une synergie.".into());
    if nodes.len() < 2 {
        c.note = Some("Fewer than two actors in recorded synergies.".into());
    }
    out.push(c);

    // Locality.
    let mut l = ind(
        "loop_distance_km",
        "locality",
        "Distance moyenne des boucles (pondérée par le tonnage)",
        (dist_tonnes > 0.0 && distance_shown).then(|| dist_wsum / dist_tonnes),
        "km",
        "Tonnage-weighted mean one-way distance from each out flow to its nearest in-territory taker (loops as in `roundput`).",
    );
    l.inputs = vec![
        flows_input,
        format!("{loops} loops, distances by {}", m.method().as_str()),
    ];
    let mut reasons = Reasons::new();
    flow_reasons(&mut reasons);
    reasons.when(m.method() == Method::CrowFlies, EstimateReason::CrowFlies);
    if dist_tonnes > 0.0 {
        reasons
            .quantity(dist_commune_t, true)
            .quantity(dist_tonnes - dist_commune_t, false);
    }
    l.estimate = reasons.build();
    if let Some(e) = l.estimate.as_mut() {
        // Published to the nearest tenth (a finer share would give one company's part).
        e.commune_precision_share = e.commune_precision_share.map(|x| (x * 10.0).round() / 10.0);
    }
    let commune_share = if dist_tonnes > 0.0 {
        dist_commune_t / dist_tonnes
    } else {
        0.0
    };
    l.meaning_fr = Some(format!(
        "Distance moyenne (pondérée par le tonnage) entre un flux sortant et son repreneur potentiel le plus proche ; environ {} % de ce tonnage a au moins une extrémité placée au centre de sa commune, où la distance est imprécise (elle vaut 0 quand les deux extrémités sont au centre de la même commune).",
        (commune_share * 10.0).round() * 10.0
    ));
    if m.method() == Method::CrowFlies {
        l.note = Some(
            "Distances estimated as the crow flies × circuity (no road network imported).".into(),
        );
    }
    if !distance_shown {
        l.note = Some(confidential(distance_holders.len()));
    }
    out.push(l);
    let mut l = ind(
        "loops_within_one_epci",
        "locality",
        "Part des boucles internes à une intercommunalité",
        (epci_known > 0).then(|| epci_same as f64 / epci_known as f64),
        "share",
        "Number of loops whose two ends lie in the same intercommunality ÷ number of loops whose two ends' intercommunalities are known.",
    );
    l.inputs = vec![format!(
        "{epci_known} loops with both intercommunalities known"
    )];
    let mut reasons = Reasons::new();
    flow_reasons(&mut reasons);
    l.estimate = reasons.build();
    l.meaning_fr = Some("Part des couples flux sortant – repreneur potentiel le plus proche situés dans la même communauté de communes.".into());
    out.push(l);

    // Programme counts.
    let with_flows: HashSet<&str> = t
        .flows
        .iter()
        .filter(|f| t.actor(&f.holder).is_some())
        .map(|f| f.holder.as_str())
        .collect();
    let mobilised: HashSet<&str> = register
        .iter()
        .flat_map(|s| s.actors.iter().map(String::as_str))
        .filter(|a| t.actor(a).is_some())
        .collect();
    let programme = ProgrammeCounts {
        actors_listed: t.actors.len(),
        actors_with_flows: with_flows.len(),
        actors_mobilised: mobilised.len(),
        synergies: register.len(),
        synergies_by_status: count_by_status(register)
            .into_iter()
            .map(|(k, v)| (k.as_str().to_owned(), v))
            .collect(),
        mean_actors_per_synergy: (!register.is_empty()).then(|| {
            register.iter().map(|s| s.actors.len()).sum::<usize>() as f64 / register.len() as f64
        }),
        estimate: register.iter().any(is_demo),
    };
    Ok(IndicatorsReport {
        territory: t.manifest.name.clone(),
        method: m.method(),
        estimate: out.iter().any(|i| i.estimate.is_some()) || programme.estimate,
        indicators: out,
        programme,
        reference: KORHONEN_2001.into(),
        computed_on: crate::io::date::today(),
        flows_file_date: std::fs::metadata(t.dir.join(&t.manifest.files.flows))
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| crate::io::date::utc_date(d.as_secs())),
    })
}
