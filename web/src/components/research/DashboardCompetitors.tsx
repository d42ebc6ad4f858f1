// Gaps to competitors: per competitor, per component, our mean minus the competitor's as rated
// by the same respondents (paired), with its 95 % interval as an error bar, the paired t-test's
// p-value, and the significant gaps marked (a solid bar and an asterisk).
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../Chart';
import { loc } from '../../loyalty';
import { COLORS, cv, fmt, fmtP, FigurePanel, NBadge, whiskerSeries } from './DashboardPanel';
import { csvHref, useFigure, useRa, type CompetitorsFigure, type GapItem, type RaFilters } from '../../researchAnalytics';

export function DashboardCompetitors({ ws, filters }: { ws: string; filters: RaFilters }) {
  const { ra } = useRa();
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useFigure<CompetitorsFigure>(ws, 'competitors', filters, {}, tick);
  // The gaps come as one list; one chart per competitor, in the order they first appear.
  const rivals: { competitor_id: number; name: string; components: GapItem[] }[] = [];
  for (const g of data ? data.items : []) {
    let r = rivals.find((x) => x.competitor_id === g.competitor_id);
    if (!r) rivals.push((r = { competitor_id: g.competitor_id, name: g.competitor_name, components: [] }));
    r.components.push(g);
  }
  const n = rivals.length ? Math.max(0, ...rivals.flatMap((r) => r.components.map((c) => c.n))) : data ? 0 : null;
  return (
    <FigurePanel figure="competitors" title={ra('ra_competitors_title')} n={n} small={rivals.some((r) => r.components.some((c) => c.small))}
      csv={csvHref(ws, 'competitors', filters)} loading={loading} error={error} onRetry={() => setTick(tick + 1)} wide>
      {data &&
        (rivals.length === 0 ? (
          <p class="empty">{ra('ra_no_competitor_questions')}</p>
        ) : (
          <div class="dash-grid">
            {rivals.map((r) => (
              <CompetitorGaps name={r.name} id={r.competitor_id} gaps={r.components} />
            ))}
          </div>
        ))}
    </FigurePanel>
  );
}

function CompetitorGaps({ name, id, gaps }: { name: string; id: number; gaps: GapItem[] }) {
  const { ra, lang, locale } = useRa();
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 20, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: { dataIndex: number }[]) => {
          const g = gaps[params.length ? params[0].dataIndex : 0];
          if (!g) return '';
          return [
            `${loc(g.name, lang)} (n=${g.n})`,
            `${ra('ra_us')}: ${fmt(g.ours, locale)} · ${ra('ra_them')}: ${fmt(g.theirs, locale)}`,
            `${ra('ra_gap')}: ${fmt(g.diff, locale)}`,
            g.ci_lo !== null && g.ci_hi !== null ? `${ra('ra_ci95')}: ${fmt(g.ci_lo, locale)} – ${fmt(g.ci_hi, locale)}` : '',
            `p = ${fmtP(g.p, locale)}${g.significant ? ` · ${ra('ra_significant')}` : ''}`,
          ].filter(Boolean).join('\n');
        },
      },
      xAxis: { type: 'value' },
      yAxis: {
        type: 'category',
        inverse: true,
        data: gaps.map((g) => `${loc(g.name, lang)}${g.significant ? ' *' : ''}`),
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          name: ra('ra_gap'),
          barMaxWidth: 22,
          data: gaps.map((g) => ({
            value: cv(g.diff, 3),
            itemStyle: {
              color: (g.diff ?? 0) >= 0 ? COLORS.promoter : COLORS.detractor,
              opacity: g.significant ? 1 : 0.35,
            },
          })),
        },
        whiskerSeries(ra('ra_ci95'), gaps.map((g, i) => [i, cv(g.ci_lo), cv(g.ci_hi)]), { horizontal: true }),
      ],
    }),
    [gaps, lang, locale, ra],
  );
  return (
    <div class="ra-rival" data-competitor-id={id}>
      <h4>{name}</h4>
      <Chart option={option} kind="ra-competitor-gaps" label={`${ra('ra_competitors_title')}: ${name}`}
        values={gaps.map((g) => ({ diff: g.diff, p: g.p, significant: g.significant }))} height={Math.max(140, 40 + gaps.length * 32)} />
      <div class="scroll-x">
        <table class="data compact ra-table">
          <thead>
            <tr>
              <th>{ra('ra_component')}</th>
              <th class="num">n</th>
              <th class="num">{ra('ra_us')}</th>
              <th class="num">{ra('ra_them')}</th>
              <th class="num">{ra('ra_gap')}</th>
              <th class="num">{ra('ra_ci95')}</th>
              <th class="num">{ra('ra_p')}</th>
            </tr>
          </thead>
          <tbody>
            {gaps.map((g) => (
              <tr data-component-id={g.component_id} class={g.significant ? 'sig-row' : ''}>
                <td>{loc(g.name, lang)}</td>
                <td class="num"><NBadge n={g.n} small={g.small} /></td>
                <td class="num">{fmt(g.ours, locale)}</td>
                <td class="num">{fmt(g.theirs, locale)}</td>
                <td class="num">{fmt(g.diff, locale)}</td>
                <td class="num nowrap">{g.ci_lo !== null && g.ci_hi !== null ? `${fmt(g.ci_lo, locale)} – ${fmt(g.ci_hi, locale)}` : '—'}</td>
                <td class={`num${g.significant ? ' sig' : ''}`} title={g.significant ? ra('ra_significant') : ra('ra_not_significant')}>
                  {fmtP(g.p, locale)}{g.significant ? ' *' : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
