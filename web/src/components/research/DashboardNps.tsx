// NPS with its 95 % adjusted-Wald interval (a bar on −100…100 with the interval as an error bar)
// and the distribution of the answers 0..10 coloured detractor / passive / promoter; counted per
// respondent, per account (each account once) or weighted by the accounts' revenue; optionally
// one NPS per group (segment, industry, region, status, owner, study) with its interval.
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../Chart';
import { statusLabel } from '../ui';
import { useMembers } from '../../data';
import { COLORS, cv, fmt, fmtPct, FigurePanel, StatusNote, whiskerSeries } from './DashboardPanel';
import { csvHref, interval, NPS_BASES, useFigure, useRa, type NpsBasis, type NpsFigure, type NpsJ, type RaFilters, type RaKey } from '../../researchAnalytics';

const BASIS_KEY: Record<NpsBasis, RaKey> = {
  respondents: 'ra_per_respondent',
  accounts: 'ra_per_account',
  revenue_weighted: 'ra_revenue_weighted',
};
const GROUPINGS = ['', 'segment', 'industry', 'region', 'status', 'owner', 'study'] as const;
type Grouping = (typeof GROUPINGS)[number];
const GROUPING_KEY: Record<Grouping, RaKey> = {
  '': 'ra_by_none',
  segment: 'ra_by_segment',
  industry: 'ra_by_industry',
  region: 'ra_by_region',
  status: 'ra_by_status',
  owner: 'ra_by_owner',
  study: 'ra_by_study',
};

export function DashboardNps({ ws, filters }: { ws: string; filters: RaFilters }) {
  const { ra, locale } = useRa();
  const [basis, setBasis] = useState<NpsBasis>('respondents');
  const [by, setBy] = useState<Grouping>('');
  const [tick, setTick] = useState(0);
  const extra = by ? { by } : {};
  const { data, error, loading } = useFigure<NpsFigure>(ws, 'nps', filters, extra, tick);
  const fig = data ? data[basis] : null;

  const controls = (
    <span class="seg-switch" role="group" aria-label={ra('ra_nps_basis')}>
      {NPS_BASES.map((b) => (
        <button type="button" class={`btn btn-small${basis === b ? ' active' : ''}`} aria-pressed={basis === b}
          data-basis={b} onClick={() => setBasis(b)}>
          {ra(BASIS_KEY[b])}
        </button>
      ))}
    </span>
  );

  return (
    <FigurePanel figure="nps" title={ra('ra_nps_title')} n={fig ? fig.n : null} small={fig ? fig.small : undefined}
      csv={csvHref(ws, 'nps', filters, extra)} loading={loading} error={error} onRetry={() => setTick(tick + 1)} controls={controls}>
      {fig && data && (
        <>
          <NpsBody data={fig} locale={locale} revenue={basis === 'revenue_weighted'} />
          <div class="ra-group-by">
            <label class="inline-select">
              <span>{ra('ra_group_by')}</span>{' '}
              <select name="nps-by" value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value as Grouping)}>
                {GROUPINGS.map((g) => (
                  <option value={g}>{ra(GROUPING_KEY[g])}</option>
                ))}
              </select>
            </label>
            {by && data.groups.length > 0 && <NpsGroups ws={ws} groups={data.groups} by={by} />}
          </div>
        </>
      )}
    </FigurePanel>
  );
}

/** One NPS per group with its interval, as horizontal bars with error bars. */
function NpsGroups({ ws, groups, by }: { ws: string; groups: NpsFigure['groups']; by: string }) {
  const { t, ra, locale } = useRa();
  const members = useMembers(ws);
  const label = (g: NpsFigure['groups'][number]) => {
    if (g.key === null) return '—';
    if (by === 'status') return statusLabel(g.key, t);
    if (by === 'owner') {
      const m = members.find((x) => String(x.user_id) === g.key);
      return m ? m.name || m.email : g.key;
    }
    return g.label || g.key;
  };
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 20, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: { dataIndex: number }[]) => {
          const g = groups[params.length ? params[0].dataIndex : 0];
          if (!g) return '';
          const ci = interval(g);
          return [`${label(g)}: NPS ${fmt(g.nps, locale, 1)} (n=${g.n})`, ci ? `${ra('ra_ci95')}: ${fmt(ci[0], locale, 1)} … ${fmt(ci[1], locale, 1)}` : '']
            .filter(Boolean)
            .join('\n');
        },
      },
      xAxis: { type: 'value', min: -100, max: 100 },
      yAxis: { type: 'category', inverse: true, data: groups.map((g) => `${label(g)} (n=${g.n})`), axisLabel: { width: 150, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          name: 'NPS',
          barMaxWidth: 20,
          data: groups.map((g) => ({
            value: cv(g.nps, 1),
            itemStyle: { color: (g.nps ?? 0) >= 0 ? COLORS.promoter : COLORS.detractor, opacity: g.small ? 0.5 : 1 },
          })),
        },
        whiskerSeries(ra('ra_ci95'), groups.map((g, i) => [i, cv(g.ci_lo, 2), cv(g.ci_hi, 2)]), { horizontal: true }),
      ],
    }),
    [groups, by, locale, ra, t, members],
  );
  return (
    <Chart option={option} kind="nps-groups" label={ra('ra_group_by')} values={groups.map((g) => ({ key: g.key, nps: g.nps, n: g.n }))}
      height={Math.max(120, 40 + groups.length * 28)} />
  );
}

export function NpsBody({ data, locale, revenue }: { data: NpsJ; locale: string; revenue?: boolean }) {
  const { ra } = useRa();
  const has = data.nps !== null && Number.isFinite(data.nps);
  const ci = interval(data);
  const intervalOption = useMemo(
    () => ({
      grid: { left: 48, right: 16, top: 8, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'none' },
        formatter: () =>
          [`NPS: ${fmt(data.nps, locale, 1)} (n=${data.n})`, ci ? `${ra('ra_ci95')}: ${fmt(ci[0], locale, 1)} … ${fmt(ci[1], locale, 1)}` : '']
            .filter(Boolean)
            .join('\n'),
      },
      xAxis: { type: 'value', min: -100, max: 100, interval: 50 },
      yAxis: { type: 'category', data: ['NPS'] },
      series: [
        {
          type: 'bar',
          name: 'NPS',
          data: [cv(data.nps, 1)],
          barMaxWidth: 28,
          itemStyle: { color: has && (data.nps as number) >= 0 ? COLORS.promoter : COLORS.detractor },
        },
        whiskerSeries(ra('ra_ci95'), [[0, ci ? cv(ci[0], 2) : '-', ci ? cv(ci[1], 2) : '-']], { horizontal: true }),
      ],
    }),
    [data, locale, ra],
  );
  const dist = data.distribution || [];
  const distOption = useMemo(
    () => ({
      grid: { left: 40, right: 12, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: dist.map((_, score) => String(score)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: ra('ra_answers'),
          data: dist.map((count, score) => ({
            value: count,
            itemStyle: { color: score >= 9 ? COLORS.promoter : score >= 7 ? COLORS.passive : COLORS.detractor },
          })),
          barCategoryGap: '15%',
        },
      ],
    }),
    [dist, ra],
  );
  return (
    <div class="nps-body">
      <div class="nps-figure">
        <span class="nps-value" data-nps={has ? String(data.nps) : ''}>{has ? fmt(data.nps, locale, 1) : '—'}</span>
        {ci && (
          <span class="nps-ci" data-ci={`${ci[0]},${ci[1]}`}>
            {ra('ra_ci95')}: {fmt(ci[0], locale, 1)} … {fmt(ci[1], locale, 1)}
          </span>
        )}
        {revenue && data.n_eff !== null && <span class="muted">{ra('ra_n_eff', { n: fmt(data.n_eff, locale, 1) })}</span>}
      </div>
      <StatusNote status={data.status} />
      <Chart option={intervalOption} kind="nps-interval" label={ra('ra_nps_title')} values={{ nps: data.nps, ci95: ci }} height={90} />
      <dl class="stats nps-shares">
        <div class="nps-detractor">
          <dt>{ra('ra_detractors')}</dt>
          <dd data-share="detractors">{data.detractors} · {fmtPct(data.p_detractors, locale)}</dd>
        </div>
        <div class="nps-passive">
          <dt>{ra('ra_passives')}</dt>
          <dd data-share="passives">{data.passives} · {fmtPct(data.p_passives, locale)}</dd>
        </div>
        <div class="nps-promoter">
          <dt>{ra('ra_promoters')}</dt>
          <dd data-share="promoters">{data.promoters} · {fmtPct(data.p_promoters, locale)}</dd>
        </div>
      </dl>
      <h4>{ra('ra_nps_distribution')}</h4>
      <Chart option={distOption} kind="nps-distribution" label={ra('ra_nps_distribution')} values={dist} height={200} />
    </div>
  );
}
