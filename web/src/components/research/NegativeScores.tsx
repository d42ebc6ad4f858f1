// The negative base, its scores: the last score per component of the clients who churned in the
// period beside the retained clients', as bars side by side with the test of each difference.
import { useMemo } from 'preact/hooks';
import { Chart } from '../Chart';
import { loc } from '../../loyalty';
import { COLORS, cv, fmt, fmtP, NBadge } from './DashboardPanel';
import { useRa, type NegativeComponent } from '../../researchAnalytics';

export function NegativeScores({ items, scale }: { items: NegativeComponent[]; scale?: { min: number; max: number } | null }) {
  const { ra, lang, locale } = useRa();
  const option = useMemo(
    () => ({
      grid: { left: 40, right: 12, top: 32, bottom: 56 },
      legend: { top: 0 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: { dataIndex: number }[]) => {
          const c = items[params.length ? params[0].dataIndex : 0];
          if (!c) return '';
          return [
            loc(c.name, lang),
            `${ra('ra_churned')}: ${fmt(c.mean_a, locale)} (n=${c.n_a})`,
            `${ra('ra_retained')}: ${fmt(c.mean_b, locale)} (n=${c.n_b})`,
            `p = ${fmtP(c.p, locale)}${c.significant ? ` · ${ra('ra_significant')}` : ''}`,
          ].join('\n');
        },
      },
      xAxis: {
        type: 'category',
        data: items.map((c) => `${loc(c.name, lang)}${c.significant ? ' *' : ''}`),
        axisLabel: { interval: 0, width: 100, overflow: 'truncate' },
      },
      yAxis: { type: 'value', min: scale ? scale.min : undefined, max: scale ? scale.max : undefined },
      series: [
        { type: 'bar', name: ra('ra_churned'), data: items.map((c) => cv(c.mean_a, 2)), itemStyle: { color: COLORS.churned }, barMaxWidth: 36 },
        { type: 'bar', name: ra('ra_retained'), data: items.map((c) => cv(c.mean_b, 2)), itemStyle: { color: COLORS.retained }, barMaxWidth: 36 },
      ],
    }),
    [items, lang, locale, ra, scale],
  );
  if (items.length === 0) return <p class="empty">{ra('ra_no_data')}</p>;
  return (
    <>
      <Chart option={option} kind="ra-negative-scores" label={ra('ra_last_scores')}
        values={items.map((c) => ({ churned: c.mean_a, retained: c.mean_b, p: c.p }))} height={280} />
      <div class="scroll-x">
        <table class="data compact ra-table">
          <thead>
            <tr>
              <th>{ra('ra_component')}</th>
              <th class="num">{ra('ra_churned')}</th>
              <th class="num">{ra('ra_retained')}</th>
              <th class="num">{ra('ra_difference')}</th>
              <th class="num">{ra('ra_p')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr data-component-id={c.component_id} class={c.significant ? 'sig-row' : ''}>
                <td>{loc(c.name, lang)}</td>
                <td class="num">{fmt(c.mean_a, locale)} <NBadge n={c.n_a} /></td>
                <td class="num">{fmt(c.mean_b, locale)} <NBadge n={c.n_b} /></td>
                <td class="num">{fmt(c.diff, locale)}</td>
                <td class={`num${c.significant ? ' sig' : ''}`} title={c.significant ? ra('ra_significant') : ra('ra_not_significant')}>
                  {fmtP(c.p, locale)}{c.significant ? ' *' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
