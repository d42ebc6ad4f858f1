// Behavioural segments: Jones & Sasser's classes (satisfaction × intention) as counts, and the
// k-means clusters on component profiles — each cluster's size and its mean profile.
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../Chart';
import { Loading } from '../ui';
import { loc } from '../../loyalty';
import { COLORS, cv, fmt, fmtPct, FigurePanel, NBadge, StatusNote } from './DashboardPanel';
import {
  csvHref, JS_CLASSES, KMEANS_KS, useFigure, useRa, type JsClass, type RaFilters, type RaKey, type RaParam, type RaParams,
  type SegmentsFigure,
} from '../../researchAnalytics';

const JS_KEY: Record<JsClass, RaKey> = {
  apostle: 'ra_js_apostle',
  loyalist: 'ra_js_loyalist',
  mercenary: 'ra_js_mercenary',
  hostage: 'ra_js_hostage',
  defector: 'ra_js_defector',
};
const JS_COLOR: Record<JsClass, string> = {
  apostle: '#1f7a45',
  loyalist: COLORS.promoter,
  mercenary: COLORS.passive,
  hostage: '#8a5cc2',
  defector: COLORS.detractor,
};
const CLUSTER_COLORS = ['#2f5bd3', '#e07a26', '#2e9e5b', '#8a5cc2', '#d64545', '#1fa3a3', '#b39022', '#5b6475'];

export function DashboardSegments({ ws, filters, params, onParam }: {
  ws: string;
  filters: RaFilters;
  /** Jones & Sasser's thresholds and the k of k-means kept in the page's URL (sat_high, int_high, k). */
  params?: RaParams;
  onParam?: (k: RaParam, v: string) => void;
}) {
  const { ra, lang, locale } = useRa();
  const [tick, setTick] = useState(0);
  const p = params || {};
  const extra: Record<string, string> = {};
  for (const k of ['sat_high', 'int_high', 'k'] as const) if (p[k]) extra[k] = p[k] as string;
  const { data, error, loading } = useFigure<SegmentsFigure>(ws, 'segments', filters, extra, tick);
  const js = data ? data.jones_sasser : null;
  const km = data ? data.kmeans : null;
  const jsCounts = JS_CLASSES.map((c) => {
    const found = js ? js.items.find((x) => x.segment === c) : undefined;
    return { cls: c, count: found ? found.size : 0, share: found ? found.share : null };
  });
  const jsOption = useMemo(
    () => ({
      grid: { left: 8, right: 16, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', inverse: true, data: jsCounts.map((c) => ra(JS_KEY[c.cls])) },
      series: [
        {
          type: 'bar',
          name: ra('ra_count'),
          barMaxWidth: 24,
          data: jsCounts.map((c) => ({ value: c.count, itemStyle: { color: JS_COLOR[c.cls] } })),
          label: { show: true, position: 'right', formatter: (p: { dataIndex: number }) => fmtPct(jsCounts[p.dataIndex].share, locale) },
        },
      ],
    }),
    [data, ra, locale],
  );
  const comps = km ? km.components : [];
  const clusters = km ? km.items : [];
  const kmOption = useMemo(
    () => ({
      grid: { left: 40, right: 12, top: 32, bottom: 56 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: comps.map((c) => loc(c.name, lang)), axisLabel: { interval: 0, width: 100, overflow: 'truncate' } },
      yAxis: { type: 'value' },
      series: clusters.map((cl, i) => ({
        type: 'bar',
        name: `${ra('ra_cluster', { n: cl.cluster })} (${cl.size})`,
        data: comps.map((c) => cv(cl.profile[c.code], 2)),
        itemStyle: { color: CLUSTER_COLORS[i % CLUSTER_COLORS.length] },
      })),
    }),
    [data, lang, ra],
  );
  const n = data ? data.n : null;
  return (
    <FigurePanel figure="segments" title={ra('ra_segments_title')} n={n} small={data ? data.small : undefined}
      csv={csvHref(ws, 'segments', filters, extra)} loading={loading} error={error} onRetry={() => setTick(tick + 1)} wide>
      {onParam && (
        <div class="ra-settings" data-part="segment-settings">
          {(['sat_high', 'int_high'] as const).map((k) => {
            const dflt = js && js.thresholds ? (k === 'sat_high' ? js.thresholds.satisfaction : js.thresholds.intention) : null;
            return (
              <label class="filter" title={ra('ra_threshold_title')}>
                <span>{ra(k === 'sat_high' ? 'ra_sat_high' : 'ra_int_high')}</span>
                <input type="number" step="any" inputMode="decimal" name={`segments-${k}`} key={`${k}:${p[k] || ''}`}
                  defaultValue={p[k] || ''} placeholder={dflt !== null && !p[k] ? ra('ra_default_value', { v: fmt(dflt, locale, 1) }) : ''}
                  onChange={(e) => onParam(k, (e.target as HTMLInputElement).value.trim().replace(',', '.'))} />
              </label>
            );
          })}
          <label class="filter">
            <span>{ra('ra_k_label')}</span>
            <select name="segments-k" value={p.k || ''} onChange={(e) => onParam('k', (e.target as HTMLSelectElement).value)}>
              <option value="">{ra('ra_k_auto')}</option>
              {KMEANS_KS.map((k) => (
                <option value={String(k)}>{k}</option>
              ))}
            </select>
          </label>
        </div>
      )}
      {onParam && !data && !error && <Loading />}
      {data && (
        <div class="dash-grid">
          <div class="ra-sub" data-part="jones-sasser">
            <h4>
              {ra('ra_js_title')} <NBadge n={js ? js.n : 0} small={js ? js.small : true} />
            </h4>
            {js && js.n > 0 ? (
              <Chart option={jsOption} kind="ra-jones-sasser" label={ra('ra_js_title')} values={jsCounts.map((c) => c.count)} height={200} />
            ) : (
              <p class="empty">{ra('ra_js_needs')}</p>
            )}
          </div>
          <div class="ra-sub" data-part="kmeans">
            <h4>
              {ra('ra_clusters_title')} <NBadge n={km ? km.n : 0} small={km ? km.small : true} />
              {km && km.k > 0 && (
                <span class="muted ra-k">
                  {' '}
                  {ra('ra_k', { k: km.k })}
                  {km.k_chosen && ` (${ra('ra_k_chosen')})`}
                  {km.silhouette !== null && `, ${ra('ra_silhouette', { s: fmt(km.silhouette, locale) })}`}
                </span>
              )}
            </h4>
            {km && <StatusNote status={km.status} />}
            {clusters.length > 0 && (
              <>
                <Chart option={kmOption} kind="ra-clusters" label={ra('ra_clusters_title')} values={clusters.map((c) => c.size)} height={240} />
                <div class="scroll-x">
                  <table class="data compact ra-table">
                    <thead>
                      <tr>
                        <th>{ra('ra_cluster', { n: '' }).trim()}</th>
                        <th class="num">{ra('ra_size')}</th>
                        <th class="num">{ra('ra_share')}</th>
                        {comps.map((c) => (
                          <th class="num">{loc(c.name, lang)}</th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {clusters.map((cl) => (
                        <tr data-cluster={cl.cluster}>
                          <td>{cl.cluster}</td>
                          <td class="num">{cl.size}</td>
                          <td class="num">{fmtPct(cl.share, locale)}</td>
                          {comps.map((c) => (
                            <td class="num">{fmt(cl.profile[c.code], locale)}</td>
                          ))}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
          </div>
        </div>
      )}
    </FigurePanel>
  );
}
