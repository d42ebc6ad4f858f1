// Creating a client company: the general and about fields on one page.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, wsPath, type Account, type Role } from '../api';
import { useI18n } from '../i18n';
import { backToList, href, navigate } from '../router';
import { invalidate, useFacets, useMembers } from '../data';
import { ABOUT_FIELDS, AccountFields, createBody, GENERAL_FIELDS, toDraft, validate, type Draft, type FieldKey } from '../components/AccountForm';
import { ErrorBox } from '../components/ui';

export function NewAccountPage({ ws, role }: { ws: string; role: Role }) {
  const { t } = useI18n();
  const facets = useFacets(ws);
  const members = useMembers(ws);
  const [draft, setDraft] = useState<Draft>(() => ({ ...toDraft(null), revenue_currency: 'RUB' }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t('new_account_title')} · ${t('app_name')}`;
  }, [t]);

  const change = (k: FieldKey, v: string) => {
    setDraft({ ...draft, [k]: v });
    if (errors[k]) {
      const rest = { ...errors };
      delete rest[k];
      setErrors(rest);
    }
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const local = validate(draft, t);
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setError(null);
    try {
      const a = await api.post<Account>(wsPath(ws, '/accounts'), createBody(draft));
      invalidate(ws, 'facets');
      navigate(href.account(ws, a.id), { replace: true });
    } catch (err) {
      if (err instanceof ApiError) setErrors(err.fieldErrors());
      setError(err);
      setBusy(false);
    }
  };

  if (role === 'viewer') {
    return (
      <div class="page">
        <a class="back" href={backToList(ws)}>← {t('back_to_list')}</a>
        <p class="alert alert-warn">{t('read_only_note')}</p>
      </div>
    );
  }

  return (
    <form class="page" onSubmit={submit} noValidate>
      <a class="back" href={backToList(ws)}>← {t('back_to_list')}</a>
      <h1>{t('new_account_title')}</h1>
      <ErrorBox error={error} />
      <fieldset class="section">
        <legend>{t('tab_general')}</legend>
        <AccountFields fields={GENERAL_FIELDS} account={null} draft={draft} errors={errors} facets={facets} members={members} onChange={change} />
      </fieldset>
      <fieldset class="section">
        <legend>{t('tab_about')}</legend>
        <AccountFields fields={ABOUT_FIELDS} account={null} draft={draft} errors={errors} facets={facets} members={members} onChange={change} />
      </fieldset>
      <div class="save-bar">
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? t('saving') : t('create')}
        </button>
        <a class="btn btn-ghost" href={backToList(ws)}>
          {t('cancel')}
        </a>
      </div>
    </form>
  );
}
