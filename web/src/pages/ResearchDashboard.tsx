// The research dashboard ("Аналитика исследований"): over the responses that match the filters
// (studies, period, segment, industry, region, status, owner) — NPS with its 95 % interval and
// the 0..10 distribution, component scores with intervals, key drivers, the importance–
// performance quadrants, gaps to competitors, segments, and the trend across waves. Every figure
// shows its n (a warning under 30) and downloads its data as CSV with the same filters.
import { useEffect, useMemo } from 'preact/hooks';
import { href, navigate } from '../router';
import { ResearchNav } from '../components/research/ResearchNav';
import { DashboardFilters } from '../components/research/DashboardFilters';
import { DashboardNps } from '../components/research/DashboardNps';
import { DashboardComponents } from '../components/research/DashboardComponents';
import { DashboardDrivers } from '../components/research/DashboardDrivers';
import { DashboardQuadrants } from '../components/research/DashboardQuadrants';
import { DashboardCompetitors } from '../components/research/DashboardCompetitors';
import { DashboardSegments } from '../components/research/DashboardSegments';
import { DashboardTrend } from '../components/research/DashboardTrend';
import { filtersOf, paramsOf, useRa, type RaFilter, type RaParam } from '../researchAnalytics';

export function ResearchDashboardPage({ ws, query }: { ws: string; query: URLSearchParams }) {
  const { t, ra } = useRa();
  const qstr = query.toString();
  const filters = useMemo(() => filtersOf(query), [qstr]);
  const params = useMemo(() => paramsOf(query), [qstr]);
  useEffect(() => {
    document.title = `${ra('ra_dashboard_title')} · ${t('app_name')}`;
  }, [ra, t]);

  const setFilter = (k: RaFilter | RaParam, v: string) => {
    const next = new URLSearchParams(query);
    if (v) next.set(k, v);
    else next.delete(k);
    navigate(href.researchDashboard(ws, next.toString()), { replace: true });
  };

  return (
    <div class="page page-wide research-dashboard">
      <ResearchNav ws={ws} current="dashboard" />
      <div class="page-head">
        <h1>{ra('ra_dashboard_title')}</h1>
      </div>
      <DashboardFilters ws={ws} values={filters} onChange={setFilter} onReset={() => navigate(href.researchDashboard(ws), { replace: true })} />
      <div class="dash-grid">
        <DashboardNps ws={ws} filters={filters} />
        <DashboardComponents ws={ws} filters={filters} />
      </div>
      <div class="dash-grid">
        <DashboardDrivers ws={ws} filters={filters} params={params} onParam={setFilter} />
        <DashboardQuadrants ws={ws} filters={filters} params={params} onParam={setFilter} />
      </div>
      <DashboardCompetitors ws={ws} filters={filters} />
      <DashboardSegments ws={ws} filters={filters} params={params} onParam={setFilter} />
      <DashboardTrend ws={ws} filters={filters} />
    </div>
  );
}
