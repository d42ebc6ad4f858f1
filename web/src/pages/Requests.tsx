// The staff inbox of the dialog window («Обращения»): every request of the workspace, newest
// activity first, with filters kept in the URL (#/w/{ws}/requests?status=new,open&assignee=me…),
// "load more" by cursor, and a form to record a request a client made by phone or mail. The tabs on
// top lead to the figures and the settings of the dialog window. The list is live: new and changed
// requests show up in place (src/live.ts), and a discreet mark says whether the stream is up.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Role } from '../api';
import { useI18n } from '../i18n';
import { currentHash, href, navigate, rememberInbox } from '../router';
import { canHandle, filtersOf, type Filters } from '../requests';
import { NewRequestForm } from '../components/requests/NewRequestForm';
import { RequestFilters } from '../components/requests/RequestFilters';
import { RequestsNav } from '../components/requests/RequestsNav';
import { RequestTable, useRequestList } from '../components/requests/RequestList';
import { LiveBadge } from '../components/requests/LiveBadge';

export function RequestsPage({ ws, role, query }: { ws: string; role: Role; query: URLSearchParams }) {
  const { t } = useI18n();
  const qstr = query.toString();
  const filters = useMemo(() => filtersOf(query), [qstr]);
  const list = useRequestList(ws, filters, { live: true });
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    rememberInbox(ws, currentHash());
    document.title = `${t('requests_title')} · ${t('app_name')}`;
  });

  const setFilters = (patch: Filters) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(href.requests(ws, next.toString()), { replace: true });
  };

  return (
    <div class="page page-wide requests-page">
      <RequestsNav ws={ws} current="inbox" />
      <div class="page-head">
        <h1>{t('requests_title')}</h1>
        <LiveBadge ws={ws} />
        {canHandle(role) && !creating && (
          <div class="page-actions">
            <button type="button" class="btn btn-primary" data-action="new-request" onClick={() => setCreating(true)}>
              + {t('request_new')}
            </button>
          </div>
        )}
      </div>
      <p class="muted">{t('requests_intro')}</p>
      {creating && (
        <NewRequestForm ws={ws} onCancel={() => setCreating(false)} onCreated={(r) => navigate(href.request(ws, r.id))} />
      )}
      <RequestFilters ws={ws} filters={filters} onChange={setFilters} onReset={() => navigate(href.requests(ws), { replace: true })} />
      <RequestTable ws={ws} list={list} filtered={Object.keys(filters).length > 0} />
    </div>
  );
}
