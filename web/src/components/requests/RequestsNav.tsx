// The dialog window's sub-navigation on its list pages: the inbox, the figures and the settings
// (#/w/{ws}/requests, …/requests/figures, …/requests/settings) and the webhooks
// (…/requests/webhooks, whose strings are webhookStrings.ts's).
import { href } from '../../router';
import { useRq, type RqKey } from '../../requestStrings';
import { useWh } from '../../webhookStrings';

export type RequestsSection = 'inbox' | 'figures' | 'settings' | 'webhooks';

export function RequestsNav({ ws, current }: { ws: string; current: RequestsSection }) {
  const { rq } = useRq();
  const { wh } = useWh();
  const item = (key: RqKey, target: string, name: RequestsSection) => (
    <a href={target} class={`tab${current === name ? ' active' : ''}`} aria-current={current === name ? 'page' : undefined}
      data-requests-tab={name}>
      {rq(key)}
    </a>
  );
  return (
    <nav class="tabs requests-nav" aria-label={rq('rq_nav_label')}>
      {item('rq_nav_inbox', href.requests(ws), 'inbox')}
      {item('rq_nav_figures', href.requestFigures(ws), 'figures')}
      {item('rq_nav_settings', href.requestSettings(ws), 'settings')}
      <a href={href.webhooks(ws)} class={`tab${current === 'webhooks' ? ' active' : ''}`}
        aria-current={current === 'webhooks' ? 'page' : undefined} data-requests-tab="webhooks">
        {wh('wh_nav')}
      </a>
    </nav>
  );
}
