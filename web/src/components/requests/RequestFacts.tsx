// The facts under a request's title: the company (linked to its card), the person, how it came
// in, its dates and service-level deadlines, the client's rating and the loyalty signal.
import type { ComponentChildren } from 'preact';
import { useI18n } from '../../i18n';
import { href } from '../../router';
import type { Req } from '../../requests';
import { formatDateTime } from '../ui';

export function RequestFacts({ ws, req }: { ws: string; req: Req }) {
  const { t, locale } = useI18n();
  const date = (v: string | null) => formatDateTime(v, locale);
  const open = req.status !== 'resolved' && req.status !== 'closed';
  const fact = (name: string, label: string, value: ComponentChildren) => (
    <div class="prop" data-fact={name}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  const due = (at: string | null, breached: boolean, pending: boolean) =>
    at ? (
      <>
        {date(at)}
        {breached && pending && <span class="badge req-breached">{t('request_breached')}</span>}
      </>
    ) : null;
  return (
    <dl class="request-facts">
      {fact('company', t('request_company'), <a href={href.account(ws, req.account_id)} data-link="company">{req.account_name}</a>)}
      {fact('person', t('request_person'), req.contact_name || '—')}
      {fact('channel', t('request_created_at'), (
        <>
          {date(req.created_at)} <span class="muted">· {req.channel === 'portal' ? t('request_channel_portal') : t('request_channel_staff')}</span>
        </>
      ))}
      {req.first_response_at
        ? fact('first_response', t('request_first_response_at'), date(req.first_response_at))
        : req.first_response_due_at && fact('first_response_due', t('request_due_first'),
          due(req.first_response_due_at, req.first_response_breached, true))}
      {req.resolved_at
        ? fact('resolved', t('request_resolved_at'), date(req.resolved_at))
        : req.resolution_due_at && fact('resolution_due', t('request_due_resolution'), due(req.resolution_due_at, req.resolution_breached, open))}
      {req.closed_at && fact('closed', t('request_closed_at'), date(req.closed_at))}
      {req.escalated_at && fact('escalated', t('request_escalated'), date(req.escalated_at))}
      {req.reopened > 0 && fact('reopened', t('request_reopened'), req.reopened)}
      {req.rating !== null && fact('rating', t('request_rating'), (
        <>
          {t('request_rating_value', { n: req.rating })}
          {req.rating_comment && <div class="sub pre">{req.rating_comment}</div>}
        </>
      ))}
      {req.signal_assessment_id && (
        <div class="prop prop-wide" data-fact="signal">
          <dd><a href={href.account(ws, req.account_id, 'loyalty')}>{t('request_signal')}</a></dd>
        </div>
      )}
    </dl>
  );
}
