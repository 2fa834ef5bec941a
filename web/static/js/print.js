// Printable sheets. Default: the route sheet of one round (map, ordered stops, figures), read
// from the memory of the map page that opened it (`window.opener.boucle.sheet(n)`): nothing is
// stored, so a sheet opened later in another tab, or after the officer's logout, shows nothing. `?view=indicators`: the
// elected officials' indicators (GET /api/indicators), aggregates only.
import { t, num, esc, clock } from './i18n.js';
import { get, errorMessage } from './api.js';
import { indicatorsHtml } from './indicators.js';
import { stopIcon, stopGroups } from './stops.js';
import { estimateText } from './estimate.js';

const L = window.L;

function kindLabel(k) {
  return t(`stop.${k}`);
}

function render() {
  const el = document.getElementById('sheet');
  const n = new URLSearchParams(location.search).get('round') || '1';
  let raw = null;
  try {
    raw = window.opener?.boucle?.sheet?.(n) ?? null;
  } catch {
    // The opener navigated elsewhere: nothing to print.
  }
  if (!raw) {
    el.innerHTML = `<p>${t('print.none')}</p>`;
    document.body.dataset.ready = '1';
    return;
  }
  const { plan, index, method, colour, materialLabel, vehicleLabel } = JSON.parse(raw);
  const r = plan.rounds[index];
  document.title = t('print.title', { n: index + 1 });
  // Each row's mark is the one on the map: stops numbered in visiting order, D the depot, V the
  // treatment site.
  let k = 0;
  const mark = (s) => (s.kind === 'stop' ? String(++k) : s.kind === 'depot' ? 'D' : 'V');
  const rows = r.stops
    .map(
      (s) => `<tr><td>${mark(s)}</td><td>${esc(s.name)}</td><td>${esc(kindLabel(s.kind))}</td><td>${clock(s.arrival_s)}</td>
      <td>${s.load === null || s.load === undefined ? `<small>${t('plan.load_hidden')}</small>` : `${num(s.load, 0)} kg`}</td></tr>`,
    )
    .join('');
  el.innerHTML = `<header><h1>${esc(t('print.title', { n: index + 1 }))}</h1>
    <p id="sheet-subtitle">${esc(materialLabel || plan.material)} — ${esc(vehicleLabel || r.vehicle)} — <span class="estimate">${esc(method)}</span></p>
    <button type="button" id="print" class="noprint">${t('print.print')}</button></header>
    <div id="print-map"></div>
    <table class="stops"><thead><tr><th>${t('print.order')}</th><th>${t('print.name')}</th><th>${t('print.kind')}</th><th>${t('print.arrival')}</th><th>${t('print.load')}</th></tr></thead><tbody>${rows}</tbody></table>
    <p class="figures">${num(r.distance_m / 1000)} km · ${clock(r.duration_s)} · ${num(r.cost_eur, 0)} € · ${num(r.co2e_kg)} kg CO2e</p>
    ${r.estimate ? `<p class="small" id="sheet-estimate">${esc(estimateText(r.estimate))}</p>` : ''}
    <p class="small">${t('attrib.osm')}</p>`;
  document.getElementById('print').addEventListener('click', () => window.print());
  const map = L.map('print-map', { zoomControl: false, attributionControl: true });
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: t('attrib.osm') }).addTo(map);
  const coords = (r.geometry?.coordinates || r.stops.map((s) => [s.lon, s.lat])).map(([x, y]) => [y, x]);
  const line = L.polyline(coords, { color: colour, weight: 4 }).addTo(map);
  // Stops at the same position share one marker (as on the map), then the depot and the
  // treatment site.
  stopGroups(r.stops).forEach((grp) => {
    L.marker([grp.s.lat, grp.s.lon], { icon: stopIcon(grp.items.map(([k]) => k).join(','), colour, 'stop') }).addTo(map);
  });
  [plan.depot, plan.dump].filter(Boolean).forEach((s) => L.marker([s.lat, s.lon], { icon: stopIcon(0, '#222', s.kind) }).addTo(map));
  map.fitBounds(line.getBounds().pad(0.1));
  document.body.dataset.ready = '1';
}

/** A YYYY-MM-DD date in French words ("3 décembre 2026"). */
function frenchDate(iso) {
  const d = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

async function renderIndicators() {
  const el = document.getElementById('sheet');
  try {
    const [terr, report] = await Promise.all([get('/api/territory'), get('/api/indicators')]);
    document.title = t('ind.print_title', { name: terr.name });
    el.innerHTML = `<header><h1>${esc(t('ind.print_title', { name: terr.name }))}</h1>
      <p class="small">${t('ind.intro')}</p>
      <p class="small" id="ind-dated">${esc(t('ind.dated', { on: frenchDate(report.computed_on), data: report.flows_file_date ? frenchDate(report.flows_file_date) : t('ind.undated') }))}</p>
      <button type="button" id="print" class="noprint">${t('print.print')}</button></header>
      ${indicatorsHtml(report, terr.distances?.circuity, true)}
      <p class="small">${esc(terr.attribution || '')}</p>`;
    el.querySelectorAll('details').forEach((d) => (d.open = true));
    document.getElementById('print').addEventListener('click', () => window.print());
    document.body.dataset.ready = '1';
  } catch (e) {
    el.innerHTML = `<p>${esc(t('ind.error', { msg: errorMessage(e) }))}</p>`;
    document.body.dataset.ready = 'error';
  }
}

if (new URLSearchParams(location.search).get('view') === 'indicators') renderIndicators();
else render();
