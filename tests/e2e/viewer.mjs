// End-to-end test of the viewer's session, errors, phone layout, permalink and keyboard, in
// headless Chromium (playwright-core from web/node_modules), without network (tiles fail).
// Usage: node tests/e2e/viewer.mjs BASE_URL ARTIFACT_DIR (BOUCLE_E2E_TOKEN: the officer's token).
// Exits non-zero on the first failed check.
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'web', 'package.json'));
const { chromium } = require('playwright-core');

const base = (process.argv[2] || 'http://127.0.0.1:8080').replace(/\/$/, '');
const artifacts = process.argv[3] || join(root, 'target', 'test-artifacts');
const token = process.env.BOUCLE_E2E_TOKEN;
mkdirSync(artifacts, { recursive: true });

function check(cond, what) {
  if (!cond) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const errors = [];
let failPage = null;

/** A context without network: everything but the server under test is aborted (tiles too). */
async function open(opts = {}, path = '/') {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'fr-FR', acceptDownloads: true, ...opts });
  // A request a page-level route (below) already answered may still reach this handler when
  // that route is removed while the request is in flight: nothing left to do then.
  await context.route('**/*', (route) =>
    (route.request().url().startsWith(base) ? route.continue() : route.abort()).catch((e) => {
      if (!/already handled/.test(String(e))) throw e;
    }),
  );
  const page = await context.newPage();
  failPage = page;
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && !/ERR_FAILED|Failed to load resource/.test(m.text()) && errors.push(m.text()));
  await page.goto(`${base}${path}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
  return { context, page };
}

async function computeRounds(page, material = 'pallets') {
  if (material) await page.selectOption('#plan-material', material);
  await page.evaluate(() => delete document.body.dataset.rounds);
  await page.click('#plan-compute');
  await page.waitForSelector('body[data-rounds]', { timeout: 60000 });
  return page.getAttribute('body', 'data-rounds');
}

try {
  const terr = await (await fetch(`${base}/api/territory`)).json();

  // ---- 1. Nothing company-level outlives the officer's session ----
  {
    const { context, page } = await open();
    check(token, 'officer token given to the test');
    // Enter in the token field logs in.
    await page.fill('#officer-token', token);
    await page.press('#officer-token', 'Enter');
    await page.waitForSelector('.officer-on', { timeout: 5000 });
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === true, null, { timeout: 5000 });
    check(true, 'Enter in the token field logs in');
    check(Number(await computeRounds(page)) > 0, 'officer computes pallet rounds');
    // The route sheet shows each company's load.
    const [sheet] = await Promise.all([context.waitForEvent('page'), page.click('button[data-sheet="0"]')]);
    await sheet.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
    check(/\d\s*kg/.test(await sheet.textContent('table.stops')), 'officer route sheet shows the loads');
    // ---- 4. The driver's sheet: clock times, addresses or commune centres flagged, quantities in
    // the material's unit, load as a share of capacity, marks as on the map and in the GPX ----
    const rowsData = await sheet.evaluate(() => [...document.querySelectorAll('table.stops tbody tr')].map((tr) => ({ mark: tr.dataset.mark, cells: [...tr.cells].map((c) => c.textContent.trim()), centre: tr.classList.contains('centre') })));
    check(rowsData[0].mark === 'D' && rowsData.at(-1).mark === 'D' && /^8 h 00$/.test(rowsData[0].cells[4]) && rowsData.every((r) => /^\d{1,2} h \d{2}$/.test(r.cells[4])), `clock times from the shift start (${rowsData[0].cells[4]} … ${rowsData.at(-1).cells[4]})`);
    const stopRows = rowsData.filter((r) => /^\d+$/.test(r.mark));
    check(stopRows.every((r) => /palettes/.test(r.cells[5]) && /\d+ %/.test(r.cells[6])), `quantities in palettes, truck load in % of capacity (« ${stopRows[0].cells[5]} », « ${stopRows[0].cells[6]} »)`);
    const centres = stopRows.filter((r) => r.centre);
    check(centres.length > 0 && centres.every((r) => r.cells[3].includes('centre de la commune') && r.cells[1].includes('centre de')) && (await sheet.textContent('#sheet-notes')).includes('centre de leur commune'), `commune-centre stops flagged (${centres.length} of ${stopRows.length})`);
    check((await sheet.textContent('#sheet-notes')).includes('prise de service supposée à 8 h 00'), 'the assumed shift start is said');
    // Marks: one marker per position on the sheet's map, D and V never hidden.
    const sheetMarks = await sheet.locator('.stop-icon span').allTextContents();
    const expand = (l) => l.split(',').flatMap((x) => (/^\d+–\d+$/.test(x) ? (([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => String(a + k)))(x.split('–').map(Number)) : [x]));
    const onSheetMap = new Set(sheetMarks.flatMap(expand));
    check(rowsData.every((r) => onSheetMap.has(r.mark)), `every mark of the table is on the sheet's map (${sheetMarks.join(' | ')})`);
    const onMainMap = new Set((await page.evaluate(() => [...document.querySelectorAll('.stop-icon span')].map((e) => e.textContent))).flatMap(expand));
    check(rowsData.every((r) => onMainMap.has(r.mark)), 'the same marks on the main map');
    const [gpxDl] = await Promise.all([page.waitForEvent('download'), page.click('button[data-gpx="0"]')]);
    const gpx = readFileSync(await gpxDl.path(), 'utf8');
    const rtept = [...gpx.matchAll(/<rtept[^>]*><name>([^<]*)<\/name>/g)].map((x) => x[1].split(' ')[0]);
    check(JSON.stringify(rtept) === JSON.stringify(rowsData.map((r) => r.mark)) && gpx.includes('Palettes bois') && !/pallets|rigid_19t/.test(gpx.match(/<metadata>.*<\/metadata>/)[0]), `GPX route with the sheet's marks (${rtept.join(' ')}), material in French`);
    check(/^tournee-1-palettes-bois-\d{4}-\d{2}-\d{2}\.gpx$/.test(gpxDl.suggestedFilename()), `GPX named after the round, material and date (${gpxDl.suggestedFilename()})`);
    await sheet.screenshot({ path: join(artifacts, 'route-sheet-driver.png'), fullPage: true });
    // ---- 11. Exports: the computed rounds included; CSV per layer, flat, French Excel or not ----
    const [geo] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
    const fc = JSON.parse(readFileSync(await geo.path(), 'utf8'));
    const roundFeatures = fc.features.filter((f) => f.properties.layer === 'rounds');
    check(roundFeatures.some((f) => f.geometry.type === 'LineString') && roundFeatures.filter((f) => f.geometry.type === 'Point').map((f) => f.properties.mark).join(' ') === rowsData.map((r) => r.mark).join(' '), `GeoJSON export includes the computed rounds (${roundFeatures.length} features, marks as on the sheet)`);
    check(/^pays-thur-doller-couches-affichees-\d{4}-\d{2}-\d{2}\.geojson$/.test(geo.suggestedFilename()), `GeoJSON named after the view and the date (${geo.suggestedFilename()})`);
    const csvOf = async (layer, french) => {
      await page.selectOption('#export-layer', layer);
      await page.setChecked('#export-french', french);
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
      return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8').replace(/^\uFEFF/, '') };
    };
    const fr = await csvOf('communes', true);
    // A CSV reader (quoted cells, doubled quotes) to check the columns.
    const parse = (text, sep) => {
      const rows = [[]];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
          if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
          else if (c === '"') quoted = false;
          else cell += c;
        } else if (c === '"') quoted = true;
        else if (c === sep) rows.at(-1).push(cell), (cell = '');
        else if (c === '\r' && text[i + 1] === '\n') rows.at(-1).push(cell), (cell = ''), rows.push([]), i++;
        else cell += c;
      }
      if (cell !== '' || rows.at(-1).length) rows.at(-1).push(cell);
      return rows.filter((r) => r.length > 1 || r[0]);
    };
    const frRows = parse(fr.text, ';');
    const col = (h) => frRows[0].indexOf(h);
    check(frRows.length === 47 && frRows.every((r) => r.length === frRows[0].length) && !fr.text.includes('{') && !fr.text.includes('['), `communes CSV: 46 rows, ${frRows[0].length} flat columns, no JSON in cells`);
    check(/^\d+,\d+$/.test(frRows[1][col('lon')]) && /^pays-thur-doller-communes-\d{4}-\d{2}-\d{2}\.csv$/.test(fr.name), `French Excel: « ; » and decimal comma (lon ${frRows[1][col('lon')]}), named ${fr.name}`);
    const en = await csvOf('communes', false);
    const enHead = en.text.split('\r\n')[0].split(',');
    check(enHead.includes('lon') && /,\d+\.\d+,\d+\.\d+$/.test(en.text.split('\r\n')[1]), 'plain CSV: « , » and decimal point');
    const rc = await csvOf('rounds', true);
    check(rc.text.split('\r\n')[0].includes('mark') && rc.text.includes(';D;'), 'CSV of the computed rounds, with the marks');
    // A4 print: the map framed again for the page; the whole route inside it.
    await sheet.setViewportSize({ width: 718, height: 1047 });
    await sheet.emulateMedia({ media: 'print' });
    await sheet.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    await sheet.waitForTimeout(300);
    const fitA4 = await sheet.evaluate(() => {
      const m = document.getElementById('print-map').getBoundingClientRect();
      const r = document.querySelector('#print-map path.leaflet-interactive').getBoundingClientRect();
      return { map: [m.left, m.top, m.right, m.bottom].map(Math.round), route: [r.left, r.top, r.right, r.bottom].map(Math.round), page: document.documentElement.clientWidth };
    });
    const [ml, mt, mr, mb] = fitA4.map;
    const [rl, rt, rr, rb] = fitA4.route;
    check(rl >= ml && rt >= mt && rr <= mr && rb <= mb && mr <= fitA4.page, `A4 print: the route (${fitA4.route}) inside the map (${fitA4.map}) inside the page (${fitA4.page} px)`);
    await sheet.pdf({ path: join(artifacts, 'route-sheet.pdf'), format: 'A4' });
    await sheet.screenshot({ path: join(artifacts, 'route-sheet-a4.png'), fullPage: true });
    await sheet.emulateMedia({ media: 'screen' });
    // An actor's popup shows its flows; the export carries them.
    await page.locator('path.actor').first().click({ force: true });
    await page.waitForSelector('.leaflet-popup-content .popup.actor', { timeout: 5000 });
    check((await page.textContent('.leaflet-popup-content')).includes('Flux (accès chargé de mission)'), 'officer popup shows the flows');
    await page.evaluate(() => window.boucle.map.closePopup());
    // Log out: every view forgets.
    await page.click('#officer-logout');
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === false, null, { timeout: 5000 });
    await sheet.waitForEvent('close', { timeout: 5000 }).catch(() => {});
    check(sheet.isClosed(), 'logout closes the route sheet opened as the officer');
    const storage = await page.evaluate(() => ({ local: localStorage.length, session: Object.keys(sessionStorage), sheet: window.boucle.sheet('1') }));
    check(storage.local === 0 && storage.session.length === 0 && storage.sheet === null, `nothing stored after logout (localStorage ${storage.local}, sessionStorage [${storage.session}])`);
    check((await page.locator('path.round').count()) === 0 && (await page.textContent('#plan-result')).trim() === '' && (await page.textContent('#plan-status')).includes('relancez'), 'logout clears the rounds from the map and the panel');
    // Print, from another tab of the same browser: nothing.
    const other = await context.newPage();
    await other.goto(`${base}/print.html?round=1`);
    await other.waitForSelector('body[data-ready]', { timeout: 10000 });
    const printed = await other.textContent('#sheet');
    check(!/\d\s*kg/.test(printed) && printed.includes('Aucune tournée'), `route sheet in another tab after logout: nothing (« ${printed.trim().slice(0, 60)} »)`);
    await other.close();
    // Popups and exports: public again.
    await page.locator('path.actor').first().click({ force: true });
    await page.waitForSelector('.leaflet-popup-content .popup.actor', { timeout: 5000 });
    check(!(await page.textContent('.leaflet-popup-content')).includes('Flux (accès'), 'actor popup after logout: no flow');
    await page.evaluate(() => window.boucle.map.closePopup());
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-geojson')]);
    const exported = JSON.parse(readFileSync(await dl.path(), 'utf8'));
    const leaked = exported.features.filter((f) => (f.properties.layer === 'actors' && f.properties.flows) || f.properties.layer === 'rounds' || f.properties.stops);
    check(exported.features.length > 0 && leaked.length === 0, `GeoJSON export after logout: no company flow, no round (${exported.features.length} features)`);
    // The token refused later (expired, changed): the session ends as at logout.
    await page.fill('#officer-token', token);
    await page.press('#officer-token', 'Enter');
    await page.waitForSelector('.officer-on', { timeout: 5000 });
    await computeRounds(page);
    await page.route('**/api/layers/actors.geojson*', (route) =>
      route.request().headers().authorization ? route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ code: 'unauthorized', message: 'wrong officer token' }) }) : route.continue(),
    );
    await page.selectOption('#actors-material', 'pallets');
    await page.waitForSelector('#officer-msg', { timeout: 5000 });
    await page.unroute('**/api/layers/actors.geojson*');
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === false, null, { timeout: 5000 });
    const expired = await page.textContent('#officer-msg');
    check(expired.includes('Session terminée') && (await page.evaluate(() => sessionStorage.length)) === 0 && (await page.locator('path.round').count()) === 0, `token refused: session ended, rounds cleared (« ${expired.trim().slice(0, 50)} »)`);
    await context.close();
  }

  // ---- 9. Errors and stale state ----
  {
    const { context, page } = await open();
    check(Number(await computeRounds(page)) > 0, 'pallet rounds computed');
    // A material no known site accepts: said in the list and under it.
    const accepted = new Set(terr.sites.filter((s) => s.located).flatMap((s) => s.accepts));
    const orphan = terr.materials.find((m) => m.actors > 0 && !accepted.has(m.slug));
    check(orphan, `a material no site accepts (${orphan?.slug})`);
    const optionText = await page.textContent(`#plan-material option[value="${orphan.slug}"]`);
    check(optionText.includes('aucun site connu'), `material offered with its reason (« ${optionText} »)`);
    await page.selectOption('#plan-material', orphan.slug);
    check(await page.isVisible('#plan-no-site'), 'why it cannot be treated is said under the list');
    // Computing without a treatment site fails and clears the previous material's answer.
    await page.evaluate(() => delete document.body.dataset.rounds);
    await page.click('#plan-compute');
    await page.waitForSelector('body[data-rounds="error"]', { timeout: 30000 });
    check((await page.locator('path.round').count()) === 0 && (await page.textContent('#plan-result')).trim() === '' && (await page.locator('#legend .sw.line').count()) <= 1, 'a failed computation clears the previous rounds, figures and legend');
    // The treatment site picked on the map (LON,LAT).
    await page.selectOption('#plan-dump', '__pick');
    const box = await page.locator('#map').boundingBox();
    await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.5);
    const dump = await page.inputValue('#plan-dump');
    check(/^\d+\.\d+,\d+\.\d+$/.test(dump), `treatment site picked on the map (${dump})`);
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/rounds')), computeRounds(page, null)]);
    check(JSON.parse(resp.request().postData()).dump === dump, 'the picked point is sent as the treatment site');
    // A server error after a success: the old answer goes too.
    await page.selectOption('#plan-material', 'pallets');
    check(Number(await computeRounds(page)) > 0, 'pallet rounds computed again');
    await page.route('**/api/rounds', (route) => route.fulfill({ status: 500, contentType: 'application/json', body: JSON.stringify({ code: 'internal', message: 'boom' }) }));
    check((await computeRounds(page)) === 'error' && (await page.locator('path.round').count()) === 0, 'a server error clears the previous rounds');
    await page.unroute('**/api/rounds');
    // The button is disabled while computing.
    let release;
    const held = new Promise((r) => (release = r));
    await page.route('**/api/rounds', async (route) => {
      await held;
      await route.continue();
    });
    await page.evaluate(() => delete document.body.dataset.rounds);
    await page.click('#plan-compute');
    check(await page.isDisabled('#plan-compute'), 'compute button disabled while computing');
    release();
    await page.waitForSelector('body[data-rounds]', { timeout: 60000 });
    check(!(await page.isDisabled('#plan-compute')), 'compute button enabled again');
    await page.unroute('**/api/rounds');
    // Server unreachable: said as such, never an uncaught « Failed to fetch ».
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.selectOption('#actors-material', 'pallets');
    await page.waitForSelector('#actors-error:not([hidden])', { timeout: 5000 });
    check((await page.textContent('#actors-error')).includes('Serveur injoignable'), 'actor filter: server unreachable said');
    await page.fill('#officer-token', 'whatever');
    await page.press('#officer-token', 'Enter');
    await page.waitForFunction(() => /injoignable/.test(document.getElementById('officer-msg')?.textContent || ''), null, { timeout: 5000 });
    check(!(await page.textContent('#officer-msg')).includes('Jeton refusé'), 'login with the server down: the server is blamed, not the token');
    await page.click('#ind-print');
    await page.waitForSelector('#ind-print-error', { timeout: 5000 });
    check(context.pages().length === 1 && (await page.textContent('#ind-print-error')).includes('injoignable'), 'indicators print with the server down: said, no error page');
    check((await computeRounds(page)) === 'error' && (await page.textContent('#plan-status')).includes('injoignable'), 'rounds with the server down: said');
    await page.unroute('**/api/**');
    check(!errors.some((e) => /Failed to fetch/.test(e)), 'no uncaught « Failed to fetch »');
    await context.close();
  }

  // ---- 2. Phone: a full-width map, the panel as a bottom sheet, the legend folded, taps ----
  {
    const { context, page } = await open({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 });
    const layout = await page.evaluate(() => {
      const m = document.getElementById('map').getBoundingClientRect();
      const s = document.getElementById('sidebar').getBoundingClientRect();
      return { map: m.width, mapH: m.height, sheetTop: s.top, legendOpen: document.getElementById('legend-box').open };
    });
    check(layout.map >= 0.9 * 390, `phone: map ${Math.round(layout.map)} px wide (≥ 90 % of 390)`);
    check(layout.sheetTop >= 844 - 60 && !layout.legendOpen, `phone: panel folded at the bottom (top ${Math.round(layout.sheetTop)}), legend folded`);
    await page.screenshot({ path: join(artifacts, 'phone.png') });
    // A tap on a commune opens its popup.
    const target = await page.evaluate(() => {
      const map = window.boucle.map;
      const f = window.boucle.state.data.communes.features.find((x) => x.properties.name.startsWith('Thann')) || window.boucle.state.data.communes.features[0];
      const layer = Object.values(map._layers).find((l) => l.feature === f);
      const p = map.latLngToContainerPoint(layer.getBounds().getCenter());
      const r = document.getElementById('map').getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    });
    for (const n of ['actors', 'parks', 'sites']) await page.evaluate((n) => window.boucle.state.groups[n].remove(), n);
    await page.touchscreen.tap(target.x, target.y);
    await page.waitForSelector('.leaflet-popup-content .popup', { timeout: 5000 });
    check(true, 'phone: a tap on the map opens a popup');
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(artifacts, 'phone-popup.png') });
    await page.evaluate(() => window.boucle.map.closePopup());
    await page.tap('#panel-toggle');
    await page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().top < 400, null, { timeout: 5000 });
    check(await page.isVisible('#plan-compute'), 'phone: the handle opens the panel');
    await page.screenshot({ path: join(artifacts, 'phone-panel.png') });
    await page.tap('#panel-toggle');
    await page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().top > 780, null, { timeout: 5000 });
    await page.tap('#legend-box > summary');
    check(await page.evaluate(() => document.getElementById('legend-box').open), 'phone: the legend unfolds');
    await context.close();
  }

  // ---- 5. Permalink: the URL reproduces the view; Back and Forward move through views ----
  {
    const { context, page } = await open();
    await page.uncheck('#toggle-sites');
    await page.selectOption('#choropleth', 'actors');
    await page.selectOption('#actors-material', 'pallets');
    await page.waitForFunction(() => window.boucle.state.actorsShown === 'pallets', null, { timeout: 5000 });
    check(Number(await computeRounds(page)) > 0, 'rounds computed for the link');
    await page.waitForFunction(() => location.hash.includes('tournee='), null, { timeout: 5000 });
    await page.waitForTimeout(500);
    const url = page.url();
    const zoom = await page.evaluate(() => window.boucle.map.getZoom());
    const rounds = await page.locator('path.round').count();
    const other = await context.newPage();
    await other.goto(url);
    await other.waitForSelector('body[data-ready="1"]', { timeout: 30000 });
    await other.waitForSelector('body[data-rounds]', { timeout: 60000 });
    const view = await other.evaluate(() => ({ zoom: window.boucle.map.getZoom(), sites: document.getElementById('toggle-sites').checked, col: document.getElementById('choropleth').value, m: window.boucle.state.actorsShown }));
    check(!view.sites && view.col === 'actors' && view.m === 'pallets' && Math.abs(view.zoom - zoom) < 0.01 && (await other.locator('path.round').count()) === rounds, `link reproduces the view (layers, colouring, filter, zoom ${view.zoom}, ${rounds} round lines)`);
    await other.close();
    // Back: the view before the computation (no rounds), then Forward: the rounds again.
    for (let i = 0; i < 6 && (await page.evaluate(() => location.hash.includes('tournee='))); i++) await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll('path.round').length === 0, null, { timeout: 10000 });
    check(await page.evaluate(() => window.boucle.state.actorsShown === 'pallets'), 'Back: the view before the rounds');
    await page.goForward();
    await page.waitForFunction(() => document.querySelectorAll('path.round').length > 0, null, { timeout: 60000 });
    check(true, 'Forward: the rounds again');
    for (let i = 0; i < 8 && (await page.evaluate(() => !document.getElementById('toggle-sites').checked)); i++) await page.goBack();
    check(await page.isChecked('#toggle-sites'), 'Back through the views: sites shown again');
    check(page.url().startsWith(base), 'Back stays in the app');
    await context.close();
  }

  // ---- 10. Keyboard and French map controls ----
  {
    const { context, page } = await open();
    check((await page.getAttribute('.leaflet-control-zoom-in', 'title')) === 'Zoomer' && (await page.getAttribute('.leaflet-control-zoom-out', 'title')) === 'Dézoomer', 'zoom buttons in French');
    // One Tab cycle from the map: parks and sites reached, communes skipped.
    await page.focus('#map');
    const seen = [];
    for (let i = 0; i < 200; i++) {
      await page.keyboard.press('Tab');
      const cls = await page.evaluate(() => {
        const e = document.activeElement;
        return e?.id === 'map' ? 'MAP' : `${e?.tagName}.${e?.getAttribute('class') || ''}`;
      });
      if (cls === 'MAP') break;
      seen.push(cls);
    }
    const park = seen.findIndex((c) => /^path\.park\b/.test(c));
    const site = seen.findIndex((c) => /^path\.site\b/.test(c));
    if (park < 0 || site < 0) console.log(JSON.stringify(seen.slice(0, 30)));
    check(park >= 0 && site >= 0, `Tab reaches a park (stop ${park + 1}) and a site (stop ${site + 1})`);
    check(!seen.some((c) => c.includes('commune')) && seen.length < 110, `one Tab cycle: ${seen.length} stops, no commune polygon`);
    const parkEl = page.locator('path.park').first();
    await parkEl.focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('.leaflet-popup-content .popup.park', { timeout: 5000 });
    check(true, 'Enter on a focused park opens its popup');
    const outline = await parkEl.evaluate((e) => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).strokeWidth);
    check(!outline.startsWith('none'), `focus visible on a park (${outline})`);
    await page.screenshot({ path: join(artifacts, 'keyboard.png') });
    await page.evaluate(() => window.boucle.map.closePopup());

    // ---- 10. The legend's swatches as drawn; contrasts ≥ 3:1 ----
    const lum = ([r, g, b]) => [r, g, b].map((c) => c / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)).reduce((a, c, i) => a + c * [0.2126, 0.7152, 0.0722][i], 0);
    const contrast = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const rgbOf = (css) => (css.startsWith('#') ? [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16)) : css.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number));
    const over = (fg, a, bg) => fg.map((c, i) => a * c + (1 - a) * bg[i]);
    const legend = await page.evaluate(() => {
      const mapBg = getComputedStyle(document.getElementById('map')).backgroundColor;
      const sw = [...document.querySelectorAll('#legend .sw.area')].map((s) => ({ bg: getComputedStyle(s).backgroundColor, fill: getComputedStyle(s.firstElementChild).backgroundColor, opacity: Number(getComputedStyle(s.firstElementChild).opacity) }));
      const drawn = [...document.querySelectorAll('path.commune')].map((p) => ({ fill: p.getAttribute('fill'), opacity: Number(p.getAttribute('fill-opacity')) }));
      return { mapBg, sw, drawn };
    });
    const drawnFills = new Map(legend.drawn.map((d) => [rgbOf(d.fill).join(','), d.opacity]));
    check(legend.sw.length >= 2 && legend.sw.every((s) => s.bg === legend.mapBg && drawnFills.get(rgbOf(s.fill).join(',')) === s.opacity), `legend swatches = the communes' fill, opacity ${legend.sw[0]?.opacity} and background as drawn (${legend.sw.length} classes)`);
    check([...drawnFills.keys()].every((k) => legend.sw.some((s) => rgbOf(s.fill).join(',') === k)), 'every fill drawn has its swatch');
    const composed = legend.sw.map((s) => over(rgbOf(s.fill), s.opacity, rgbOf(legend.mapBg)));
    const ratios = composed.slice(1).map((c, i) => contrast(c, composed[i]));
    check(ratios.every((r) => r >= 3), `neighbouring classes contrast ≥ 3:1 as rendered (${ratios.map((r) => r.toFixed(2)).join(', ')})`);
    const symbols = await page.evaluate(() => ({ site: document.querySelector('path.site').getAttribute('fill'), park: document.querySelector('path.park').getAttribute('fill') }));
    const score0 = '#fde725';
    const sc = [contrast(rgbOf(symbols.site), rgbOf(score0)), contrast(rgbOf(symbols.site), rgbOf(symbols.park))];
    check(sc.every((r) => r >= 3), `treatment sites vs siting score 0 and vs parks ≥ 3:1 (${sc.map((r) => r.toFixed(2)).join(', ')})`);

    // ---- 8. The attribute table and the EPCI filter ----
    await page.click('#table-box > summary');
    await page.selectOption('#table-layer', 'communes');
    check((await page.locator('#table-rows tbody tr').count()) === 46, 'attribute table: 46 communes');
    await page.fill('#table-filter', 'THANN');
    const filtered = await page.locator('#table-rows tbody tr td:first-child').allTextContents();
    check(filtered.length > 1 && filtered.length < 46 && (await page.textContent('#table-count')).includes(`${filtered.length} ligne(s) sur 46`), `attribute table filtered on « THANN » (${filtered.length} rows)`);
    await page.fill('#table-filter', '');
    const epcis = await (await fetch(`${base}/api/layers/epci.geojson`)).json();
    const one = epcis.features[0].properties;
    const communesFc = await (await fetch(`${base}/api/layers/communes.geojson`)).json();
    const members = communesFc.features.filter((f) => f.properties.epci_siren === one.siren).length;
    await page.selectOption('#actors-epci', one.siren);
    await page.waitForFunction((s) => window.boucle.state.epciShown === s, one.siren, { timeout: 5000 });
    const inEpci = await (await fetch(`${base}/api/layers/actors.geojson?epci=${one.siren}`)).json();
    check((await page.locator('path.actor').count()) === inEpci.features.length && (await page.locator('#table-rows tbody tr').count()) === members, `EPCI filter (${one.name}): ${inEpci.features.length} actors drawn, ${members} communes in the table`);
    check(page.url().includes(`epci=${one.siren}`), 'the EPCI filter is kept in the link');
    await page.locator('#table-rows button[data-show]').first().click();
    await page.waitForSelector('.leaflet-popup-content .popup.commune', { timeout: 5000 });
    check(true, 'a row of the table shows its feature on the map (popup)');
    await page.evaluate(() => window.boucle.map.closePopup());
    await page.selectOption('#actors-epci', '');
    await page.waitForFunction(() => window.boucle.state.epciShown === '', null, { timeout: 5000 });

    // ---- 3. Base maps and commune names without tiles ----
    // The territory's whole view again (the table zoomed in on a commune).
    await page.evaluate(() => window.boucle.map.fitBounds(window.boucle.state.groups.communes.getLayers()[0].getBounds(), { animate: false }));
    const labels = async () => page.evaluate(() => [...document.querySelectorAll('.commune-label')].map((e) => { const r = e.firstElementChild.getBoundingClientRect(); return { l: r.left, r: r.right, t: r.top, b: r.bottom, text: e.textContent }; }));
    const tilesLoaded = await page.evaluate(() => [...document.querySelectorAll('img.leaflet-tile-loaded')].length);
    const here = await labels();
    const overlap = here.some((a, i) => here.some((b, j) => j > i && a.l < b.r && a.r > b.l && a.t < b.b && a.b > b.t));
    check(tilesLoaded === 0 && here.length >= 10 && !overlap, `commune names drawn without tiles (${here.length} names, none overlapping, ${tilesLoaded} tiles)`);
    await page.evaluate(() => window.boucle.map.setZoom(window.boucle.map.getZoom() - 2, { animate: false }));
    const far = await labels();
    await page.evaluate(() => window.boucle.map.setZoom(window.boucle.map.getZoom() + 3, { animate: false }));
    const near = await labels();
    check(far.length < here.length && far.length > 0, `fewer names zoomed out (${far.length} < ${here.length}), ${near.length} zoomed in on a part`);
    const bases = await page.evaluate(() => [...document.querySelectorAll('.leaflet-control-layers-base label')].map((l) => l.textContent.trim()));
    check(bases.includes('Plan IGN') && bases.includes('OpenStreetMap') && (await page.getAttribute('.leaflet-control-layers-toggle', 'title')) === 'Fond de carte', `base map switcher (${bases.join(', ')})`);
    await page.hover('.leaflet-control-layers');
    await page.locator('.leaflet-control-layers-base label', { hasText: 'OpenStreetMap' }).locator('input').check();
    await page.waitForFunction(() => location.hash.includes('fond=osm'), null, { timeout: 5000 });
    check((await page.textContent('.leaflet-control-attribution')).includes('OpenStreetMap'), 'OpenStreetMap chosen: credited, kept in the link');
    await context.close();
  }

  // ---- 7. The officer places an unlocated company ----
  {
    const { context, page } = await open();
    const fc = await (await fetch(`${base}/api/layers/actors.geojson`)).json();
    const ids = await page.locator('#actors-unlocated li code.id').allTextContents();
    check(ids.length === fc.unlocated && fc.unlocated_actors.every((a) => ids.includes(a.id)), `unlocated companies listed with their ids (${ids.join(', ')})`);
    check((await page.locator('button[data-place]').count()) === 0, 'the public cannot place them');
    const target = fc.unlocated_actors[0];
    const refused = await fetch(`${base}/api/actors/${target.id}/position`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lon: 7.1, lat: 47.8 }) });
    check(refused.status === 403 && (await refused.json()).code === 'officer_only', 'POST /api/actors/{id}/position without the token: 403 officer_only');
    const bad = await fetch(`${base}/api/actors/${target.id}/position`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ lon: 47.8, lat: 7.1 }) });
    check(bad.status === 400 && /swapped/.test((await bad.json()).message), 'a swapped position refused (400)');
    await page.fill('#officer-token', token);
    await page.press('#officer-token', 'Enter');
    await page.waitForFunction(() => window.boucle.state.data.actors.officer === true, null, { timeout: 5000 });
    const before = await page.locator('path.actor').count();
    await page.click('#actors-unlocated > summary');
    await page.click(`button[data-place="${target.id}"]`);
    const box = await page.locator('#map').boundingBox();
    const [resp] = await Promise.all([page.waitForResponse((r) => r.url().includes('/position')), page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.55)]);
    check(resp.status() === 200 && (await resp.json()).precision === 'manual', `officer places ${target.id} by clicking the map (precision manual)`);
    await page.waitForFunction((n) => document.querySelectorAll('path.actor').length === n + 1, before, { timeout: 5000 });
    check((await page.locator(`#actors-unlocated li[data-id="${target.id}"]`).count()) === 0 && (await page.textContent('#place-status')).includes('placé'), 'the company is on the map at once and leaves the unlocated list');
    console.log(`placed actor: ${target.id}`);
    await context.close();
  }

  check(errors.length === 0, `no JavaScript errors${errors.length ? ': ' + errors.join(' | ') : ''}`);
} catch (e) {
  if (failPage && !failPage.isClosed()) await failPage.screenshot({ path: join(artifacts, 'viewer-failure.png') }).catch(() => {});
  console.error(e.message || e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
