// A radar chart of the client's latest component scores against the portfolio means, on the
// workspace's scale, with the same figures as a small table below it.
import { useMemo } from 'preact/hooks';
import { loc, type LoyaltyModel } from '../../loyalty';
import { useI18n } from '../../i18n';
import { formatNumber } from '../ui';
import { Chart } from '../Chart';

export function RadarPanel({ model }: { model: LoyaltyModel }) {
  const { t, lang, locale } = useI18n();
  const comps = model.components;
  const mean = (cid: number) => {
    const p = model.portfolio.find((x) => x.component_id === cid);
    return p && p.mean !== null ? p.mean : null;
  };
  const client = comps.map((c) => c.score);
  const portfolio = comps.map((c) => mean(c.component_id));
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, data: [t('radar_client'), t('radar_portfolio')] },
      radar: {
        radius: '62%',
        center: ['50%', '45%'],
        indicator: comps.map((c) => ({ name: loc(c.name, lang), min: model.scale.min, max: model.scale.max })),
        axisName: { color: '#5d6778' },
      },
      series: [
        {
          type: 'radar',
          data: [
            {
              name: t('radar_client'),
              value: client.map((v) => (v === null ? '-' : v)),
              itemStyle: { color: '#2f5bd3' },
              areaStyle: { color: 'rgba(47, 91, 211, 0.18)' },
            },
            {
              name: t('radar_portfolio'),
              value: portfolio.map((v) => (v === null ? '-' : v)),
              itemStyle: { color: '#8a5a00' },
              lineStyle: { type: 'dashed' },
            },
          ],
        },
      ],
    }),
    [model, lang, t],
  );
  const fmt = (v: number | null) => (v === null ? t('dash') : formatNumber(v, locale, 2));
  return (
    <section class="panel loyalty-radar">
      <h3>{t('radar_title')}</h3>
      {comps.length < 3 ? (
        <p class="muted">{t('radar_too_few')}</p>
      ) : (
        <Chart option={option} kind="radar" label={t('radar_title')} values={{ client, portfolio }} height={280} />
      )}
      <table class="data compact radar-table">
        <thead>
          <tr>
            <th>{t('component')}</th>
            <th class="num">{t('radar_client')}</th>
            <th class="num">{t('radar_portfolio')}</th>
          </tr>
        </thead>
        <tbody>
          {comps.map((c, i) => (
            <tr data-component={c.code}>
              <td>{loc(c.name, lang)}</td>
              <td class="num client-score">{fmt(client[i])}</td>
              <td class="num">{fmt(portfolio[i])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
