// The Leaflet map: OpenStreetMap tiles when online (the vector layers work without network),
// panes to keep polygons under points, and the attribution of every source.
import { t } from './i18n.js';

const L = window.L;

/** Create the map in element `id`, fitted to the territory's bounding box [w, s, e, n]. */
export function createMap(id, bbox, attribution) {
  const map = L.map(id, { zoomSnap: 0.25, preferCanvas: false });
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
  const [w, s, e, n] = bbox;
  map.fitBounds([
    [s, w],
    [n, e],
  ]);
  L.control.scale({ imperial: false }).addTo(map);
  return map;
}
