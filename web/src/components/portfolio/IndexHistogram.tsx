// The distribution of the clients' loyalty index: ten bins of width 10 as a bar chart.
import { useMemo } from 'preact/hooks';
import type { Portfolio } from '../../loyalty';
import { useI18n } from '../../i18n';
import { Chart } from '../Chart';

export function IndexHistogram({ index }: { index: Portfolio['index'] }) {
  const { t } = useI18n();
  const bins = index.histogram;
  const option = useMemo(
    () => ({
      grid: { left: 40, right: 12, top: 16, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: bins.map((b) => `${b.from}–${b.to}`), name: t('loyalty_index'), nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', name: t('clients_n_label'), data: bins.map((b) => b.count), itemStyle: { color: '#2f5bd3' }, barCategoryGap: '15%' }],
    }),
    [bins, t],
  );
  return (
    <section class="panel">
      <h3>{t('portfolio_histogram')}</h3>
      <Chart option={option} kind="histogram" label={t('portfolio_histogram')} values={bins.map((b) => b.count)} height={240} />
    </section>
  );
}
