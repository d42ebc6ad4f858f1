// The loyalty index 0–100 with its "partial" flag and known share of the weight, the latest
// likelihood to recommend, and the index's quarterly trend as a line chart.
import { useMemo } from 'preact/hooks';
import type { LoyaltyModel } from '../../loyalty';
import { useI18n } from '../../i18n';
import { formatDate, formatNumber } from '../ui';
import { Chart } from '../Chart';

export function IndexPanel({ model }: { model: LoyaltyModel }) {
  const { t, locale } = useI18n();
  const ix = model.index;
  const trend = model.trend;
  const option = useMemo(
    () => ({
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v, locale) : '—') },
      xAxis: { type: 'category', data: trend.map((p) => p.quarter), boundaryGap: false, axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', min: 0, max: 100, splitNumber: 4 },
      series: [
        {
          name: t('loyalty_index'),
          type: 'line',
          connectNulls: false,
          symbolSize: 7,
          lineStyle: { width: 2, color: '#2f5bd3' },
          itemStyle: { color: '#2f5bd3' },
          data: trend.map((p) =>
            p.index === null
              ? '-'
              : { value: p.index, symbol: p.partial ? 'emptyCircle' : 'circle', itemStyle: { color: p.partial ? '#a3b3dd' : '#2f5bd3' } },
          ),
        },
      ],
    }),
    [trend, t, locale],
  );
  return (
    <section class="panel loyalty-index" data-testid="loyalty-index">
      <h3>{t('loyalty_index')}</h3>
      <div class="index-row">
        <div class="index-value" data-index={ix.value === null ? '' : String(ix.value)}>
          {ix.value === null ? t('dash') : formatNumber(ix.value, locale)}
          <span class="index-of"> / 100</span>
        </div>
        <div class="index-meta">
          {ix.partial && (
            <span class="badge badge-partial" title={t('index_partial_hint')}>
              {t('index_partial')}
            </span>
          )}
          <div class="muted">{t('index_known_share', { n: formatNumber(ix.known_weight_share * 100, locale, 0) })}</div>
          <div class="muted">
            {t('recommend_label')}:{' '}
            {model.recommend
              ? t('recommend_value', { v: model.recommend.value, date: formatDate(model.recommend.assessed_on, locale) })
              : t('dash')}
          </div>
        </div>
      </div>
      <h4>{t('index_trend')}</h4>
      {trend.length === 0 ? (
        <p class="muted">{t('trend_empty')}</p>
      ) : (
        <Chart option={option} kind="trend" label={t('index_trend')} values={trend.map((p) => p.index)} height={180} />
      )}
    </section>
  );
}
