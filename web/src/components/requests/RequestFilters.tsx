// The inbox filters: statuses (several at once), kind, company, assignee (me, nobody, a member)
// and loyalty component. The page keeps them in the URL; this only shows and changes them.
import { useEffect, useState } from 'preact/hooks';
import { api, wsPath, type Account } from '../../api';
import { useI18n } from '../../i18n';
import { useMembers } from '../../data';
import { loc } from '../../loyalty';
import { REQUEST_KINDS, REQUEST_STATUSES, reqKindKey, reqStatusKey, statusesOf, type Filters, type FilterKey } from '../../requests';
import { AccountPicker, type AccountRef } from '../research/ClientPicker';
import { useComponents } from './useClassification';

/** The name of the company an id in the URL names (loaded once per id). */
export function useAccountRef(ws: string, id: string | undefined): AccountRef | null {
  const [ref, setRef] = useState<AccountRef | null>(null);
  useEffect(() => {
    if (!id) { setRef(null); return; }
    if (ref && String(ref.id) === id) return;
    let live = true;
    setRef({ id: Number(id), name: `#${id}` });
    api.get<Account>(wsPath(ws, `/accounts/${id}`))
      .then((a) => live && setRef({ id: a.id, name: a.name }))
      .catch(() => undefined);
    return () => { live = false; };
  }, [ws, id]);
  return ref;
}

export function RequestFilters(props: { ws: string; filters: Filters; onChange: (patch: Filters) => void; onReset: () => void }) {
  const { t, lang } = useI18n();
  const f = props.filters;
  const members = useMembers(props.ws);
  const components = useComponents(props.ws);
  const account = useAccountRef(props.ws, f.account_id);
  const [open, setOpen] = useState(false);
  const statuses = statusesOf(f.status);
  const active = (Object.keys(f) as FilterKey[]).filter((k) => f[k]).length;

  const toggleStatus = (s: string, on: boolean) => {
    const next = REQUEST_STATUSES.filter((x) => (x === s ? on : statuses.includes(x)));
    props.onChange({ status: next.join(',') });
  };
  const select = (k: FilterKey, label: string, options: { value: string; label: string }[]) => {
    const cur = f[k] || '';
    const opts = cur && !options.some((o) => o.value === cur) ? [...options, { value: cur, label: cur }] : options;
    return (
      <label class="filter">
        <span>{label}</span>
        <select name={`filter-${k}`} value={cur} onChange={(e) => props.onChange({ [k]: (e.target as HTMLSelectElement).value })}>
          <option value="">{t('filter_any')}</option>
          {opts.map((o) => <option value={o.value}>{o.label}</option>)}
        </select>
      </label>
    );
  };

  return (
    <>
      <button type="button" class={`btn btn-ghost filters-toggle${active ? ' has-filters' : ''}`} aria-expanded={open}
        onClick={() => setOpen(!open)}>
        {t('filters_toggle')}
        {active > 0 && <span class="count">{active}</span>}
      </button>
      <div class={`filters request-filters${open ? ' open' : ''}`}>
        <fieldset class="filter status-filter" data-filter="status">
          <legend>{t('request_status')}</legend>
          <div class="status-checks">
            {REQUEST_STATUSES.map((s) => (
              <label class="check">
                <input type="checkbox" name="filter-status" value={s} checked={statuses.includes(s)}
                  onChange={(e) => toggleStatus(s, (e.target as HTMLInputElement).checked)} />
                <span>{t(reqStatusKey(s))}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {select('kind', t('request_kind'), REQUEST_KINDS.map((k) => ({ value: k, label: t(reqKindKey(k)) })))}
        <div class="filter company-filter">
          <label for="f-filter_account">{t('requests_filter_company')}</label>
          <AccountPicker ws={props.ws} name="filter_account" value={account} typeFirst
            onChange={(a) => props.onChange({ account_id: a ? String(a.id) : '' })} />
        </div>
        {select('assignee', t('requests_filter_assignee'), [
          { value: 'me', label: t('requests_filter_me') },
          { value: 'none', label: t('requests_filter_nobody') },
          ...members.map((m) => ({ value: m.email, label: m.name || m.email })),
        ])}
        {select('component_id', t('requests_filter_component'),
          components.map((c) => ({ value: String(c.id), label: loc(c.name, lang) })))}
        {active > 0 && (
          <button type="button" class="btn btn-link" data-action="reset-filters" onClick={props.onReset}>{t('filters_reset')}</button>
        )}
      </div>
    </>
  );
}
