// Calls to the boucle API. The officer's token (typed by the officer, kept for the tab only)
// is sent as `Authorization: Bearer …`.
import { t } from './i18n.js';

const KEY = 'boucle.officerToken';

export function officerToken() {
  return sessionStorage.getItem(KEY) || '';
}

export function setOfficerToken(token) {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const tok = officerToken();
  if (tok) h.Authorization = `Bearer ${tok}`;
  return h;
}

/** Called when the server refuses the token sent (expired or changed): set by the officer box. */
let tokenRefused = () => {};

/** Set what happens when the server refuses the officer's token. */
export function onTokenRefused(fn) {
  tokenRefused = fn;
}

/** fetch, with a network failure turned into an error the viewer words as « server unreachable »
 * (`status` undefined, `network` true) instead of the browser's « Failed to fetch ». */
async function call(path, init) {
  try {
    return await fetch(path, init);
  } catch (e) {
    const err = new Error(e?.message || 'network');
    err.network = true;
    throw err;
  }
}

async function answer(r, sentToken = false) {
  const body = await r.json().catch(() => ({ code: 'invalid_json', message: r.statusText }));
  if (!r.ok) {
    const e = new Error(body.message || r.statusText);
    e.code = body.code;
    e.status = r.status;
    // A token sent and refused as such: the session is over (logged out everywhere in the tab).
    if (sentToken && r.status === 401 && body.code === 'unauthorized') {
      setOfficerToken('');
      tokenRefused();
    }
    throw e;
  }
  return body;
}

/** GET a JSON endpoint of the API. */
export async function get(path) {
  const sent = !!officerToken();
  return answer(await call(path, { headers: headers() }), sent);
}

/** POST a JSON body to the API. */
export async function post(path, body) {
  const sent = !!officerToken();
  return answer(
    await call(path, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    }),
    sent,
  );
}

/** POST a JSON body to an endpoint that answers an HTML page; the page's text. */
export async function postHtml(path, body) {
  const sent = !!officerToken();
  const r = await call(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', Accept: 'text/html' }),
    body: JSON.stringify(body),
  });
  if (!r.ok) return answer(r, sent);
  return r.text();
}

/** Whether the server answers at all (any HTTP answer counts). */
export async function reachable() {
  try {
    await fetch('/api/territory', { method: 'HEAD', cache: 'no-store' });
    return true;
  } catch {
    return false;
  }
}

/** A French sentence for an error thrown by get()/post() (or by fetch itself), with the
 * server's English detail when it adds something. */
export function errorMessage(e) {
  if (e.status === undefined) return t('api.network');
  const key = e.status === 408 ? 'api.timeout' : e.status === 413 ? 'api.payload_too_large' : `api.${e.code}`;
  const base = t(key) === key ? t('api.other', { status: e.status }) : t(key);
  return e.message ? `${base} ${t('api.detail', { msg: e.message })}` : base;
}
