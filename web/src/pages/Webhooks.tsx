// The webhooks of a workspace («Вебхуки», #/w/{ws}/requests/webhooks[?endpoint=ID];
// docs/webhooks.md), among the dialog window's settings: the endpoints (URL, events, active,
// created); registering one, whose secret is shown once; changing one (If-Match, a 412 loads the
// latest version with a message); deleting one after a confirmation; a test ping; and the
// delivery log of the endpoint named in the URL. Owners only: everyone else (and anyone the
// server answers 403) sees a note saying so, and nothing is asked of the server.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Role } from '../api';
import { href, navigate } from '../router';
import { ErrorBox, formatDateTime, Loading, Notice } from '../components/ui';
import { RequestsNav } from '../components/requests/RequestsNav';
import { EndpointForm } from '../components/webhooks/EndpointForm';
import { SecretBox } from '../components/webhooks/SecretBox';
import { DeliveryLog } from '../components/webhooks/DeliveryLog';
import { canManageWebhooks, ENDPOINTS_MAX, webhookApi, type WebhookEndpoint } from '../webhooks';
import { eventLabel, useWh } from '../webhookStrings';

type FormState = { mode: 'new' } | { mode: 'edit'; endpoint: WebhookEndpoint } | null;

export function WebhooksPage({ ws, role, query }: { ws: string; role: Role; query: URLSearchParams }) {
  const { wh, t, locale } = useWh();
  const owner = canManageWebhooks(role);
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [forbidden, setForbidden] = useState(false);
  const [form, setForm] = useState<FormState>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [logKey, setLogKey] = useState(0);
  const logId = /^\d+$/.test(query.get('endpoint') || '') ? Number(query.get('endpoint')) : null;

  const load = async () => {
    try {
      const page = await webhookApi.list(ws);
      setEndpoints(page.items);
      setLoadError(null);
      return page.items;
    } catch (e) {
      if (e instanceof ApiError && e.status === 403) setForbidden(true);
      else setLoadError(e);
      return null;
    }
  };
  useEffect(() => {
    if (owner) load();
  }, [ws, owner]);
  useEffect(() => {
    document.title = `${wh('wh_title')} · ${t('app_name')}`;
  }, [wh, t]);

  const openLog = (id: number | null) => navigate(href.webhooks(ws, id ? `endpoint=${id}` : undefined), { replace: true });

  if (!owner || forbidden) {
    return (
      <div class="page page-wide webhooks-page">
        <RequestsNav ws={ws} current="webhooks" />
        <h1>{wh('wh_title')}</h1>
        <p class="alert alert-warn" data-owners-only>{wh('wh_owners_only')}</p>
      </div>
    );
  }

  const clearMessages = () => {
    setActionError(null);
    setConflict(null);
  };

  const saved = (e: WebhookEndpoint, wasNew: boolean) => {
    setForm(null);
    // The answer is the endpoint's new version: show it at once (the list is loaded again too).
    const { secret: _drop, ...plain } = e;
    setEndpoints((cur) => (cur ? (cur.some((x) => x.id === e.id) ? cur.map((x) => (x.id === e.id ? plain : x)) : [...cur, plain]) : cur));
    if (wasNew && e.secret) setSecret({ url: e.url, secret: e.secret });
    else setNotice(wh('wh_saved'));
    setLogKey((k) => k + 1);
    load();
  };

  /** A 412 or 404 on an endpoint of the list: say so and load the list again. */
  const stale = (err: unknown): boolean => {
    if (err instanceof ApiError && err.status === 412) setConflict(wh('wh_conflict'));
    else if (err instanceof ApiError && err.status === 404) setConflict(wh('wh_gone'));
    else return false;
    load();
    return true;
  };

  const remove = async (e: WebhookEndpoint) => {
    clearMessages();
    if (!window.confirm(wh('wh_delete_confirm', { url: e.url }))) return;
    setBusy(e.id);
    try {
      await webhookApi.remove(ws, e.id, e.version);
      setNotice(wh('wh_deleted'));
      if (logId === e.id) openLog(null);
      if (form && form.mode === 'edit' && form.endpoint.id === e.id) setForm(null);
      await load();
    } catch (err) {
      if (!stale(err)) setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  const ping = async (e: WebhookEndpoint) => {
    clearMessages();
    setBusy(e.id);
    try {
      await webhookApi.ping(ws, e.id);
      setNotice(wh('wh_ping_sent'));
      setLogKey((k) => k + 1);
      if (logId !== e.id) openLog(e.id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setConflict(wh('wh_inactive_conflict'));
        load();
      } else if (!stale(err)) setActionError(err);
    } finally {
      setBusy(null);
    }
  };

  const logEndpoint = endpoints && logId !== null ? endpoints.find((e) => e.id === logId) || null : null;
  const full = !!endpoints && endpoints.length >= ENDPOINTS_MAX;

  return (
    <div class="page page-wide webhooks-page">
      <RequestsNav ws={ws} current="webhooks" />
      <div class="page-head">
        <h1>{wh('wh_title')}</h1>
      </div>
      <p class="muted">{wh('wh_intro')}</p>
      <Notice text={notice} onDone={() => setNotice(null)} />
      {conflict && (
        <div class="alert alert-conflict" role="alert" data-conflict>
          {conflict}
        </div>
      )}
      <ErrorBox error={actionError} />
      {secret && <SecretBox url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} />}

      <section class="wh-endpoints" data-section="endpoints">
        <div class="section-head">
          <h2>{wh('wh_endpoints')}</h2>
          {!form && endpoints && (
            <button type="button" class="btn btn-primary btn-small" data-action="add-webhook" disabled={full}
              title={full ? wh('wh_limit', { n: ENDPOINTS_MAX }) : undefined}
              onClick={() => { clearMessages(); setSecret(null); setForm({ mode: 'new' }); }}>
              {wh('wh_add')}
            </button>
          )}
        </div>
        {full && <p class="muted small-note" data-limit>{wh('wh_limit', { n: ENDPOINTS_MAX })}</p>}
        {form && (
          <EndpointForm
            key={form.mode === 'edit' ? `edit-${form.endpoint.id}` : 'new'}
            ws={ws}
            endpoint={form.mode === 'edit' ? form.endpoint : null}
            onSaved={(e) => saved(e, form.mode === 'new')}
            onCancel={() => setForm(null)}
            onStale={() => load()}
          />
        )}
        {endpoints === null ? (
          loadError ? <ErrorBox error={loadError} onRetry={load} /> : <Loading />
        ) : endpoints.length === 0 ? (
          <p class="empty" data-endpoints-empty>{wh('wh_none')}</p>
        ) : (
          <div class="table-wrap">
            <table class="data wh-endpoint-table">
              <thead>
                <tr>
                  <th>{wh('wh_col_url')}</th>
                  <th>{wh('wh_col_events')}</th>
                  <th>{wh('wh_col_active')}</th>
                  <th>{wh('wh_col_created')}</th>
                  <th>{wh('wh_col_actions')}</th>
                </tr>
              </thead>
              <tbody>
                {endpoints.map((e) => (
                  <tr key={e.id} data-endpoint={e.id} class={logId === e.id ? 'wh-selected' : ''}>
                    <td class="cell-name wh-url-cell" data-label={wh('wh_col_url')}>
                      <code class="wh-url" data-field="url">{e.url}</code>
                    </td>
                    <td data-label={wh('wh_col_events')}>
                      <ul class="chips wh-event-chips" data-field="events">
                        {e.events.map((ev) => <li class="chip wh-chip" data-event={ev} title={ev}>{eventLabel(wh, ev)}</li>)}
                      </ul>
                    </td>
                    <td data-label={wh('wh_col_active')}>
                      <span class={`badge ${e.active ? 'badge-active' : 'badge-archived'}`} data-field="active" data-active={String(e.active)}>
                        {e.active ? wh('wh_active_yes') : wh('wh_active_no')}
                      </span>
                    </td>
                    <td data-label={wh('wh_col_created')} data-field="created">{formatDateTime(e.created_at, locale)}</td>
                    <td class="wh-actions-cell">
                      <div class="row-actions wh-actions">
                      <button type="button" class="btn btn-small" data-action="open-log" aria-pressed={logId === e.id}
                        onClick={() => openLog(logId === e.id ? null : e.id)}>
                        {wh('wh_log_open')}
                      </button>
                      <button type="button" class="btn btn-small" data-action="ping-webhook" disabled={!e.active || busy === e.id}
                        title={e.active ? undefined : wh('wh_ping_inactive')} onClick={() => ping(e)}>
                        {wh('wh_ping')}
                      </button>
                      <button type="button" class="btn btn-small" data-action="edit-webhook" disabled={busy === e.id}
                        onClick={() => { clearMessages(); setSecret(null); setForm({ mode: 'edit', endpoint: e }); }}>
                        {wh('wh_edit')}
                      </button>
                      <button type="button" class="btn btn-small btn-danger" data-action="delete-webhook" disabled={busy === e.id}
                        onClick={() => remove(e)}>
                        {wh('wh_delete')}
                      </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {logEndpoint && (
        <DeliveryLog key={logEndpoint.id} ws={ws} endpoint={logEndpoint} reloadKey={logKey} onClose={() => openLog(null)} />
      )}
    </div>
  );
}
