// The conversation of a request, oldest first: the client's messages and our replies side by
// side like a chat, internal notes marked as such on a yellow ground. Bodies are plain text with
// their line breaks kept; nothing the server sends is ever treated as HTML. Messages that arrived
// live (fresh) glow for a moment.
import { useI18n } from '../../i18n';
import type { RequestMessage } from '../../requests';
import { formatDateTime } from '../ui';

function Message({ m, fresh }: { m: RequestMessage; fresh: boolean }) {
  const { t, locale } = useI18n();
  const kind = m.internal ? 'internal' : m.author;
  const label = m.internal ? t('msg_internal') : m.author === 'client' ? t('msg_client') : t('msg_staff');
  return (
    <li class={`msg msg-${kind}${fresh ? ' msg-fresh' : ''}`} data-message-id={m.id} data-author={m.author} data-internal={m.internal ? 'true' : undefined}>
      <div class="msg-head">
        <strong class="msg-author">{m.author_name || label}</strong>
        <span class={`msg-label${m.internal ? ' badge badge-internal' : ''}`}>{label}</span>
        {m.internal && <span class="msg-hint">{t('msg_internal_hint')}</span>}
        <time class="msg-time" dateTime={m.created_at}>{formatDateTime(m.created_at, locale)}</time>
      </div>
      <div class="msg-body pre">{m.body}</div>
      {m.helpful !== null && m.helpful !== undefined && (
        <div class={`msg-helpful ${m.helpful ? 'yes' : 'no'}`}>{m.helpful ? t('msg_helpful_yes') : t('msg_helpful_no')}</div>
      )}
    </li>
  );
}

export function Thread({ messages, fresh }: { messages: RequestMessage[]; fresh?: ReadonlySet<number> }) {
  const { t } = useI18n();
  return (
    <section class="thread" aria-label={t('thread_title')}>
      <h2>{t('thread_title')}</h2>
      {messages.length === 0 ? (
        <p class="empty">{t('thread_empty')}</p>
      ) : (
        <ol class="msgs">
          {messages.map((m) => <Message key={m.id} m={m} fresh={!!fresh && fresh.has(m.id)} />)}
        </ol>
      )}
    </section>
  );
}
