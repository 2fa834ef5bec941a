// Commune names drawn from our own data (not from the base tiles), so that the map names its
// places with or without tiles: each commune's name at its representative point, the most
// populated first, a name left out where it would overlap one already placed (collision-aware);
// zoomed out, fewer names fit (scale-dependent).
const L = window.L;

/** Approximate box of a label of `text` at 12 px, in pixels: [width, height]. */
function labelSize(text) {
  return [Math.ceil(text.length * 6.6) + 8, 16];
}

/**
 * Draw the names of `features` (communes: `properties.name`, `.population`, `.point` [lon, lat])
 * on `map` in pane `pane`, redrawn at each move; no name over a point symbol (`obstacles()`: the
 * [lat, lon] of the points drawn). Returns the layer group.
 */
export function communeLabels(map, features, pane = 'placenames', obstacles = () => []) {
  const g = L.layerGroup().addTo(map);
  const order = [...features].filter((f) => Array.isArray(f.properties.point) && f.properties.name).sort((a, b) => (b.properties.population ?? 0) - (a.properties.population ?? 0));
  const draw = () => {
    g.clearLayers();
    const size = map.getSize();
    // The point symbols drawn (about 20 px across) are obstacles too.
    const placed = obstacles().map((ll) => {
      const p = map.latLngToContainerPoint(ll);
      return { l: p.x - 9, r: p.x + 9, t: p.y - 9, b: p.y + 9 };
    });
    for (const f of order) {
      const [lon, lat] = f.properties.point;
      const p = map.latLngToContainerPoint([lat, lon]);
      const [w, h] = labelSize(f.properties.name);
      // At the commune's point, else just above or below it (a point symbol may sit there).
      const hit = (box) => placed.some((o) => box.l < o.r + 2 && box.r > o.l - 2 && box.t < o.b + 1 && box.b > o.t - 1);
      const boxAt = (dy) => ({ l: p.x - w / 2, r: p.x + w / 2, t: p.y + dy - h / 2, b: p.y + dy + h / 2, dy });
      const box = [0, -20, 20, -34, 34].map(boxAt).find((b) => !hit(b));
      if (!box || box.l < 0 || box.r > size.x || box.t < 0 || box.b > size.y) continue;
      placed.push(box);
      L.marker([lat, lon], {
        pane,
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: 'commune-label', html: `<span>${escapeHtml(f.properties.name)}</span>`, iconSize: [w, h], iconAnchor: [w / 2, h / 2 - box.dy] }),
      }).addTo(g);
    }
  };
  map.on('zoomend moveend resize', draw);
  draw();
  return g;
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}
