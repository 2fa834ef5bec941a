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

async function answer(r) {
  const body = await r.json().catch(() => ({ code: 'invalid_json', message: r.statusText }));
  if (!r.ok) {
    const e = new Error(body.message || r.statusText);
    e.code = body.code;
    e.status = r.status;
    throw e;
  }
  return body;
}

/** GET a JSON endpoint of the API. */
export async function get(path) {
  return answer(await fetch(path, { headers: headers() }));
}

/** POST a JSON body to the API. */
export async function post(path, body) {
  return answer(
    await fetch(path, {
      method: 'POST',
      headers: headers({ 'Content-Type': 'application/json' }),
      body: JSON.stringify(body),
    }),
  );
}

/** POST a JSON body to an endpoint that answers an HTML page; the page's text. */
export async function postHtml(path, body) {
  const r = await fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', Accept: 'text/html' }),
    body: JSON.stringify(body),
  });
  if (!r.ok) return answer(r);
  return r.text();
}

/** A French sentence for an error thrown by get()/post() (or by fetch itself), with the
 * server's English detail when it adds something. */
export function errorMessage(e) {
  if (e.status === undefined) return t('api.network');
  const key = e.status === 408 ? 'api.timeout' : e.status === 413 ? 'api.payload_too_large' : `api.${e.code}`;
  const base = t(key) === key ? t('api.other', { status: e.status }) : t(key);
  return e.message ? `${base} ${t('api.detail', { msg: e.message })}` : base;
}
