// The company's requests, newest activity first, kept current by the live events.
import { useEffect, useRef, useState } from 'preact/hooks';
import { portal, type PortalRequest, type PortalSession } from './api';
import { formatWhen, useI18n } from './i18n';
import { useLive } from './live';
import { isUnread } from './seen';
import { ErrorBox, KindBadge, StatusBadge } from './ui';

const REFETCH_DELAY_MS = 150;

export function RequestList({ session }: { session: PortalSession }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<PortalRequest[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [more, setMore] = useState(false);
  const timer = useRef(0);
  const shown = useRef(1); // pages shown, refetched together on a live event
  const seq = useRef(0); // the latest load: an older one that answers late is dropped

  const load = async () => {
    const mine = ++seq.current;
    try {
      let all: PortalRequest[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < shown.current; i++) {
        const page = await portal.list(cursor);
        all = all.concat(page.items);
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      if (mine !== seq.current) return;
      setItems(all);
      setNext(cursor);
      setError(null);
    } catch (e) {
      if (mine === seq.current) setError(e);
    }
  };

  useEffect(() => {
    load();
    return () => window.clearTimeout(timer.current);
  }, []);

  useLive(() => {
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(load, REFETCH_DELAY_MS);
  });

  const loadMore = async () => {
    setMore(true);
    try {
      const page = await portal.list(next);
      setItems((cur) => (cur || []).concat(page.items));
      setNext(page.next_cursor);
      shown.current++;
    } catch (e) {
      setError(e);
    } finally {
      setMore(false);
    }
  };

  return (
    <section class="p-page" data-page="list">
      <div class="p-page-head">
        <h1>{t('list_title', { company: session.company.name })}</h1>
        <a class="p-btn p-btn-primary" href="#/new" data-action="new-request">{t('nav_new')}</a>
      </div>
      {!session.person.has_password && (
        <p class="p-hint" data-hint="password">
          {t('set_password_hint')} <a href="#/password">{t('set_password_link')}</a>
        </p>
      )}
      <ErrorBox error={error}>
        {' '}<button type="button" class="p-btn p-btn-ghost" onClick={load}>{t('retry')}</button>
      </ErrorBox>
      {items === null && !error && <p class="p-muted">{t('loading')}</p>}
      {items !== null && items.length === 0 && <p class="p-empty">{t('list_empty')}</p>}
      {items !== null && items.length > 0 && (
        <ul class="p-list" aria-label={t('title')}>
          {items.map((r) => {
            const unread = isUnread(session.person.id, r);
            return (
              <li key={r.id} data-request-id={r.id} data-status={r.status} class={unread ? 'p-unread' : ''}>
                <a href={`#/r/${r.id}`} class="p-row">
                  <span class="p-row-subject">
                    {unread && <span class="p-dot" title={t('unread')}><span class="p-sr">{t('unread')}</span></span>}
                    {r.subject}
                  </span>
                  <span class="p-row-meta">
                    <KindBadge kind={r.kind} />
                    <StatusBadge status={r.status} />
                  </span>
                  <span class="p-row-when">
                    <span class="p-sr">{t('list_activity')}: </span>
                    <time dateTime={r.last_message_at}>{formatWhen(r.last_message_at, locale)}</time>
                    <span class="p-row-count" title={t('list_messages')}>{r.messages}</span>
                  </span>
                </a>
              </li>
            );
          })}
        </ul>
      )}
      {next && (
        <button type="button" class="p-btn p-btn-ghost p-more" disabled={more} onClick={loadMore}>{t('list_more')}</button>
      )}
    </section>
  );
}
