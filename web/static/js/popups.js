// Popup contents for communes, intercommunalities, parks, sites and actors: the record's data,
// its source and how precisely its position is known.
import { t, num, esc, unitLabel } from './i18n.js';

function row(label, value) {
  if (value === null || value === undefined || value === '') return '';
  return `<tr><th>${esc(label)}</th><td>${value}</td></tr>`;
}

/** Sources: URLs become links, separated by " ; ". */
function sources(s) {
  return String(s || '')
    .split(/\s;\s/)
    .map((part) => {
      const m = part.match(/^(https?:\/\/\S+)(.*)$/);
      return m ? `<a href="${esc(m[1])}" target="_blank" rel="noopener">${esc(m[1].replace(/^https?:\/\//, '').slice(0, 48))}</a>${esc(m[2])}` : esc(part);
    })
    .join(' ; ');
}

function precision(p) {
  const cls = p === 'commune' || p === 'park' || p === 'unknown' ? 'approx' : 'exact';
  return `<p class="precision ${cls}">${esc(t(`precision.${p}`))}</p>`;
}

function aggregates(list) {
  if (!list || !list.length) return `<p class="muted">${t('agg.none')}</p>`;
  const rows = list
    .map((a) => {
      const q =
        a.quantity === null
          ? `<span class="hidden-q">${esc(t('agg.hidden', { n: 3 }))}</span>`
          : `${num(a.quantity)} ${esc(unitLabel(a.unit))}${a.estimate ? ` <span class="estimate">${t('estimate')}</span>` : ''}`;
      return `<tr><th>${esc(a.label)} <small>(${esc(t(`direction.${a.direction}`))})</small></th><td>${q}<br><small>${esc(t('agg.contributors', { n: a.contributors }))}</small></td></tr>`;
    })
    .join('');
  return `<h4>${t('agg.title')}</h4><table class="props">${rows}</table>`;
}

/** Popup of a commune feature. */
export function communePopup(p) {
  return `<div class="popup commune"><h3>${esc(p.name)}</h3><table class="props">
    ${row(t('insee'), esc(p.insee))}
    ${row(t('epci'), esc(p.epci_name))}
    ${row(t('population'), num(p.population, 0))}
    ${row(t('population.vintage'), esc(p.population_vintage || ''))}
    ${row(t('former.communes'), (p.former_communes || []).map((f) => esc(f.name)).join(', '))}
    ${row(t('actors'), num(p.actors, 0))}
    ${row(t('sites'), num(p.sites, 0))}
    ${row(t('flows'), num(p.flows, 0))}
  </table>${aggregates(p.aggregates)}<p class="source">${t('source')} : ${sources(p.source)}</p></div>`;
}

/** Popup of an intercommunality feature. */
export function epciPopup(p) {
  return `<div class="popup epci"><h3>${esc(p.name)}</h3><table class="props">
    ${row('SIREN', esc(p.siren))}
    ${row(t('population'), num(p.population, 0))}
    ${row(t('commune') + 's', num(p.members, 0))}
    ${row(t('actors'), num(p.actors, 0))}
  </table>${aggregates(p.aggregates)}<p class="source">${t('source')} : ${sources(p.source)}</p></div>`;
}

/** Popup of a business park. */
export function parkPopup(p) {
  return `<div class="popup park"><h3>${esc(p.name)}</h3><table class="props">
    ${row(t('commune'), esc(p.commune))}
    ${row(t('area'), p.area_ha ? `${num(p.area_ha)} ha` : '')}
    ${row(t('free_land'), p.free_ha ? `${num(p.free_ha)} ha` : '')}
    ${row(t('companies'), esc(p.companies))}
    ${row(t('jobs'), esc(p.jobs))}
    ${row(t('remarks'), esc(p.remarks))}
    ${row(t('confidence'), esc(p.confidence))}
  </table>${aggregates(p.aggregates)}${precision(p.precision)}<p class="source">${t('source')} : ${sources(p.source)}</p></div>`;
}

/** Popup of a treatment site. */
export function sitePopup(p) {
  return `<div class="popup site"><h3>${esc(p.name)}</h3><table class="props">
    ${row(t('kind'), esc(p.kind))}
    ${row(t('commune'), esc(p.commune))}
    ${row(t('address'), esc(p.address))}
    ${row(t('operator'), esc(p.operator))}
    ${row(t('accepts'), esc((p.accepts_labels || []).join(', ')))}
    ${row(t('remarks'), esc(p.remarks))}
  </table>${precision(p.precision)}<p class="source">${t('source')} : ${sources(p.source)}</p></div>`;
}

/** Popup of an actor (company, ESS organisation, public body). */
export function actorPopup(p) {
  const mats = (p.materials || []).map((m) => `${esc(m.label)} (${esc(t(`direction.${m.direction}`))})`).join(', ');
  let flows = '';
  if (p.flows) {
    flows = `<h4>${t('officer.flows')}</h4><table class="props">${p.flows
      .map(
        (f) =>
          `<tr><th>${esc((p.materials || []).find((m) => m.material === f.material)?.label || f.material)} <small>(${esc(t(`direction.${f.direction}`))})</small></th><td>${num(f.quantity)} ${esc(unitLabel(f.unit))}/${esc(f.period === 'year' ? 'an' : f.period)}${f.estimate ? ` <span class="estimate">${t('demo')}</span>` : ''}<br><small>${esc(f.source)}</small></td></tr>`,
      )
      .join('')}</table>`;
  }
  return `<div class="popup actor"><h3>${esc(p.name)}</h3><table class="props">
    ${row(t('kind'), esc(t(`kind.${p.kind}`)))}
    ${row(t('sector'), esc(p.sector))}
    ${row(t('naf'), p.naf ? `${esc(p.naf)} ${p.naf_verified ? '' : `<small>${t('naf_unverified')}</small>`}` : '')}
    ${row('SIRET', esc(p.siret))}
    ${row(t('commune'), esc(p.commune))}
    ${row(t('park'), esc(p.park))}
    ${row(t('employees'), esc(p.employees))}
    ${row(t('materials'), mats)}
    ${row(t('remarks'), esc(p.remarks))}
  </table>${flows}${precision(p.precision)}<p class="source">${t('source')} : ${sources(p.source)}</p></div>`;
}

/** Why a siting candidate is excluded, in French (the API's reasons are English). */
export function exclusionReason(reason) {
  const r = String(reason || '');
  if (r === 'excluded by the candidate list') return t('site.why.list');
  if (r === 'outside the territory') return t('site.why.outside');
  const m = r.match(/^free land ([\d.]+) ha < ([\d.]+) ha required$/);
  if (m) return t('site.why.free_land', { free: num(Number(m[1])), min: num(Number(m[2])) });
  return r;
}

/** Popup of a siting candidate `c` (one of `answer.candidates` of POST /api/siting): rank,
 * score, yearly figures if it alone received the material, shares within 10 and 20 km, the
 * method (crow flies flagged as an estimate) and the assumptions with their sources. */
export function sitingPopup(c, answer) {
  const f = c.figures || {};
  const crow = answer.method !== 'road';
  const circuity = num(answer.assumptions?.circuity, 1);
  const eligible = answer.candidates.filter((x) => !x.excluded).length;
  const cell = (k, v) => `<span data-k="${k}">${v}</span>`;
  const badges = [
    c.id === answer.best_single ? `<span class="badge best">${t('site.badge.best')}</span>` : '',
    c.in_best_set ? `<span class="badge set">${t('site.badge.set')}</span>` : '',
  ].join(' ');
  const estimate = answer.estimate || crow;
  const a = answer.assumptions || {};
  return `<div class="popup siting"><h3>${esc(c.name)}</h3>${badges}<table class="props">
    ${row(t('site.rank'), c.rank ? cell('rank', t('site.rank_of', { r: c.rank, n: eligible })) : '')}
    ${row(t('site.score'), c.score === null ? '' : `${cell('score', num(c.score, 2))} <small>(${t('site.score_help')})</small>`)}
    ${answer.figures_hidden ? `<tr><td colspan="2" class="muted" data-k="figures-hidden">${esc(t('site.figures_hidden'))}</td></tr>` : `
    ${row(t('site.trips'), cell('trips', num(f.trips_per_year)))}
    ${row(crow ? t('site.vehicle_km.crow_flies', { c: circuity }) : t('site.vehicle_km.road'), `${cell('vehicle_km', num(f.vehicle_km_per_year))} km`)}
    ${row(t('site.tonne_km'), cell('tonne_km', num(f.tonne_km_per_year)))}
    ${row(t('site.co2'), cell('co2e', num(f.kg_co2e_per_year)))}
    ${row(t('site.mean_km'), `${cell('mean_km', num(f.mean_distance_km))} km`)}
    ${row(t('site.max_km'), `${cell('max_km', num(f.max_distance_km))} km`)}
    ${row(t('site.within10'), `${cell('within10', num(100 * c.share_within_10km, 0))} %`)}
    ${row(t('site.within20'), `${cell('within20', num(100 * c.share_within_20km, 0))} %`)}`}
    ${row(t('site.free_land'), c.free_ha === null || c.free_ha === undefined ? '' : `${num(c.free_ha)} ha`)}
  </table>
  ${c.in_territory ? '' : `<p class="precision approx">${t('site.outside')}</p>`}
  ${c.excluded ? `<p class="precision approx">${esc(t('site.excluded', { why: exclusionReason(c.exclusion_reason) }))}</p>` : ''}
  <p class="method">${estimate ? `<span class="estimate">${t('estimate')}</span> ` : ''}${crow ? t('plan.method.crow_flies', { c: circuity }) : t('plan.method.road')}</p>
  <p class="source">${t('source')} : ${esc(t('site.assume.co2', { v: num(a.kg_co2e_per_km, 2), src: a.kg_co2e_per_km_source || '' }))}${answer.estimate ? ` ; ${esc(t('site.assume.demo'))}` : ''}</p></div>`;
}
