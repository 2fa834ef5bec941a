// The officer's access: the officer types the token (Enter or « Valider »); it is checked against
// /api/me and kept in sessionStorage (this tab only). Company-level quantities then appear in
// popups. Logging out, or the server refusing the token later (expired, changed), ends the
// session: every view holding company-level data is cleared (session.js).
import { get, officerToken, setOfficerToken, onTokenRefused, errorMessage } from './api.js';
import { t, esc } from './i18n.js';
import { endSession } from './session.js';

/** Build the officer box in `el`; `onChange` reloads the confidential layers. */
export async function officerPanel(el, enabled, onChange) {
  if (!enabled) {
    el.innerHTML = `<p class="muted small">${t('officer.off')}</p>`;
    return;
  }
  let loggingIn = false;
  const end = async (msg) => {
    setOfficerToken('');
    endSession();
    render(msg);
    document.body.dataset.officer = '0';
    await onChange().catch(() => {});
  };
  const render = (msg = '') => {
    const on = !!officerToken();
    el.innerHTML = on
      ? `<p class="officer-on">${t('officer.on')}</p><button type="button" id="officer-logout">${t('officer.logout')}</button>`
      : `<form id="officer-form"><label>${t('officer.label')} <input type="password" id="officer-token" placeholder="${t('officer.placeholder')}" autocomplete="off"></label>
         <button type="submit" id="officer-login">${t('officer.login')}</button></form><p class="muted small" id="officer-msg" role="status">${esc(msg) || t('officer.off')}</p>`;
    el.querySelector('#officer-logout')?.addEventListener('click', () => end());
    el.querySelector('#officer-form')?.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const button = el.querySelector('#officer-login');
      button.disabled = true;
      loggingIn = true;
      setOfficerToken(el.querySelector('#officer-token').value.trim());
      try {
        const me = await get('/api/me');
        if (!me.officer) throw Object.assign(new Error('not officer'), { status: 401 });
        loggingIn = false;
        render();
        document.body.dataset.officer = '1';
        await onChange();
      } catch (e) {
        setOfficerToken('');
        // The token is blamed only when the server refused it; a server down is said as such.
        loggingIn = false;
        render(e.status === undefined ? errorMessage(e) : e.status === 403 ? t('officer.disabled') : t('officer.bad'));
      }
    });
  };
  // The server refused the token on some request (expired, changed): back to the public view.
  onTokenRefused(() => {
    if (!loggingIn) end(t('officer.expired'));
  });
  if (officerToken()) {
    try {
      await get('/api/me');
    } catch (e) {
      // Unreachable: keep the token (the session may go on); refused: already ended.
      if (e.status !== undefined) setOfficerToken('');
    }
  }
  render();
}
