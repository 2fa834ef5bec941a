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

function cell(v) {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[";\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text (semicolon-separated, for French spreadsheets) of the shown layers: one row per
 * feature, its properties, and lon/lat of points or of the commune's point. */
export function shownCSV() {
  const feats = shownFeatures();
  const cols = ['layer'];
  for (const f of feats) for (const k of Object.keys(f.properties)) if (!cols.includes(k)) cols.push(k);
  cols.push('lon', 'lat');
  const lines = [cols.join(';')];
  for (const f of feats) {
    const g = f.geometry;
    const [lon, lat] = g?.type === 'Point' ? g.coordinates : f.properties.point || ['', ''];
    lines.push(cols.map((c) => (c === 'lon' ? lon : c === 'lat' ? lat : cell(f.properties[c]))).join(';'));
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

/** Build the export buttons in `el`. */
export function exportPanel(el) {
  el.innerHTML = `<h2>${t('export.title')}</h2>
    <button id="export-geojson" type="button">${t('export.geojson')}</button>
    <button id="export-csv" type="button">${t('export.csv')}</button>`;
  el.querySelector('#export-geojson').addEventListener('click', () => download('boucle-couches.geojson', shownGeoJSON(), 'application/geo+json'));
  el.querySelector('#export-csv').addEventListener('click', () => download('boucle-couches.csv', shownCSV(), 'text/csv;charset=utf-8'));
}
