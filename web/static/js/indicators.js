// The elected officials' indicators (GET /api/indicators): Korhonen's principles (roundput,
// diversity, cooperation, locality) with short French definitions, the programme's counts, the
// distance method and the estimate labels. Aggregates only. Used by the map's side panel and by
// the printable sheet (print.html?view=indicators).
import { get, errorMessage, reachable } from './api.js';
import { t, num, esc } from './i18n.js';
import { estimateText } from './estimate.js';

/** Principles in the order shown. */
export const PRINCIPLES = ['roundput', 'diversity', 'cooperation', 'locality'];

/** Synergy statuses, in the order of a synergy's life. */
export const STATUSES = ['idea', 'study', 'negotiation', 'implemented', 'abandoned'];

/** Indicators that rest on the synergy register. */
const FROM_REGISTER = {
  diversity_materials_implemented: 'ind.none_implemented',
  actors_per_synergy: 'ind.none_active',
  synergy_network_density: 'ind.none_pairs',
};

/** An indicator's value as French text (null when it has none). */
export function formatValue(ind) {
  const v = ind.value;
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  switch (ind.unit) {
    case 'share':
      return `${num(100 * v, 0)} %`;
    case 'nats':
      return `${num(v, 2)} ${t('ind.unit.nats')}`;
    case 'km':
      return `${num(v, 1)} km`;
    case 'actors':
      return `${num(v, 1)} ${t('ind.unit.actors')}`;
    default:
      return num(v);
  }
}

/** Why an indicator has no value, in French. */
function noValue(ind, report) {
  if (ind.key in FROM_REGISTER) return t(report.programme?.synergies ? FROM_REGISTER[ind.key] : 'ind.none_registered');
  return t('ind.none');
}

function methodText(report, circuity) {
  return report.method === 'road' ? t('plan.method.road') : t('plan.method.crow_flies', { c: num(circuity ?? 1.3, 1) });
}

function indicator(ind, report, print) {
  const text = formatValue(ind);
  const value = text === null ? `<span class="value none">${esc(noValue(ind, report))}</span>` : `<span class="value">${esc(text)}</span>`;
  const def = t(`ind.def.${ind.key}`);
  const inputs = [...(ind.inputs || []), ind.definition, ind.note].filter(Boolean);
  return `<div class="indicator" data-key="${esc(ind.key)}">
    <div class="label">${esc(ind.label_fr)}</div>
    <div>${value}${ind.estimate && text !== null ? ` <span class="estimate">${t('estimate')}</span>` : ''}</div>
    <p class="def">${esc(def === `ind.def.${ind.key}` ? ind.definition : def)}</p>
    ${ind.meaning_fr ? `<p class="small meaning">${esc(ind.meaning_fr)}</p>` : ''}
    ${ind.estimate && text !== null ? `<p class="small estimate-why">${esc(estimateText(ind.estimate))}</p>` : ''}
    ${print ? '' : `<details class="small"><summary>${t('ind.inputs')}</summary><ul lang="en">${inputs.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></details>`}
  </div>`;
}

function programme(report) {
  const p = report.programme || {};
  const row = (key, label, value) => `<tr data-key="${key}"><th>${label}</th><td>${value}</td></tr>`;
  let rows = row('actors_listed', t('ind.actors_listed'), num(p.actors_listed, 0)) + row('actors_with_flows', t('ind.actors_with_flows'), num(p.actors_with_flows, 0));
  let after = '';
  if (!p.synergies) {
    after = `<p class="muted" id="ind-empty">${t('ind.empty_register')}</p>`;
  } else {
    rows +=
      row('actors_mobilised', t('ind.actors_mobilised'), num(p.actors_mobilised, 0)) +
      row('synergies', t('ind.synergies'), num(p.synergies, 0)) +
      STATUSES.map((s) => row(`status-${s}`, `&nbsp;&nbsp;${t(`ind.status.${s}`)}`, num(p.synergies_by_status?.[s] ?? 0, 0))).join('') +
      row('mean_actors_per_synergy', t('ind.mean_actors'), p.mean_actors_per_synergy === null ? '—' : num(p.mean_actors_per_synergy, 1));
  }
  const demo = p.estimate ? ` <span class="estimate">${t('ind.demo_register')}</span>` : '';
  return `<h3>${t('ind.programme')}${demo}</h3><table class="figures" id="ind-programme"><tbody>${rows}</tbody></table>${after}`;
}

/** The indicators report as HTML (no title). `circuity` labels the crow-flies method; `print`
 * leaves out the computation details (in English) for the printable sheet, entirely French. */
export function indicatorsHtml(report, circuity, print = false) {
  const crow = report.method !== 'road';
  const method = `<p class="method" id="ind-method">${crow ? `<span class="estimate">${t('estimate')}</span> ` : ''}${esc(t('ind.method', { m: methodText(report, circuity) }))}</p>`;
  const note = report.estimate ? `<p class="small"><span class="estimate">${t('estimate')}</span> ${t('ind.estimate_note')}</p>` : '';
  const principles = PRINCIPLES.map((pr) => {
    const list = (report.indicators || []).filter((i) => i.principle === pr);
    if (!list.length) return '';
    return `<section class="principle" data-principle="${pr}"><h3>${t(`ind.principle.${pr}`)}</h3><p class="pdef">${t(`ind.pdef.${pr}`)}</p>${list.map((i) => indicator(i, report, print)).join('')}</section>`;
  }).join('');
  return `<div class="indicators">${method}${note}${principles}${programme(report)}
    <p class="source">${t('ind.reference')} : ${esc(report.reference || '')}</p></div>`;
}

/** Build the indicators panel in `el`, loading GET /api/indicators. */
export async function indicatorsPanel(el, terr) {
  const head = `<h2>${t('ind.title')}</h2><p class="muted small">${t('ind.intro')}</p>`;
  if (!(terr.computations || []).includes('indicators')) {
    el.innerHTML = `${head}<p class="muted">${t('ind.error', { msg: t('api.not_found') })}</p>`;
    return;
  }
  el.innerHTML = `${head}<p class="muted">${t('ind.loading')}</p>`;
  try {
    const report = await get('/api/indicators');
    el.innerHTML = `${head}<details id="ind-details"><summary>${t('ind.show')}</summary>${indicatorsHtml(report, terr.distances?.circuity)}</details>
      <button type="button" id="ind-print">${t('ind.print')}</button>`;
    // The sheet is opened only when the server answers: never the browser's error page.
    el.querySelector('#ind-print').addEventListener('click', async (ev) => {
      const button = ev.currentTarget;
      button.disabled = true;
      const up = await reachable();
      button.disabled = false;
      el.querySelector('#ind-print-error')?.remove();
      if (up) window.open('/print.html?view=indicators', '_blank');
      else button.insertAdjacentHTML('afterend', `<p class="error-msg" id="ind-print-error" role="alert">${esc(t('api.network'))}</p>`);
    });
    document.body.dataset.indicators = '1';
  } catch (e) {
    el.innerHTML = `${head}<p class="error-msg" id="ind-error">${esc(t('ind.error', { msg: errorMessage(e) }))}</p>`;
    document.body.dataset.indicators = 'error';
  }
}
