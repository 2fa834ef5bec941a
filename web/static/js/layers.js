// The map's layers: communes (choropleth), EPCI outlines, business parks, treatment sites,
// actors (co-located points spread around their shared position), plus the clusters and rounds
// overlays filled by the planning panel and the siting overlay filled by the siting panel. Each
// layer can be toggled from the layer panel.
import { get, post, errorMessage } from './api.js';
import { t, esc } from './i18n.js';
import { QUAL, breaks, classOf, classColour, sectorOf, SECTORS, COMMUNE_OPACITY, PARK_FILL, SITE_FILL } from './colours.js';
import { communePopup, epciPopup, parkPopup, sitePopup, actorPopup } from './popups.js';

const L = window.L;

/** Names of the layers in drawing order. */
export const NAMES = ['communes', 'epci', 'parks', 'sites', 'actors', 'clusters', 'rounds', 'siting'];

/** Layer state shared with legend, exports and planning. */
export const state = {
  map: null,
  data: {}, // name → GeoJSON FeatureCollection (as loaded)
  groups: {}, // name → L.LayerGroup
  visible: { communes: true, epci: true, parks: true, sites: true, actors: true, clusters: true, rounds: true, siting: true },
  choropleth: 'population',
  actorColour: 'material',
  actorMaterial: '',
  epci: '', // the EPCI filter (SIREN; '' for the whole territory)
  actorsShown: '', // the material filter of the actors drawn ('' for all)
  breaks: [],
  materials: [],
  onChange: () => {},
  onView: () => {}, // a change of the view the URL records (permalink.js)
};

function communeStyle(f) {
  const v = f.properties[state.choropleth] ?? 0;
  return {
    pane: 'areas',
    className: 'commune',
    color: '#555',
    weight: 0.8,
    fillColor: classColour(classOf(v, state.breaks), state.breaks),
    fillOpacity: COMMUNE_OPACITY,
  };
}

/** Colour of a material slug. */
export function materialColour(slug) {
  const i = state.materials.findIndex((m) => m.slug === slug);
  return i < 0 ? QUAL[8] : QUAL[i % QUAL.length];
}

/** Colour of a sector key. */
export function sectorColour(key) {
  return QUAL[SECTORS.indexOf(key) % QUAL.length];
}

/**
 * Materials an actor is coloured by: the material filtered on, else each material it gives out
 * (in the territory's order; '' when it gives none out).
 */
export function actorMaterials(p) {
  if (state.actorMaterial) return [state.actorMaterial];
  const out = new Set((p.materials || []).filter((x) => x.direction === 'out').map((x) => x.material));
  const known = state.materials.map((m) => m.slug).filter((m) => out.has(m));
  const other = [...out].filter((m) => !known.includes(m)).sort();
  const all = [...known, ...other];
  return all.length ? all : [''];
}

/** Radius of an actor's disc, in pixels (even: Leaflet rounds a circle's radius to whole pixels,
 * and the shares are drawn on a circle of half this radius). */
const ACTOR_RADIUS = 8;

/**
 * Draws an actor's disc at `at` into `g`: one colour, or when coloured by material and the actor
 * gives out several, one share per material (strokes of a circle of half the radius, as wide as
 * that radius, each dashed to its share of the turn). Returns the disc, which takes the clicks.
 */
function actorDisc(g, at, p) {
  const mats = state.actorColour === 'sector' ? null : actorMaterials(p);
  const several = mats && mats.length > 1;
  if (several) {
    const r = ACTOR_RADIUS / 2;
    const turn = 2 * Math.PI * r;
    const share = turn / mats.length;
    mats.forEach((m, k) => {
      L.circleMarker(at, {
        pane: 'points', className: 'actor-share', radius: r, weight: ACTOR_RADIUS, color: materialColour(m), opacity: 0.95,
        fill: false, lineCap: 'butt', dashArray: `${share.toFixed(3)} ${turn.toFixed(3)}`, dashOffset: `${(-k * share).toFixed(3)}`, interactive: false,
      }).addTo(g);
    });
  }
  // Drawn last: its outline over the shares, and it takes the clicks (a transparent fill over
  // the shares).
  const fill = mats ? materialColour(mats[0]) : sectorColour(sectorOf(p.naf));
  return L.circleMarker(at, { pane: 'points', className: 'actor', radius: ACTOR_RADIUS, color: '#fff', weight: 1.5, fillColor: fill, fillOpacity: several ? 0 : 0.95 }).addTo(g);
}

function drawCommunes() {
  const g = state.groups.communes.clearLayers();
  const fc = state.data.communes;
  state.breaks = breaks(fc.features.map((f) => f.properties[state.choropleth] ?? 0));
  L.geoJSON(fc, {
    style: communeStyle,
    onEachFeature: (f, layer) => {
      layer.bindPopup(() => communePopup(f.properties), { maxWidth: 360 });
      layer.bindTooltip(f.properties.name, { sticky: true, direction: 'top' });
      // The tooltip's focus listeners would make each polygon a Tab stop (46 of them): out of the
      // Tab order; the communes are named on the map (labels) and in the points' popups.
      const skip = () => layer.getElement()?.setAttribute('tabindex', '-1');
      layer.on('add', skip);
      skip();
    },
  }).addTo(g);
}

function drawEpci() {
  const g = state.groups.epci.clearLayers();
  // A white halo under the dashed line: the limit reads over light and dark communes alike.
  L.geoJSON(state.data.epci, { style: { pane: 'outlines', className: 'epci-halo', color: '#fff', weight: 5, opacity: 0.9, fill: false }, interactive: false }).addTo(g);
  L.geoJSON(state.data.epci, {
    style: { pane: 'outlines', className: 'epci', color: '#222', weight: 2.5, dashArray: '6 4', fill: false },
    onEachFeature: (f, layer) => layer.bindPopup(() => epciPopup(f.properties), { maxWidth: 360 }),
  }).addTo(g);
}

/**
 * Makes a drawn point reachable by keyboard: Tab stops on it (named for screen readers), Enter or
 * Space opens its popup. Communes are not made so (46 polygons one by one); their names are on
 * the map and in the popups of the points.
 */
export function focusable(layer, label) {
  const apply = () => {
    const e = layer.getElement();
    if (!e || e.hasAttribute('tabindex')) return;
    e.setAttribute('tabindex', '0');
    e.setAttribute('role', 'button');
    e.setAttribute('aria-label', label);
    e.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        layer.openPopup();
      }
    });
  };
  layer.on('add', apply);
  apply();
  return layer;
}

function drawPoints(name, style, popup) {
  const g = state.groups[name].clearLayers();
  const kind = name === 'parks' ? t('park') : t('site');
  L.geoJSON(state.data[name], {
    pointToLayer: (f, ll) => L.circleMarker(ll, { pane: 'points', ...style }),
    onEachFeature: (f, layer) => focusable(layer, `${kind} : ${f.properties.name}`).bindPopup(() => popup(f.properties), { maxWidth: 380 }),
  }).addTo(g);
}

/** Spread co-located points: the k-th of n points sharing a position goes on a small circle
 * around it (radius in metres), joined to the true position by a thin line. */
export function spread(features) {
  const byPos = new Map();
  for (const f of features) {
    const key = f.geometry.coordinates.map((c) => c.toFixed(5)).join(',');
    if (!byPos.has(key)) byPos.set(key, []);
    byPos.get(key).push(f);
  }
  const out = [];
  for (const group of byPos.values()) {
    const [lon, lat] = group[0].geometry.coordinates;
    const n = group.length;
    const r = n === 1 ? 0 : 250 + 35 * n;
    group.forEach((f, k) => {
      const a = (2 * Math.PI * k) / n - Math.PI / 2;
      const dlat = (r * Math.sin(a)) / 111195;
      const dlon = (r * Math.cos(a)) / (111195 * Math.cos((lat * Math.PI) / 180));
      out.push({ f, at: [lat + dlat, lon + dlon], origin: [lat, lon], shared: n });
    });
  }
  return out;
}

function drawActors() {
  const g = state.groups.actors.clearLayers();
  for (const { f, at, origin, shared } of spread(state.data.actors.features)) {
    if (shared > 1) L.polyline([origin, at], { pane: 'points', color: '#666', weight: 1, opacity: 0.6, interactive: false }).addTo(g);
    const disc = focusable(actorDisc(g, at, f.properties), `${t('actor')} : ${f.properties.name}`);
    disc.feature = f;
    disc
      .bindPopup(() => actorPopup(f.properties), { maxWidth: 400 })
      .bindTooltip(f.properties.name, { direction: 'top' });
  }
}

/** Counts actor requests, so that an answer overtaken by a later request is dropped. */
let actorsTicket = 0;

/** Load (or reload, e.g. after the officer logs in) the actors layer with the material filter. */
export async function loadActors() {
  const ticket = ++actorsTicket;
  const params = new URLSearchParams();
  if (state.actorMaterial) params.set('material', state.actorMaterial);
  if (state.epci) params.set('epci', state.epci);
  const q = params.toString() ? `?${params}` : '';
  const actors = await get(`/api/layers/actors.geojson${q}`);
  // A filter changed (or a login) while this request was in flight: the later answer draws.
  if (ticket !== actorsTicket) return;
  state.data.actors = actors;
  state.actorsShown = state.actorMaterial;
  state.epciShown = state.epci;
  drawActors();
  state.onChange();
}

/** Load the actors, a failure said in the layer panel (server unreachable included) rather than
 * thrown. */
export async function loadActorsSaying() {
  const note = document.getElementById('actors-error');
  try {
    await loadActors();
    if (note) note.hidden = true;
  } catch (err) {
    if (note) {
      note.textContent = t('actors.error', { msg: errorMessage(err) });
      note.hidden = false;
    }
  }
}

/** Reload the layers whose content depends on the officer's access. */
export async function reloadConfidential() {
  const [communes, epci, parks] = await Promise.all(['communes', 'epci', 'parks'].map((n) => get(`/api/layers/${n}.geojson`)));
  Object.assign(state.data, { communes, epci, parks });
  drawCommunes();
  drawEpci();
  drawPoints('parks', parkStyle, parkPopup);
  await loadActors();
}

const parkStyle = { className: 'park', radius: 9, color: '#6a3d9a', weight: 2, fillColor: PARK_FILL, fillOpacity: 1 };
const siteStyle = { className: 'site', radius: 8, color: '#fff', weight: 2, fillColor: SITE_FILL, fillOpacity: 1 };

/** Load every layer and draw it on `map`. */
export async function loadLayers(map, materials) {
  state.map = map;
  state.materials = materials;
  for (const n of NAMES) state.groups[n] = L.layerGroup();
  const names = ['communes', 'epci', 'parks', 'sites', 'actors'];
  const fcs = await Promise.all(names.map((n) => get(`/api/layers/${n}.geojson`)));
  names.forEach((n, i) => (state.data[n] = fcs[i]));
  drawCommunes();
  drawEpci();
  drawPoints('parks', parkStyle, parkPopup);
  drawPoints('sites', siteStyle, sitePopup);
  drawActors();
  for (const n of NAMES) if (state.visible[n]) state.groups[n].addTo(map);
}

/** Show or hide a layer. */
export function setVisible(name, on) {
  state.visible[name] = on;
  const g = state.groups[name];
  if (!g) return;
  if (on) g.addTo(state.map);
  else g.remove();
  state.onChange();
}

/** Change what the communes are coloured by (`population`, `actors`, `flows`). */
export function setChoropleth(key) {
  state.choropleth = key;
  drawCommunes();
  state.onChange();
}

/** Change how actors are coloured (`material`, `sector`). */
export function setActorColour(key) {
  state.actorColour = key;
  drawActors();
  state.onChange();
}

/** Build the layer panel (checkboxes and selectors) in `el`. */
export function layerPanel(el) {
  const boxes = NAMES.map(
    (n) => `<label class="toggle"><input type="checkbox" id="toggle-${n}" data-layer="${n}" ${state.visible[n] ? 'checked' : ''}> ${t(`layer.${n}`)}</label>`,
  ).join('');
  const mats = state.materials
    .filter((m) => m.actors > 0)
    .map((m) => `<option value="${m.slug}">${m.label}</option>`)
    .join('');
  el.innerHTML = `<h2>${t('layers')}</h2>${boxes}
    <label>${t('choropleth.label')}
      <select id="choropleth">
        <option value="population">${t('choropleth.population')}</option>
        <option value="actors">${t('choropleth.actors')}</option>
        <option value="flows">${t('choropleth.flows')}</option>
      </select></label>
    <label>${t('actors.colour')}
      <select id="actors-colour">
        <option value="material">${t('actors.by_material')}</option>
        <option value="sector">${t('actors.by_sector')}</option>
      </select></label>
    <label>${t('actors.material_filter')}
      <select id="actors-material"><option value="">${t('actors.all_materials')}</option>${mats}</select></label>
    <label>${t('actors.epci_filter')}
      <select id="actors-epci"><option value="">${t('actors.all_epci')}</option>${(state.data.epci?.features || []).map((f) => `<option value="${esc(f.properties.siren)}">${esc(f.properties.name)}</option>`).join('')}</select></label>
    <p class="error-msg small" id="actors-error" role="alert" hidden></p>
    <div class="muted small" id="actors-note"></div>`;
  el.querySelectorAll('input[data-layer]').forEach((cb) =>
    cb.addEventListener('change', () => {
      setVisible(cb.dataset.layer, cb.checked);
      state.onView();
    }),
  );
  el.querySelector('#choropleth').addEventListener('change', (e) => {
    setChoropleth(e.target.value);
    state.onView();
  });
  el.querySelector('#actors-colour').addEventListener('change', (e) => {
    setActorColour(e.target.value);
    state.onView();
  });
  el.querySelector('#actors-material').addEventListener('change', async (e) => {
    state.actorMaterial = e.target.value;
    state.onView();
    await loadActorsSaying();
  });
  el.querySelector('#actors-epci').addEventListener('change', async (e) => {
    state.epci = e.target.value;
    state.onView();
    await loadActorsSaying();
  });
}

/** The officer places unlocated actor `id`: the next click on the map gives its position, saved
 * through POST /api/actors/{id}/position; the actor is drawn there at once. */
function placeActor(id) {
  const a = (state.data.actors.unlocated_actors || []).find((x) => x.id === id);
  if (!a) return;
  const say = (html) => {
    state.placeStatus = html;
    const s = document.getElementById('place-status');
    if (s) s.innerHTML = html;
  };
  say(esc(t('actors.place_help', { name: a.name })));
  state.map.getContainer().classList.add('picking');
  document.getElementById('sidebar')?.classList.remove('open');
  state.map.once('preclick', async (ev) => {
    state.map.getContainer().classList.remove('picking');
    setTimeout(() => state.map.closePopup(), 0);
    const { lng: lon, lat } = ev.latlng;
    try {
      const done = await post(`/api/actors/${encodeURIComponent(id)}/position`, { lon: Number(lon.toFixed(7)), lat: Number(lat.toFixed(7)) });
      // Drawn at once: the actor joins the layer with its new position.
      const fc = state.data.actors;
      fc.unlocated_actors = fc.unlocated_actors.filter((x) => x.id !== id);
      fc.unlocated = Math.max(0, (fc.unlocated || 1) - 1);
      fc.features.push({ type: 'Feature', geometry: { type: 'Point', coordinates: [done.lon, done.lat] }, properties: { id, name: a.name, commune: a.commune || '', kind: 'company', materials: [], precision: 'manual', source: t('actors.placed_source') } });
      drawActors();
      state.placeStatus = `${esc(t('actors.placed', { name: a.name }))}${done.warning ? ` <span class="warn">${esc(t('actors.placed_warning'))}</span>` : ''}`;
      state.onChange();
    } catch (err) {
      say(`<span class="error-msg">${esc(t('actors.place_error', { msg: errorMessage(err) }))}</span>`);
    }
  });
}

/** Update the note under the actor selectors. */
export function actorsNote() {
  const el = document.getElementById('actors-note');
  if (!el || !state.data.actors) return;
  const n = state.data.actors.unlocated || 0;
  let html = esc(t('actors.spread'));
  // How to read the shared discs, when some are drawn.
  if (state.actorColour !== 'sector' && state.data.actors.features.some((f) => actorMaterials(f.properties).length > 1)) {
    html += ` <span id="actors-shares">${esc(t('actors.shares'))}</span>`;
  }
  // Who is missing from the map, and how to place them.
  if (n) {
    // The officer places one by clicking the map (POST /api/actors/{id}/position).
    const officer = state.data.actors.officer === true;
    const names = (state.data.actors.unlocated_actors || [])
      .map((a) => `<li data-id="${esc(a.id)}">${esc(a.name)}${a.commune ? ` <small>(${esc(a.commune)})</small>` : ''} <code class="id">${esc(a.id)}</code>${officer ? ` <button type="button" class="link place" data-place="${esc(a.id)}">${t('actors.place')}</button>` : ''}</li>`)
      .join('');
    html += `<details id="actors-unlocated"${state.unlocatedOpen ? ' open' : ''}><summary>${esc(t('actors.unlocated', { n }))}</summary><ul>${names}</ul><p>${esc(t(officer ? 'actors.unlocated.officer' : 'actors.unlocated.help'))}</p><p class="small" id="place-status" role="status">${state.placeStatus || ''}</p></details>`;
  }
  el.innerHTML = html;
  el.querySelector('#actors-unlocated')?.addEventListener('toggle', (e) => {
    state.unlocatedOpen = e.target.open;
  });
  el.querySelectorAll('button[data-place]').forEach((b) => b.addEventListener('click', () => placeActor(b.dataset.place)));
}
