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
  out.actors = await page.locator('path.actor').count();
  check(out.actors > 0, `actors drawn (${out.actors})`);
  check((await page.locator('#legend .item').count()) > 3, 'legend drawn');
  check((await page.textContent('.leaflet-control-attribution')).includes('OpenStreetMap'), 'OSM attribution');

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
  check(!/\d+\s*pallets\/an/.test(ap), 'public actor popup shows no quantity');
  await page.evaluate(() => window.boucle.map.closePopup());
  for (const n of ['parks', 'sites']) await page.check(`#toggle-${n}`);

  // Exports: GeoJSON and CSV of the shown layers.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
  const exported = JSON.parse(readFileSync(await dl.path(), 'utf8'));
  check(exported.type === 'FeatureCollection' && exported.features.filter((f) => f.properties.layer === 'communes').length === 46, 'GeoJSON export of the shown layers');
  const [dl2] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const csv = readFileSync(await dl2.path(), 'utf8');
  check(csv.split('\r\n').length > 46 && csv.includes('layer;'), 'CSV export of the shown layers');

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
    await page.selectOption('#plan-material', 'pallets');
    const t1 = Date.now();
    await page.click('#plan-compute');
    await page.waitForSelector('body[data-rounds]', { timeout: 60000 });
    out.rounds_ms = Date.now() - t1;
    out.rounds = Number(await page.getAttribute('body', 'data-rounds'));
    check(out.rounds > 0, `pallet rounds computed (${out.rounds}) in ${out.rounds_ms} ms`);
    check((await page.locator('path.round').count()) === out.rounds, 'one line per round drawn');
    check((await page.locator('.stop-icon').count()) > 0, 'numbered stops drawn');
    const fig = await page.textContent('#plan-figures');
    check(fig.includes('Mutualisé') && fig.includes('kg CO2e'), 'alone-vs-pooled figures shown');
    const method = await page.textContent('#plan-method');
    check(terr.distances.method !== 'crow_flies' || (method.includes("vol d'oiseau") && method.includes('estimation')), 'crow-flies estimate labelled');
    // GPX of round 1.
    const [gpx] = await Promise.all([page.waitForEvent('download'), page.click('button[data-gpx="0"]')]);
    const gpxText = readFileSync(await gpx.path(), 'utf8');
    check(gpxText.includes('<gpx') && gpxText.includes('<trkpt') && gpxText.includes('<wpt'), 'GPX of a round');
    // Printable route sheet of round 1.
    const [sheet] = await Promise.all([context.waitForEvent('page'), page.click('button[data-sheet="0"]')]);
    await sheet.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
    const rows = await sheet.locator('table.stops tbody tr').count();
    check(rows >= 3 && (await sheet.textContent('h1')).includes('Feuille de route'), `route sheet with ${rows} ordered places`);
    await sheet.waitForTimeout(300);
    await sheet.screenshot({ path: join(artifacts, 'route-sheet.png'), fullPage: true });
    await sheet.close();
  }

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
