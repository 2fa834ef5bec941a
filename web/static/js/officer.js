// The officer's access: the officer types the token; it is checked against /api/me and kept in
// sessionStorage (this tab only). Company-level quantities then appear in popups.
import { get, officerToken, setOfficerToken } from './api.js';
import { t } from './i18n.js';

/** Build the officer box in `el`; `onChange` reloads the confidential layers. */
export async function officerPanel(el, enabled, onChange) {
  if (!enabled) {
    el.innerHTML = `<p class="muted small">${t('officer.off')}</p>`;
    return;
  }
  const render = (msg = '') => {
    const on = !!officerToken();
    el.innerHTML = on
      ? `<p class="officer-on">${t('officer.on')}</p><button type="button" id="officer-logout">${t('officer.logout')}</button>`
      : `<label>${t('officer.label')} <input type="password" id="officer-token" placeholder="${t('officer.placeholder')}" autocomplete="off"></label>
         <button type="button" id="officer-login">${t('officer.login')}</button><p class="muted small">${msg || t('officer.off')}</p>`;
    el.querySelector('#officer-logout')?.addEventListener('click', async () => {
      setOfficerToken('');
      render();
      await onChange();
    });
    el.querySelector('#officer-login')?.addEventListener('click', async () => {
      setOfficerToken(el.querySelector('#officer-token').value.trim());
      try {
        const me = await get('/api/me');
        if (!me.officer) throw new Error(t('officer.bad'));
        render();
        await onChange();
      } catch (e) {
        setOfficerToken('');
        render(e.status === 403 ? t('officer.disabled') : t('officer.bad'));
      }
    });
  };
  if (officerToken()) {
    try {
      await get('/api/me');
    } catch {
      setOfficerToken('');
    }
  }
  render();
}
