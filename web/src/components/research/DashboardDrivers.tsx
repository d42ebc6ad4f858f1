// Key drivers of an outcome (likelihood to recommend or overall satisfaction): each component's
// share of R² by Johnson's relative weights and by the exact Shapley (LMG) decomposition as bars,
// and the table of Pearson r, standardised β with their p-values, the weights, R² and adjusted R².
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../Chart';
import { loc } from '../../loyalty';
import { COLORS, cv, fmt, fmtP, fmtPct, FigurePanel, StatusNote } from './DashboardPanel';
import {
  csvHref, targetOf, useFigure, useRa, type DriversFigure, type RaFilters, type RaParam, type RaParams,
} from '../../researchAnalytics';

type Outcome = 'recommend' | 'satisfaction';

export function DashboardDrivers({ ws, filters, params, onParam }: {
  ws: string;
  filters: RaFilters;
  /** The target kept in the page's URL (drivers_target); local state when absent. */
  params?: RaParams;
  onParam?: (k: RaParam, v: string) => void;
}) {
  const { ra, lang, locale } = useRa();
  const [localOutcome, setLocalOutcome] = useState<Outcome>('recommend');
  const outcome: Outcome = onParam ? targetOf(params && params.drivers_target) : localOutcome;
  const setOutcome = (o: Outcome) => (onParam ? onParam('drivers_target', o === 'recommend' ? '' : o) : setLocalOutcome(o));
  const [tick, setTick] = useState(0);
  const extra = { target: outcome };
  const { data, error, loading } = useFigure<DriversFigure>(ws, 'drivers', filters, extra, tick);
  const items = data ? [...data.items] : [];
  // Largest share on top of the horizontal bars.
  const sorted = [...items].sort((a, b) => (a.lmg_share ?? -1) - (b.lmg_share ?? -1));
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 16, top: 28, bottom: 24, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      yAxis: { type: 'category', data: sorted.map((d) => loc(d.name, lang)), axisLabel: { width: 130, overflow: 'truncate' } },
      series: [
        { type: 'bar', name: ra('ra_lmg'), data: sorted.map((d) => cv(d.lmg_share)), itemStyle: { color: COLORS.accent } },
        { type: 'bar', name: ra('ra_rw'), data: sorted.map((d) => cv(d.rw_share)), itemStyle: { color: COLORS.bar } },
      ],
    }),
    [sorted, lang, ra],
  );
  const controls = (
    <label class="inline-select">
      <span class="sr-only">{ra('ra_outcome')}</span>
      <select name="drivers-outcome" value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value as Outcome)}>
        <option value="recommend">{ra('ra_outcome_nps')}</option>
        <option value="satisfaction">{ra('ra_outcome_satisfaction')}</option>
      </select>
    </label>
  );
  return (
    <FigurePanel figure="drivers" title={ra('ra_drivers_title')} n={data ? data.n : null} small={data ? data.small : undefined}
      csv={csvHref(ws, 'drivers', filters, extra)} loading={loading} error={error} onRetry={() => setTick(tick + 1)} controls={controls}>
      {data && (
        <>
          <StatusNote status={data.status} />
          <p class="ra-model" data-r2={data.r2 ?? ''}>
            {ra('ra_r2')} = {fmt(data.r2, locale, 3)} · {ra('ra_r2_adj')} = {fmt(data.r2_adj, locale, 3)}
          </p>
          {items.length > 0 && (
            <Chart option={option} kind="ra-drivers" label={ra('ra_drivers_title')} values={items.map((d) => d.lmg_share)}
              height={Math.max(160, 40 + items.length * 34)} />
          )}
          <div class="scroll-x">
            <table class="data compact ra-table">
              <thead>
                <tr>
                  <th>{ra('ra_component')}</th>
                  <th class="num keep-case">r</th>
                  <th class="num">{ra('ra_p')}</th>
                  <th class="num keep-case">β</th>
                  <th class="num">{ra('ra_p')}</th>
                  <th class="num">{ra('ra_rw')}</th>
                  <th class="num">{ra('ra_lmg')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr data-component-id={d.component_id}>
                    <td>{loc(d.name, lang)}</td>
                    <td class="num">{fmt(d.r, locale, 3)}</td>
                    <td class={`num${d.r_p !== null && d.r_p < 0.05 ? ' sig' : ''}`}>{fmtP(d.r_p, locale)}</td>
                    <td class="num">{fmt(d.beta, locale, 3)}</td>
                    <td class={`num${d.beta_p !== null && d.beta_p < 0.05 ? ' sig' : ''}`}>{fmtP(d.beta_p, locale)}</td>
                    <td class="num">{fmtPct(d.rw_share, locale, 1)}</td>
                    <td class="num">{fmtPct(d.lmg_share, locale, 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </FigurePanel>
  );
}
