// End-to-end test of the map viewer in headless Chromium (Debian `chromium`, driven by
// playwright-core from web/node_modules). Usage: node tests/e2e/map.mjs BASE_URL ARTIFACT_DIR
// Exits non-zero on the first failed check; prints one JSON line of measurements at the end.
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const base = (process.argv[2] || 'http://127.0.0.1:8080').replace(/\/$/, '');
const artifacts = process.argv[3] || join(root, 'target', 'test-artifacts');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
mkdirSync(artifacts, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

const profile = mkdtempSync(join(tmpdir(), 'boucle-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  viewport: { width: 1400, height: 900 },
  acceptDownloads: true,
  locale: 'fr-FR',
});
const out = {};
let page;
try {
  // No network: everything but the server under test is aborted (tiles included).
  await context.route('**/*', (route) => (route.request().url().startsWith(base) ? route.continue() : route.abort()));
  page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && !/ERR_FAILED|Failed to load resource/.test(m.text()) && errors.push(m.text()));

  const t0 = Date.now();
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-ready]', { timeout: 30000 });
  out.drawn_ms = Date.now() - t0;
  out.drawn_in_page_ms = Math.round(await page.evaluate(() => window.boucle?.drawnMs ?? -1));
  check((await page.getAttribute('body', 'data-ready')) === '1', `page drawn (data-ready=1) in ${out.drawn_ms} ms`);
  check((await page.textContent('#territory-name')).includes('Thur'), 'territory name shown');
  check((await page.getAttribute('html', 'lang')) === 'fr', 'page in French');

  const communes = () => page.locator('path.commune').count();
  out.communes = await communes();
  check(out.communes === 46, `46 commune polygons drawn (got ${out.communes})`);
  check((await page.locator('path.epci').count()) === 3, '3 EPCI outlines drawn');
  // The first view leaves the legend's corner free: the territory's outline ends left of it.
  const besideLegend = (sel) => page.evaluate((sel) => {
    const legend = document.getElementById('legend').getBoundingClientRect();
    const boxes = [...document.querySelectorAll(sel)].map((e) => e.getBoundingClientRect());
    const right = Math.max(...boxes.map((b) => (b.left + b.right) / 2 + (sel.startsWith('path') ? (b.right - b.left) / 2 : 0)));
    const side = document.getElementById('sidebar').getBoundingClientRect().width;
    return { right: Math.round(right), legend: Math.round(legend.left), side: Math.round(side), ok: boxes.length > 0 && right <= legend.left + 1 };
  }, sel);
  const first = await besideLegend('path.epci');
  check(first.ok, `territory drawn left of the legend (${first.right} ≤ ${first.legend}; sidebar ${first.side} px)`);
  out.actors = await page.locator('path.actor').count();
  check(out.actors > 0, `actors drawn (${out.actors})`);
  check((await page.locator('#legend .item').count()) > 3, 'legend drawn');
  // The base map shown (Plan IGN first, or the territory's first) is credited.
  check(/Plan IGN|OpenStreetMap/.test(await page.textContent('.leaflet-control-attribution')), 'base map attribution (Plan IGN or OSM)');

  // An actor giving out several materials is a disc shared between them (one share per material,
  // each as long as its part of the circle drawn: no gap); the legend lists every material given
  // out and the layer panel says how to read the shares.
  const actorsFc = await (await fetch(`${base}/api/layers/actors.geojson`)).json();
  const outOf = (f) => [...new Set((f.properties.materials || []).filter((m) => m.direction === 'out').map((m) => m.material))];
  const expectedShares = actorsFc.features.map((f) => outOf(f).length).filter((k) => k > 1).reduce((a, k) => a + k, 0);
  check(expectedShares > 0, `the territory has actors giving out several materials (${expectedShares} shares)`);
  const shares = () => page.locator('path.actor-share').count();
  check((await shares()) === expectedShares, `one disc share per material given out (${await shares()} of ${expectedShares})`);
  const dashes = await page.evaluate(() => [...document.querySelectorAll('path.actor-share')].map((p) => {
    const [share, turn] = p.getAttribute('stroke-dasharray').split(/[ ,]+/).map(Number);
    return { share, turn, drawn: p.getTotalLength() };
  }));
  check(dashes.every((d) => Math.abs(d.turn - d.drawn) < 0.5 && d.share < d.turn), `disc shares span the circle drawn (${JSON.stringify(dashes[0])})`);
  const legendText = await page.textContent('#legend');
  const outLabels = new Set(actorsFc.features.flatMap((f) => (f.properties.materials || []).filter((m) => m.direction === 'out').map((m) => m.label)));
  check([...outLabels].every((l) => legendText.includes(l)), `legend lists every material given out (${[...outLabels].join(', ')})`);
  check((await page.locator('#actors-shares').count()) === 1, 'the layer panel explains the shared discs');
  // The actors left off the map for want of a position are listed, with how to place them.
  check(actorsFc.unlocated > 0 && (await page.locator('#actors-unlocated li').count()) === actorsFc.unlocated, `unlocated actors listed (${actorsFc.unlocated})`);
  const unlocatedText = await page.textContent('#actors-unlocated');
  check(actorsFc.unlocated_actors.every((a) => unlocatedText.includes(a.name)) && unlocatedText.includes('boucle actors set-position'), 'unlocated actors named, with how to place them');

  // Toggle a layer off and on.
  await page.uncheck('#toggle-communes');
  check((await communes()) === 0, 'communes layer toggled off');
  await page.check('#toggle-communes');
  check((await communes()) === 46, 'communes layer toggled on');

  // Choropleth by number of actors.
  await page.selectOption('#choropleth', 'actors');
  check((await page.textContent('#legend')).includes("Nombre d'acteurs"), 'choropleth by actors in legend');

  // Click a commune (points hidden so the click reaches the polygon).
  for (const n of ['actors', 'parks', 'sites']) await page.uncheck(`#toggle-${n}`);
  await page.locator('path.commune').nth(10).click();
  await page.waitForSelector('.leaflet-popup-content .popup.commune', { timeout: 5000 });
  const cp = await page.textContent('.leaflet-popup-content');
  check(cp.includes('Population') && cp.includes('Source'), 'commune popup with population and source');
  await page.keyboard.press('Escape');
  await page.evaluate(() => window.boucle.map.closePopup());

  // Click an actor: popup with position precision.
  await page.check('#toggle-actors');
  await page.locator('path.actor').first().click({ force: true });
  await page.waitForSelector('.leaflet-popup-content .popup.actor', { timeout: 5000 });
  const ap = await page.textContent('.leaflet-popup-content');
  check(/Position/.test(ap) && ap.includes('Source'), 'actor popup with position precision and source');
  check(!/\d+\s*(palettes|pallets|t)\/an/.test(ap), 'public actor popup shows no quantity');
  await page.evaluate(() => window.boucle.map.closePopup());
  for (const n of ['parks', 'sites']) await page.check(`#toggle-${n}`);

  // Exports: GeoJSON and CSV of the shown layers.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
  const exported = JSON.parse(readFileSync(await dl.path(), 'utf8'));
  check(exported.type === 'FeatureCollection' && exported.features.filter((f) => f.properties.layer === 'communes').length === 46, 'GeoJSON export of the shown layers');
  const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csv = readFileSync(await dl2.path(), 'utf8');
  check(csv.split('\r\n').length > 46 && /^\uFEFF?[a-z_]+;/.test(csv), 'CSV export of the shown layers (one layer, French Excel by default)');

  // Filtered on one material, an actor is one colour: no shares, no note.
  const shownFilter = (m) => page.waitForFunction((m) => window.boucle.state.actorsShown === m, m, { timeout: 5000 });
  await page.selectOption('#actors-material', 'pallets');
  await shownFilter('pallets');
  check((await shares()) === 0 && (await page.locator('#actors-shares').count()) === 0, 'filtered on pallets: plain discs');
  await page.selectOption('#actors-material', '');
  await shownFilter('');
  check((await shares()) === expectedShares, 'all materials again: shared discs');
  // Coloured by sector: plain discs.
  await page.selectOption('#actors-colour', 'sector');
  check((await shares()) === 0 && (await page.locator('#actors-shares').count()) === 0, 'coloured by sector: plain discs');
  await page.selectOption('#actors-colour', 'material');
  check((await shares()) === expectedShares, 'coloured by material again: shared discs');

  // The actor filter changed twice in a row: the map shows the last filter's actors, whichever
  // answer comes back first.
  await page.selectOption('#actors-material', 'pallets');
  await page.selectOption('#actors-material', '');
  await page.waitForLoadState('networkidle');
  await shownFilter('');
  const shown = await page.locator('path.actor').count();
  check(shown === out.actors, `actor filter changed twice: the last one shown (${shown})`);

  // Officer access: the token typed in the page reveals company quantities.
  const token = process.env.BOUCLE_E2E_TOKEN;
  if (token) {
    await page.fill('#officer-token', token);
    await page.click('#officer-login');
    await page.waitForSelector('.officer-on', { timeout: 5000 });
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === true, null, { timeout: 5000 });
    await page.locator('path.actor').first().click({ force: true });
    await page.waitForSelector('.leaflet-popup-content .popup.actor', { timeout: 5000 });
    const op = await page.textContent('.leaflet-popup-content');
    check(op.includes('Flux (accès chargé de mission)') && /\/an/.test(op), 'officer sees the company quantities');
    check(!/pallets\/an/.test(op) && (!/Palettes bois/.test(op) || /\d\s*palettes\/an/.test(op)), 'quantities in French units (palettes/an)');
    await page.screenshot({ path: join(artifacts, 'officer-popup.png') });
    await page.evaluate(() => window.boucle.map.closePopup());
    await page.click('#officer-logout');
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === false, null, { timeout: 5000 });
    check(true, 'officer logged out, public view back');
  }

  // Rounds: required when the server offers them.
  const terr = await (await page.request.get(`${base}/api/territory`)).json();
  out.rounds_available = (terr.computations || []).includes('rounds');
  if (out.rounds_available || process.env.BOUCLE_E2E_REQUIRE_ROUNDS === '1') {
    check(out.rounds_available, 'server offers rounds');
    // Choosing a material while the panel's first cluster request may still be in flight (and
    // again right after) must leave one set of rings, not one per request.
    await page.selectOption('#plan-material', 'pallets');
    await page.selectOption('#plan-material', 'pallets');
    // The material's clusters are drawn with a legend entry per group (same count as the API).
    const clusters = await (await page.request.get(`${base}/api/clusters?material=pallets`)).json();
    await page.waitForSelector('#legend-clusters', { timeout: 30000 });
    const groups = clusters.filter((c) => !c.noise);
    const alone = clusters.filter((c) => c.noise).reduce((n, c) => n + c.members.length, 0);
    const summary = await page.textContent('#legend-clusters summary');
    check(summary.includes(`${groups.length} groupe(s), ${alone} isolé(s)`), `clusters legend folded to one line: « ${summary.trim()} »`);
    await page.waitForLoadState('networkidle');
    const rings = await page.locator('path.cluster').count();
    check(rings === clusters.filter((c) => c.centre).length, `one ring per cluster drawn (${rings})`);
    await page.click('#legend-clusters summary');
    const clusterItems = await page.locator('#legend-clusters .item').count();
    check(clusterItems === groups.length + (alone ? 1 : 0), `clusters legend unfolded: one entry per group + isolated (${clusterItems})`);
    const legendClusters = await page.textContent('#legend-clusters');
    check(groups.length === 0 || legendClusters.includes(`Groupe 1 : ${groups[0].members.length} détenteurs`), 'clusters legend: first group and its holders');
    check(!clusters.some((c) => c.method === 'crow_flies') || legendClusters.includes('estimation'), 'clusters legend: crow-flies flagged as an estimate');
    await page.click('#legend-clusters summary');
    const t1 = Date.now();
    await page.click('#plan-compute');
    await page.waitForSelector('body[data-rounds]', { timeout: 60000 });
    out.rounds_ms = Date.now() - t1;
    out.rounds = Number(await page.getAttribute('body', 'data-rounds'));
    check(out.rounds > 0, `pallet rounds computed (${out.rounds}) in ${out.rounds_ms} ms`);
    check((await page.locator('path.round').count()) === out.rounds, 'one line per round drawn');
    check((await page.locator('.stop-icon').count()) > 0, 'numbered stops drawn');
    const stopsView = await besideLegend('.stop-icon');
    check(stopsView.ok, `round stops drawn left of the legend (${stopsView.right} ≤ ${stopsView.legend})`);
    const fig = await page.textContent('#plan-figures');
    check(fig.includes('Mutualisé') && fig.includes('kg CO2e'), 'alone-vs-pooled figures shown');
    const baselineText = await page.textContent('#plan-baseline');
    check(baselineText.startsWith('Chacun seul :'), `baseline defined beside the figures: « ${baselineText.slice(0, 60)}… »`);
    const rangeText = await page.textContent('#plan-range');
    check(/entre -?[\d\s ]+ € et [\d\s ]+ € par an/.test(rangeText) && (await page.locator('#plan-range .range-bar .central').count()) === 1, `savings range shown with its bar: « ${rangeText.trim().slice(0, 90)}… »`);
    const why = await page.textContent('#plan-estimate');
    check(why.includes('quantités de démonstration') && why.includes('% de la quantité'), `estimate reasons in French: « ${why.trim().slice(0, 90)}… »`);
    // The printable scenario report (POST /api/report), rendered in the browser and kept as a PNG.
    const [report] = await Promise.all([context.waitForEvent('page'), page.click('#plan-report')]);
    await report.waitForLoadState('load');
    const reportText = await report.textContent('body');
    check(
      (await report.getAttribute('html', 'lang')) === 'fr' &&
        reportText.includes('Chacun seul :') &&
        /entre -?[\d\s  ]+ € et [\d\s  ]+ € par an/.test(reportText) &&
        reportText.includes('Hypothèses et sources') &&
        /édité le \d{1,2} [a-zéû]+ \d{4}/.test(reportText) &&
        (await report.locator('svg.map path').count()) > 46,
      'scenario report: dated, French, with the definition, the range, the sources and a map',
    );
    await report.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
    await report.close();
    const method = await page.textContent('#plan-method');
    check(terr.distances.method !== 'crow_flies' || (method.includes("vol d'oiseau") && method.includes('estimation')), 'crow-flies estimate labelled');
    // The defaults taken and the factors are worded in French (the sources quoted are the data
    // files' own words).
    const defaultsText = await page.textContent('#plan-defaults');
    const defVehicle = await page.textContent('#plan-defaults li[data-default="vehicle"]');
    check(defVehicle.includes('Véhicule') && defVehicle.includes('territory.toml') && terr.vehicles.some((v) => v.label && defVehicle.includes(v.label)), `default vehicle named in French (${defVehicle.trim()})`);
    check(!/(vehicle|treatment site|depot|service time|unloading time):/.test(defaultsText), 'no English sentence among the defaults');
    const perKm = await page.textContent('#plan-result li[data-factor="cost_per_km"]');
    check(perKm.startsWith('Coût kilométrique') && perKm.includes('€/km') && !/\d,\d{3}\s/.test(perKm), `cost per km in French (${perKm.slice(0, 40)})`);
    // GPX of round 1.
    const [gpx] = await Promise.all([page.waitForEvent('download'), page.click('button[data-gpx="0"]')]);
    const gpxText = readFileSync(await gpx.path(), 'utf8');
    check(gpxText.includes('<gpx') && gpxText.includes('<trkpt') && gpxText.includes('<wpt'), 'GPX of a round');
    // Printable route sheet of round 1.
    const [sheet] = await Promise.all([context.waitForEvent('page'), page.click('button[data-sheet="0"]')]);
    await sheet.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
    const rows = await sheet.locator('table.stops tbody tr').count();
    check(rows >= 3 && (await sheet.textContent('h1')).includes('Feuille de route'), `route sheet with ${rows} ordered places`);
    // The sheet names the material and the vehicle in French, and stops at one position (companies
    // placed at their commune's point) share one marker, numbered in visiting order.
    const subtitle = await sheet.textContent('#sheet-subtitle');
    const palletsLabel = terr.materials.find((m) => m.slug === 'pallets').label;
    check(subtitle.includes(palletsLabel) && !subtitle.includes('rigid_19t') && terr.vehicles.some((v) => v.label && subtitle.includes(v.label)), `route sheet subtitle in French (${subtitle.trim()})`);
    const sheetPlan = await sheet.evaluate(() => JSON.parse(window.opener.boucle.sheet('1')));
    const sheetStops = sheetPlan.plan.rounds[0].stops.filter((s) => s.kind === 'stop');
    const positions = new Set(sheetStops.map((s) => `${s.lon.toFixed(5)},${s.lat.toFixed(5)}`)).size;
    const sheetLabels = await sheet.locator('.stop-icon span.stop:not(.depot):not(.dump)').allTextContents();
    // Labels list every mark at one position (« D,1–4,V »): ranges expanded, D and V apart.
    const expand = (l) => l.split(',').flatMap((x) => (/^\d+–\d+$/.test(x) ? (([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => a + k))(x.split('–').map(Number)) : /^\d+$/.test(x) ? [Number(x)] : []));
    const numbers = sheetLabels.flatMap(expand).sort((a, b) => a - b);
    const marks = (await sheet.locator('table.stops tbody tr td:first-child').allTextContents()).map((x) => x.trim());
    check(JSON.stringify(marks.filter((m) => /^\d+$/.test(m)).map(Number)) === JSON.stringify(sheetStops.map((_, k) => k + 1)) && marks[0] === 'D', `route sheet rows carry the map's marks (${marks.join(' ')})`);
    check(sheetLabels.length === positions && JSON.stringify(numbers) === JSON.stringify(sheetStops.map((_, k) => k + 1)), `route sheet: one marker per position (${sheetLabels.length} for ${sheetStops.length} stops), every stop numbered`);
    await sheet.waitForTimeout(300);
    await sheet.screenshot({ path: join(artifacts, 'route-sheet.png'), fullPage: true });
    await sheet.close();
    // A mixed fleet: the second vehicle list needs a first type; each round names its vehicle,
    // as the API answered.
    check(await page.isDisabled('#plan-vehicle2'), 'second vehicle disabled without a first one');
    const types = terr.vehicles.map((v) => v.id);
    await page.selectOption('#plan-vehicle', types.includes('rigid_19t_tail_lift') ? 'rigid_19t_tail_lift' : types[0]);
    check(!(await page.isDisabled('#plan-vehicle2')), 'second vehicle enabled once a first is chosen');
    const second = types.find((id) => id !== (types.includes('rigid_19t_tail_lift') ? 'rigid_19t_tail_lift' : types[0]));
    await page.selectOption('#plan-vehicle2', second);
    const [mixedResp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/rounds') && r.request().method() === 'POST', { timeout: 60000 }),
      page.click('#plan-compute'),
    ]);
    const sent = JSON.parse(mixedResp.request().postData());
    check(sent.vehicle.split(',').length === 2 && sent.vehicle.endsWith(`,${second}`), `mixed fleet sent as « ${sent.vehicle} »`);
    const mixed = await mixedResp.json();
    check(mixed.fleet.length === 2, 'the plan reports a fleet of two types');
    await page.waitForFunction((n) => document.querySelectorAll('#plan-result ol.rounds li').length === n, mixed.rounds.length, { timeout: 15000 });
    const shown = await page.locator('#plan-result ol.rounds li').evaluateAll((lis) => lis.map((li) => [li.dataset.vehicle, li.textContent]));
    const labels = Object.fromEntries(mixed.fleet.map((v) => [v.id, v.label_fr]));
    check(shown.every(([v, text], i) => v === mixed.rounds[i].vehicle && text.includes(labels[v])), `each round names its vehicle (${shown.map((x) => x[0]).join(', ')})`);
    await page.selectOption('#plan-vehicle', '');
    check(await page.isDisabled('#plan-vehicle2'), 'second vehicle disabled again with the default vehicle');
    // Planning a period: the calendar's week strip; a click on a day draws its rounds.
    await page.selectOption('#plan-period', '4w');
    const [periodResp] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/rounds') && r.request().method() === 'POST', { timeout: 90000 }),
      page.click('#plan-compute'),
    ]);
    check(JSON.parse(periodResp.request().postData()).period === '4w', 'period sent as « 4w »');
    const period = await periodResp.json();
    await page.waitForSelector('#cal-strip', { timeout: 30000 });
    const dayButtons = await page.locator('#cal-strip button.cal-day').count();
    check(dayButtons === 20, `week strip: 4 weeks × 5 working days (${dayButtons} buttons)`);
    const busy = period.calendar.filter((d) => d.rounds.length);
    check(busy.length > 0, `the calendar has days with rounds (${busy.length})`);
    const pick = busy[busy.length - 1];
    await page.click(`#cal-strip button.cal-day[data-day="${pick.day}"]`);
    await page.waitForFunction((d) => document.body.dataset.calendarDay === String(d), pick.day, { timeout: 5000 });
    check((await page.textContent('#cal-day-title')).includes(pick.label_fr), `day clicked: « ${pick.label_fr} »`);
    check((await page.locator('path.round').count()) === pick.rounds.length, `the day's ${pick.rounds.length} round(s) drawn`);
    const calFig = await page.textContent('#cal-figures');
    check(calFig.includes('Cycle unique') && calFig.includes('Période planifiée'), 'period figures against the single cycle and each alone');
    check(!/undefined|NaN/.test(await page.textContent('#plan-result')), 'calendar has no undefined/NaN');
    await page.evaluate(() => document.getElementById('cal-strip')?.scrollIntoView());
    await page.screenshot({ path: join(artifacts, 'calendar.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.evaluate(() => document.getElementById('cal-strip')?.scrollIntoView());
    await page.screenshot({ path: join(artifacts, 'calendar-mobile.png') });
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.selectOption('#plan-period', '');
  }

  // Indicators panel for elected officials: the API's figures, aggregates only; an empty
  // synergy register said in words, not shown as measured zeros.
  const ind = await (await page.request.get(`${base}/api/indicators`)).json();
  await page.waitForSelector('body[data-indicators="1"]', { timeout: 15000 });
  await page.click('#ind-details > summary');
  check(await page.isVisible('#indicators .indicator[data-key="roundput"] .value'), 'indicators panel opens');
  const panelText = await page.textContent('#indicators');
  check(!/NaN|undefined|null/.test(panelText), 'indicators panel has no NaN/undefined/null');
  for (const pr of ['roundput', 'diversity', 'cooperation', 'locality']) {
    check((await page.locator(`#indicators section.principle[data-principle="${pr}"] .pdef`).count()) === 1, `principle ${pr} shown with its definition`);
  }
  const fmt = (x, d) => page.evaluate(([x, d]) => new Intl.NumberFormat('fr-FR', { minimumFractionDigits: d, maximumFractionDigits: d }).format(x), [x, d]);
  const expectedValue = async (i) => {
    if (i.unit === 'share') return `${await fmt(100 * i.value, 0)} %`;
    if (i.unit === 'nats') return await fmt(i.value, 2);
    if (i.unit === 'km') return `${await fmt(i.value, 1)} km`;
    return await fmt(i.value, 1);
  };
  for (const i of ind.indicators) {
    const v = (await page.textContent(`#indicators .indicator[data-key="${i.key}"] .value`)).trim();
    if (i.value === null) {
      const registerBased = ['diversity_materials_implemented', 'actors_per_synergy', 'synergy_network_density'].includes(i.key);
      if (registerBased && ind.programme.synergies === 0) check(v === 'aucune synergie enregistrée', `${i.key}: « aucune synergie enregistrée » (got « ${v} »)`);
      else check(!/\d/.test(v), `${i.key}: no value shown as a number (got « ${v} »)`);
    } else {
      const want = await expectedValue(i);
      check(v.startsWith(want), `${i.key} = API value (${want}, shown « ${v} »)`);
    }
    if (i.estimate && i.value !== null) {
      check((await page.textContent(`#indicators .indicator[data-key="${i.key}"]`)).includes('estimation'), `${i.key} labelled as an estimate`);
    }
  }
  const progCell = async (k) => (await page.textContent(`#ind-programme tr[data-key="${k}"] td`)).trim();
  check((await progCell('actors_listed')) === (await fmt(ind.programme.actors_listed, 0)), 'programme: actors listed = API');
  check((await progCell('actors_with_flows')) === (await fmt(ind.programme.actors_with_flows, 0)), 'programme: actors with flows = API');
  if (ind.programme.synergies === 0) {
    check((await page.textContent('#ind-empty')).includes('Aucune synergie enregistrée'), 'empty register said in words');
    check((await page.locator('#ind-programme tr[data-key="actors_mobilised"]').count()) === 0, 'no « 0 actors mobilised » shown as measured');
  } else {
    check((await progCell('synergies')) === (await fmt(ind.programme.synergies, 0)), 'programme: synergies = API');
  }
  check(ind.method !== 'crow_flies' || (await page.textContent('#ind-method')).includes("vol d'oiseau"), 'indicators: crow-flies method labelled');
  const [indSheet] = await Promise.all([context.waitForEvent('page'), page.click('#ind-print')]);
  await indSheet.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  const roundput = ind.indicators.find((i) => i.key === 'roundput');
  const printed = (await indSheet.textContent('.indicator[data-key="roundput"] .value')).trim();
  check((await indSheet.textContent('h1')).includes('Indicateurs') && printed.startsWith(await expectedValue(roundput)), `printable indicators sheet (roundput ${printed})`);
  check((await indSheet.textContent('#ind-dated')).startsWith('Édité le ') && (await indSheet.locator('[lang="en"]').count()) === 0, `printable indicators sheet dated, in French only (« ${(await indSheet.textContent('#ind-dated')).trim()} »)`);
  const potential = ind.indicators.find((i) => i.key === 'potential_takers');
  check(potential && (await indSheet.textContent('.indicator[data-key="potential_takers"] .label')).includes('repreneur potentiel'), 'recovered and potential takers are two labelled figures');
  await indSheet.screenshot({ path: join(artifacts, 'indicators-sheet.png'), fullPage: true });
  await indSheet.close();
  // A register with synergies (the API's answer with a programme filled in): counts by status
  // in the order of a synergy's life.
  const filled = { ...ind, programme: { ...ind.programme, synergies: 5, actors_mobilised: 4, mean_actors_per_synergy: 2.4, synergies_by_status: { abandoned: 1, idea: 2, implemented: 1, negotiation: 0, study: 1 } } };
  await context.route('**/api/indicators', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(filled) }));
  const [indSheet2] = await Promise.all([context.waitForEvent('page'), page.click('#ind-print')]);
  await indSheet2.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  const statusRows = await indSheet2.evaluate(() => [...document.querySelectorAll('#ind-programme tr[data-key^="status-"]')].map((r) => `${r.dataset.key.slice(7)}=${r.querySelector('td').textContent.trim()}`));
  check(statusRows.join(',') === 'idea=2,study=1,negotiation=0,implemented=1,abandoned=1', `synergies by status in life order (${statusRows.join(',')})`);
  const mobilised = (await indSheet2.textContent('#ind-programme tr[data-key="actors_mobilised"] td')).trim();
  check(mobilised === '4' && (await indSheet2.locator('#ind-empty').count()) === 0, 'filled register: actors mobilised shown, no « empty » note');
  await indSheet2.close();
  await context.unroute('**/api/indicators');

  // Siting layer: pallets, p = 2, business parks; one marker per candidate filled by score.
  check((terr.computations || []).includes('siting'), 'server offers siting');
  const sitingBody = { material: 'pallets', p: 2, candidates: 'parks', objective: 'vehicle_km' };
  const site = await (await page.request.post(`${base}/api/siting`, { data: sitingBody })).json();
  for (const n of ['rounds', 'clusters', 'actors', 'parks', 'sites']) await page.uncheck(`#toggle-${n}`);
  await page.selectOption('#site-material', 'pallets');
  // With p = 1 the best set is the best single site: the panel does not repeat it.
  await page.fill('#site-p', '1');
  await page.selectOption('#site-candidates', 'parks');
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/siting')), page.click('#site-compute')]);
  await page.waitForSelector('#site-figures', { timeout: 60000 });
  const oneSet = await page.evaluate(() => window.boucle.state.siting.best_set);
  check(oneSet.p === 1 && (await page.locator('#site-best-set').count()) === 0 && (await page.locator('#site-figures td[data-k^="set-"]').count()) === 0, 'p = 1: the best set is not repeated beside the best single site');
  // Public answers carry no per-site transport figure (they would give each company's tonnes):
  // the panel says so in French instead of a table.
  check(site.figures_hidden === true && (await page.getAttribute('#site-figures', 'data-hidden')) === '1' && (await page.textContent('#site-figures')).includes('réservés au chargé de mission'), 'public siting: figures withheld, said in French');
  const tiedIds = await page.evaluate(() => window.boucle.state.siting.best_single_tied);
  const bestText = await page.textContent('#site-best-single');
  check(tiedIds.length < 2 || (bestText.includes('ex aequo') && (await page.locator('#site-ranking li', { hasText: 'ex aequo' }).count()) >= 2), `siting: a tie for the best single site is said, never picked silently (« ${bestText.trim()} »)`);
  check((await page.textContent('#site-estimate')).includes('Estimation'), 'siting: estimate reasons in French');
  // The p = 2 answer below is waited for afresh.
  await page.evaluate(() => delete document.body.dataset.siting);
  await page.fill('#site-p', '2');
  await page.selectOption('#site-candidates', 'parks');
  const t2 = Date.now();
  await page.click('#site-compute');
  await page.waitForSelector('body[data-siting]', { timeout: 30000 });
  out.siting_ms = Date.now() - t2;
  check((await page.getAttribute('body', 'data-siting')) === String(site.candidates.length), `siting answered (${site.candidates.length} candidates)`);
  const drawn = await page.evaluate(() =>
    [...document.querySelectorAll('path.siting')].map((e) => ({ k: Number([...e.classList].find((c) => c.startsWith('siting-c-')).slice(9)), fill: e.getAttribute('fill'), best: e.classList.contains('siting-best'), set: e.classList.contains('siting-set') })),
  );
  check(drawn.length === site.candidates.length && new Set(drawn.map((d) => d.k)).size === drawn.length, `one marker per candidate (${drawn.length})`);
  const lum = (hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const scored = drawn.map((d) => ({ ...d, score: site.candidates[d.k].score })).filter((d) => d.score !== null);
  const distinctScores = new Set(scored.map((d) => d.score)).size;
  const distinctFills = new Set(scored.map((d) => d.fill)).size;
  check(distinctScores > 2 && distinctFills === distinctScores, `distinct colours for distinct scores (${distinctFills} colours, ${distinctScores} scores)`);
  const ordered = scored.every((a) => scored.every((b) => !(a.score > b.score) || lum(a.fill) < lum(b.fill)));
  check(ordered, 'colours ordered by score (higher score, darker fill)');
  const bestDrawn = drawn.filter((d) => d.best);
  check(bestDrawn.length === 1 && site.candidates[bestDrawn[0].k].id === site.best_single, 'best single site highlighted');
  const setDrawn = drawn.filter((d) => d.set).map((d) => site.candidates[d.k].id).sort();
  check(JSON.stringify(setDrawn) === JSON.stringify([...site.best_set.site_ids].sort()), `best set of ${site.best_set.p} sites highlighted`);
  const legendSiting = await page.textContent('#legend-siting');
  check(legendSiting.includes('Palettes bois') && legendSiting.includes('Score') && legendSiting.includes('Meilleur site seul') && (await page.locator('#legend-siting .gradient').count()) === 1, 'legend entry explains the score and its scale');
  check(site.best_set.figures === null && site.candidates.every((c) => c.figures === null && c.share_within_10km === null), 'public siting: no best-set nor candidate figure in the answer');
  check(site.candidates.every((c) => c.score === null || [0, 0.25, 0.5, 0.75, 1].includes(c.score)), 'public siting: scores in five classes');
  check(site.method !== 'crow_flies' || ((await page.textContent('#site-method')).includes("vol d'oiseau") && (await page.textContent('#site-method')).includes('estimation')), 'siting: crow-flies method flagged as an estimate');
  check((await page.textContent('#site-assumptions')).includes(site.assumptions.kg_co2e_per_km_source.slice(0, 40)), 'siting: CO2e factor source shown');
  // Popup of the best single site: its figures equal the API's.
  await page.locator('path.siting-best').click({ force: true });
  await page.waitForSelector('.leaflet-popup-content .popup.siting', { timeout: 5000 });
  const best = site.candidates.find((c) => c.id === site.best_single);
  const popupField = async (k) => (await page.textContent(`.leaflet-popup-content [data-k="${k}"]`)).trim();
  check((await page.locator('.leaflet-popup-content [data-k="tonne_km"]').count()) === 0 && (await popupField('figures-hidden')).includes('chargé de mission'), 'public siting popup: no transport figure, the reason in French');
  check(Number((await popupField('rank')).match(/\d+/)[0]) === best.rank, `popup rank = API (${best.rank})`);
  const sp = await page.textContent('.leaflet-popup-content');
  check(sp.includes(best.name) && sp.includes('Source') && (site.method !== 'crow_flies' || (sp.includes("vol d'oiseau") && sp.includes('estimation'))), 'siting popup: name, method, estimate and source');
  await page.screenshot({ path: join(artifacts, 'siting.png') });
  await page.evaluate(() => window.boucle.map.closePopup());
  // Exports carry the siting layer.
  const [dl3] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
  const exp3 = JSON.parse(readFileSync(await dl3.path(), 'utf8'));
  check(exp3.features.filter((f) => f.properties.layer === 'siting').length === site.candidates.length, 'GeoJSON export includes the siting layer');

  // A material with fewer than 3 located holders: 401 for the public → a French message, no layer.
  const mats = terr.materials.filter((m) => m.actors > 0).map((m) => m.slug);
  let secret = null;
  for (const m of mats) {
    const r = await page.request.post(`${base}/api/siting`, { data: { material: m } });
    if (r.status() === 401) {
      secret = m;
      break;
    }
  }
  check(secret !== null, `a material is confidential for the public (${secret})`);
  await page.selectOption('#site-material', secret);
  await page.click('#site-compute');
  await page.waitForSelector('body[data-siting="denied"]', { timeout: 30000 });
  const denied = await page.textContent('#site-status');
  check(denied.includes('confidentielles') && denied.includes('chargé de mission') && !/fewer than|unauthorized/.test(denied), `401 shown in French: « ${denied} »`);
  check((await page.locator('path.siting').count()) === 0 && (await page.locator('#legend-siting').count()) === 0, 'no siting layer nor legend after a 401');
  // Any other API error is told in French, with the server's detail; no layer is left.
  await page.route('**/api/siting', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ code: 'internal', message: 'solver exploded' }) }));
  await page.selectOption('#site-material', 'pallets');
  await page.click('#site-compute');
  await page.waitForSelector('body[data-siting="error"]', { timeout: 30000 });
  const failed = await page.textContent('#site-status');
  check(failed.includes('Classement impossible') && failed.includes('Erreur interne du serveur') && failed.includes('solver exploded'), `API error shown in French: « ${failed} »`);
  check((await page.locator('path.siting').count()) === 0, 'no siting layer after an error');
  await page.unroute('**/api/siting');
  // The planner's own candidate points, uploaded as a CSV file: one marker per row; a bad row is
  // refused in French with the file, line and field.
  await page.selectOption('#site-material', 'pallets');
  await page.selectOption('#site-candidates', 'file');
  check(await page.isVisible('#site-file'), 'file input shown for « Mes propres points »');
  const ownCsv = 'id,name,lon,lat,free_ha,excluded\nthann,Friche de Thann,7.104,47.807,2.5,false\ncernay,Terrain de Cernay,7.176,47.806,,false\nmasevaux,Site de Masevaux,6.996,47.776,1,false\n';
  // Without the token, the planner's own points are refused (they could isolate a company):
  // a French message, no layer.
  await page.setInputFiles('#site-file', { name: 'candidats.csv', mimeType: 'text/csv', buffer: Buffer.from(ownCsv) });
  await page.evaluate(() => delete document.body.dataset.siting);
  await page.click('#site-compute');
  await page.waitForSelector('body[data-siting="error"]', { timeout: 30000 });
  const ownRefused = await page.textContent('#site-status');
  check(ownRefused.includes('réservé au chargé de mission') && (await page.locator('path.siting').count()) === 0, `public upload refused in French: « ${ownRefused} »`);
  await page.selectOption('#site-candidates', 'parks');
  await page.selectOption('#site-material', secret);
  if (token) {
    await page.fill('#officer-token', token);
    await page.click('#officer-login');
    await page.waitForSelector('.officer-on', { timeout: 5000 });
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === true, null, { timeout: 5000 });
    // The officer ranks their own points (CSV as `boucle site --candidates FILE` reads it).
    await page.selectOption('#site-material', 'pallets');
    await page.selectOption('#site-candidates', 'file');
    await page.evaluate(() => delete document.body.dataset.siting);
    await page.setInputFiles('#site-file', { name: 'candidats.csv', mimeType: 'text/csv', buffer: Buffer.from(ownCsv) });
    await page.click('#site-compute');
    await page.waitForSelector('body[data-siting="3"]', { timeout: 30000 });
    check((await page.locator('path.siting').count()) === 3, 'uploaded CSV: one marker per row (3)');
    check((await page.textContent('#site-result')).includes('Friche de Thann') || (await page.textContent('#site-result')).includes('Terrain de Cernay'), 'uploaded CSV: the result names the uploaded sites');
    await page.setInputFiles('#site-file', { name: 'candidats.csv', mimeType: 'text/csv', buffer: Buffer.from('id,name,lon,lat\nthann,Thann,7.104,47.807\ncernay,Cernay,sept,47.806\n') });
    await page.click('#site-compute');
    await page.waitForSelector('body[data-siting="error"]', { timeout: 30000 });
    const badFile = await page.textContent('#site-status');
    check(badFile.includes('Classement impossible') && badFile.includes('candidats.csv') && badFile.includes('line 3') && badFile.includes('lon'), `bad uploaded CSV refused with file, line and field: « ${badFile} »`);
    check((await page.locator('path.siting').count()) === 0, 'no siting layer after a bad file');
    await page.selectOption('#site-candidates', 'parks');
    await page.selectOption('#site-material', secret);
    await page.evaluate(() => delete document.body.dataset.siting);
    await page.click('#site-compute');
    await page.waitForSelector('body[data-siting]:not([data-siting="denied"])', { timeout: 30000 });
    check(Number(await page.getAttribute('body', 'data-siting')) > 0 && (await page.locator('path.siting').count()) > 0, `officer sees the confidential material's siting (${secret})`);
    check((await page.textContent('#site-result')).includes('Affectation des détenteurs'), 'officer sees the holders’ assignment');
    check((await page.locator('#site-figures td[data-k^="single-"]').count()) > 0, 'officer sees the per-site transport figures');
    await page.click('#officer-logout');
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === false, null, { timeout: 5000 });
    check((await page.locator('path.siting').count()) === 0 && (await page.textContent('#site-status')).includes('relancez'), 'officer logout clears the siting layer');
  }
  for (const n of ['rounds', 'clusters', 'actors', 'parks', 'sites']) await page.check(`#toggle-${n}`);

  await page.evaluate(() => document.getElementById('plan-result')?.scrollIntoView());
  await page.screenshot({ path: join(artifacts, 'map.png') });
  console.log(`screenshot: ${join(artifacts, 'map.png')}`);
  check(errors.length === 0, `no JavaScript errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
  console.log(`E2E ${JSON.stringify(out)}`);
} catch (e) {
  if (page) await page.screenshot({ path: join(artifacts, 'map-failure.png') }).catch(() => {});
  console.error(e.message || e);
  process.exitCode = 1;
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
