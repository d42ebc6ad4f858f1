// The negative base, the exit interviews: what the churned clients told us in exit interviews
// (studies of kind exit_interview) — their NPS with its interval and their component scores.
import { loc } from '../../loyalty';
import { fmt, fmtPct, NBadge } from './DashboardPanel';
import { NpsBody } from './DashboardNps';
import { useRa, type NegativeFigure } from '../../researchAnalytics';

export function NegativeExit({ exit }: { exit: NonNullable<NegativeFigure['exit_interviews']> }) {
  const { ra, lang, locale } = useRa();
  return (
    <div class="dash-grid">
      {exit.nps && exit.nps.n > 0 && (
        <div class="ra-sub" data-part="exit-nps">
          <h4>
            {ra('ra_nps')} <NBadge n={exit.nps.n} small={exit.nps.small} />
          </h4>
          <NpsBody data={exit.nps} locale={locale} />
        </div>
      )}
      {exit.components.some((c) => c.n > 0) && (
        <div class="ra-sub scroll-x" data-part="exit-components">
          <h4>{ra('ra_components_title')}</h4>
          <table class="data compact ra-table">
            <thead>
              <tr>
                <th>{ra('ra_component')}</th>
                <th class="num">n</th>
                <th class="num">{ra('ra_mean')}</th>
                <th class="num">{ra('ra_ci95')}</th>
                <th class="num">{ra('ra_top2')}</th>
              </tr>
            </thead>
            <tbody>
              {exit.components.filter((c) => c.n > 0).map((c) => (
                <tr data-component-id={c.component_id}>
                  <td>{loc(c.name, lang)}</td>
                  <td class="num"><NBadge n={c.n} small={c.small} /></td>
                  <td class="num">{fmt(c.mean, locale)}</td>
                  <td class="num nowrap">{c.ci_lo !== null && c.ci_hi !== null ? `${fmt(c.ci_lo, locale)} – ${fmt(c.ci_hi, locale)}` : '—'}</td>
                  <td class="num">{fmtPct(c.top2_share, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
