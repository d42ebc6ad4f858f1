// Answering a request: one text box and four ways to send it — a reply, a reply that waits for
// the client, a reply that resolves the request, or an internal note only staff see. The text
// stays while the page around it updates live; it is emptied only once it is sent.
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { useI18n, type Key } from '../../i18n';
import { pointerErrors } from '../../loyalty';
import { requestPath, type Req, type RequestMessage } from '../../requests';
import { errorText } from '../ui';

type How = 'reply' | 'wait' | 'resolve' | 'note';
const HOW: [How, Key, string][] = [
  ['reply', 'reply_send', 'btn-primary'],
  ['wait', 'reply_wait', 'btn-ghost'],
  ['resolve', 'reply_resolve', 'btn-ghost'],
  ['note', 'reply_note', 'btn-note'],
];

function bodyOf(how: How, text: string): Record<string, unknown> {
  if (how === 'note') return { body: text, internal: true };
  if (how === 'wait') return { body: text, status: 'waiting' };
  if (how === 'resolve') return { body: text, status: 'resolved' };
  return { body: text };
}

/** What POST …/messages answers: the message posted and the request after it. */
export interface Posted { message: RequestMessage; request: Req }

export function ReplyBox(props: { ws: string; req: Req; onPosted: (how: 'reply' | 'note', posted: Posted) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (how: How) => {
    if (!text.trim()) {
      setError(t('err_required'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const posted = await api.post<Posted>(requestPath.messages(props.ws, props.req.id), bodyOf(how, text));
      setText('');
      props.onPosted(how === 'note' ? 'note' : 'reply', posted);
    } catch (e) {
      const byField = Object.values(pointerErrors(e));
      setError(byField.length ? byField.join('; ') : errorText(e, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="reply-box panel" data-form="reply" noValidate onSubmit={(e) => { e.preventDefault(); send('reply'); }}>
      <div class={`field${error ? ' field-invalid' : ''}`}>
        <label for="f-reply">{t('reply_label')}</label>
        <textarea id="f-reply" name="reply" rows={4} maxLength={20000} value={text} placeholder={t('reply_placeholder')}
          aria-invalid={error ? true : undefined}
          onInput={(e) => { setText((e.target as HTMLTextAreaElement).value); if (error) setError(null); }} />
        {error && <div class="field-error" role="alert" data-error="reply">{error}</div>}
      </div>
      <div class="btn-row reply-actions">
        {HOW.map(([how, label, cls]) => (
          <button type={how === 'reply' ? 'submit' : 'button'} class={`btn ${cls}`} data-action={`reply-${how}`} disabled={busy}
            onClick={how === 'reply' ? undefined : () => send(how)}>
            {t(label)}
          </button>
        ))}
      </div>
    </form>
  );
}
