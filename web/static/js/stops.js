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

/** The marks of a round's places in visiting order: D the depot, 1… the collection stops, V the
 * treatment site (the same on the map, the route sheet and the GPX). */
export function marks(stops) {
  let k = 0;
  return stops.map((s) => (s.kind === 'stop' ? String(++k) : s.kind === 'depot' ? 'D' : 'V'));
}

/** Marks joined for one label, consecutive numbers as a range: `D,1–4,V`. Each of D and V once. */
export function markLabel(list) {
  const uniq = [...new Set(list)];
  const nums = uniq.filter((m) => /^\d+$/.test(m)).map(Number).sort((a, b) => a - b);
  const runs = [];
  for (const n of nums) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  const parts = runs.map(([a, b]) => (a === b ? String(a) : b === a + 1 ? `${a},${b}` : `${a}–${b}`));
  return [...(uniq.includes('D') ? ['D'] : []), ...parts, ...(uniq.includes('V') ? ['V'] : [])].join(',');
}

/**
 * Every place of a round grouped by position, depot and treatment site included, so that no
 * marker hides another: `[{ s, kind, items: [[mark, stop], …], label }]` (`kind` `stop` when the
 * position has a collection stop, else `depot` or `dump`).
 */
export function placeGroups(stops) {
  const m = marks(stops);
  const groups = [];
  stops.forEach((s, i) => {
    const key = `${s.lon.toFixed(5)},${s.lat.toFixed(5)}`;
    let g = groups.find((x) => x.key === key);
    if (!g) {
      g = { key, s, items: [] };
      groups.push(g);
    }
    g.items.push([m[i], s]);
  });
  for (const g of groups) {
    const kinds = new Set(g.items.map(([, s]) => s.kind));
    g.kind = kinds.has('stop') ? 'stop' : kinds.has('depot') ? 'depot' : 'dump';
    g.label = markLabel(g.items.map(([k]) => k));
  }
  return groups;
}

/** Marker of a group from placeGroups(): its label, the round's colour (dark for D/V only). */
export function placeIcon(g, colour) {
  const w = Math.max(22, 8 + 7 * g.label.length);
  const bg = g.kind === 'stop' ? colour : '#222';
  return L.divIcon({ className: 'stop-icon', html: `<span class="stop ${g.kind}" style="background:${bg};width:${w}px;border-radius:11px">${g.label}</span>`, iconSize: [w, 22], iconAnchor: [w / 2, 11] });
}
