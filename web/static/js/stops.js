// The numbered markers of a round's stops, shared by the map (planning.js) and the printable
// route sheet (print.js).
const L = window.L;

/** Marker of stop `n` (a number, or several joined by commas) of a round of colour `colour`;
 * `kind` `depot` and `dump` are marked D and V. */
export function stopIcon(n, colour, kind) {
  const label = kind === 'depot' ? 'D' : kind === 'dump' ? 'V' : String(n);
  const w = Math.max(22, 8 + 7 * label.length);
  return L.divIcon({ className: 'stop-icon', html: `<span class="stop ${kind}" style="background:${colour};width:${w}px;border-radius:11px">${label}</span>`, iconSize: [w, 22], iconAnchor: [w / 2, 11] });
}

/**
 * The collection stops of a round numbered in visiting order and grouped by position (companies
 * placed at their commune's point share one marker): `[{ s, items: [[n, stop], …] }]`.
 */
export function stopGroups(stops) {
  const groups = [];
  let n = 0;
  stops.forEach((s) => {
    if (s.kind !== 'stop') return;
    n += 1;
    const key = `${s.lon.toFixed(5)},${s.lat.toFixed(5)}`;
    const g = groups.find((x) => x.key === key);
    if (g) g.items.push([n, s]);
    else groups.push({ key, s, items: [[n, s]] });
  });
  return groups;
}
