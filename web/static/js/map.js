// The Leaflet map: OpenStreetMap tiles when online (the vector layers work without network),
// panes to keep polygons under points, and the attribution of every source.
import { t } from './i18n.js';

const L = window.L;

/** Create the map in element `id`, fitted to the territory's bounding box [w, s, e, n]. */
export function createMap(id, bbox, attribution) {
  const map = L.map(id, { zoomSnap: 0.25, preferCanvas: false, zoomControl: false });
  L.control.zoom({ zoomInTitle: t('map.zoom_in'), zoomOutTitle: t('map.zoom_out') }).addTo(map);
  L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 19,
    attribution: `${t('attrib.osm')}`,
  }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.attributionControl.addAttribution(attribution);
  map.createPane('areas').style.zIndex = 350;
  map.createPane('outlines').style.zIndex = 360;
  map.createPane('routes').style.zIndex = 450;
  map.createPane('points').style.zIndex = 620;
  map.createPane('siting').style.zIndex = 630;
  map.createPane('labels').style.zIndex = 640;
  fitTerritory(map, bbox);
  L.control.scale({ imperial: false }).addTo(map);
  return map;
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
