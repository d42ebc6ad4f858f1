// A list of requests with "load more" by next_cursor: the hook that loads it for a filter set,
// and the table that shows it (the inbox and the company card's tab). A live list (the inbox)
// refetches the pages it shows, with its filters, on the workspace's request events (throttled),
// and highlights for a moment the rows that came or changed.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
import { REQUEST_EVENTS, useLive, useThrottled } from '../../live';
import { href } from '../../router';
import { listRequests, type Filters, type Req } from '../../requests';
import { ErrorBox, formatDateTime, Loading } from '../ui';
import { assigneeText, KindBadge, PriorityBadge, ReqStatusBadge } from './RequestBits';

export interface RequestList {
  items: Req[] | null;
  error: unknown;
  loading: boolean;
  hasMore: boolean;
  more: () => void;
  retry: () => void;
  /** Ids of the rows that a live refetch brought or changed, highlighted for a moment. */
  fresh: ReadonlySet<number>;
}

const NO_ROWS: ReadonlySet<number> = new Set();
const FRESH_MS = 4000;
const LIST_MAX = 500; // the API's largest page

/** What a row shows: a change of any of it highlights the row. */
const rowSig = (r: Req) => `${r.version}|${r.status}|${r.messages}|${r.last_message_at}|${r.assignee_email}`;

/**
 * The first page for filters (again whenever they change), and the next ones on demand; with
 * live, kept current by the workspace's request events.
 */
export function useRequestList(ws: string, filters: Filters, opts: { live?: boolean } = {}): RequestList {
  const key = JSON.stringify(filters);
  const [items, setItems] = useState<Req[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const [fresh, setFresh] = useState<ReadonlySet<number>>(NO_ROWS);
  const current = useRef(key);
  current.current = key;
  const shown = useRef<{ items: Req[] | null; cursor: string | null }>({ items, cursor });
  shown.current = { items, cursor };
  const freshTimer = useRef(0);
  useEffect(() => () => window.clearTimeout(freshTimer.current), []);

  /** Refetches the rows shown (and any new ones above them) with the current filters. */
  const refresh = useThrottled(async () => {
    const { items: was, cursor: next } = shown.current;
    if (!was) return; // the first page is on its way anyway
    const asked = current.current;
    // Everything shown: ask for some more, so that new requests come too and the end stays the end.
    const limit = Math.min(LIST_MAX, Math.max(50, was.length + (next ? 0 : 50)));
    const p = await listRequests(ws, filters, null, limit);
    if (current.current !== asked) return;
    const before = new Map(was.map((r) => [r.id, rowSig(r)]));
    const got = p.items || [];
    const changed = got.filter((r) => before.get(r.id) !== rowSig(r)).map((r) => r.id);
    setItems(got);
    setCursor(p.next_cursor);
    if (changed.length) {
      setFresh(new Set(changed));
      window.clearTimeout(freshTimer.current);
      freshTimer.current = window.setTimeout(() => setFresh(NO_ROWS), FRESH_MS);
    }
  });
  useLive(opts.live ? ws : null, REQUEST_EVENTS, (e) => {
    // A list of one company skips the other companies' events.
    if (e && filters.account_id && e.account_id !== null && String(e.account_id) !== filters.account_id) return;
    refresh.run();
  });

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    setFresh(NO_ROWS);
    listRequests(ws, filters, null)
      .then((p) => {
        if (!live) return;
        setItems(p.items || []);
        setCursor(p.next_cursor);
      })
      .catch((e) => live && setError(e))
      .finally(() => live && setLoading(false));
    return () => { live = false; };
  }, [ws, key, tick]);

  const more = () => {
    if (!cursor || loading) return;
    const asked = key;
    setLoading(true);
    setError(null);
    listRequests(ws, filters, cursor)
      .then((p) => {
        if (current.current !== asked) return;
        // A live refetch may have brought some of them meanwhile.
        setItems((cur) => {
          const have = new Set((cur || []).map((r) => r.id));
          return [...(cur || []), ...(p.items || []).filter((r) => !have.has(r.id))];
        });
        setCursor(p.next_cursor);
      })
      .catch((e) => current.current === asked && setError(e))
      .finally(() => current.current === asked && setLoading(false));
  };
  return { items, error, loading, hasMore: !!cursor, more, retry: () => setTick(tick + 1), fresh };
}

export function RequestTable(props: { ws: string; list: RequestList; filtered: boolean; hideCompany?: boolean }) {
  const { t, locale } = useI18n();
  const { items, error, loading, hasMore } = props.list;
  return (
    <>
      <ErrorBox error={error} onRetry={items ? undefined : props.list.retry} />
      {!items ? (
        !error && <Loading />
      ) : items.length === 0 ? (
        <p class="empty">{props.filtered ? t('requests_empty_filtered') : t('requests_empty')}</p>
      ) : (
        <div class={`table-wrap${loading ? ' is-loading' : ''}`}>
          <table class="data requests-table">
            <thead>
              <tr>
                <th>{t('request_subject')}</th>
                {!props.hideCompany && <th>{t('request_company')}</th>}
                <th>{t('request_kind')}</th>
                <th>{t('request_status')}</th>
                <th>{t('request_priority')}</th>
                <th>{t('request_assignee')}</th>
                <th>{t('request_last_activity')}</th>
                <th class="num">{t('request_messages')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-request-id={r.id} data-status={r.status} class={props.list.fresh.has(r.id) ? 'row-fresh' : undefined}>
                  <td class="cell-name">
                    <a href={href.request(props.ws, r.id)} class="user-text">{r.subject}</a>
                    {r.contact_name && <div class="sub">{r.contact_name}</div>}
                  </td>
                  {!props.hideCompany && (
                    <td data-label={t('request_company')}>
                      <a href={href.account(props.ws, r.account_id)}>{r.account_name}</a>
                    </td>
                  )}
                  <td data-label={t('request_kind')}><KindBadge kind={r.kind} /></td>
                  <td data-label={t('request_status')}>
                    <span class="cell-badges">
                      <ReqStatusBadge status={r.status} />
                      {(r.first_response_breached || r.resolution_breached) && r.status !== 'resolved' && r.status !== 'closed' && (
                        <span class="badge req-breached">{t('request_breached')}</span>
                      )}
                    </span>
                  </td>
                  <td data-label={t('request_priority')}><PriorityBadge priority={r.priority} /></td>
                  <td data-label={t('request_assignee')} class={r.assignee_email ? '' : 'muted'}>{assigneeText(r, t('request_nobody'))}</td>
                  <td data-label={t('request_last_activity')} class="nowrap">{formatDateTime(r.last_message_at, locale)}</td>
                  <td data-label={t('request_messages')} class="num">{r.messages}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items && items.length > 0 && (
        <div class="pager">
          <span class="muted">{t('requests_shown_n', { n: items.length })}</span>
          {hasMore && (
            <button type="button" class="btn" data-action="load-more" disabled={loading} onClick={props.list.more}>
              {t('requests_load_more')}
            </button>
          )}
        </div>
      )}
    </>
  );
}
