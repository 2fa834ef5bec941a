// Colour scales and palettes shared by layers and legend.

/** Sequential scale of the communes (light → dark green), 3 classes: drawn at
 * `COMMUNE_OPACITY` over the map's background, neighbouring classes contrast at least 3:1
 * (3.6:1 and 3.9:1 as rendered; five classes cannot: 3⁴ = 81 exceeds the 21:1 between white and
 * black). */
export const SEQ = ['#ffffff', '#2b8c4e', '#001a0a'];

/** Fill opacity of the communes (the legend's swatches are drawn the same). */
export const COMMUNE_OPACITY = 0.9;

/** The map's background under the communes (also under the legend's swatches). */
export const MAP_BACKGROUND = '#e9eef0';

/** Fill of the business parks and of the treatment sites: distinct from each other and from the
 * siting scores' low end (contrast ≥ 3:1 with score 0's yellow and with the parks' lilac). */
export const PARK_FILL = '#cab2d6';
export const SITE_FILL = '#8c2d04';

/** Qualitative palette (materials, sectors, rounds). */
export const QUAL = ['#e41a1c', '#377eb8', '#4daf4a', '#984ea3', '#ff7f00', '#a65628', '#f781bf', '#17becf', '#999999', '#bcbd22', '#1b9e77', '#7570b3'];

/** Class breaks of `values` into at most `k` classes: returns the classes' upper bounds but the
 * last (strictly increasing). Few distinct values: one class per value; else quantiles. */
export function breaks(values, k = SEQ.length) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const uniq = [...new Set(v)];
  if (uniq.length <= k) return uniq.slice(0, -1);
  const out = [];
  for (let i = 1; i < k; i++) {
    const b = v[Math.min(v.length - 1, Math.floor((i * v.length) / k) - 1)];
    if (!out.length || b > out[out.length - 1]) out.push(b);
  }
  return out;
}

/** Class index of `x` given `br` from breaks(). */
export function classOf(x, br) {
  let i = 0;
  while (i < br.length && x > br[i]) i++;
  return i;
}

/** Colour of class `i` when there are `br.length + 1` classes (darkest = highest). */
export function classColour(i, br) {
  return SEQ[SEQ.length - 1 - br.length + i];
}

/** NAF code → broad sector key (i18n `sector.*`). */
export function sectorOf(naf) {
  const d = parseInt(String(naf || '').slice(0, 2), 10);
  if (!Number.isFinite(d)) return 'unknown';
  if (d >= 5 && d <= 33) return 'industry';
  if (d >= 35 && d <= 39) return 'waste';
  if (d >= 41 && d <= 43) return 'construction';
  if (d >= 45 && d <= 47) return 'trade';
  if (d >= 49 && d <= 53) return 'transport';
  return 'services';
}

export const SECTORS = ['industry', 'construction', 'trade', 'transport', 'waste', 'services', 'unknown'];

/** Sequential scale of siting scores (viridis, perceptually uniform and readable by colour-blind
 * people): score 0 (the candidate that costs the most transport) → yellow, 1 (the best) → dark
 * purple. Interpolated continuously, so distinct scores get distinct colours. */
export const SCORE = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'];

/** Fill of a candidate without a score (excluded). */
export const NO_SCORE = '#bdbdbd';

function rgb(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

/** Colour of a score in [0, 1] on the SCORE scale (`NO_SCORE` when null). */
export function scoreColour(score) {
  if (score === null || score === undefined || !Number.isFinite(score)) return NO_SCORE;
  const x = Math.min(1, Math.max(0, score)) * (SCORE.length - 1);
  const i = Math.min(SCORE.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [rgb(SCORE[i]), rgb(SCORE[i + 1])];
  return `#${a.map((v, k) => Math.round(v + f * (b[k] - v)).toString(16).padStart(2, '0')).join('')}`;
}

/** CSS gradient of the SCORE scale, left = 0, right = 1 (for the legend). */
export function scoreGradient() {
  return `linear-gradient(90deg, ${SCORE.join(', ')})`;
}
