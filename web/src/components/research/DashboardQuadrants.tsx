// The importance–performance quadrants: each component as a point (derived importance across,
// mean score up), the split lines at the midpoints, and the four quadrants labelled — strengths
// to keep up, weaknesses to fix first, possible overkill, low priority.
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../Chart';
import { loc } from '../../loyalty';
import { COLORS, cv, fmt, fmtPct, FigurePanel, StatusNote } from './DashboardPanel';
import './DashboardCharts';
import {
  csvHref, targetOf, useFigure, useRa, type DriversTarget, type Quadrant, type QuadrantsFigure, type RaFilters, type RaKey, type RaParam,
  type RaParams,
} from '../../researchAnalytics';

export const QUADRANT_KEY: Record<Quadrant, RaKey> = {
  fix_first: 'ra_q_fix_first',
  keep_up: 'ra_q_keep_up',
  possible_overkill: 'ra_q_possible_overkill',
  low_priority: 'ra_q_low_priority',
};
const QUADRANT_COLOR: Record<Quadrant, string> = {
  fix_first: COLORS.detractor,
  keep_up: COLORS.promoter,
  possible_overkill: COLORS.passive,
  low_priority: COLORS.muted,
};

export function DashboardQuadrants({ ws, filters, params, onParam }: {
  ws: string;
  filters: RaFilters;
  /** The target kept in the page's URL (quadrants_target). */
  params?: RaParams;
  onParam?: (k: RaParam, v: string) => void;
}) {
  const { ra, lang, locale } = useRa();
  const [tick, setTick] = useState(0);
  const target: DriversTarget = targetOf(params && params.quadrants_target);
  const extra = target === 'recommend' ? {} : { target };
  const { data, error, loading } = useFigure<QuadrantsFigure>(ws, 'quadrants', filters, extra, tick);
  const items = data ? data.items.filter((i) => i.importance !== null && i.performance !== null) : [];
  const option = useMemo(() => {
    if (!data) return {};
    const mi = data.mid.importance;
    const mp = data.mid.performance;
    const xs = items.map((i) => i.importance as number);
    const ys = items.map((i) => i.performance as number);
    const pad = (lo: number, hi: number, m: number | null, f: number) => {
      const a = Math.min(lo, m ?? lo);
      const b = Math.max(hi, m ?? hi);
      const d = (b - a || 1) * f;
      return [a - d, b + d];
    };
    const [x0, x1] = xs.length ? pad(Math.min(...xs), Math.max(...xs), mi, 0.25) : [0, 1];
    const [y0, y1] = ys.length ? pad(Math.min(...ys), Math.max(...ys), mp, 0.2) : [0, 1];
    const area = (q: Quadrant, from: [number, number], to: [number, number], pos: string) => [
      {
        coord: from,
        name: ra(QUADRANT_KEY[q]),
        itemStyle: { color: QUADRANT_COLOR[q], opacity: 0.07 },
        label: { position: pos, color: QUADRANT_COLOR[q], fontSize: 11, fontWeight: 'bold' },
      },
      { coord: to },
    ];
    const mx = mi ?? (x0 + x1) / 2;
    const my = mp ?? (y0 + y1) / 2;
    return {
      grid: { left: 44, right: 16, top: 16, bottom: 44 },
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number; seriesType: string }) => {
          const it = items[p.dataIndex];
          if (!it || p.seriesType !== 'scatter') return '';
          return [
            loc(it.name, lang),
            `${ra('ra_importance')}: ${fmtPct(it.importance, locale, 1)}`,
            `${ra('ra_performance')}: ${fmt(it.performance, locale)}`,
            it.quadrant ? ra(QUADRANT_KEY[it.quadrant]) : '',
          ].filter(Boolean).join('\n');
        },
      },
      xAxis: {
        type: 'value', min: cv(x0, 4), max: cv(x1, 4), name: ra('ra_importance'), nameLocation: 'middle', nameGap: 26,
        axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` }, splitLine: { show: false },
      },
      yAxis: { type: 'value', min: cv(y0, 2), max: cv(y1, 2), name: ra('ra_performance'), nameLocation: 'middle', nameGap: 32, splitLine: { show: false } },
      series: [
        {
          type: 'scatter',
          symbolSize: 12,
          data: items.map((i) => ({
            value: [cv(i.importance, 4), cv(i.performance, 3)],
            itemStyle: { color: i.quadrant ? QUADRANT_COLOR[i.quadrant] : COLORS.accent },
          })),
          label: { show: true, position: 'top', formatter: (p: { dataIndex: number }) => loc(items[p.dataIndex]?.name, lang), fontSize: 11 },
          labelLayout: { hideOverlap: false, moveOverlap: 'shiftY' },
          markLine: {
            silent: true,
            symbol: 'none',
            lineStyle: { type: 'dashed', color: '#5b6475' },
            label: { show: false },
            data: [{ xAxis: cv(mx, 4) }, { yAxis: cv(my, 3) }],
          },
          markArea: {
            silent: true,
            data: [
              area('keep_up', [cv(mx, 4) as number, cv(y1, 2) as number], [cv(x1, 4) as number, cv(my, 3) as number], 'insideTopRight'),
              area('fix_first', [cv(mx, 4) as number, cv(my, 3) as number], [cv(x1, 4) as number, cv(y0, 2) as number], 'insideBottomRight'),
              area('possible_overkill', [cv(x0, 4) as number, cv(y1, 2) as number], [cv(mx, 4) as number, cv(my, 3) as number], 'insideTopLeft'),
              area('low_priority', [cv(x0, 4) as number, cv(my, 3) as number], [cv(mx, 4) as number, cv(y0, 2) as number], 'insideBottomLeft'),
            ],
          },
        },
      ],
    };
  }, [data, lang, locale, ra]);
  return (
    <FigurePanel figure="quadrants" title={ra('ra_quadrants_title')} n={data ? data.n : null} small={data ? data.small : undefined}
      csv={csvHref(ws, 'quadrants', filters, extra)} loading={loading} error={error} onRetry={() => setTick(tick + 1)}
      controls={onParam && (
        <label class="inline-select">
          <span class="sr-only">{ra('ra_outcome')}</span>
          <select name="quadrants-target" value={target}
            onChange={(e) => onParam('quadrants_target', (e.target as HTMLSelectElement).value === 'satisfaction' ? 'satisfaction' : '')}>
            <option value="recommend">{ra('ra_outcome_nps')}</option>
            <option value="satisfaction">{ra('ra_outcome_satisfaction')}</option>
          </select>
        </label>
      )}>
      {data && (
        <>
          <StatusNote status={data.status} />
          {items.length > 0 ? (
            <Chart option={option} kind="ra-quadrants" label={ra('ra_quadrants_title')}
              values={items.map((i) => ({ id: i.component_id, quadrant: i.quadrant }))} height={320} />
          ) : (
            <p class="empty">{ra('ra_no_data')}</p>
          )}
          <ul class="ra-quadrant-list">
            {(['fix_first', 'keep_up', 'possible_overkill', 'low_priority'] as Quadrant[]).map((q) => {
              const names = items.filter((i) => i.quadrant === q).map((i) => loc(i.name, lang));
              return names.length ? (
                <li data-quadrant={q}>
                  <strong class={`q-${q}`}>{ra(QUADRANT_KEY[q])}:</strong> {names.join(', ')}
                </li>
              ) : null;
            })}
          </ul>
        </>
      )}
    </FigurePanel>
  );
}
