// The trend of each figure across waves (studies in wave order): one line per figure (NPS on its
// own axis, −100…100; the component means on the scale's), each point with its n; a change from
// the previous wave that is significant (p < 0.05) is drawn as a larger diamond and marked "*" in
// the table.
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../Chart';
import { loc } from '../../loyalty';
import { cv, fmt, fmtP, FigurePanel } from './DashboardPanel';
import { csvHref, useFigure, useRa, type RaFilters, type RaT, type TrendFigure } from '../../researchAnalytics';

interface TrendPoint {
  study_id: number;
  name: string;
  n: number;
  small: boolean;
  value: number | null;
  change: { diff: number | null; p: number | null; significant: boolean } | null;
}
interface TrendSeries { figure: string; name?: { ru: string; en: string }; points: TrendPoint[] }

/** One series per figure (NPS, overall satisfaction, each component) over the waves. */
function seriesOf(data: TrendFigure): TrendSeries[] {
  const out: TrendSeries[] = [];
  const add = (figure: string, name: TrendSeries['name'], pick: (w: TrendFigure['waves'][number]) => { n: number; small: boolean; nps?: number | null; mean?: number | null; change: TrendPoint['change'] } | undefined) => {
    const points: TrendPoint[] = [];
    for (const w of data.waves) {
      const f = pick(w);
      if (!f || f.n === 0) continue;
      const value = f.nps !== undefined ? f.nps : f.mean !== undefined ? f.mean : null;
      points.push({ study_id: w.study_id, name: w.name, n: f.n, small: f.small, value: value ?? null, change: f.change });
    }
    if (points.some((p) => p.value !== null)) out.push({ figure, name, points });
  };
  add('nps', undefined, (w) => w.nps);
  add('satisfaction', undefined, (w) => w.satisfaction);
  for (const c of data.components) add(c.code, c.name, (w) => (w.components ? w.components[c.code] : undefined));
  return out;
}

const LINE_COLORS = ['#2f5bd3', '#e07a26', '#2e9e5b', '#8a5cc2', '#d64545', '#1fa3a3', '#b39022', '#5b6475', '#c2477a', '#3f8f2f'];

export function DashboardTrend({ ws, filters }: { ws: string; filters: RaFilters }) {
  const { ra } = useRa();
  const [tick, setTick] = useState(0);
  const { data, error, loading } = useFigure<TrendFigure>(ws, 'trend', filters, {}, tick);
  const series = data ? seriesOf(data) : [];
  const n = data ? data.n : null;
  return (
    <FigurePanel figure="trend" title={ra('ra_trend_title')} n={n} small={data ? data.small : undefined}
      csv={csvHref(ws, 'trend', filters)} loading={loading} error={error} onRetry={() => setTick(tick + 1)} wide>
      {data && (series.length === 0 || series.every((s) => s.points.length === 0) ? <p class="empty">{ra('ra_no_data')}</p> : <TrendBody series={series} />)}
    </FigurePanel>
  );
}

function seriesName(s: TrendSeries, lang: 'ru' | 'en', ra: RaT): string {
  if (s.figure === 'nps') return 'NPS';
  if (s.figure === 'satisfaction' && !s.name) return ra('ra_outcome_satisfaction');
  return s.name ? loc(s.name, lang) : s.figure;
}

function TrendBody({ series }: { series: TrendSeries[] }) {
  const { ra, lang, locale } = useRa();
  // The waves: every study that appears in any series, in the order they first appear.
  const waves: { id: number; name: string }[] = [];
  for (const s of series) for (const p of s.points) if (!waves.some((w) => w.id === p.study_id)) waves.push({ id: p.study_id, name: p.name });
  const option = useMemo(
    () => ({
      grid: { left: 44, right: 44, top: 36, bottom: 40 },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: waves.map((w) => w.name), axisLabel: { width: 120, overflow: 'truncate' } },
      yAxis: [
        { type: 'value', name: 'NPS', min: -100, max: 100, position: 'left' },
        { type: 'value', name: ra('ra_mean'), position: 'right', scale: true, splitLine: { show: false } },
      ],
      series: series.map((s, i) => ({
        type: 'line',
        name: seriesName(s, lang, ra),
        yAxisIndex: s.figure === 'nps' ? 0 : 1,
        connectNulls: true,
        itemStyle: { color: LINE_COLORS[i % LINE_COLORS.length] },
        data: waves.map((w) => {
          const p = s.points.find((x) => x.study_id === w.id);
          if (!p) return '-';
          const sig = !!(p.change && p.change.significant);
          return { value: cv(p.value, 2), symbol: sig ? 'diamond' : 'circle', symbolSize: sig ? 14 : 6 };
        }),
      })),
    }),
    [series, lang, ra],
  );
  return (
    <>
      <Chart option={option} kind="ra-trend" label={ra('ra_trend_title')}
        values={series.map((s) => ({ figure: s.figure, points: s.points.map((p) => [p.study_id, p.value, !!(p.change && p.change.significant)]) }))}
        height={300} />
      <div class="scroll-x">
        <table class="data compact ra-table ra-trend-table">
          <thead>
            <tr>
              <th>{ra('ra_figure')}</th>
              {waves.map((w) => (
                <th class="num">{w.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr data-figure={s.figure}>
                <td>{seriesName(s, lang, ra)}</td>
                {waves.map((w) => {
                  const p = s.points.find((x) => x.study_id === w.id);
                  if (!p) return <td class="num">—</td>;
                  const ch = p.change;
                  const sig = !!(ch && ch.significant);
                  return (
                    <td class={`num${sig ? ' sig' : ''}`} data-significant={sig ? 'true' : undefined}
                      title={ch ? `${ra('ra_change')}: ${fmt(ch.diff, locale)}, p = ${fmtP(ch.p, locale)}${sig ? ` (${ra('ra_change_significant')})` : ''}` : undefined}>
                      {fmt(p.value, locale, s.figure === 'nps' ? 1 : 2)}
                      {ch && ch.diff !== null && (
                        <span class={`ra-delta${(ch.diff ?? 0) < 0 ? ' neg' : ''}`}>
                          {' '}({(ch.diff ?? 0) >= 0 ? '+' : '−'}{fmt(Math.abs(ch.diff ?? 0), locale, s.figure === 'nps' ? 1 : 2)}{sig ? '*' : ''})
                        </span>
                      )}
                      <span class={`ra-n-small${p.small ? ' few' : ''}`}> n={p.n}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="muted small-note">* {ra('ra_change_significant')} (p &lt; 0.05)</p>
    </>
  );
}
