// One request and its thread: the client's and the supplier's messages, a reply box (disabled,
// with the reason, once the request is resolved or closed, and a Reopen button while it may be
// reopened), Close for a resolved request, and after resolution a 1–5 rating and a helpful /
// not helpful mark on each reply of the supplier. Refetched on the live events that concern it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, portal, type Message, type PortalRequest, type PortalSession } from './api';
import { formatWhen, useI18n } from './i18n';
import { useLive } from './live';
import { BODY_MAX } from './NewRequest';
import { markSeen } from './seen';
import { ErrorBox, KindBadge, StatusBadge, errorText } from './ui';

const REFETCH_DELAY_MS = 100;

export function Thread({ id, session }: { id: number; session: PortalSession }) {
  const { t, locale } = useI18n();
  const [r, setR] = useState<PortalRequest | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reply, setReply] = useState('');
  const [fresh, setFresh] = useState<Set<number>>(new Set());
  const [announce, setAnnounce] = useState('');
  const known = useRef<Set<number> | null>(null);
  const timer = useRef(0);
  const shownId = useRef(id);
  shownId.current = id;

  const load = async () => {
    const want = id;
    try {
      const x = await portal.get(want);
      if (shownId.current !== want) return; // another request is shown by now
      const ids = new Set((x.thread || []).map((m) => m.id));
      if (known.current) {
        const added = [...ids].filter((m) => !known.current!.has(m));
        if (added.length) {
          setFresh(new Set(added));
          if ((x.thread || []).some((m) => added.includes(m.id) && m.author === 'staff')) setAnnounce(t('updated_live'));
        }
      }
      known.current = ids;
      setR(x);
      setLoadError(null);
      markSeen(session.person.id, x);
    } catch (e) {
      if (shownId.current === want) setLoadError(e);
    }
  };

  useEffect(() => {
    setR(null);
    setLoadError(null);
    setActionError(null);
    known.current = null;
    setFresh(new Set());
    load();
    return () => window.clearTimeout(timer.current);
  }, [id]);

  useLive((e) => {
    if (e && e.topic_id !== id) return;
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(load, REFETCH_DELAY_MS);
  });

  /** Runs a write, then refetches; a failure's text goes under the thread. */
  const act = async (fn: () => Promise<unknown>, on409?: string) => {
    setBusy(true);
    setActionError(null);
    try {
      await fn();
      await load();
      return true;
    } catch (e) {
      setActionError(e instanceof ApiError && e.status === 409 && on409 ? on409 : errorText(e, t));
      if (e instanceof ApiError && e.status === 409) await load();
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (loadError && !r) {
    const nf = loadError instanceof ApiError && loadError.status === 404;
    return (
      <section class="p-page" data-page="request">
        <a class="p-back" href="#/">{t('back')}</a>
        <ErrorBox error={nf ? t('not_found') : loadError} />
      </section>
    );
  }
  if (!r) return <section class="p-page" data-page="request"><p class="p-muted">{t('loading')}</p></section>;

  const done = r.status === 'resolved' || r.status === 'closed';
  const send = async (e: Event) => {
    e.preventDefault();
    if (!reply.trim()) return;
    if (await act(() => portal.reply(id, reply))) setReply('');
  };

  return (
    <section class="p-page" data-page="request" data-request-id={r.id} data-status={r.status}>
      <a class="p-back" href="#/">{t('back')}</a>
      <header class="p-thread-head">
        <h1>{r.subject}</h1>
        <div class="p-thread-meta">
          <KindBadge kind={r.kind} />
          <StatusBadge status={r.status} />
          <span class="p-muted">{t('thread_opened', { date: formatWhen(r.created_at, locale) })}</span>
        </div>
      </header>

      <ol class="p-thread" aria-label={r.subject}>
        {(r.thread || []).map((m) => (
          <MessageItem key={m.id} m={m} fresh={fresh.has(m.id)} canMark={done} busy={busy}
            onMark={(v) => act(() => portal.helpful(id, m.id, v))} />
        ))}
      </ol>
      <div class="p-sr" aria-live="polite">{announce}</div>

      <form class="p-card p-reply" onSubmit={send} data-form="reply">
        <label class="p-field">
          <span>{t('reply_label')}</span>
          <textarea name="body" rows={4} maxLength={BODY_MAX} value={reply} disabled={done || busy}
            aria-describedby={done ? 'p-reply-why' : undefined}
            onInput={(e) => setReply((e.target as HTMLTextAreaElement).value)} />
        </label>
        {done && (
          <p id="p-reply-why" class="p-reply-why" data-why={r.can_reopen ? 'reopen' : 'expired'}>
            {r.can_reopen ? t(r.status === 'resolved' ? 'reply_resolved' : 'reply_closed') : t('reply_no_reopen')}
            {r.can_reopen && r.reopen_until && <> <span class="p-muted">({t('reopen_until', { date: formatWhen(r.reopen_until, locale) })})</span></>}
          </p>
        )}
        <div class="p-actions">
          {!done && <button class="p-btn p-btn-primary" type="submit" disabled={busy || !reply.trim()} data-action="send">{t('reply_send')}</button>}
          {done && r.can_reopen && (
            <button class="p-btn p-btn-primary" type="button" disabled={busy} data-action="reopen"
              onClick={() => act(() => portal.reopen(id), t('reply_no_reopen'))}>{t('reopen')}</button>
          )}
          {done && !r.can_reopen && <a class="p-btn p-btn-ghost" href="#/new">{t('new_request_instead')}</a>}
          {r.status === 'resolved' && (
            <button class="p-btn p-btn-ghost" type="button" disabled={busy} data-action="close" title={t('close_hint')}
              onClick={() => act(() => portal.close(id))}>{t('close')}</button>
          )}
        </div>
        {actionError && <div class="p-alert p-alert-error" role="alert">{actionError}</div>}
      </form>

      {done && <Rating r={r} busy={busy} onRate={(n, c) => act(() => portal.rate(id, n, c))} />}
    </section>
  );
}

function MessageItem({ m, fresh, canMark, busy, onMark }: { m: Message; fresh: boolean; canMark: boolean; busy: boolean; onMark: (v: boolean) => void }) {
  const { t, locale } = useI18n();
  const staff = m.author === 'staff';
  return (
    <li class={`p-msg ${staff ? 'p-msg-staff' : 'p-msg-client'}${fresh ? ' p-msg-fresh' : ''}`} data-message-id={m.id} data-author={m.author}>
      <div class="p-msg-head">
        <span class="p-msg-author">{m.author_name || (staff ? t('thread_staff') : t('thread_you'))}</span>
        {staff && <span class="p-msg-tag">{t('thread_staff')}</span>}
        <time class="p-muted" dateTime={m.created_at}>{formatWhen(m.created_at, locale)}</time>
      </div>
      <div class="p-msg-body">{m.body}</div>
      {staff && canMark && (
        <div class="p-helpful" role="group" aria-label={t('helpful_q')}>
          <span class="p-muted">{t('helpful_q')}</span>
          <button type="button" class={`p-chip${m.helpful === true ? ' active' : ''}`} aria-pressed={m.helpful === true} disabled={busy}
            data-helpful="yes" onClick={() => onMark(true)}>{t('helpful_yes')}</button>
          <button type="button" class={`p-chip${m.helpful === false ? ' active' : ''}`} aria-pressed={m.helpful === false} disabled={busy}
            data-helpful="no" onClick={() => onMark(false)}>{t('helpful_no')}</button>
        </div>
      )}
    </li>
  );
}

function Rating({ r, busy, onRate }: { r: PortalRequest; busy: boolean; onRate: (n: number, comment: string | null) => Promise<boolean> }) {
  const { t } = useI18n();
  const [editing, setEditing] = useState(r.rating === null);
  const [n, setN] = useState<number>(r.rating || 0);
  const [comment, setComment] = useState(r.rating_comment || '');

  useEffect(() => {
    if (r.rating === null) return;
    setN(r.rating);
    setComment(r.rating_comment || '');
  }, [r.rating, r.rating_comment]);

  if (!editing && r.rating !== null) {
    return (
      <div class="p-card p-rating" data-rated={r.rating}>
        <p>{t('rate_done', { n: r.rating })}</p>
        {r.rating_comment && <p class="p-msg-body p-muted">{r.rating_comment}</p>}
        <button class="p-btn p-btn-ghost" type="button" onClick={() => setEditing(true)} data-action="rate-change">{t('rate_change')}</button>
      </div>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    if (n < 1) return;
    if (await onRate(n, comment.trim() ? comment.trim() : null)) setEditing(false);
  };
  return (
    <form class="p-card p-rating" onSubmit={submit} data-form="rating">
      <fieldset class="p-stars">
        <legend>{t('rate_title')}</legend>
        {[1, 2, 3, 4, 5].map((v) => (
          <label key={v} class={v <= n ? 'on' : ''} title={t('rate_star', { n: v })}>
            <input type="radio" name="rating" value={v} checked={n === v} onChange={() => setN(v)} />
            <span aria-hidden="true">★</span>
            <span class="p-sr">{t('rate_star', { n: v })}</span>
          </label>
        ))}
      </fieldset>
      <label class="p-field">
        <span>{t('rate_comment')}</span>
        <textarea name="comment" rows={2} maxLength={2000} value={comment}
          onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} />
      </label>
      <div class="p-actions">
        <button class="p-btn p-btn-primary" type="submit" disabled={busy || n < 1} data-action="rate">{t('rate_submit')}</button>
      </div>
    </form>
  );
}
