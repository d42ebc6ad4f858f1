// A stage's live figures: signals within the window, the share of them that are negative, and the
// mean of the related components' latest scores with its n.
import type { JourneyStage } from '../../loyalty';
import { useI18n } from '../../i18n';
import { formatNumber } from '../ui';

export function StageFigures({ figures }: { figures: JourneyStage['figures'] }) {
  const { t, locale } = useI18n();
  const share = figures.negative_share;
  return (
    <dl class="stage-figures">
      <div>
        <dt>{t('journey_signals')}</dt>
        <dd data-figure="signals">{figures.signals}</dd>
      </div>
      <div>
        <dt>{t('journey_negative_share')}</dt>
        <dd data-figure="negative_share" class={share !== null && share >= 0.5 ? 'bad' : ''}>
          {share === null ? t('dash') : `${formatNumber(share * 100, locale, 0)}%`}
          {figures.signals > 0 && <span class="sub"> ({figures.negative})</span>}
        </dd>
      </div>
      <div>
        <dt>{t('journey_component_mean')}</dt>
        <dd data-figure="component_mean">
          {figures.component_mean === null ? t('dash') : formatNumber(figures.component_mean, locale, 2)}
          {figures.component_n > 0 && <span class="sub"> (n={figures.component_n})</span>}
        </dd>
      </div>
    </dl>
  );
}
