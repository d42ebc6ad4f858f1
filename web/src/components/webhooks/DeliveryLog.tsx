// The delivery log of one webhook endpoint, newest first: status, attempts, the receiver's last
// HTTP status and the last error, the times, and the payload on demand. Older deliveries page in
// by next_cursor; while a delivery shown is pending the log refreshes itself (the pages loaded
// so far, at most LOG_MAX). A delivered or failed delivery may be sent again; the server answers
// 409 while it is still pending (or the endpoint is off), which is said beside the log.
import { Fragment } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { ErrorBox, Loading, Notice } from '../ui';
import { canRetry, formatMoment, LOG_MAX, LOG_PAGE, webhookApi, type WebhookDelivery, type WebhookEndpoint } from '../../webhooks';
import { eventLabel, statusLabel, useWh } from '../../webhookStrings';

/** How often a log with pending deliveries asks again. */
const POLL_MS = 1500;

const STATUS_CLASS: Record<string, string> = { pending: 'badge-prospect', delivered: 'badge-active', failed: 'badge-churned' };

export function DeliveryLog(props: {
  ws: string;
  endpoint: WebhookEndpoint;
  /** Changes when the page queued something for this endpoint (a test ping): the log reloads. */
  reloadKey: number;
  onClose: () => void;
}) {
  const { ws, endpoint } = props;
  const { wh, locale } = useWh();
  const [items, setItems] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [retrying, setRetrying] = useState<number | null>(null);
  const [open, setOpen] = useState<number[]>([]);
  // Answers of superseded loads are dropped (a refresh that started before "older" finished…).
  const seq = useRef(0);
  const shown = useRef(0);
  shown.current = items ? items.length : 0;

  /** The newest deliveries again, as many as are shown (at least a page). */
  const refresh = async () => {
    const my = ++seq.current;
    try {
      const limit = Math.min(Math.max(LOG_PAGE, shown.current), LOG_MAX);
      const page = await webhookApi.deliveries(ws, endpoint.id, limit);
      if (my !== seq.current) return;
      setItems(page.items);
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      if (my === seq.current) setError(e);
    }
  };

  const older = async () => {
    if (!cursor) return;
    const my = ++seq.current;
    setBusy(true);
    try {
      const page = await webhookApi.deliveries(ws, endpoint.id, LOG_PAGE, cursor);
      if (my !== seq.current) return;
      setItems((cur) => [...(cur || []), ...page.items.filter((d) => !(cur || []).some((x) => x.id === d.id))]);
      setCursor(page.next_cursor);
      setError(null);
    } catch (e) {
      if (my === seq.current) setError(e);
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    setItems(null);
    setCursor(null);
    shown.current = 0;
    refresh();
  }, [ws, endpoint.id]);
  useEffect(() => {
    if (props.reloadKey) refresh();
  }, [props.reloadKey]);

  // Pending deliveries change by themselves: ask again until none is pending.
  const pending = !!items && items.some((d) => d.status === 'pending');
  useEffect(() => {
    if (!pending || busy) return;
    const id = window.setTimeout(refresh, POLL_MS);
    return () => window.clearTimeout(id);
  }, [pending, busy, items]);

  const retry = async (d: WebhookDelivery) => {
    setRetrying(d.id);
    setConflict(null);
    try {
      const fresh = await webhookApi.retry(ws, endpoint.id, d.id);
      seq.current++;
      setItems((cur) => (cur || []).map((x) => (x.id === fresh.id ? fresh : x)));
      setNotice(wh('wh_retried', { id: d.id }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setConflict(/inactive/i.test(e.problem.detail || '') ? wh('wh_inactive_conflict') : wh('wh_retry_pending', { id: d.id }));
        await refresh();
      } else {
        setError(e);
      }
    } finally {
      setRetrying(null);
    }
  };

  return (
    <section class="panel wh-log" data-log={endpoint.id} aria-labelledby="wh-log-title">
      <div class="section-head wh-log-head">
        <h2 id="wh-log-title">{wh('wh_log_title', { url: endpoint.url })}</h2>
        <div class="btn-row">
          <button type="button" class="btn btn-small" data-action="refresh-log" onClick={() => { setConflict(null); refresh(); }}>
            {wh('wh_log_refresh')}
          </button>
          <button type="button" class="btn btn-small btn-ghost" data-action="close-log" onClick={props.onClose}>
            {wh('wh_log_close')}
          </button>
        </div>
      </div>
      <p class="muted small-note">{wh('wh_log_hint')}</p>
      <Notice text={notice} onDone={() => setNotice(null)} />
      {conflict && (
        <div class="alert alert-warn" role="alert" data-retry-conflict>
          <span>{conflict}</span>
          <button type="button" class="btn btn-small btn-ghost" aria-label="×" onClick={() => setConflict(null)}>×</button>
        </div>
      )}
      <ErrorBox error={error} onRetry={refresh} />
      {items === null ? (
        !error && <Loading />
      ) : items.length === 0 ? (
        <p class="empty" data-log-empty>{wh('wh_log_empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data wh-deliveries">
            <thead>
              <tr>
                <th class="num">{wh('wh_col_id')}</th>
                <th>{wh('wh_col_event')}</th>
                <th>{wh('wh_col_status')}</th>
                <th class="num">{wh('wh_col_attempts')}</th>
                <th class="num">{wh('wh_col_http')}</th>
                <th>{wh('wh_col_error')}</th>
                <th>{wh('wh_col_times')}</th>
                <th><span class="sr-only">{wh('wh_col_actions')}</span></th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <Fragment key={d.id}>
                <tr data-delivery={d.id} data-status={d.status}>
                  <td class="num" data-label={wh('wh_col_id')}>{d.id}</td>
                  <td data-label={wh('wh_col_event')}>
                    <span>{eventLabel(wh, d.event)}</span> <code class="wh-code">{d.event}</code>
                    <div>
                      <button type="button" class="btn btn-link btn-small wh-payload-toggle" data-action="toggle-payload"
                        aria-expanded={open.includes(d.id)} aria-controls={`wh-payload-${d.id}`}
                        onClick={() => setOpen((cur) => (cur.includes(d.id) ? cur.filter((x) => x !== d.id) : [...cur, d.id]))}>
                        {open.includes(d.id) ? '▾' : '▸'} {wh('wh_payload')}
                      </button>
                    </div>
                  </td>
                  <td data-label={wh('wh_col_status')}>
                    <span class={`badge ${STATUS_CLASS[d.status] || ''}`} data-field="status">{statusLabel(wh, d.status)}</span>
                  </td>
                  <td class="num" data-label={wh('wh_col_attempts')} data-field="attempts">{d.attempts}</td>
                  <td class="num" data-label={wh('wh_col_http')} data-field="http">
                    {d.last_status_code ?? (d.attempts > 0 && d.last_error ? wh('wh_no_answer') : '—')}
                  </td>
                  <td data-label={wh('wh_col_error')} data-field="error" class="wh-error">{d.last_error || '—'}</td>
                  <td data-label={wh('wh_col_times')}>
                    <dl class="wh-times">
                      <dt>{wh('wh_time_created')}</dt><dd>{formatMoment(d.created_at, locale)}</dd>
                      {d.last_attempt_at && <><dt>{wh('wh_time_last')}</dt><dd>{formatMoment(d.last_attempt_at, locale)}</dd></>}
                      {d.status === 'pending' && d.next_attempt_at && d.attempts > 0 && (
                        <><dt>{wh('wh_time_next')}</dt><dd data-field="next">{formatMoment(d.next_attempt_at, locale)}</dd></>
                      )}
                      {d.delivered_at && <><dt>{wh('wh_time_delivered')}</dt><dd>{formatMoment(d.delivered_at, locale)}</dd></>}
                      {d.failed_at && <><dt>{wh('wh_time_failed')}</dt><dd>{formatMoment(d.failed_at, locale)}</dd></>}
                    </dl>
                  </td>
                  <td class="wh-actions-cell">
                    {canRetry(d) && (
                      <button type="button" class="btn btn-small" data-action="retry-delivery" disabled={retrying !== null}
                        onClick={() => retry(d)}>
                        {wh('wh_retry')}
                      </button>
                    )}
                  </td>
                </tr>
                {open.includes(d.id) && (
                  <tr class="wh-payload-row" data-payload-of={d.id}>
                    <td colSpan={8}>
                      <pre class="wh-payload" id={`wh-payload-${d.id}`} data-payload>{JSON.stringify(d.payload, null, 2)}</pre>
                    </td>
                  </tr>
                )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {items && items.length > 0 && (
        <div class="pager wh-log-pager">
          <span class="muted" data-log-count={items.length}>{wh('wh_log_n', { n: items.length })}</span>
          {cursor && (
            <button type="button" class="btn btn-small" data-action="older-deliveries" disabled={busy} onClick={older}>
              {wh('wh_log_more')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
