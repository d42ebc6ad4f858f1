// The company card's "Requests" tab: the dialog window's figures for this company, the inbox
// filtered by this company, a link to the inbox with the same filter, and a request recorded for
// this company.
import { useMemo, useState } from 'preact/hooks';
import type { Role } from '../../api';
import { useI18n } from '../../i18n';
import { href, navigate } from '../../router';
import { canHandle } from '../../requests';
import { useRq } from '../../requestStrings';
import { NewRequestForm } from './NewRequestForm';
import { RequestFiguresView } from './RequestFiguresView';
import { RequestTable, useRequestList } from './RequestList';

export function AccountRequestsTab(props: { ws: string; accountId: number; accountName: string; role: Role; archived: boolean }) {
  const { t } = useI18n();
  const { rq } = useRq();
  const filters = useMemo(() => ({ account_id: String(props.accountId) }), [props.accountId]);
  const list = useRequestList(props.ws, filters);
  const [creating, setCreating] = useState(false);
  return (
    <div class="account-requests">
      <div class="section-head">
        <h2>{t('tab_requests')}</h2>
        <div class="page-actions">
          <a class="btn btn-ghost" href={href.requests(props.ws, `account_id=${props.accountId}`)} data-link="inbox">
            {t('requests_in_inbox')}
          </a>
          {canHandle(props.role) && !props.archived && !creating && (
            <button type="button" class="btn btn-primary" data-action="new-request" onClick={() => setCreating(true)}>
              + {t('request_new')}
            </button>
          )}
        </div>
      </div>
      {creating && (
        <NewRequestForm ws={props.ws} account={{ id: props.accountId, name: props.accountName }}
          onCancel={() => setCreating(false)} onCreated={(r) => navigate(href.request(props.ws, r.id))} />
      )}
      <details class="rq-company-figures" open>
        <summary>
          <h3>{rq('rq_figures_company')}</h3>
        </summary>
        <a class="btn btn-small btn-ghost" href={href.requestFigures(props.ws, `account_id=${props.accountId}`)} data-link="figures">
          {rq('rq_figures_open')}
        </a>
        <RequestFiguresView ws={props.ws} filters={filters} company />
      </details>
      <RequestTable ws={props.ws} list={list} filtered={false} hideCompany />
    </div>
  );
}
