// Printable sheets. Default: the route sheet of one round (map, ordered stops, figures), read
// from the memory of the map page that opened it (`window.opener.boucle.sheet(n)`): nothing is
// stored, so a sheet opened later in another tab, or after the officer's logout, shows nothing. `?view=indicators`: the
// elected officials' indicators (GET /api/indicators), aggregates only.
import { t, num, esc, clock, unitLabel } from './i18n.js';
import { get, errorMessage } from './api.js';
import { indicatorsHtml } from './indicators.js';
import { marks, placeGroups, placeIcon } from './stops.js';
import { communeLabels } from './labels.js';
import { estimateText } from './estimate.js';

const L = window.L;

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
  const { plan, index, method, colour, materialLabel, vehicleLabel, unit, kgPerUnit, capacityKg, places = {} } = JSON.parse(raw);
  const r = plan.rounds[index];
  document.title = t('print.title', { n: index + 1 });
  // Clock times from the shift's start (the plan's, else 8 h 00, said as assumed).
  const startS = Number.isFinite(plan.shift?.start_s) ? plan.shift.start_s : 8 * 3600;
  const assumedStart = !Number.isFinite(plan.shift?.start_s);
  const m = marks(r.stops);
  const hidden = r.stops.some((s) => s.kind === 'stop' && (s.load === null || s.load === undefined));
  let before = 0;
  let centres = 0;
  const rows = r.stops
    .map((s, i) => {
      const place = places[s.id] || {};
      const centre = place.precision === 'commune';
      if (centre && s.kind === 'stop') centres += 1;
      // Quantity picked up here: the load's rise since the last place, in the material's unit.
      let qty = '';
      let share = '';
      if (s.load !== null && s.load !== undefined) {
        const kg = s.kind === 'stop' ? Math.max(0, s.load - before) : 0;
        if (s.kind === 'stop') qty = kgPerUnit > 0 && unit !== 'kg' ? `${num(kg / kgPerUnit, 0)} ${esc(unitLabel(unit))} <small>(${num(kg, 0)} kg)</small>` : `${num(kg, 0)} kg`;
        share = capacityKg > 0 ? `${num((100 * s.load) / capacityKg, 0)} %` : `${num(s.load, 0)} kg`;
        before = s.kind === 'stop' ? s.load : 0;
      } else if (s.kind === 'stop') qty = `<small>${t('plan.load_hidden')}</small>`;
      const where = place.address ? esc(place.address) : place.commune ? esc(t('print.commune_centre', { commune: place.commune })) : '';
      const precision = place.precision ? `<span class="precision ${centre ? 'approx' : 'exact'}">${esc(t(`print.precision.${place.precision}`) === `print.precision.${place.precision}` ? place.precision : t(`print.precision.${place.precision}`))}</span>` : '';
      return `<tr data-mark="${m[i]}"${centre ? ' class="centre"' : ''}><td class="mark">${m[i]}</td><td>${esc(s.name)}<br><small>${where}</small></td><td>${esc(t(`stop.${s.kind}`))}</td><td>${precision}</td>
        <td>${hhmm(startS + (s.arrival_s || 0))}</td><td class="num">${qty}</td><td class="num">${share}</td></tr>`;
    })
    .join('');
  const note = [
    assumedStart ? t('print.start_assumed', { h: hhmm(startS) }) : t('print.start', { h: hhmm(startS) }),
    centres ? t('print.centres', { n: centres }) : '',
    capacityKg > 0 && !hidden ? t('print.capacity', { kg: num(capacityKg, 0) }) : '',
  ].filter(Boolean);
  el.innerHTML = `<header><h1>${esc(t('print.title', { n: index + 1 }))}</h1>
    <p id="sheet-subtitle">${esc(materialLabel || plan.material)} — ${esc(vehicleLabel || r.vehicle)} — <span class="estimate">${esc(method)}</span></p>
    <button type="button" id="print" class="noprint">${t('print.print')}</button></header>
    <div id="print-map"></div>
    <table class="stops"><thead><tr><th>${t('print.order')}</th><th>${t('print.name')}</th><th>${t('print.kind')}</th><th>${t('print.precision')}</th><th>${t('print.arrival')}</th><th>${t('print.quantity')}</th><th>${t('print.load')}</th></tr></thead><tbody>${rows}</tbody></table>
    <ul class="small" id="sheet-notes">${note.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>
    <p class="figures">${num(r.distance_m / 1000)} km · ${clock(r.duration_s)} · ${num(r.cost_eur, 0)} € · ${num(r.co2e_kg)} kg CO2e</p>
    ${r.estimate ? `<p class="small" id="sheet-estimate">${esc(estimateText(r.estimate))}</p>` : ''}
    <p class="small">${t('print.sources')}</p>`;
  document.getElementById('print').addEventListener('click', () => window.print());
  const map = L.map('print-map', { zoomControl: false, attributionControl: true, zoomSnap: 0.25 });
  L.tileLayer('https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}', { maxZoom: 19, attribution: 'Plan IGN © IGN – Géoplateforme' }).addTo(map);
  map.createPane('placenames').style.zIndex = 610;
  const coords = (r.geometry?.coordinates || r.stops.map((s) => [s.lon, s.lat])).map(([x, y]) => [y, x]);
  const line = L.polyline(coords, { color: colour, weight: 4 }).addTo(map);
  // One marker per position listing every mark there (D, 1…, V), as on the map.
  placeGroups(r.stops).forEach((grp) => L.marker([grp.s.lat, grp.s.lon], { icon: placeIcon(grp, colour), keyboard: false }).addTo(map));
  const fit = () => {
    map.invalidateSize({ pan: false });
    map.fitBounds(line.getBounds().pad(0.08), { animate: false });
  };
  fit();
  // Printed on A4 the map is narrower than on screen: framed again on the route for the page.
  window.addEventListener('beforeprint', fit);
  window.addEventListener('afterprint', fit);
  window.matchMedia('print').addEventListener('change', fit);
  // Commune names from our own data: the sheet names its places without tiles.
  get('/api/layers/communes.geojson')
    .then((fc) => communeLabels(map, fc.features, 'placenames', () => r.stops.map((s) => [s.lat, s.lon])))
    .catch(() => {})
    .finally(() => {
      document.body.dataset.ready = '1';
    });
}

/** A time of day from seconds since midnight: « 8 h 05 » (past midnight wraps). */
function hhmm(s) {
  const m = Math.round(s / 60) % (24 * 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
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
