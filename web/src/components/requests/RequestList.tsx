// A list of requests with "load more" by next_cursor: the hook that loads it for a filter set,
// and the table that shows it (the inbox and the company card's tab).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n } from '../../i18n';
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
}

/** The first page for filters (again whenever they change), and the next ones on demand. */
export function useRequestList(ws: string, filters: Filters): RequestList {
  const key = JSON.stringify(filters);
  const [items, setItems] = useState<Req[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const current = useRef(key);
  current.current = key;

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
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
        setItems((cur) => [...(cur || []), ...(p.items || [])]);
        setCursor(p.next_cursor);
      })
      .catch((e) => current.current === asked && setError(e))
      .finally(() => current.current === asked && setLoading(false));
  };
  return { items, error, loading, hasMore: !!cursor, more, retry: () => setTick(tick + 1) };
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
                <tr data-request-id={r.id} data-status={r.status}>
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
