// The card of one client company: tabs General info / Loyalty model / Account map / Requests /
// About the company / Suppliers / Change history; view, edit, save with If-Match, the conflict when
// someone else saved first, archive and restore.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, wsPath, type Account, type Role } from '../api';
import { useI18n, type Key } from '../i18n';
import { backToList, href, navigate } from '../router';
import { useFacets, useMembers, invalidate } from '../data';
import {
  ABOUT_FIELDS, ABOUT_KEYS, AccountFields, diffPatch, fieldLabel, GENERAL_FIELDS, GENERAL_KEYS, toDraft, validate,
  valueText, type Draft, type FieldKey,
} from '../components/AccountForm';
import { ErrorBox, formatDateTime, Loading, Notice, StatusBadge } from '../components/ui';
import { Suppliers } from '../components/Suppliers';
import { History } from '../components/History';
import { lazyComponent } from '../components/Lazy';

const LoyaltyTab = lazyComponent(() => import('../components/loyalty/LoyaltyTab').then((m) => m.LoyaltyTab));
const AccountMapTab = lazyComponent(() => import('../components/map/AccountMapTab').then((m) => m.AccountMapTab));
const AccountRequestsTab = lazyComponent(() => import('../components/requests/AccountRequestsTab').then((m) => m.AccountRequestsTab));

const TABS: [string, Key][] = [
  ['general', 'tab_general'],
  ['loyalty', 'tab_loyalty'],
  ['map', 'tab_map'],
  ['requests', 'tab_requests'],
  ['about', 'tab_about'],
  ['suppliers', 'tab_suppliers'],
  ['history', 'tab_history'],
];

interface Conflict {
  theirs: Account;
  mine: number;
  patch: Record<string, unknown>;
}

export function AccountPage({ ws, id, tab: tabParam, role }: { ws: string; id: number; tab: string; role: Role }) {
  const { t, locale } = useI18n();
  const tab = TABS.some(([k]) => k === tabParam) ? tabParam : 'general';
  const path = wsPath(ws, `/accounts/${id}`);
  const facets = useFacets(ws);
  const members = useMembers(ws);

  const [account, setAccount] = useState<Account | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () => {
    setLoadError(null);
    return api
      .get<Account>(path)
      .then((a) => {
        setAccount(a);
        return a;
      })
      .catch((e) => {
        setLoadError(e);
        return null;
      });
  };
  useEffect(() => {
    load();
  }, [path]);

  useEffect(() => {
    if (account) document.title = `${account.name} · ${t('app_name')}`;
  }, [account, t]);

  const dirty = !!(account && draft && Object.keys(diffPatch(account, draft)).length > 0);
  useEffect(() => {
    if (!dirty) return;
    const h = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', h);
    return () => window.removeEventListener('beforeunload', h);
  }, [dirty]);

  if (loadError && !account) {
    const nf = loadError instanceof ApiError && loadError.status === 404;
    return (
      <div class="page">
        <a class="back" href={backToList(ws)}>← {t('back_to_list')}</a>
        {nf ? <h1>{t('not_found_title')}</h1> : null}
        <ErrorBox error={loadError} onRetry={nf ? undefined : load} />
      </div>
    );
  }
  if (!account) return <div class="page"><Loading /></div>;

  const canEdit = role !== 'viewer';
  const archived = !!account.archived_at;

  const startEdit = () => {
    setDraft(toDraft(account));
    setErrors({});
    setError(null);
    setNotice(null);
  };
  const cancelEdit = () => {
    setDraft(null);
    setErrors({});
    setError(null);
    setConflict(null);
  };
  const change = (k: FieldKey, v: string) => {
    if (!draft) return;
    setDraft({ ...draft, [k]: v });
    if (errors[k]) {
      const rest = { ...errors };
      delete rest[k];
      setErrors(rest);
    }
  };

  const save = async () => {
    if (!draft) return;
    const local = validate(draft, t);
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    const patch = diffPatch(account, draft);
    if (Object.keys(patch).length === 0) {
      setDraft(null);
      setNotice(t('no_changes'));
      return;
    }
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const updated = await api.patch<Account>(path, patch, account.version);
      setAccount(updated);
      setDraft(null);
      setConflict(null);
      setNotice(t('saved'));
      invalidate(ws, 'facets');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        try {
          const theirs = await api.get<Account>(path);
          setConflict({ theirs, mine: account.version, patch });
        } catch (e2) {
          setError(e2);
        }
      } else {
        if (e instanceof ApiError) setErrors(e.fieldErrors());
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  };

  const applyMine = () => {
    if (!conflict || !draft) return;
    const next = toDraft(conflict.theirs);
    for (const k of Object.keys(conflict.patch) as FieldKey[]) next[k] = draft[k];
    setAccount(conflict.theirs);
    setDraft(next);
    setConflict(null);
    setNotice(t('conflict_applied'));
  };
  const discardMine = () => {
    if (!conflict) return;
    setAccount(conflict.theirs);
    setDraft(null);
    setErrors({});
    setError(null);
    setConflict(null);
  };

  const archiveOrRestore = async () => {
    setError(null);
    if (!archived && !window.confirm(t('archive_confirm', { name: account.name }))) return;
    setBusy(true);
    try {
      if (archived) {
        const a = await api.post<Account>(`${path}/restore`);
        if (a && typeof a === 'object' && 'id' in a) setAccount(a);
        else await load();
        setNotice(t('restored_done'));
      } else {
        await api.del(path, account.version);
        setDraft(null);
        const a = await load();
        if (!a) navigate(backToList(ws));
        setNotice(t('archived_done'));
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await load();
        setError(new ApiError(412, { detail: t('conflict_generic') }));
      } else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const tabHasError = (k: string) =>
    Object.keys(errors).some((f) => (k === 'general' ? GENERAL_KEYS.has(f) : k === 'about' ? ABOUT_KEYS.has(f) : false));
  const formTab = tab === 'general' || tab === 'about';
  // Errors of fields that no form field shows (or the generic detail) go to the top box.
  const unplaced = Object.keys(errors).filter((f) => !GENERAL_KEYS.has(f) && !ABOUT_KEYS.has(f));

  return (
    <div class="page">
      <a
        class="back"
        href={backToList(ws)}
        onClick={(e) => {
          if (dirty && !window.confirm(t('unsaved_leave'))) e.preventDefault();
        }}
      >
        ← {t('back_to_list')}
      </a>
      <div class="card-head">
        <div class="card-title">
          <h1>{account.name}</h1>
          <StatusBadge status={account.status} />
          {archived && <span class="badge badge-archived">{t('archived_badge')}</span>}
        </div>
        {canEdit && !draft && (
          <div class="page-actions">
            {!archived && formTab && (
              <button type="button" class="btn btn-primary" onClick={startEdit} disabled={busy}>
                {t('edit')}
              </button>
            )}
            <button type="button" class="btn btn-ghost" onClick={archiveOrRestore} disabled={busy}>
              {archived ? t('restore') : t('archive')}
            </button>
          </div>
        )}
      </div>
      <p class="meta muted">
        {t('updated_meta', { date: formatDateTime(account.updated_at, locale) })} · {t('version_meta', { n: account.version })}
        {account.inn ? ` · ${t('field_inn')} ${account.inn}` : ''}
      </p>
      {archived && <div class="alert alert-warn">{t('archived_note', { date: formatDateTime(account.archived_at, locale) })}</div>}
      <Notice text={notice} onDone={() => setNotice(null)} />

      <nav class="tabs" role="tablist">
        {TABS.map(([k, label]) => (
          <a
            role="tab"
            href={href.account(ws, id, k)}
            class={`tab${k === tab ? ' active' : ''}`}
            aria-selected={k === tab}
            data-tab={k}
          >
            {t(label)}
            {tabHasError(k) && (
              <span class="tab-err" title={t('tab_has_errors')}>
                !
              </span>
            )}
          </a>
        ))}
      </nav>

      {conflict && (
        <div class="alert alert-conflict conflict" role="alert">
          <h2>{t('conflict_title')}</h2>
          <p>{t('conflict_text', { mine: conflict.mine, theirs: conflict.theirs.version })}</p>
          <table class="data compact">
            <thead>
              <tr>
                <th>{t('conflict_field')}</th>
                <th>{t('conflict_theirs')}</th>
                <th>{t('conflict_mine')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(conflict.patch).map(([k, v]) => (
                <tr>
                  <td>{fieldLabel(k, t)}</td>
                  <td>{valueText(k, (conflict.theirs as unknown as Record<string, unknown>)[k], t, locale)}</td>
                  <td>
                    <strong>{valueText(k, v, t, locale)}</strong>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="btn-row">
            <button type="button" class="btn btn-primary" onClick={applyMine}>
              {t('conflict_apply_mine')}
            </button>
            <button type="button" class="btn btn-ghost" onClick={discardMine}>
              {t('conflict_discard')}
            </button>
          </div>
        </div>
      )}
      <ErrorBox error={error} />
      {unplaced.length > 0 && (
        <ul class="alert alert-error error-list" role="alert">
          {unplaced.map((f) => (
            <li>
              {f === '_' ? '' : `${fieldLabel(f, t)}: `}
              {errors[f]}
            </li>
          ))}
        </ul>
      )}

      <section class={`tab-panel${tab === 'loyalty' || tab === 'map' ? ' tab-panel-bare' : ''}`} role="tabpanel">
        {tab === 'general' && (
          <AccountFields
            fields={GENERAL_FIELDS}
            account={account}
            draft={draft}
            errors={errors}
            facets={facets}
            members={members}
            onChange={change}
          />
        )}
        {tab === 'about' && (
          <AccountFields
            fields={ABOUT_FIELDS}
            account={account}
            draft={draft}
            errors={errors}
            facets={facets}
            members={members}
            onChange={change}
          />
        )}
        {tab === 'loyalty' && <LoyaltyTab ws={ws} accountId={id} role={role} archived={archived} />}
        {tab === 'map' && <AccountMapTab ws={ws} accountId={id} role={role} archived={archived} />}
        {tab === 'requests' && (
          <AccountRequestsTab ws={ws} accountId={id} accountName={account.name} role={role} archived={archived} />
        )}
        {tab === 'suppliers' && <Suppliers ws={ws} accountId={id} canEdit={canEdit && !archived} />}
        {tab === 'history' && <History ws={ws} accountId={id} version={account.version} />}
      </section>

      {draft && formTab && (
        <div class="save-bar">
          <button type="button" class="btn btn-primary" onClick={save} disabled={busy}>
            {busy ? t('saving') : t('save')}
          </button>
          <button type="button" class="btn btn-ghost" onClick={cancelEdit} disabled={busy}>
            {t('cancel')}
          </button>
        </div>
      )}
    </div>
  );
}
