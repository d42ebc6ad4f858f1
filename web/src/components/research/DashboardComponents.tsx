// Each loyalty component's mean score with its 95 % interval (bars with error bars), and the
// table of n, mean, SD, interval, top-2-box and Cronbach's alpha (where several questions
// measure the component).
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../Chart';
import { loc } from '../../loyalty';
import { COLORS, cv, fmt, fmtPct, FigurePanel, NBadge, whiskerSeries } from './DashboardPanel';
import { csvHref, interval, useFigure, useRa, type ComponentsFigure, type RaFilters } from '../../researchAnalytics';

export function DashboardComponents({ ws, filters }: { ws: string; filters: RaFilters }) {
  const { ra, lang, locale } = useRa();
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useFigure<ComponentsFigure>(ws, 'components', filters, {}, tick);
  const items = data ? data.items : [];
  const n = data ? data.n : null;
  const scale = data ? data.scale : null;
  const option = useMemo(
    () => ({
      grid: { left: 40, right: 12, top: 16, bottom: 56 },
      tooltip: {
        trigger: 'axis',
        formatter: (params: { dataIndex: number }[]) => {
          const c = items[params.length ? params[0].dataIndex : 0];
          if (!c) return '';
          const lines = [loc(c.name, lang), `${ra('ra_mean')}: ${fmt(c.mean, locale)} (n=${c.n})`];
          const ci = interval(c);
          if (ci) lines.push(`${ra('ra_ci95')}: ${fmt(ci[0], locale)} – ${fmt(ci[1], locale)}`);
          lines.push(`${ra('ra_top2')}: ${fmtPct(c.top2_share, locale)}`);
          return lines.join('\n');
        },
      },
      xAxis: { type: 'category', data: items.map((c) => loc(c.name, lang)), axisLabel: { interval: 0, width: 100, overflow: 'truncate' } },
      yAxis: { type: 'value', min: scale ? scale.min : undefined, max: scale ? scale.max : undefined },
      series: [
        { type: 'bar', name: ra('ra_mean'), data: items.map((c) => cv(c.mean, 2)), itemStyle: { color: COLORS.bar }, barMaxWidth: 56 },
        whiskerSeries(ra('ra_ci95'), items.map((c, i) => [i, cv(c.ci_lo), cv(c.ci_hi)])),
      ],
    }),
    [items, lang, locale, ra, scale],
  );
  return (
    <FigurePanel figure="components" title={ra('ra_components_title')} n={n} small={data ? data.small : undefined}
      csv={csvHref(ws, 'components', filters)} loading={loading} error={error} onRetry={() => setTick(tick + 1)}>
      {data &&
        (items.length === 0 ? (
          <p class="empty">{ra('ra_no_data')}</p>
        ) : (
          <>
            <Chart option={option} kind="ra-components" label={ra('ra_components_title')} values={items.map((c) => c.mean)} height={260} />
            <div class="scroll-x">
              <table class="data compact ra-table">
                <thead>
                  <tr>
                    <th>{ra('ra_component')}</th>
                    <th class="num">n</th>
                    <th class="num">{ra('ra_mean')}</th>
                    <th class="num">{ra('ra_sd')}</th>
                    <th class="num">{ra('ra_ci95')}</th>
                    <th class="num">{ra('ra_top2')}</th>
                    <th class="num keep-case">{ra('ra_alpha')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr data-component-id={c.component_id}>
                      <td>{loc(c.name, lang)}</td>
                      <td class="num"><NBadge n={c.n} small={c.small} /></td>
                      <td class="num">{fmt(c.mean, locale)}</td>
                      <td class="num">{fmt(c.sd, locale)}</td>
                      <td class="num nowrap">{c.ci_lo !== null && c.ci_hi !== null ? `${fmt(c.ci_lo, locale)} – ${fmt(c.ci_hi, locale)}` : '—'}</td>
                      <td class="num">{fmtPct(c.top2_share, locale)}</td>
                      <td class="num nowrap" title={c.reliability.map((a) => `${a.questions} × n=${a.n}`).join('; ')}>
                        {c.reliability.length ? c.reliability.map((a) => fmt(a.alpha, locale)).join(' · ') : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        ))}
    </FigurePanel>
  );
}
