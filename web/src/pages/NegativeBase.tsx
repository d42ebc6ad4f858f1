// The negative base ("Негативная база"): the clients who churned in a period against those
// retained — their last scores per component side by side with the test of each difference, the
// factors more frequent among the churned, and the figures of the exit interviews; every part
// downloads as CSV with the same filters.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { href, navigate } from '../router';
import { ResearchNav } from '../components/research/ResearchNav';
import { DashboardFilters } from '../components/research/DashboardFilters';
import { CsvLink, fmt, fmtP, fmtPct, FigurePanel, NBadge, SMALL_N } from '../components/research/DashboardPanel';
import { ErrorBox } from '../components/ui';
import { api } from '../api';
import { loyaltyPath, type LoyaltySettings } from '../loyalty';
import { NegativeScores } from '../components/research/NegativeScores';
import { NegativeFactors } from '../components/research/NegativeFactors';
import { NegativeExit } from '../components/research/NegativeExit';
import { csvHref, filtersOf, interval, useFigure, useRa, type NegativeFigure, type RaFilter } from '../researchAnalytics';

export function NegativeBasePage({ ws, query }: { ws: string; query: URLSearchParams }) {
  const { t, ra, locale } = useRa();
  const qstr = query.toString();
  const filters = useMemo(() => filtersOf(query), [qstr]);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    document.title = `${ra('ra_negative_title')} · ${t('app_name')}`;
  }, [ra, t]);
  const { data, error, loading } = useFigure<NegativeFigure>(ws, 'negative-base', filters, {}, tick);
  const [scale, setScale] = useState<{ min: number; max: number } | null>(null);
  useEffect(() => {
    api.get<LoyaltySettings>(loyaltyPath.settings(ws))
      .then((s) => setScale({ min: s.score_min, max: s.score_max }))
      .catch(() => setScale(null));
  }, [ws]);

  const setFilter = (k: RaFilter, v: string) => {
    const next = new URLSearchParams(query);
    if (v) next.set(k, v);
    else next.delete(k);
    navigate(href.negativeBase(ws, next.toString()), { replace: true });
  };
  const csv = csvHref(ws, 'negative-base', filters);
  const retry = () => setTick(tick + 1);

  const small = data ? Math.min(data.churned.assessed, data.retained.assessed) < SMALL_N : undefined;
  const nAssessed = data ? data.churned.assessed + data.retained.assessed : null;

  return (
    <div class="page page-wide negative-base">
      <ResearchNav ws={ws} current="negative" />
      <div class="page-head">
        <h1>{ra('ra_negative_title')}</h1>
        <span class="page-actions">
          <CsvLink href={csv} />
        </span>
      </div>
      <p class="muted">{ra('ra_period_hint')}</p>
      <DashboardFilters ws={ws} values={filters} onChange={setFilter} hide={['study_id']} statuses={['prospect', 'active', 'at_risk']}
        periodLabels={[ra('ra_churn_from'), ra('ra_churn_to')]}
        onReset={() => navigate(href.negativeBase(ws), { replace: true })} />
      <ErrorBox error={error} onRetry={retry} />
      {data && (
        <dl class="stats kpis ra-groups">
          {(['churned', 'retained'] as const).map((g) => {
            const x = data[g];
            const ci = interval(x.nps);
            return (
              <div data-group={g}>
                <dt>{ra(g === 'churned' ? 'ra_churned' : 'ra_retained')}</dt>
                <dd data-kpi={g}>{x.accounts}</dd>
                <div class="sub">
                  {ra('ra_assessed', { n: x.assessed })}
                  {x.assessed < SMALL_N && <> <NBadge n={x.assessed} /></>}
                </div>
                <div class="sub" data-nps={x.nps.nps ?? ''}>
                  NPS {fmt(x.nps.nps, locale, 1)}
                  {ci && ` (${fmt(ci[0], locale, 1)} … ${fmt(ci[1], locale, 1)})`} · n={x.nps.n}
                </div>
              </div>
            );
          })}
          <div data-group="promoters">
            <dt>{ra('ra_promoters_cmp')}</dt>
            <dd class={data.promoters.significant ? 'sig' : ''}>
              {fmtPct(data.promoters.p_a, locale)} / {fmtPct(data.promoters.p_b, locale)}
            </dd>
            <div class="sub">p = {fmtP(data.promoters.p, locale)}{data.promoters.significant ? ' *' : ''}</div>
          </div>
        </dl>
      )}
      <div class="dash-grid">
        <FigurePanel figure="negative-scores" title={ra('ra_last_scores')} n={nAssessed} small={small}
          csv={csv} loading={loading} error={null} onRetry={retry}>
          {data ? <NegativeScores items={data.components} scale={scale} /> : error ? null : undefined}
        </FigurePanel>
        <FigurePanel figure="negative-factors" title={ra('ra_factors_title')} n={nAssessed} small={small}
          csv={csv} loading={loading} error={null}>
          {data ? <NegativeFactors items={data.factors} components={data.components} /> : error ? null : undefined}
        </FigurePanel>
      </div>
      {data && data.exit_interviews && data.exit_interviews.studies > 0 && (
        <FigurePanel figure="negative-exit" title={ra('ra_exit_title')} n={data.exit_interviews.n} small={data.exit_interviews.small}
          csv={csv} loading={loading} error={null}>
          {data.exit_interviews.n > 0 ? <NegativeExit exit={data.exit_interviews} /> : <p class="empty">{ra('ra_no_data')}</p>}
        </FigurePanel>
      )}
      {data && <p class="muted small-note">* {ra('ra_significant')}</p>}
    </div>
  );
}
