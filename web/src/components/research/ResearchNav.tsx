// The research section's sub-navigation: studies, the analytics dashboard and the negative base
// (#/w/{ws}/research/studies, …/dashboard, …/negative-base). Every research page shows it on top.
import { href } from '../../router';
import { useI18n, type Key } from '../../i18n';

export type ResearchSection = 'studies' | 'dashboard' | 'negative';

export function ResearchNav({ ws, current }: { ws: string; current: ResearchSection }) {
  const { t } = useI18n();
  const item = (key: Key, target: string, name: ResearchSection) => (
    <a href={target} class={`tab${current === name ? ' active' : ''}`} aria-current={current === name ? 'page' : undefined}
      data-research={name}>
      {t(key)}
    </a>
  );
  return (
    <nav class="tabs research-nav" aria-label={t('research_nav_label')}>
      {item('research_nav_studies', href.studies(ws), 'studies')}
      {item('research_nav_dashboard', href.researchDashboard(ws), 'dashboard')}
      {item('research_nav_negative', href.negativeBase(ws), 'negative')}
    </nav>
  );
}
