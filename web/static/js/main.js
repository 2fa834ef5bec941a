// Entry point: loads the territory summary, draws the map and its layers, builds the panels
// (indicators, layers, rounds, siting, exports, officer access), then marks the page as drawn (`document.body.dataset.ready = "1"`) for tests.
import { get } from './api.js';
import { t } from './i18n.js';
import { createMap, fitTerritory } from './map.js';
import { loadLayers, layerPanel, state, reloadConfidential, actorsNote, spread } from './layers.js';
import { drawLegend } from './legend.js';
import { exportPanel } from './exports.js';
import { officerPanel } from './officer.js';
import { planningPanel, sheetData } from './planning.js';
import { sitingPanel, resetSiting } from './siting.js';
import { indicatorsPanel } from './indicators.js';
import { applyUrl, startPermalink, viewParams } from './permalink.js';
import { phonePanel } from './phone.js';
import { communeLabels } from './labels.js';
import { tablePanel } from './table.js';

async function start() {
  const t0 = performance.now();
  document.title = t('title');
  const terr = await get('/api/territory');
  document.getElementById('territory-name').textContent = terr.name;
  const map = createMap('map', terr.bbox, terr.attribution, terr.base_maps);
  await loadLayers(map, terr.materials);
  communeLabels(map, state.data.communes?.features || [], 'placenames', () =>
    [
      ...['parks', 'sites']
        .filter((n) => state.visible[n])
        .flatMap((n) => (state.data[n]?.features || []).map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]])),
      // The actors where they are drawn (spread around their shared point).
      ...(state.visible.actors ? spread(state.data.actors?.features || []).map((x) => x.at) : []),
    ],
  );
  const legend = document.getElementById('legend');
  let table = () => {};
  state.onChange = () => {
    drawLegend(legend);
    actorsNote();
    table();
  };
  layerPanel(document.getElementById('layers'));
  exportPanel(document.getElementById('exports'));
  table = tablePanel(document.getElementById('table'));
  planningPanel(document.getElementById('planning'), terr, state.onChange);
  sitingPanel(document.getElementById('siting'), terr, state.onChange);
  const indicators = indicatorsPanel(document.getElementById('indicators'), terr);
  await officerPanel(document.getElementById('officer'), terr.officer_enabled, async () => {
    await reloadConfidential();
    resetSiting();
    state.onChange();
  });
  await indicators;
  if (sessionStorage.getItem('boucle.officerToken')) await reloadConfidential();
  state.onChange();
  // The panels were built after the map: take the map's final size before the first view.
  map.invalidateSize({ pan: false });
  fitTerritory(map, terr.bbox);
  phonePanel(map);
  // A link's view (layers, filters, zoom and centre, computed round or siting), else the first
  // view recorded as the history's entry.
  if (!(await applyUrl())) history.replaceState(null, '', `#${viewParams().toString()}`);
  startPermalink();
  window.boucle = { map, state, drawnMs: performance.now() - t0, sheet: sheetData };
  document.body.dataset.ready = '1';
}

start().catch((e) => {
  const el = document.getElementById('error');
  el.textContent = t('error.load', { msg: e.message });
  el.hidden = false;
  document.body.dataset.ready = 'error';
});
