// The period's calendar (POST /api/rounds with `period`): a week strip per week, one button per
// day with its rounds and stops; a click draws that day's rounds on the map and lists them. Also
// the period's figures against today's single cycle and each company alone, and each company's
// visit days.
import { t, num, esc, clock } from './i18n.js';
import { QUAL } from './colours.js';

const DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];

function stopCount(day) {
  return day.rounds.reduce((n, r) => n + r.stops.filter((s) => s.kind === 'stop').length, 0);
}

/** Time of day from seconds after midnight, "8 h 05". */
function hour(s) {
  return s == null ? '—' : clock(s);
}

function strip(plan) {
  // Weekend columns only when a round uses them.
  const weekend = plan.calendar.some((d) => (d.weekday === 'Sa' || d.weekday === 'Su') && d.rounds.length);
  const cols = weekend ? DAYS : DAYS.slice(0, 5);
  const head = cols.map((d) => `<th>${t(`cal.day.${d}`)}</th>`).join('');
  const weeks = [];
  for (let w = 0; w < plan.weeks; w += 1) {
    const cells = cols
      .map((code) => {
        const d = plan.calendar.find((x) => x.week === w + 1 && x.weekday === code);
        if (!d) return '<td></td>';
        const n = d.rounds.length;
        const label = t('cal.day_title', { label: d.label_fr, n, s: stopCount(d) });
        return `<td><button type="button" class="cal-day${n ? '' : ' off'}" data-day="${d.day}" aria-label="${esc(label)}" title="${esc(label)}">
          ${n ? `<strong>${n}</strong> <small>${t('cal.rounds_short')}</small><br><small>${stopCount(d)} ${t('cal.stops_short')}</small>` : '<small>—</small>'}</button></td>`;
      })
      .join('');
    weeks.push(`<tr><th>${t('cal.week', { n: w + 1 })}</th>${cells}</tr>`);
  }
  return `<table class="cal-strip" id="cal-strip"><thead><tr><th></th>${head}</tr></thead><tbody>${weeks.join('')}</tbody></table>`;
}

function figures(plan) {
  const key = { km: 'distance_km', hours: 'hours', eur: 'cost_eur', co2: 'co2e_kg' };
  const line = (k) => `<tr><th>${t(`plan.${k}`)}</th><td>${num(plan.baseline[key[k]])}</td><td>${num(plan.single_cycle[key[k]])}</td><td><strong>${num(plan.totals[key[k]])}</strong></td></tr>`;
  return `<table class="figures" id="cal-figures"><thead><tr><th></th><th>${t('plan.alone')}</th><th>${t('cal.single_cycle')}</th><th>${t('cal.period')}</th></tr></thead>
    <tbody>${line('km')}${line('hours')}${line('eur')}${line('co2')}</tbody></table>
    <p class="small">${t('cal.savings', { single: num(plan.savings_vs_single_cycle.cost_eur, 0), alone: num(plan.savings_vs_baseline.cost_eur, 0) })}</p>`;
}

function companies(plan) {
  const label = (d) => plan.calendar[d]?.label_fr ?? String(d);
  const items = plan.companies
    .map((c) => `<li>${esc(c.name)} — ${esc(t(`cal.freq.${c.frequency}`) === `cal.freq.${c.frequency}` ? c.frequency : t(`cal.freq.${c.frequency}`))} : ${c.days.map((d) => esc(label(d))).join(', ')}</li>`)
    .join('');
  return `<details class="small" id="cal-companies"><summary>${t('cal.companies', { n: plan.companies.length })}</summary><ul>${items}</ul></details>`;
}

function dayRounds(plan, d) {
  const day = plan.calendar[d];
  if (!day.rounds.length) return `<p class="muted">${t('cal.no_round', { label: esc(day.label_fr) })}</p>`;
  const items = day.rounds
    .map(
      (r, i) => `<li><span class="sw line" style="background:${QUAL[i % QUAL.length]}"></span>
      ${t('plan.round', { n: i + 1 })} — ${t('cal.leaves', { h: hour(r.start_s) })}, ${t('plan.stops', { n: r.stops.filter((x) => x.kind === 'stop').length })},
      ${num(r.distance_m / 1000)} km, ${clock(r.duration_s)}, ${num(r.cost_eur, 0)} €</li>`,
    )
    .join('');
  return `<h3 id="cal-day-title">${esc(day.label_fr)}</h3><ol class="rounds" id="cal-day-rounds">${items}</ol>`;
}

/** Show period plan `plan` in `el`; `draw(rounds)` draws a day's rounds on the map. */
export function showPeriod(el, plan, draw) {
  const suppressed = plan.suppressed_rounds ? `<p class="muted">${t('plan.suppressed', { n: plan.suppressed_rounds })}</p>` : '';
  const missed = plan.missed?.length ? `<p class="muted">${t('cal.missed', { n: plan.missed.length })}</p>` : '';
  el.innerHTML = `<p class="small" id="cal-title">${t('cal.title', { n: plan.weeks })}</p>
    ${figures(plan)}${strip(plan)}<div id="cal-day"></div>${suppressed}${missed}${companies(plan)}`;
  const select = (d) => {
    el.querySelectorAll('.cal-day').forEach((b) => b.classList.toggle('selected', Number(b.dataset.day) === d));
    el.querySelector('#cal-day').innerHTML = dayRounds(plan, d);
    document.body.dataset.calendarDay = String(d);
    draw(plan.calendar[d].rounds);
  };
  el.querySelectorAll('.cal-day').forEach((b) => b.addEventListener('click', () => select(Number(b.dataset.day))));
  const first = plan.calendar.find((d) => d.rounds.length);
  if (first) select(first.day);
}
