// The planning panel: material, depot, treatment site, vehicle → POST /api/rounds → the rounds
// on the map (one colour per round, numbered stops in order) and the alone-vs-pooled figures,
// with estimates labelled. Also draws the material's clusters (GET /api/clusters).
import { get, post, postHtml, errorMessage } from './api.js';
import { t, tOr, num, esc, clock } from './i18n.js';
import { QUAL } from './colours.js';
import { state } from './layers.js';
import { download, roundGPX, fileName } from './exports.js';
import { legendRoom } from './map.js';
import { placeGroups, placeIcon, marks } from './stops.js';
import { estimateText } from './estimate.js';
import { showPeriod } from './calendar.js';
import { onSessionEnd, trackWindow } from './session.js';

const L = window.L;

let territory = null;
let lastPlan = null;
// The request behind `lastPlan`, for its printable report.
let lastRequest = null;
// The panel's element.
let panel = null;
/** Counts cluster requests, so that a stale answer is dropped. */
let clusterTicket = 0;

function options(list, selected) {
  return list.map((o) => `<option value="${esc(o.value)}" ${o.value === selected ? 'selected' : ''}>${esc(o.label)}</option>`).join('');
}

function siteOptions(material) {
  return territory.sites
    .filter((s) => s.located && (!material || s.accepts.includes(material)))
    .map((s) => ({ value: s.id, label: s.name }));
}

/** Whether some located treatment site accepts `material`. */
export function treatable(material) {
  return siteOptions(material).length > 0;
}

/** The option of a treatment site picked on the map (`LON,LAT`). */
const PICK = '__pick';

function parkOptions() {
  const feats = state.data.parks?.features || [];
  return feats.map((f) => ({ value: f.geometry.coordinates.join(','), label: `${t('park')} : ${f.properties.name}` }));
}

/** Build the panel in `el` for territory summary `terr`; `onChange` redraws the legend. */
export function planningPanel(el, terr, onChange) {
  territory = terr;
  panel = el;
  const available = (terr.computations || []).includes('rounds');
  const materials = terr.materials.filter((m) => m.actors > 0);
  const first = materials.find((m) => m.slug === 'pallets')?.slug || materials[0]?.slug || '';
  const vehicles = terr.vehicles || [];
  el.innerHTML = `<h2>${t('plan.title')}</h2>
    ${available ? '' : `<p class="muted" id="plan-unavailable">${t('plan.unavailable')}</p>`}
    <form id="plan-form">
      <label>${t('plan.material')} <select id="plan-material">${options(materials.map((m) => ({ value: m.slug, label: treatable(m.slug) ? m.label : t('plan.material_no_site', { label: m.label }) })), first)}</select></label>
      <p class="small warn" id="plan-no-site" hidden></p>
      <label>${t('plan.depot')} <select id="plan-depot"></select></label>
      <label>${t('plan.dump')} <select id="plan-dump"></select></label>
      <label>${t('plan.vehicles')} <select id="plan-vehicle"><option value="">${t('plan.default')}</option>${options(vehicles.map((v) => ({ value: v.id, label: v.label || v.name || v.id })))}</select></label>
      <label>${t('plan.vehicle2')} <select id="plan-vehicle2" disabled><option value="">${t('plan.none')}</option>${options(vehicles.map((v) => ({ value: v.id, label: v.label || v.name || v.id })))}</select></label>
      <label>${t('plan.time_limit')} <input id="plan-time" type="number" min="0.1" max="30" step="0.1" value="2"></label>
      <label>${t('plan.period')} <select id="plan-period"><option value="">${t('plan.period.none')}</option>${[1, 2, 4, 8, 13].map((n) => `<option value="${n}w">${t('plan.period.weeks', { n })}</option>`).join('')}</select></label>
      <button type="submit" id="plan-compute" ${available ? '' : 'disabled'}>${t('plan.compute')}</button>
    </form>
    <div id="plan-status" role="status"></div>
    <div id="plan-result"></div>`;
  const mat = el.querySelector('#plan-material');
  const fill = () => {
    const m = mat.value;
    const def = `<option value="">${t('plan.default')}</option>`;
    const sites = siteOptions(m);
    const pick = `<option value="${PICK}">${t('plan.dump_pick')}</option>`;
    // A material no known site accepts: said, and its treatment site is a point picked on the map.
    el.querySelector('#plan-dump').innerHTML = sites.length ? def + options(sites) + pick : pick;
    const note = el.querySelector('#plan-no-site');
    note.hidden = sites.length > 0;
    note.textContent = sites.length ? '' : t('plan.no_site', { label: materials.find((x) => x.slug === m)?.label || m });
    el.querySelector('#plan-depot').innerHTML = def + options([...siteOptions(''), ...parkOptions()]);
    if ((terr.computations || []).includes('clusters')) drawClusters(m).then(onChange, () => {});
  };
  mat.addEventListener('change', fill);
  fill();
  // « Point choisi sur la carte » : the next click on the map gives the treatment site's LON,LAT.
  const dumpSel = el.querySelector('#plan-dump');
  dumpSel.addEventListener('change', () => {
    if (dumpSel.value !== PICK) return;
    const status = el.querySelector('#plan-status');
    status.className = '';
    status.textContent = t('plan.dump_pick_help');
    state.map.getContainer().classList.add('picking');
    // `preclick`: the map hears it even over a commune (whose popup stops the click).
    state.map.once('preclick', (ev) => {
      state.map.getContainer().classList.remove('picking');
      setPickedDump(ev.latlng.lng, ev.latlng.lat);
      status.textContent = '';
      setTimeout(() => state.map.closePopup(), 0);
    });
  });
  onSessionEnd(() => {
    // Rounds computed as the officer carry each company's loads: gone with the session.
    if (lastPlan) {
      clearPlan();
      el.querySelector('#plan-status').textContent = t('plan.cleared');
    }
  });
  // A second vehicle type makes a mixed fleet; it needs a first (primary) type.
  const v1 = el.querySelector('#plan-vehicle');
  const v2 = el.querySelector('#plan-vehicle2');
  v1.addEventListener('change', () => {
    v2.disabled = !v1.value;
    if (!v1.value) v2.value = '';
  });
  el.querySelector('#plan-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { material: mat.value, time_limit_s: Number(el.querySelector('#plan-time').value) || 2, seed: 1 };
    const depot = el.querySelector('#plan-depot').value;
    const dump = el.querySelector('#plan-dump').value;
    const fleet = [v1.value, v1.value ? v2.value : ''].filter((v, i, a) => v && a.indexOf(v) === i);
    if (dump === PICK) {
      // Nothing picked yet: said, and the previous answer does not stay under the message.
      clearPlan();
      const status = el.querySelector('#plan-status');
      status.className = 'error-msg';
      status.textContent = t('plan.dump_pick_missing');
      document.body.dataset.rounds = 'error';
      onChange();
      return;
    }
    if (depot) body.depot = depot;
    if (dump) body.dump = dump;
    if (fleet.length) body.vehicle = fleet.join(',');
    const period = el.querySelector('#plan-period').value;
    if (period) body.period = period;
    await computeRounds(body);
    onChange();
  });
}

/** The treatment site picked on the map: an option `LON,LAT` selected in the list. */
export function setPickedDump(lon, lat) {
  const sel = panel.querySelector('#plan-dump');
  const value = `${lon.toFixed(5)},${lat.toFixed(5)}`;
  let o = [...sel.options].find((x) => x.dataset.picked);
  if (!o) {
    o = document.createElement('option');
    o.dataset.picked = '1';
    sel.appendChild(o);
  }
  o.value = value;
  o.textContent = t('plan.dump_point', { lon: num(lon, 4), lat: num(lat, 4) });
  sel.value = value;
}

/** Remove the computed rounds: layer, figures, plan kept in memory. */
export function clearPlan() {
  lastPlan = null;
  lastRequest = null;
  state.groups.rounds?.clearLayers();
  state.roundColours = [];
  state.data.rounds = null;
  if (panel) panel.querySelector('#plan-result').innerHTML = '';
  delete document.body.dataset.rounds;
}

/** Compute the rounds of request `body` (POST /api/rounds) and show them; a failure clears the
 * previous answer and says why. The compute button is disabled meanwhile. */
export async function computeRounds(body) {
  const el = panel;
  const status = el.querySelector('#plan-status');
  const button = el.querySelector('#plan-compute');
  status.className = '';
  status.textContent = t('plan.computing');
  button.disabled = true;
  el.setAttribute('aria-busy', 'true');
  try {
    const plan = await post('/api/rounds', body);
    lastRequest = body;
    lastPlan = plan;
    status.textContent = '';
    if (body.period) {
      showPeriod(el.querySelector('#plan-result'), plan, (rounds) => drawRounds({ ...plan, rounds }));
      document.body.dataset.rounds = String(plan.calendar.reduce((n, d) => n + d.rounds.length, 0));
      onComputed();
      return;
    }
    drawRounds(lastPlan);
    el.querySelector('#plan-result').innerHTML = figures(lastPlan);
    bindRoundButtons(el);
    document.body.dataset.rounds = String(lastPlan.rounds.length);
    onComputed();
  } catch (err) {
    clearPlan();
    status.className = 'error-msg';
    const label = territory.materials.find((m) => m.slug === body.material)?.label || body.material;
    status.textContent = err.code === 'no_data' && !treatable(body.material) ? t('plan.no_site', { label }) : t('plan.error', { msg: errorMessage(err) });
    document.body.dataset.rounds = 'error';
    state.onChange();
  } finally {
    button.disabled = false;
    el.removeAttribute('aria-busy');
  }
}

/** After each computed plan: the URL records its request. */
function onComputed() {
  state.onView();
}

/** Set the form's fields from request `req` (a permalink's), as far as the lists offer them. */
export function fillPlanForm(req) {
  const el = panel;
  const set = (sel, v) => {
    const x = el.querySelector(sel);
    if (!x || v === undefined || v === null) return;
    if (x.tagName === 'SELECT' && ![...x.options].some((o) => o.value === String(v))) return;
    x.value = String(v);
    x.dispatchEvent(new Event('change'));
  };
  set('#plan-material', req.material);
  set('#plan-depot', req.depot || '');
  if (typeof req.dump === 'string' && /^-?[\d.]+,-?[\d.]+$/.test(req.dump)) {
    const [lon, lat] = req.dump.split(',').map(Number);
    setPickedDump(lon, lat);
  } else set('#plan-dump', req.dump || '');
  const [v1, v2] = String(req.vehicle || '').split(',');
  set('#plan-vehicle', v1 || '');
  set('#plan-vehicle2', v2 || '');
  set('#plan-time', req.time_limit_s);
}

/** The request of the plan shown (null when none). */
export function currentRequest() {
  return lastPlan ? lastRequest : null;
}

/** Draw the material's clusters on the clusters overlay. */
async function drawClusters(material) {
  // Only the latest request draws: a material changed while an earlier request is in flight
  // (or the same material chosen again) must not add a second set of rings.
  const ticket = ++clusterTicket;
  state.groups.clusters.clearLayers();
  state.clusters = null;
  const clusters = await get(`/api/clusters?material=${encodeURIComponent(material)}`);
  if (ticket !== clusterTicket) return;
  const g = state.groups.clusters.clearLayers();
  state.clusters = {
    material,
    items: clusters.map((c, i) => ({
      colour: c.noise ? '#777' : QUAL[i % QUAL.length],
      noise: !!c.noise,
      members: (c.members || []).length,
      rounds: c.rounds_per_year,
      estimate: !!c.estimate,
      method: c.method,
    })),
  };
  clusters.forEach((c, i) => {
    const colour = c.noise ? '#777' : QUAL[i % QUAL.length];
    const pts = (c.members || []).map((m) => [m.lat, m.lon]);
    if (pts.length > 1) L.polygon(pts, { pane: 'routes', color: colour, weight: 1, fillOpacity: 0.08, dashArray: '2 4', interactive: false }).addTo(g);
    if (c.centre) {
      L.circleMarker([c.centre[1], c.centre[0]], { pane: 'routes', className: 'cluster', radius: 12, color: colour, weight: 3, fill: false })
        .bindTooltip(`${t('layer.clusters')} ${i + 1} : ${(c.members || []).length} ${t('actors').toLowerCase()}`)
        .addTo(g);
    }
  });
}

/** Draw a plan's rounds: a line per round and its numbered stops. */
export function drawRounds(plan) {
  const g = state.groups.rounds.clearLayers();
  state.roundColours = [];
  plan.rounds.forEach((r, i) => {
    const colour = QUAL[i % QUAL.length];
    state.roundColours.push(colour);
    const coords = (r.geometry?.coordinates || r.stops.map((s) => [s.lon, s.lat])).map(([x, y]) => [y, x]);
    L.polyline(coords, { pane: 'routes', className: 'round', color: colour, weight: 4, opacity: 0.85 })
      .bindTooltip(t('plan.round', { n: i + 1 }))
      .addTo(g);
    // Places at the same position (companies placed at their commune's point, the depot, the
    // treatment site) share one marker whose label lists every mark: D, 1…, V never hidden.
    placeGroups(r.stops).forEach((grp) => {
      const names = grp.items.map(([k, s]) => `${k}. ${esc(s.name)}`).join('<br>');
      L.marker([grp.s.lat, grp.s.lon], { icon: placeIcon(grp, colour), pane: 'labels', keyboard: false })
        .bindTooltip(`${t('plan.round', { n: i + 1 })}<br>${names}`)
        .addTo(g);
    });
  });
  state.data.rounds = roundsGeoJSON(plan);
  if (state.visible.rounds) g.addTo(state.map);
  const b = g.getLayers().length ? L.featureGroup(g.getLayers()).getBounds() : null;
  // The legend first (it gains the rounds), then the view beside it.
  state.onChange();
  if (b && b.isValid()) state.map.fitBounds(b, { paddingTopLeft: [30, 30], paddingBottomRight: [legendRoom(state.map) + 40, 60], animate: false });
}

/** The plan as GeoJSON for the exports: a line per round (its figures) and a point per place
 * (its mark D, 1…, V, arrival, and load when the answer carries it). */
function roundsGeoJSON(plan) {
  const features = [];
  const material = territory?.materials?.find((m) => m.slug === plan.material)?.label || plan.material;
  plan.rounds.forEach((r, i) => {
    const vehicle = (plan.fleet || []).find((v) => v.id === r.vehicle)?.label_fr || r.vehicle;
    const coords = r.geometry?.coordinates || r.stops.map((s) => [s.lon, s.lat]);
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: coords },
      properties: { round: i + 1, material, vehicle, method: plan.method, distance_km: Math.round(r.distance_m) / 1000, duration_h: Math.round(r.duration_s / 36) / 100, cost_eur: Math.round(r.cost_eur * 100) / 100, co2e_kg: Math.round(r.co2e_kg * 10) / 10 },
    });
    const m = marks(r.stops);
    r.stops.forEach((s, k) => {
      const props = { round: i + 1, mark: m[k], name: s.name, kind: t(`stop.${s.kind}`), arrival_min: Math.round((s.arrival_s || 0) / 60) };
      if (s.load !== null && s.load !== undefined) props.load_kg = Math.round(s.load);
      features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [s.lon, s.lat] }, properties: props });
    });
  });
  return { type: 'FeatureCollection', features };
}

/** The method's label: road, or the crow-flies estimate with its circuity. */
export function methodLabel(method) {
  return method === 'road' ? t('plan.method.road') : t('plan.method.crow_flies', { c: num(territory?.distances?.circuity ?? 1.3, 1) });
}

/** A cost or emission factor in French notation, with at most 3 decimals (0,6 €/km; 3,1 kg CO2e/L). */
const factorFormat = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 3 });

/** French name of a cost or emission factor of the plan (its API name when unknown). */
function factorName(name) {
  return tOr(`factor.${name}`, name);
}

/** French unit of a factor (the API's unit when unknown). */
function factorUnit(unit) {
  const fuel = /^kgCO2e\/L \((.+)\)$/.exec(unit);
  if (fuel) return `kg CO2e/L (${tOr(`fuel.${fuel[1]}`, fuel[1])})`;
  return tOr(`unit.${unit}`, unit);
}

/** One default taken by the planner, in French: what, which, and from where. */
function defaultItem(d, vehicleName) {
  let value;
  if (d.key === 'vehicle') value = esc(vehicleName(d.value));
  else if (d.key === 'fleet') value = esc(d.value.split(',').map(vehicleName).join(' + '));
  else if (d.key === 'service_time' || d.key === 'unload_time') value = `${num(Number(d.value), 0)} min`;
  else if (d.key === 'collections_per_year') value = num(Number(d.value), 0);
  else value = d.name ? `${esc(d.name)} <small>(${esc(d.value)})</small>` : esc(d.value);
  const what = tOr(`default.${d.key}`, esc(d.key));
  const origin = tOr(`default.origin.${d.origin}`, esc(d.origin), { setting: esc(d.setting || '') });
  return `<li data-default="${esc(d.key)}"><strong>${what}</strong> : ${value} — <small>${origin}</small></li>`;
}

/** The savings' range as a small bar (least favourable … most favourable, central value marked, zero shown when inside). */
function rangeBar(r) {
  const lo = Math.min(r.low, 0, r.central);
  const hi = Math.max(r.high, 0, r.central);
  const span = hi - lo || 1;
  const pos = (v) => `${(100 * (v - lo)) / span}%`;
  const zero = r.low < 0 && r.high > 0 ? `<span class="zero" style="left:${pos(0)}" title="0 €"></span>` : '';
  return `<div class="range-bar" role="img" aria-label="${esc(t('plan.range', { low: num(r.low, 0), high: num(r.high, 0), central: num(r.central, 0) }))}">
    <span class="span" style="left:${pos(r.low)};width:${(100 * (r.high - r.low)) / span}%"></span>${zero}<span class="central" style="left:${pos(r.central)}"></span></div>`;
}

/** The baseline's definition, the savings' range and break-even, and why the figures are estimates. */
function honesty(plan) {
  const s = plan.scenario;
  const b = plan.baseline;
  let html = b ? `<p class="small definition" id="plan-baseline">${esc(b.definition_fr)}</p>` : '';
  if (b && !b.same_site_as_pooled) html += `<p class="small warn">${esc(t('plan.baseline_other_site', { pooled: plan.dump?.name ?? '', baseline: b.treatment_site.name }))}</p>`;
  const sens = s.sensitivity;
  if (sens) {
    const r = sens.savings_eur;
    const verdict = r.low > 0 ? t('plan.range_safe') : r.high < 0 ? t('plan.range_never') : t('plan.range_mixed');
    let be = '';
    if (sens.break_even) {
      const x = sens.break_even;
      const vehicle = (plan.fleet || []).find((v) => v.id === x.vehicle)?.label_fr || x.vehicle;
      const f = sens.factors.find((e) => e.factor === x.factor)?.values.find((v) => v.vehicle === x.vehicle);
      be = `<p class="small" id="plan-break-even">${esc(t(`plan.break_even.${x.pooling_cheaper}`, { factor: factorName(x.factor).toLowerCase(), vehicle, value: factorFormat.format(x.value), unit: factorUnit(x.unit) }))}${!x.within_range && f ? ` ${esc(t('plan.break_even.outside', { low: factorFormat.format(f.low), high: factorFormat.format(f.high), unit: factorUnit(x.unit) }))}` : ''}</p>`;
    }
    const most = sens.factors?.[0] ? ` ${t('plan.range_most', { factor: factorName(sens.factors[0].factor).toLowerCase() })}` : '';
    html += `<div id="plan-range"><p class="small"><strong>${t('plan.range_title')}</strong> : ${t('plan.range', { low: num(r.low, 0), high: num(r.high, 0), central: num(r.central, 0) })}</p>
      ${rangeBar(r)}<p class="small">${verdict}${most} ${t('plan.range_not_varied')}</p>${be}
      <p class="small muted">${t('plan.range_co2', { low: num(sens.savings_co2e_kg.low, 0), high: num(sens.savings_co2e_kg.high, 0) })}</p></div>`;
  }
  const why = estimateText(s.estimate);
  if (why) html += `<p class="small estimate-why" id="plan-estimate">${esc(why)}</p>`;
  return html;
}

function figures(plan) {
  const s = plan.scenario;
  const estimate = s.estimate || plan.method !== 'road';
  const line = (k) => `<tr><th>${t(`plan.${k}`)}</th><td>${num(s.alone?.[key[k]])}</td><td>${num(s.pooled?.[key[k]])}</td><td><strong>${num(s.savings?.[key[k]])}</strong></td></tr>`;
  const key = { km: 'distance_km', hours: 'hours', eur: 'cost_eur', co2: 'co2e_kg' };
  const mixed = (plan.fleet || []).length > 1;
  const vehicleName = (id) => (plan.fleet || []).find((v) => v.id === id)?.label_fr || id;
  const rounds = plan.rounds
    .map(
      (r, i) => `<li data-vehicle="${esc(r.vehicle)}"><span class="sw line" style="background:${QUAL[i % QUAL.length]}"></span>
      ${t('plan.round', { n: i + 1 })} — ${mixed ? `${esc(vehicleName(r.vehicle))}, ` : ''}${t('plan.stops', { n: r.stops.filter((x) => x.kind === 'stop').length })},
      ${num(r.distance_m / 1000)} km, ${clock(r.duration_s)}, ${num(r.cost_eur, 0)} €, ${num(r.co2e_kg)} kg CO2e
      <button type="button" data-gpx="${i}">${t('export.gpx')}</button>
      <button type="button" data-sheet="${i}">${t('export.sheet')}</button></li>`,
    )
    .join('');
  const factors = (s.factors || []).map((f) => `<li data-factor="${esc(f.name)}">${esc(factorName(f.name))} : ${f.value == null ? '—' : factorFormat.format(f.value)} ${esc(factorUnit(f.unit))} — <small>${esc(f.source)}</small></li>`).join('');
  // Public answers leave out the rounds that too few companies make (their figures stay in the
  // yearly totals).
  const suppressed = plan.suppressed_rounds ? `<p class="muted" id="plan-suppressed">${t('plan.suppressed', { n: plan.suppressed_rounds })}</p>` : '';
  const unassigned = plan.unassigned?.length ? `<p class="muted">${t('plan.unassigned', { list: esc(plan.unassigned.map((u) => `${u.name} (${t(`reason.${u.reason}`)})`).join(', ')) })}</p>` : '';
  // The defaults taken, in French from their data (`defaults`), else the server's sentences.
  const defaultItems = plan.defaults?.length ? plan.defaults.map((d) => defaultItem(d, vehicleName)) : (plan.defaults_used || []).map((d) => `<li>${esc(d)}</li>`);
  const defaults = defaultItems.length ? `<details class="small" id="plan-defaults"><summary>${t('plan.defaults_title')}</summary><ul>${defaultItems.join('')}</ul></details>` : '';
  return `<p class="method ${estimate ? 'estimate' : ''}" id="plan-method">${estimate ? `<span class="estimate">${t('estimate')}</span> ` : ''}${methodLabel(plan.method)}</p>
    <table class="figures" id="plan-figures"><thead><tr><th></th><th>${t('plan.alone')}</th><th>${t('plan.pooled')}</th><th>${t('plan.savings')}</th></tr></thead>
    <tbody>${line('km')}${line('hours')}${line('eur')}${line('co2')}</tbody></table>
    ${honesty(plan)}
    <ol class="rounds">${rounds}</ol>${suppressed}${unassigned}${defaults}
    <details><summary>${t('plan.factors')}</summary><ul class="small">${factors}</ul></details>
    <button type="button" id="plan-report">${t('plan.report')}</button>`;
}

/** The material's and round `i`'s vehicle's French names. */
function labels(i) {
  const r = lastPlan.rounds[i];
  const materialLabel = territory?.materials?.find((m) => m.slug === lastPlan.material)?.label || lastPlan.material;
  const vehicleLabel = (lastPlan.fleet || []).find((v) => v.id === r.vehicle)?.label_fr || territory?.vehicles?.find((v) => v.id === r.vehicle)?.label || r.vehicle;
  return { materialLabel, vehicleLabel };
}

/** What the route sheet of round `i` (1-based `n`) needs, as JSON text; null when no plan is
 * shown (none computed, or cleared at the end of the officer's session). */
export function sheetData(n) {
  const i = Number(n) - 1;
  if (!lastPlan || !Number.isInteger(i) || i < 0 || i >= lastPlan.rounds.length) return null;
  const material = territory?.materials?.find((m) => m.slug === lastPlan.material);
  const r = lastPlan.rounds[i];
  // Where each place is known: address, commune and precision, from the layers loaded.
  const places = {};
  for (const name of ['actors', 'sites', 'parks']) {
    for (const f of state.data[name]?.features || []) {
      const p = f.properties;
      if (p.id && r.stops.some((s) => s.id === p.id)) places[p.id] = { address: p.address || '', commune: p.commune || '', precision: p.precision || '' };
    }
  }
  const fleet = (lastPlan.fleet || []).find((v) => v.id === r.vehicle);
  const capacityKg = fleet?.capacity_kg ?? territory?.vehicles?.find((v) => v.id === r.vehicle)?.capacity_kg ?? null;
  return JSON.stringify({
    plan: lastPlan,
    index: i,
    method: methodLabel(lastPlan.method),
    colour: QUAL[i % QUAL.length],
    unit: material?.unit || lastPlan.unit || '',
    kgPerUnit: material?.kg_per_unit ?? null,
    capacityKg,
    places,
    ...labels(i),
  });
}

function bindRoundButtons(el) {
  el.querySelector('#plan-report')?.addEventListener('click', async (ev) => {
    const button = ev.currentTarget;
    button.disabled = true;
    try {
      const html = await postHtml('/api/report', lastRequest);
      trackWindow(window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank'));
    } catch (err) {
      el.querySelector('#plan-status').textContent = t('plan.error', { msg: errorMessage(err) });
    } finally {
      button.disabled = false;
    }
  });
  el.querySelectorAll('button[data-gpx]').forEach((b) =>
    b.addEventListener('click', () => {
      const i = Number(b.dataset.gpx);
      const { materialLabel, vehicleLabel } = labels(i);
      download(fileName(`tournee-${i + 1}-${materialLabel}`, 'gpx'), roundGPX(lastPlan.rounds[i], i, materialLabel, vehicleLabel), 'application/gpx+xml');
    }),
  );
  el.querySelectorAll('button[data-sheet]').forEach((b) =>
    b.addEventListener('click', () => {
      // The sheet reads the plan from this tab's memory (window.opener), never from storage: it
      // is closed when the officer's session ends.
      const i = Number(b.dataset.sheet);
      trackWindow(window.open(`/print.html?round=${i + 1}`, '_blank'));
    }),
  );
}
