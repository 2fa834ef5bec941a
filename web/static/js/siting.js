// The siting panel: where to host a new activity that receives a material (e.g. a pallet-repair
// workshop). Material, number of sites p, candidates (business parks), criterion → POST
// /api/siting → the candidates on the map coloured by score (colours.js SCORE scale), the best
// single site and the best set of p sites ringed, the figures, the method and the assumptions
// with their sources. A confidential material (fewer holders than the threshold) gets a French
// message and no layer.
import { post, errorMessage, officerToken } from './api.js';
import { t, num, esc } from './i18n.js';
import { scoreColour } from './colours.js';
import { state, spread } from './layers.js';
import { sitingPopup, exclusionReason } from './popups.js';
import { legendRoom } from './map.js';
import { estimateText } from './estimate.js';

const L = window.L;

let territory = null;
let markers = new Map();
let panel = null;
let answeredAsOfficer = false;
// The request of the answer shown, when the URL can carry it.
let lastRequest = null;

/** The request of the siting answer shown (null when none, or from an uploaded file). */
export function currentSitingRequest() {
  return lastRequest;
}

/** Fill the siting form from request `req` (as `currentSitingRequest()` gives it) and run it. */
export async function runSiting(req) {
  const el = panel;
  const set = (sel, v) => {
    const x = el.querySelector(sel);
    if (x && v !== undefined && v !== null) x.value = String(v);
  };
  set('#site-material', req.material);
  set('#site-p', req.p);
  set('#site-candidates', req.territory_only ? 'parks_territory' : 'parks');
  set('#site-objective', req.objective);
  await submit();
}

/** What the form's submission does: run, the button disabled meanwhile. */
let submit = async () => {};

function options(list, selected) {
  return list.map((o) => `<option value="${esc(o.value)}" ${o.value === selected ? 'selected' : ''}>${esc(o.label)}</option>`).join('');
}

function materialLabel(slug) {
  return territory.materials.find((m) => m.slug === slug)?.label || slug;
}

/** Build the panel in `el` for territory summary `terr`; `onChange` redraws the legend. */
export function sitingPanel(el, terr, onChange) {
  territory = terr;
  panel = el;
  const available = (terr.computations || []).includes('siting');
  const materials = terr.materials.filter((m) => m.actors > 0);
  const first = materials.find((m) => m.slug === 'pallets')?.slug || materials[0]?.slug || '';
  el.innerHTML = `<h2>${t('site.title')}</h2>
    <p class="muted small">${t('site.intro')}</p>
    ${available ? '' : `<p class="muted" id="site-unavailable">${t('site.unavailable')}</p>`}
    <form id="site-form">
      <label>${t('site.material')} <select id="site-material">${options(materials.map((m) => ({ value: m.slug, label: m.label })), first)}</select></label>
      <label>${t('site.p')} <input id="site-p" type="number" min="1" max="10" step="1" value="1"></label>
      <label>${t('site.candidates')} <select id="site-candidates">${options([
        { value: 'parks', label: t('site.candidates.parks') },
        { value: 'parks_territory', label: t('site.candidates.parks_territory') },
        { value: 'file', label: t('site.candidates.file') },
      ])}</select></label>
      <label id="site-file-label" hidden>${t('site.file')} <input id="site-file" type="file" accept=".csv,.geojson,.json,text/csv,application/geo+json,application/json"></label>
      <p class="muted small" id="site-file-help" hidden>${t('site.file_help')}</p>
      <label>${t('site.objective')} <select id="site-objective">${options([
        { value: 'vehicle_km', label: t('site.objective.vehicle_km') },
        { value: 'tonne_km', label: t('site.objective.tonne_km') },
      ])}</select></label>
      <button type="submit" id="site-compute" ${available ? '' : 'disabled'}>${t('site.compute')}</button>
    </form>
    <div id="site-status" role="status"></div>
    <div id="site-result"></div>`;
  const candSelect = el.querySelector('#site-candidates');
  candSelect.addEventListener('change', () => {
    const file = candSelect.value === 'file';
    el.querySelector('#site-file-label').hidden = !file;
    el.querySelector('#site-file-help').hidden = !file;
  });
  submit = async () => {
    const button = el.querySelector('#site-compute');
    button.disabled = true;
    el.setAttribute('aria-busy', 'true');
    try {
      await run(el);
    } finally {
      button.disabled = false;
      el.removeAttribute('aria-busy');
    }
    onChange();
    state.onView();
  };
  el.querySelector('#site-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    await submit();
  });
}

async function run(el) {
  const material = el.querySelector('#site-material').value;
  const body = {
    material,
    p: Math.round(Number(el.querySelector('#site-p').value)) || 1,
    candidates: 'parks',
    objective: el.querySelector('#site-objective').value,
  };
  const status = el.querySelector('#site-status');
  const choice = el.querySelector('#site-candidates').value;
  if (choice === 'parks_territory') body.territory_only = true;
  if (choice === 'file') {
    // The file is sent as text and read by the server exactly as `boucle site --candidates FILE`
    // reads it (CSV id,name,lon,lat[,free_ha,excluded] or GeoJSON points), errors included.
    const file = el.querySelector('#site-file').files[0];
    if (!file) {
      status.className = 'error-msg';
      status.textContent = t('site.file_missing');
      return;
    }
    body.candidates = { file_name: file.name, content: await file.text() };
  }
  status.className = '';
  status.textContent = t('site.computing');
  delete document.body.dataset.siting;
  try {
    const asOfficer = !!officerToken();
    const answer = await post('/api/siting', body);
    answeredAsOfficer = asOfficer;
    // A request the URL can carry (not an uploaded file): the permalink reproduces it.
    lastRequest = typeof body.candidates === 'string' ? body : null;
    state.data.siting = answer.geojson;
    state.siting = answer;
    drawSiting(answer);
    el.querySelector('#site-result').innerHTML = summary(answer);
    bindRanking(el);
    status.textContent = '';
    document.body.dataset.siting = String(answer.geojson.features.length);
  } catch (err) {
    clearSiting();
    status.className = 'error-msg';
    const label = materialLabel(material);
    if (err.status === 401) status.textContent = t('site.confidential', { n: territory.min_contributors ?? 3, label });
    else if (err.code === 'no_data') status.textContent = t('site.no_holder', { label });
    else status.textContent = t('site.error', { msg: errorMessage(err) });
    document.body.dataset.siting = err.status === 401 ? 'denied' : 'error';
  }
}

/** Remove the siting layer and its figures (e.g. when the officer logs in or out: the answer
 * depends on the access). Returns whether something was shown. */
export function clearSiting() {
  const shown = !!state.siting;
  lastRequest = null;
  state.groups.siting?.clearLayers();
  state.data.siting = null;
  state.siting = null;
  markers = new Map();
  const result = panel?.querySelector('#site-result');
  if (result) result.innerHTML = '';
  return shown;
}

/** After an access change: clear the layer computed under the other access and ask for a new
 * run. */
export function resetSiting() {
  if (!state.siting || answeredAsOfficer === !!officerToken()) return;
  if (clearSiting() && panel) {
    const status = panel.querySelector('#site-status');
    status.className = '';
    status.textContent = t('site.cleared');
    delete document.body.dataset.siting;
  }
}

/** Draw the candidates of a siting answer: one circle per candidate filled by its score, the
 * best single site and the best set ringed; co-located candidates spread around their point. */
export function drawSiting(answer) {
  const g = state.groups.siting.clearLayers();
  markers = new Map();
  const index = new Map(answer.candidates.map((c, k) => [c.id, k]));
  for (const { f, at, origin, shared } of spread(answer.geojson.features)) {
    const p = f.properties;
    const k = index.get(p.id);
    const c = answer.candidates[k];
    const best = p.id === answer.best_single;
    const inSet = !!p.in_best_set;
    if (shared > 1) L.polyline([origin, at], { pane: 'siting', color: '#444', weight: 1, opacity: 0.7, interactive: false }).addTo(g);
    const cls = ['siting', `siting-c-${k}`, best ? 'siting-best' : '', inSet ? 'siting-set' : '', p.excluded ? 'siting-excluded' : ''].filter(Boolean).join(' ');
    const m = L.circleMarker(at, {
      pane: 'siting',
      className: cls,
      radius: best ? 13 : inSet ? 11 : 9,
      color: best || inSet ? '#111' : p.excluded ? '#777' : '#fff',
      weight: best ? 4 : inSet ? 3 : 1.5,
      dashArray: p.excluded || (inSet && !best) ? '4 3' : null,
      fillColor: scoreColour(p.score),
      fillOpacity: 0.95,
    })
      .bindPopup(() => sitingPopup(c, answer), { maxWidth: 420 })
      .bindTooltip(`${p.rank ? `${p.rank}. ` : ''}${esc(p.name)}${p.score === null ? '' : ` — ${t('site.score')} ${num(p.score, 2)}`}`, { direction: 'top' })
      .addTo(g);
    markers.set(p.id, m);
  }
  if (state.visible.siting) g.addTo(state.map);
  const pts = [...markers.values()].map((m) => m.getLatLng());
  // The legend first (it gains the score scale), then the view beside it.
  state.onChange();
  if (pts.length) state.map.fitBounds(L.latLngBounds(pts), { paddingTopLeft: [40, 40], paddingBottomRight: [legendRoom(state.map) || 40, 80], maxZoom: 13, animate: false });
}

function figureRows(single, set) {
  const crow = state.siting.method !== 'road';
  const km = crow ? t('site.vehicle_km.crow_flies', { c: num(state.siting.assumptions?.circuity, 1) }) : t('site.vehicle_km.road');
  // Without a set (p = 1: the best set is the best single site), one column.
  const setCell = (k, unit) => (set ? `<td data-k="set-${k}">${num(set[k])}${unit}</td>` : '');
  const line = (label, k, unit = '') => `<tr><th>${label}</th><td data-k="single-${k}">${num(single?.[k])}${unit}</td>${setCell(k, unit)}</tr>`;
  return (
    line(t('site.trips'), 'trips_per_year') +
    line(km, 'vehicle_km_per_year') +
    line(t('site.tonne_km'), 'tonne_km_per_year') +
    line(t('site.co2'), 'kg_co2e_per_year') +
    line(t('site.mean_km'), 'mean_distance_km', ' km') +
    line(t('site.max_km'), 'max_distance_km', ' km')
  );
}

function summary(a) {
  const crow = a.method !== 'road';
  const circuity = num(a.assumptions?.circuity, 1);
  const estimate = a.estimate || crow;
  const byId = new Map(a.candidates.map((c) => [c.id, c]));
  const single = byId.get(a.best_single);
  // A best set that is the best single site alone (p = 1) would only repeat it: no line, no column.
  const several = !(a.best_set.site_ids.length === 1 && a.best_set.site_ids[0] === a.best_single);
  const setNames = a.best_set.site_ids.map((id) => esc(byId.get(id)?.name || id)).join(' ; ');
  const solver = a.best_set.solver?.exact ? t('site.solver.exact') : t('site.solver.heuristic', { gap: num(100 * (a.best_set.solver?.gap ?? 0), 1) });
  const tied = a.best_single_tied || [];
  const sharedBest = tied.length > 1 && tied.every((id) => id === tied[0] || (byId.get(tied[0])?.same_position_as || []).includes(id));
  const why = estimateText(a.estimate);
  const ranking = a.candidates
    .map(
      (c) => `<li><button type="button" class="link" data-site="${esc(c.id)}"><span class="sw dot" style="background:${scoreColour(c.score)}"></span>
        ${esc(c.name)}</button> <small>${c.score === null ? esc(t('site.excluded', { why: exclusionReason(c.exclusion_reason) })) : `${t('site.score')} ${num(c.score, 2)}`}${c.tied_with?.length ? ` — ${t('site.ex_aequo')}` : ''}${c.precision === 'commune' ? ` — ${t('site.commune_centre')}` : ''}</small></li>`,
    )
    .join('');
  const as = a.assumptions || {};
  const assumptions = [
    t('site.assume.co2', { v: num(as.kg_co2e_per_km, 2), src: as.kg_co2e_per_km_source || '' }),
    t('site.assume.trips', { n: num(as.default_trips_per_year, 0) }),
    as.round_trip ? t('site.assume.round_trip') : '',
    crow ? t('site.assume.circuity', { c: circuity }) : '',
    a.estimate?.reasons?.includes('demonstration_flows') ? t('site.assume.demo') : '',
  ]
    .filter(Boolean)
    .map((x) => `<li>${esc(x)}</li>`)
    .join('');
  const warnings = a.warnings?.length ? `<details class="small"><summary>${t('site.warnings')}</summary><ul lang="en">${a.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></details>` : '';
  const assignments = a.best_set.assignments?.length
    ? `<details class="small"><summary>${t('site.assignments')}</summary><table class="figures"><thead><tr><th>${t('site.holder')}</th><th>${t('site.site')}</th><th>${t('site.tonnes')}</th><th>${t('site.km')}</th></tr></thead><tbody>${a.best_set.assignments
        .map((x) => `<tr><th>${esc(x.source_id)}</th><td>${esc(byId.get(x.site_id)?.name || x.site_id)}</td><td>${num(x.tonnes_per_year)}</td><td>${num(x.distance_km)}</td></tr>`)
        .join('')}</tbody></table></details>`
    : '';
  return `<p class="method ${estimate ? 'estimate' : ''}" id="site-method">${estimate ? `<span class="estimate">${t('estimate')}</span> ` : ''}${crow ? t('plan.method.crow_flies', { c: circuity }) : t('plan.method.road')}</p>
    <p class="small">${esc(t('site.summary', { n: a.sources, t: num(a.tonnes_per_year), label: a.material_label_fr, u: a.sources_unlocated.length }))}</p>
    ${tied.length > 1
      ? `<p class="small" id="site-best-single"><strong>${t('site.best_single')} :</strong> ${t('site.tie', { names: esc(tied.map((id) => byId.get(id)?.name || id).join(' ; ')) })}${sharedBest ? ` ${t('site.tie_same_position')}` : ''}</p>`
      : `<p class="small" id="site-best-single"><strong>${t('site.best_single')} :</strong> ${esc(single?.name || '—')}</p>`}
    ${why ? `<p class="small estimate-why" id="site-estimate">${esc(why)}</p>` : ''}
    ${several ? `<p class="small" id="site-best-set"><strong>${t('site.best_set', { p: a.best_set.p })} :</strong> ${setNames} <small>(${esc(solver)})</small></p>` : ''}
    ${
      a.figures_hidden
        ? `<p class="small muted" id="site-figures" data-hidden="1">${esc(t('site.figures_hidden'))}</p>`
        : `<table class="figures" id="site-figures"><thead><tr><th>${t('site.per_year')}</th><th>${t('site.best_single')}</th>${several ? `<th>${t('site.best_set', { p: a.best_set.p })}</th>` : ''}</tr></thead>
    <tbody>${figureRows(single?.figures, several ? a.best_set.figures : null)}</tbody></table>`
    }
    <ol class="ranking" id="site-ranking">${ranking}</ol>
    <details open class="small" id="site-assumptions"><summary>${t('site.assumptions')}</summary><ul>${assumptions}</ul></details>
    ${warnings}${assignments}`;
}

function bindRanking(el) {
  el.querySelectorAll('button[data-site]').forEach((b) =>
    b.addEventListener('click', () => {
      const m = markers.get(b.dataset.site);
      if (m && state.map.hasLayer(m)) m.openPopup();
    }),
  );
}
