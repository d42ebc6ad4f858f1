// The portfolio dashboard ("Портфель"): over the workspace's clients that match the filters —
// the index's distribution, each component's mean with its 95 % interval, the factors and the
// most frequent negative ones per component, and the clients whose index fell most; then, for
// the whole workspace, the riskiest account maps and the caller's overdue relationship actions.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { loyaltyPath, type LoyaltySettings, type Portfolio } from '../loyalty';
import { useI18n } from '../i18n';
import { href, navigate } from '../router';
import { ErrorBox, formatNumber, Loading } from '../components/ui';
import { PORTFOLIO_FILTERS, PortfolioFilters, type PortfolioFilter } from '../components/portfolio/PortfolioFilters';
import { IndexHistogram } from '../components/portfolio/IndexHistogram';
import { ComponentMeans } from '../components/portfolio/ComponentMeans';
import { TopNegative } from '../components/portfolio/TopNegative';
import { FactorCounts } from '../components/portfolio/FactorCounts';
import { Fallers } from '../components/portfolio/Fallers';
import { MyOverdueActions, RiskiestMaps } from '../components/portfolio/RiskiestMaps';

export function PortfolioPage({ ws, query }: { ws: string; query: URLSearchParams }) {
  const { t, locale } = useI18n();
  const qstr = query.toString();
  const filters = useMemo(() => {
    const f: Partial<Record<PortfolioFilter, string>> = {};
    for (const k of PORTFOLIO_FILTERS) {
      const v = query.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [qstr]);
  const [data, setData] = useState<Portfolio | null>(null);
  const [settings, setSettings] = useState<LoyaltySettings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    document.title = `${t('portfolio_title')} · ${t('app_name')}`;
  }, [t]);
  useEffect(() => {
    api.get<LoyaltySettings>(loyaltyPath.settings(ws)).then(setSettings).catch(() => setSettings(null));
  }, [ws]);
  useEffect(() => {
    let live = true;
    setLoading(true);
    const { owner, ...rest } = filters;
    api
      .get<Portfolio>(loyaltyPath.portfolio(ws), { ...rest, owner_email: owner })
      .then((r) => {
        if (!live) return;
        setData(r);
        setError(null);
      })
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => { live = false; };
  }, [ws, qstr, tick]);

  const setFilter = (k: PortfolioFilter, v: string) => {
    const next = new URLSearchParams(query);
    if (v) next.set(k, v);
    else next.delete(k);
    navigate(href.portfolio(ws, next.toString()), { replace: true });
  };
  const num = (v: number | null | undefined) => (v === null || v === undefined ? t('dash') : formatNumber(v, locale));
  const scale = settings ? { min: settings.score_min, max: settings.score_max } : null;

  return (
    <div class="page page-wide portfolio">
      <div class="page-head">
        <h1>{t('portfolio_title')}</h1>
      </div>
      <PortfolioFilters ws={ws} values={filters} onChange={setFilter} onReset={() => navigate(href.portfolio(ws), { replace: true })} />
      <ErrorBox error={error} onRetry={() => setTick(tick + 1)} />
      {!data ? (
        !error && <Loading />
      ) : (
        <div class={loading ? 'is-loading' : ''}>
          <dl class="stats kpis">
            <div>
              <dt>{t('portfolio_clients')}</dt>
              <dd data-kpi="clients">{data.clients}</dd>
            </div>
            <div>
              <dt>{t('portfolio_assessed')}</dt>
              <dd data-kpi="assessed">{data.assessed}</dd>
            </div>
            <div>
              <dt>{t('portfolio_mean_index')}</dt>
              <dd data-kpi="mean">{num(data.index.mean)}</dd>
            </div>
            <div>
              <dt>{t('portfolio_median_index')}</dt>
              <dd data-kpi="median">{num(data.index.median)}</dd>
            </div>
            <div>
              <dt>{t('portfolio_partial')}</dt>
              <dd data-kpi="partial">{data.index.partial}</dd>
            </div>
          </dl>
          <div class="dash-grid">
            <IndexHistogram index={data.index} />
            <ComponentMeans components={data.components} scale={scale} />
          </div>
          <TopNegative data={data} />
          <div class="dash-grid">
            <FactorCounts data={data} />
            <Fallers ws={ws} items={data.fallers} />
          </div>
        </div>
      )}
      <RiskiestMaps ws={ws} />
      <MyOverdueActions ws={ws} />
    </div>
  );
}
