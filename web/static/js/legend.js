// The legend: the communes' classes, outlines, parks, sites, actors' colours, rounds, and the
// siting candidates' score scale.
import { t, num, esc } from './i18n.js';
import { SEQ, sectorOf, SECTORS, classColour, scoreGradient, NO_SCORE, COMMUNE_OPACITY, MAP_BACKGROUND, PARK_FILL, SITE_FILL } from './colours.js';
import { state, materialColour, sectorColour, actorMaterials } from './layers.js';

function swatch(colour, label, shape = 'box') {
  return `<div class="item"><span class="sw ${shape}" style="background:${colour}"></span>${label}</div>`;
}

/** Redraw the legend in `el` from the layers' state. */
export function drawLegend(el) {
  // Foldable (a phone folds it at first, so that it does not cover the map).
  if (state.legendOpen === undefined) state.legendOpen = !window.matchMedia('(max-width: 700px)').matches;
  let html = '';
  if (state.visible.communes && state.data.communes) {
    const br = state.breaks;
    html += `<h3>${t(`legend.${state.choropleth}`)}</h3>`;
    const values = state.data.communes.features.map((f) => f.properties[state.choropleth] ?? 0);
    const exact = new Set(values).size <= SEQ.length;
    for (let i = 0; i <= br.length; i++) {
      const lo = i === 0 ? null : br[i - 1];
      const hi = br[i];
      let label;
      if (exact) label = num(hi ?? Math.max(...values), 0);
      else if (lo === null) label = `≤ ${num(hi, 0)}`;
      else if (hi === undefined) label = `> ${num(lo, 0)}`;
      else label = `${num(lo, 0)} – ${num(hi, 0)}`;
      // As drawn: the fill at the communes' opacity over the map's background, their outline.
      html += `<div class="item"><span class="sw area" style="background:${MAP_BACKGROUND}"><span data-fill="${classColour(i, br)}" style="background:${classColour(i, br)};opacity:${COMMUNE_OPACITY}"></span></span>${label}</div>`;
    }
  }
  if (state.visible.epci) html += `<div class="item"><span class="sw line dashed"></span>${t('legend.epci')}</div>`;
  if (state.visible.parks) html += `<div class="item"><span class="sw dot" style="background:${PARK_FILL};border:2px solid #6a3d9a"></span>${t('legend.park')}</div>`;
  if (state.visible.sites) html += `<div class="item"><span class="sw dot" style="background:${SITE_FILL};border:2px solid #fff;box-shadow:0 0 0 1px #999"></span>${t('legend.site')}</div>`;
  if (state.visible.actors && state.data.actors) {
    html += `<h3>${t('layer.actors')}</h3>`;
    if (state.actorColour === 'sector') {
      const present = new Set(state.data.actors.features.map((f) => sectorOf(f.properties.naf)));
      html += SECTORS.filter((s) => present.has(s)).map((s) => swatch(sectorColour(s), t(`sector.${s}`), 'dot')).join('');
    } else {
      const present = new Set();
      for (const f of state.data.actors.features) {
        actorMaterials(f.properties).forEach((m) => present.add(state.materials.some((x) => x.slug === m) ? m : ''));
      }
      html += state.materials
        .filter((m) => present.has(m.slug))
        .map((m) => swatch(materialColour(m.slug), m.label, 'dot'))
        .join('');
      if (present.has('')) html += swatch(materialColour(''), t('legend.other'), 'dot');
    }
  }
  if (state.visible.clusters && state.clusters?.items.length) {
    // Folded to one line by default: the legend sits over the map's south-east corner.
    const c = state.clusters;
    const label = state.materials.find((m) => m.slug === c.material)?.label || c.material;
    const groups = c.items.filter((it) => !it.noise);
    const alone = c.items.filter((it) => it.noise).reduce((n, it) => n + it.members, 0);
    let k = 0;
    const rows = c.items
      .filter((it) => !it.noise)
      .map((it) => `<div class="item"><span class="sw dot ring" style="border:3px solid ${it.colour}"></span>${t('legend.cluster', { i: ++k, n: it.members, r: it.rounds == null ? '—' : num(it.rounds, 0) })}</div>`)
      .join('');
    const noise = alone ? `<div class="item"><span class="sw dot ring" style="border:3px solid #777"></span>${t('legend.cluster.noise', { n: alone })}</div>` : '';
    const crow = c.items.some((it) => it.method === 'crow_flies');
    html += `<details id="legend-clusters"${state.clustersOpen ? ' open' : ''}><summary><strong>${t('legend.clusters', { label: esc(label), g: groups.length, a: alone })}</strong></summary>
      ${rows}${noise}<p class="note">${t('legend.clusters.note')}${crow ? ` ${t('legend.clusters.crow')}` : ''}</p></details>`;
  }
  if (state.visible.rounds && state.roundColours?.length) {
    html += `<h3>${t('layer.rounds')}</h3>`;
    html += state.roundColours.map((c, i) => `<div class="item"><span class="sw line" style="background:${c}"></span>${t('legend.round', { n: i + 1 })}</div>`).join('');
  }
  if (state.visible.siting && state.siting) {
    const a = state.siting;
    html += `<div id="legend-siting"><h3>${t('legend.siting', { label: esc(a.material_label_fr) })}</h3>
      <div class="scale"><span class="gradient" style="background:${scoreGradient()}"></span>
      <span class="ends"><span>${t('legend.siting.low')}</span><span>${t('legend.siting.high')}</span></span></div>
      <p class="note">${t('legend.siting.scale')}</p>
      ${ring('#111', 4, '', t('legend.siting.best'))}
      ${a.best_set.p > 1 ? ring('#111', 3, 'dashed', t('legend.siting.set', { p: a.best_set.p })) : ''}
      ${a.candidates.some((c) => c.excluded) ? swatch(NO_SCORE, t('legend.siting.excluded'), 'dot') : ''}</div>`;
  }
  el.innerHTML = `<details id="legend-box"${state.legendOpen ? ' open' : ''}><summary><h2>${t('legend')}</h2></summary>${html}</details>`;
  el.querySelector('#legend-box').addEventListener('toggle', (e) => {
    state.legendOpen = e.target.open;
  });
  el.querySelector('#legend-clusters')?.addEventListener('toggle', (e) => {
    state.clustersOpen = e.target.open;
  });
}

function ring(colour, width, style, label) {
  return `<div class="item"><span class="sw dot ring ${style}" style="border:${width}px ${style === 'dashed' ? 'dashed' : 'solid'} ${colour}"></span>${label}</div>`;
}
