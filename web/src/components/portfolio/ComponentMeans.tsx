// Each component's mean over the clients' latest scores with its 95 % interval (bars with
// whiskers), and the table of n, mean, standard deviation, interval and top-2 share.
import { useMemo } from 'preact/hooks';
import { loc, type Portfolio } from '../../loyalty';
import { useI18n } from '../../i18n';
import { formatNumber } from '../ui';
import { Chart } from '../Chart';

interface WhiskerApi {
  value: (dim: number) => number;
  coord: (p: number[]) => number[];
  size: (p: number[]) => number[];
}

export function ComponentMeans({ components, scale }: { components: Portfolio['components']; scale: { min: number; max: number } | null }) {
  const { t, lang, locale } = useI18n();
  const names = components.map((c) => loc(c.name, lang));
  const f = (v: number | null | undefined, d = 2) => (v === null || v === undefined ? t('dash') : formatNumber(v, locale, d));
  const option = useMemo(
    () => ({
      grid: { left: 40, right: 12, top: 16, bottom: 48 },
      tooltip: {
        trigger: 'axis',
        formatter: (params: { dataIndex: number }[]) => {
          const c = components[params.length ? params[0].dataIndex : 0];
          if (!c) return '';
          const lines = [loc(c.name, lang), `${t('mean')}: ${f(c.mean)} (n=${c.n})`];
          if (c.ci95) lines.push(`${t('ci95')}: ${f(c.ci95[0])} – ${f(c.ci95[1])}`);
          return lines.join('\n');
        },
      },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, width: 110, overflow: 'truncate' } },
      yAxis: { type: 'value', min: scale ? scale.min : undefined, max: scale ? scale.max : undefined },
      series: [
        {
          type: 'bar',
          name: t('mean'),
          data: components.map((c) => (c.mean === null ? '-' : Number(c.mean.toFixed(2)))),
          itemStyle: { color: '#9db3ea' },
          barMaxWidth: 56,
        },
        {
          type: 'custom',
          name: t('ci95'),
          data: components.map((c, i) => (c.ci95 ? [i, c.ci95[0], c.ci95[1]] : [i, '-', '-'])),
          encode: { x: 0, y: [1, 2] },
          clip: true,
          z: 3,
          renderItem: (_params: unknown, api: WhiskerApi) => {
            const lo = api.value(1);
            const hi = api.value(2);
            if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
            const a = api.coord([api.value(0), lo]);
            const b = api.coord([api.value(0), hi]);
            const w = Math.min(12, api.size([1, 0])[0] * 0.15);
            const style = { stroke: '#1d2330', lineWidth: 1.5 };
            return {
              type: 'group',
              children: [
                { type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style },
                { type: 'line', shape: { x1: a[0] - w, y1: a[1], x2: a[0] + w, y2: a[1] }, style },
                { type: 'line', shape: { x1: b[0] - w, y1: b[1], x2: b[0] + w, y2: b[1] }, style },
              ],
            };
          },
        },
      ],
    }),
    [components, lang, t, locale, scale],
  );
  return (
    <section class="panel">
      <h3>{t('portfolio_components')}</h3>
      <Chart option={option} kind="component-means" label={t('portfolio_components')} values={components.map((c) => c.mean)} height={260} />
      <div class="scroll-x">
        <table class="data compact component-stats">
          <thead>
            <tr>
              <th>{t('component')}</th>
              <th class="num">n</th>
              <th class="num">{t('mean')}</th>
              <th class="num">{t('sd')}</th>
              <th class="num">{t('ci95')}</th>
              <th class="num">{t('top2_share')}</th>
            </tr>
          </thead>
          <tbody>
            {components.map((c) => (
              <tr data-component-id={c.component_id}>
                <td>{loc(c.name, lang)}</td>
                <td class="num">{c.n}</td>
                <td class="num">{f(c.mean)}</td>
                <td class="num">{f(c.sd)}</td>
                <td class="num">{c.ci95 ? `${f(c.ci95[0])} – ${f(c.ci95[1])}` : t('dash')}</td>
                <td class="num">{c.top2_share === null ? t('dash') : `${formatNumber(c.top2_share * 100, locale, 0)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
