// The Leaflet map: base maps (Plan IGN, OpenStreetMap, or the territory's) when online — the
// vector layers and commune names work without network —
// panes to keep polygons under points, and the attribution of every source.
import { t } from './i18n.js';

const L = window.L;

/** The base maps when the server names none: Plan IGN (Géoplateforme WMTS) and OpenStreetMap. */
const DEFAULT_BASE_MAPS = [
  {
    id: 'plan_ign',
    label: 'Plan IGN',
    url: 'https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}',
    attribution: 'Plan IGN © IGN – Géoplateforme',
    max_zoom: 19,
  },
  { id: 'osm', label: 'OpenStreetMap', url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© contributeurs OpenStreetMap', max_zoom: 19 },
];

/** The base maps' tile layers by id (the switcher's choices), in the territory's order. */
export const baseLayers = new Map();

/** Create the map in element `id`, fitted to the territory's bounding box [w, s, e, n], with a
 * switcher between the base maps `bases` (`[{id, label, url, attribution, max_zoom}]`; the
 * first is shown). */
export function createMap(id, bbox, attribution, bases = DEFAULT_BASE_MAPS) {
  // Popups open clear of the zoom buttons and the base map switcher (top left).
  L.Popup.prototype.options.autoPanPaddingTopLeft = L.point(56, 12);
  const map = L.map(id, { zoomSnap: 0.25, preferCanvas: false, zoomControl: false });
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  const choices = {};
  (bases?.length ? bases : DEFAULT_BASE_MAPS).forEach((b) => {
    const layer = L.tileLayer(b.url, { maxZoom: b.max_zoom ?? 19, attribution: b.attribution });
    layer.baseId = b.id;
    baseLayers.set(b.id, layer);
    choices[b.label] = layer;
  });
  baseLayers.values().next().value.addTo(map);
  const switcher = L.control.layers(choices, null, { position: 'topleft' }).addTo(map);
  const toggle = switcher.getContainer().querySelector('.leaflet-control-layers-toggle');
  toggle.title = t('map.base');
  toggle.setAttribute('aria-label', t('map.base'));
  toggle.setAttribute('role', 'button');
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.attributionControl.addAttribution(attribution);
  map.createPane('areas').style.zIndex = 350;
  map.createPane('outlines').style.zIndex = 360;
  map.createPane('routes').style.zIndex = 450;
  map.createPane('placenames').style.zIndex = 610;
  map.createPane('points').style.zIndex = 620;
  map.createPane('siting').style.zIndex = 630;
  map.createPane('labels').style.zIndex = 640;
  fitTerritory(map, bbox);
  L.control.scale({ imperial: false }).addTo(map);
  return map;
}

/** The id of the base map shown. */
export function currentBase(map) {
  for (const [id, layer] of baseLayers) if (map.hasLayer(layer)) return id;
  return '';
}

/** Show base map `id` (ignored when unknown). */
export function setBase(map, id) {
  const next = baseLayers.get(id);
  if (!next || map.hasLayer(next)) return;
  for (const layer of baseLayers.values()) if (map.hasLayer(layer)) map.removeLayer(layer);
  next.addTo(map);
}

/**
 * Room to leave free on the right when fitting the map to features: the legend's width (the
 * legend sits over the map's south-east corner, where it would hide them), when the map is at
 * least twice as wide; else none.
 */
export function legendRoom(map) {
  const legend = document.getElementById('legend');
  const width = map.getSize().x;
  const pad = legend && !legend.hidden ? legend.offsetWidth + 12 : 0;
  return pad > 0 && width - pad >= width / 2 ? pad : 0;
}

/** Fit the map to the territory's bounding box [w, s, e, n], beside the legend. */
export function fitTerritory(map, bbox) {
  const [w, s, e, n] = bbox;
  map.fitBounds(
    [
      [s, w],
      [n, e],
    ],
    { paddingTopLeft: [10, 10], paddingBottomRight: [legendRoom(map), 10], animate: false },
  );
}
