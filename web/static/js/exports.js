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

/** GPX 1.1 of a round: its stops as waypoints (in order) and its geometry as a track. */
export function roundGPX(round, index, material) {
  const name = `${t('plan.round', { n: index + 1 })} — ${material}`;
  const wpts = round.stops
    .map((s, i) => `  <wpt lat="${s.lat}" lon="${s.lon}"><name>${i}. ${xml(s.name)}</name><type>${xml(s.kind)}</type></wpt>`)
    .join('\n');
  const coords = round.geometry?.coordinates || round.stops.map((s) => [s.lon, s.lat]);
  const trkpts = coords.map(([lon, lat]) => `      <trkpt lat="${lat}" lon="${lon}"/>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="boucle" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>${xml(name)}</name></metadata>
${wpts}
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
