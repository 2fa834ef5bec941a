// Client-side exports: GeoJSON and CSV of the layers shown, GPX of a round.
import { t } from './i18n.js';
import { state } from './layers.js';

/** Offer `text` as a file download. */
export function download(name, text, type) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(a.href);
    a.remove();
  }, 0);
}

/** The features of the visible layers, each tagged with its layer name. */
export function shownFeatures() {
  const out = [];
  for (const [name, fc] of Object.entries(state.data)) {
    if (!state.visible[name] || !fc?.features) continue;
    for (const f of fc.features) out.push({ ...f, properties: { layer: name, ...f.properties } });
  }
  return out;
}

/** GeoJSON text of the shown layers. */
export function shownGeoJSON() {
  return JSON.stringify({ type: 'FeatureCollection', features: shownFeatures() });
}

/** The layers a CSV can be made of (the shown ones with features), in drawing order. */
export function csvLayers() {
  return Object.keys(state.data).filter((n) => state.visible[n] !== false && state.data[n]?.features?.length);
}

/** A property as a flat cell value: lists joined with « | » (objects by their label or name),
 * nested records left out (`null`). */
function flat(v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' ? x.label ?? x.name ?? x.material ?? '' : String(x))).filter((x) => x !== '').join(' | ');
  if (typeof v === 'object') return null;
  return v;
}

/**
 * CSV text of one layer: one row per feature, its flat properties (lists joined, nested records
 * left out) and lon/lat of its point (or of the commune's point). `french`: `;` and decimal
 * comma (French Excel); else `,` and decimal point.
 */
export function layerCSV(name, french = false) {
  const fc = state.data[name];
  const sep = french ? ';' : ',';
  const cols = [];
  // `point` is the lon/lat columns.
  for (const f of fc.features) for (const [k, v] of Object.entries(f.properties)) if (k !== 'point' && !cols.includes(k) && flat(v) !== null) cols.push(k);
  const number = (x) => (french ? String(x).replace('.', ',') : String(x));
  const cell = (v) => {
    const x = flat(v);
    if (x === null || x === '') return '';
    if (typeof x === 'number') return number(x);
    const str = String(x);
    return new RegExp(`["\n\r${sep}]`).test(str) ? `"${str.replace(/"/g, '""')}"` : str;
  };
  const lines = [[...cols, 'lon', 'lat'].join(sep)];
  for (const f of fc.features) {
    const g = f.geometry;
    const [lon, lat] = g?.type === 'Point' ? g.coordinates : f.properties.point || ['', ''];
    lines.push([...cols.map((c) => cell(f.properties[c])), lon === '' ? '' : number(lon), lat === '' ? '' : number(lat)].join(sep));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

function xml(s) {
  return String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** The marks of a round's places, as on the map and the route sheet: D the depot, 1… the
 * collection stops in visiting order, V the treatment site. */
export function stopMarks(stops) {
  let k = 0;
  return stops.map((s) => (s.kind === 'stop' ? String(++k) : s.kind === 'depot' ? 'D' : 'V'));
}

/** A file name `base-YYYY-MM-DD.ext`: lower case, accents and punctuation folded to hyphens. */
export function fileName(base, ext, date = new Date()) {
  const slug = String(base)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return `${slug || 'boucle'}-${day}.${ext}`;
}

/** GPX 1.1 of a round: a route (`rte`) of named points marked as on the sheet and the map (D,
 * 1…, V), the same points as waypoints, and the geometry as a track. `material` and `vehicle`
 * are French names. */
export function roundGPX(round, index, material, vehicle = '') {
  const name = `${t('plan.round', { n: index + 1 })} — ${material}${vehicle ? ` — ${vehicle}` : ''}`;
  const marks = stopMarks(round.stops);
  const pt = (tag, s, i, pad) => `${pad}<${tag} lat="${s.lat}" lon="${s.lon}"><name>${xml(marks[i])} ${xml(s.name)}</name><type>${xml(t(`stop.${s.kind}`))}</type></${tag}>`;
  const wpts = round.stops.map((s, i) => pt('wpt', s, i, '  ')).join('\n');
  const rtepts = round.stops.map((s, i) => pt('rtept', s, i, '    ')).join('\n');
  const coords = round.geometry?.coordinates || round.stops.map((s) => [s.lon, s.lat]);
  const trkpts = coords.map(([lon, lat]) => `      <trkpt lat="${lat}" lon="${lon}"/>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="boucle" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>${xml(name)}</name></metadata>
${wpts}
  <rte><name>${xml(name)}</name>
${rtepts}
  </rte>
  <trk><name>${xml(name)}</name><trkseg>
${trkpts}
  </trkseg></trk>
</gpx>
`;
}

/** The view's name for file names: the territory and the layers shown. */
function viewName(what) {
  const terr = document.getElementById('territory-name')?.textContent || 'boucle';
  return `${terr}-${what}`;
}

/** Build the export buttons in `el`: GeoJSON of the shown layers (computed rounds and siting
 * included), CSV of one layer (flat columns; French Excel option). */
export function exportPanel(el) {
  el.innerHTML = `<h2>${t('export.title')}</h2>
    <button id="export-geojson" type="button">${t('export.geojson')}</button>
    <label>${t('export.csv_layer')} <select id="export-layer"></select></label>
    <label class="toggle"><input type="checkbox" id="export-french" checked> ${t('export.french')}</label>
    <button id="export-csv" type="button">${t('export.csv')}</button>`;
  const sel = el.querySelector('#export-layer');
  const fill = () => {
    const keep = sel.value;
    sel.innerHTML = csvLayers()
      .map((n) => `<option value="${n}">${t(`layer.${n}`)}</option>`)
      .join('');
    if ([...sel.options].some((o) => o.value === keep)) sel.value = keep;
  };
  sel.addEventListener('focus', fill);
  fill();
  el.querySelector('#export-geojson').addEventListener('click', () => download(fileName(viewName(t('export.view')), 'geojson'), shownGeoJSON(), 'application/geo+json'));
  el.querySelector('#export-csv').addEventListener('click', () => {
    fill();
    const name = sel.value;
    if (!name) return;
    download(fileName(viewName(t(`layer.${name}`)), 'csv'), layerCSV(name, el.querySelector('#export-french').checked), 'text/csv;charset=utf-8');
  });
  return fill;
}
