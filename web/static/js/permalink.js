// The permalink: the URL's fragment carries the view — layers shown, how communes and actors are
// coloured, the actor filter, zoom and centre, and the request of a computed round or siting —
// so that a link reproduces it. Each change of view is a history entry: Back and Forward move
// through views. Requests only: no answer, nothing company-level, is ever put in the URL.
import { state, NAMES, setVisible, setChoropleth, setActorColour, loadActorsSaying } from './layers.js';
import { currentRequest, computeRounds, clearPlan, fillPlanForm } from './planning.js';
import { currentBase, setBase } from './map.js';
import { currentSitingRequest, runSiting, clearSiting } from './siting.js';

/** Whether a view is being applied from the URL (its changes are not recorded again). */
let applying = false;

/** The current view as URL parameters. */
export function viewParams() {
  const p = new URLSearchParams();
  const map = state.map;
  const c = map.getCenter();
  p.set('z', String(Math.round(map.getZoom() * 100) / 100));
  p.set('c', `${c.lat.toFixed(5)},${c.lng.toFixed(5)}`);
  const base = currentBase(map);
  if (base) p.set('fond', base);
  p.set('l', NAMES.filter((n) => state.visible[n]).join(','));
  if (state.choropleth !== 'population') p.set('col', state.choropleth);
  if (state.actorColour !== 'material') p.set('ac', state.actorColour);
  if (state.actorMaterial) p.set('m', state.actorMaterial);
  if (state.epci) p.set('epci', state.epci);
  const r = currentRequest();
  if (r) p.set('tournee', JSON.stringify(r));
  const s = currentSitingRequest();
  if (s) p.set('implantation', JSON.stringify(s));
  return p;
}

/** Record the view in the history (a new entry when it changed). */
export function record() {
  if (applying || !state.map) return;
  const hash = `#${viewParams().toString()}`;
  if (hash === location.hash) return;
  history.pushState(null, '', hash);
}

function parseJson(text) {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Apply the view of the URL's fragment (at start, and on Back/Forward). Unknown or malformed
 * values are ignored: a link cut short still opens the map. */
export async function applyUrl() {
  const p = new URLSearchParams(location.hash.slice(1));
  if (![...p.keys()].length) return false;
  applying = true;
  try {
    if (p.has('fond')) setBase(state.map, p.get('fond'));
    if (p.has('l')) {
      const on = new Set(p.get('l').split(','));
      for (const n of NAMES) {
        if (state.visible[n] !== on.has(n)) setVisible(n, on.has(n));
        const box = document.getElementById(`toggle-${n}`);
        if (box) box.checked = on.has(n);
      }
    }
    const col = ['population', 'actors', 'flows'].includes(p.get('col')) ? p.get('col') : 'population';
    if (col !== state.choropleth) setChoropleth(col);
    document.getElementById('choropleth').value = col;
    const ac = p.get('ac') === 'sector' ? 'sector' : 'material';
    if (ac !== state.actorColour) setActorColour(ac);
    document.getElementById('actors-colour').value = ac;
    const m = state.materials.some((x) => x.slug === p.get('m')) ? p.get('m') : '';
    document.getElementById('actors-material').value = m;
    const e = (state.data.epci?.features || []).some((f) => f.properties.siren === p.get('epci')) ? p.get('epci') : '';
    document.getElementById('actors-epci').value = e;
    if (m !== state.actorMaterial || e !== state.epci) {
      state.actorMaterial = m;
      state.epci = e;
      await loadActorsSaying();
    }
    const z = Number(p.get('z'));
    const c = (p.get('c') || '').split(',').map(Number);
    if (Number.isFinite(z) && z >= 0 && z <= 22 && c.length === 2 && c.every(Number.isFinite) && Math.abs(c[0]) <= 90 && Math.abs(c[1]) <= 180) {
      state.map.setView(c, z, { animate: false });
    }
    const r = p.has('tournee') ? parseJson(p.get('tournee')) : null;
    if (r && JSON.stringify(r) !== JSON.stringify(currentRequest())) {
      fillPlanForm(r);
      await computeRounds(r);
    }
    else if (!r && currentRequest()) clearPlan();
    const s = p.has('implantation') ? parseJson(p.get('implantation')) : null;
    if (s && JSON.stringify(s) !== JSON.stringify(currentSitingRequest())) await runSiting(s);
    else if (!s && currentSitingRequest()) clearSiting();
    if (z && c.length === 2 && c.every(Number.isFinite)) state.map.setView(c, z, { animate: false });
  } finally {
    applying = false;
  }
  return true;
}

/** Start recording: map moves and every change of view become history entries. */
export function startPermalink() {
  let timer = null;
  state.map.on('moveend', () => {
    clearTimeout(timer);
    timer = setTimeout(record, 300);
  });
  state.map.on('baselayerchange', () => setTimeout(record, 0));
  state.onView = () => setTimeout(record, 0);
  window.addEventListener('popstate', () => {
    applyUrl().then(() => state.onChange());
  });
}
