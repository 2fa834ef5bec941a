// The attribute table (as in Lizmap): one layer's features as rows, a few columns chosen per
// layer, a text filter (accents and case ignored) and the EPCI filter; a row's button centres
// the map on the feature and opens its popup.
import { t, num, esc } from './i18n.js';
import { state } from './layers.js';

const L = window.L;

/** Columns shown per layer: [property, header key]. */
const COLUMNS = {
  communes: [['name', 'table.name'], ['epci_name', 'table.epci'], ['population', 'table.population'], ['actors', 'table.actors']],
  epci: [['name', 'table.name'], ['population', 'table.population'], ['members', 'table.members']],
  parks: [['name', 'table.name'], ['commune', 'table.commune'], ['area_ha', 'table.area']],
  sites: [['name', 'table.name'], ['commune', 'table.commune'], ['kind', 'table.kind']],
  actors: [['name', 'table.name'], ['commune', 'table.commune'], ['precision', 'table.precision']],
  rounds: [['round', 'table.round'], ['mark', 'table.mark'], ['name', 'table.name']],
  siting: [['name', 'table.name'], ['rank', 'table.rank'], ['score', 'table.score']],
};

/** Text folded for matching: lower case, no accents. */
function fold(s) {
  return String(s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** The EPCI SIREN of a feature when it has one (communes, actors, EPCI themselves). */
function epciOf(name, p) {
  if (name === 'epci') return p.siren;
  return p.epci_siren;
}

function cell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return num(v, Number.isInteger(v) ? 0 : 2);
  if (Array.isArray(v)) return esc(v.join(', '));
  return esc(v);
}

/** The map layer drawing feature `f` of layer `name` (searched in its group). */
function drawnLayer(name, f) {
  let found = null;
  const visit = (l) => {
    if (found) return;
    if (l.feature === f) found = l;
    else if (l.eachLayer) l.eachLayer(visit);
  };
  state.groups[name]?.eachLayer(visit);
  return found;
}

/** Build the table panel in `el`; returns a function that redraws it (after a data change). */
export function tablePanel(el) {
  el.innerHTML = `<details id="table-box"><summary><h2>${t('table.title')}</h2></summary>
    <label>${t('table.layer')} <select id="table-layer"></select></label>
    <label>${t('table.filter')} <input type="search" id="table-filter" placeholder="${esc(t('table.filter_placeholder'))}"></label>
    <p class="muted small" id="table-count" role="status"></p>
    <div class="table-wrap"><table class="attrs" id="table-rows"></table></div></details>`;
  const sel = el.querySelector('#table-layer');
  const filter = el.querySelector('#table-filter');
  const draw = () => {
    const names = Object.keys(COLUMNS).filter((n) => state.data[n]?.features?.length);
    const keep = sel.value;
    sel.innerHTML = names.map((n) => `<option value="${n}">${t(`layer.${n}`)}</option>`).join('');
    sel.value = names.includes(keep) ? keep : names[0] || '';
    const name = sel.value;
    const table = el.querySelector('#table-rows');
    if (!name) {
      table.innerHTML = '';
      el.querySelector('#table-count').textContent = '';
      return;
    }
    const cols = COLUMNS[name];
    const q = fold(filter.value.trim());
    const all = state.data[name].features;
    const rows = all.filter((f) => {
      const p = f.properties;
      if (state.epci && epciOf(name, p) !== undefined && epciOf(name, p) !== state.epci) return false;
      return !q || Object.values(p).some((v) => (typeof v === 'string' || typeof v === 'number') && fold(v).includes(q));
    });
    table.innerHTML = `<thead><tr>${cols.map(([, h]) => `<th>${t(h)}</th>`).join('')}<th></th></tr></thead><tbody>${rows
      .map((f) => `<tr data-i="${all.indexOf(f)}">${cols.map(([k]) => `<td>${cell(k === 'precision' ? t(`precision.${f.properties[k]}`) : f.properties[k])}</td>`).join('')}<td><button type="button" class="link" data-show="${all.indexOf(f)}" aria-label="${esc(t('table.show', { name: f.properties.name ?? '' }))}">${t('table.show_short')}</button></td></tr>`)
      .join('')}</tbody>`;
    el.querySelector('#table-count').textContent = t('table.count', { n: rows.length, total: all.length });
    table.querySelectorAll('button[data-show]').forEach((b) =>
      b.addEventListener('click', () => {
        const f = all[Number(b.dataset.show)];
        const layer = drawnLayer(name, f);
        if (!layer) return;
        if (!state.map.hasLayer(layer)) state.groups[name].addTo(state.map);
        if (layer.getBounds) state.map.fitBounds(layer.getBounds(), { maxZoom: 13, animate: false });
        else state.map.setView(layer.getLatLng(), Math.max(state.map.getZoom(), 13), { animate: false });
        layer.openPopup?.();
      }),
    );
  };
  sel.addEventListener('change', draw);
  filter.addEventListener('input', draw);
  el.querySelector('#table-box').addEventListener('toggle', draw);
  draw();
  return draw;
}
