// The negative base, its factors: the factors observed more often among the clients who churned
// than among the retained ones (shares of the assessed accounts of each group), the difference and
// the p-value of the test of two proportions; significant ones first.
import { loc } from '../../loyalty';
import { fmtP, fmtPct } from './DashboardPanel';
import { useRa, type AComponent, type NegativeFactor } from '../../researchAnalytics';

export function NegativeFactors({ items, components }: { items: NegativeFactor[]; components: AComponent[] }) {
  const { ra, lang, locale } = useRa();
  const more = items
    .filter((f) => f.diff !== null && f.diff > 0)
    .sort((a, b) => Number(b.significant) - Number(a.significant) || (b.diff ?? 0) - (a.diff ?? 0));
  if (more.length === 0) return <p class="empty">{ra('ra_no_factors')}</p>;
  const max = Math.max(0.0001, ...more.map((f) => Math.max(f.p_a ?? 0, f.p_b ?? 0)));
  const width = (v: number | null) => `${Math.round(((v ?? 0) / max) * 100)}%`;
  const componentName = (id: number) => {
    const c = components.find((x) => x.component_id === id);
    return c ? loc(c.name, lang) : '';
  };
  return (
    <div class="scroll-x">
      <table class="data compact ra-table ra-factors">
        <thead>
          <tr>
            <th>{ra('ra_factor')}</th>
            <th class="num">{ra('ra_churned')}</th>
            <th class="num">{ra('ra_retained')}</th>
            <th class="num">{ra('ra_difference')}</th>
            <th class="num">{ra('ra_p')}</th>
          </tr>
        </thead>
        <tbody>
          {more.map((f) => (
            <tr data-factor-id={f.factor_id} class={f.significant ? 'sig-row' : ''}>
              <td>
                {loc(f.text, lang)}
                {componentName(f.component_id) && <div class="sub">{componentName(f.component_id)}</div>}
                <div class="ra-pair-bars" aria-hidden="true">
                  <span class="ra-bar ra-bar-churned" style={{ width: width(f.p_a) }} />
                  <span class="ra-bar ra-bar-retained" style={{ width: width(f.p_b) }} />
                </div>
              </td>
              <td class="num nowrap">{fmtPct(f.p_a, locale)} <span class="muted">({f.x_a}/{f.n_a})</span></td>
              <td class="num nowrap">{fmtPct(f.p_b, locale)} <span class="muted">({f.x_b}/{f.n_b})</span></td>
              <td class="num">{f.diff === null ? '—' : `+${fmtPct(f.diff, locale)}`}</td>
              <td class={`num${f.significant ? ' sig' : ''}`} title={f.significant ? ra('ra_significant') : ra('ra_not_significant')}>
                {fmtP(f.p, locale)}{f.significant ? ' *' : ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
