// Why a figure is an estimate, in French, from the answer's `estimate: {reasons, commune_precision_share}`.
import { t, tOr, num } from './i18n.js';

/** The reasons in one French sentence (empty when the figure rests on measured data). */
export function estimateText(e) {
  if (!e?.reasons?.length) return '';
  let text = t('estimate.reasons', { list: e.reasons.map((r) => tOr(`estimate.${r}`, r)).join(', ') });
  if (e.commune_precision_share > 0) text += ` ${t('estimate.commune_share', { pct: num(100 * e.commune_precision_share, 0) })}`;
  return text;
}
