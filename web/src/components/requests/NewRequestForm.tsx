// Recording a request for a client (POST /requests): the company (fixed on its card, searched
// in the inbox), optionally one of its people, kind, priority, subject and the client's words.
import { useState } from 'preact/hooks';
import { api } from '../../api';
import { useI18n } from '../../i18n';
import { pointerErrors } from '../../loyalty';
import {
  REQUEST_KINDS, REQUEST_PRIORITIES, reqKindKey, reqPriorityKey, requestPath,
  type Req, type RequestKind, type RequestPriority,
} from '../../requests';
import { AccountPicker, useContacts, type AccountRef } from '../research/ClientPicker';
import { ErrorBox, Field } from '../ui';

interface Draft {
  account: AccountRef | null;
  contact_id: string;
  kind: RequestKind;
  priority: RequestPriority;
  subject: string;
  body: string;
}

export function NewRequestForm(props: {
  ws: string;
  /** The company, when the form is opened on its card (then it cannot be changed). */
  account?: AccountRef;
  onCreated: (r: Req) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>({
    account: props.account || null, contact_id: '', kind: 'question', priority: 'normal', subject: '', body: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const contacts = useContacts(props.ws, draft.account ? draft.account.id : null);

  const clear = (...fields: string[]) =>
    setErrors((cur) => {
      const rest = { ...cur };
      for (const f of fields) delete rest[f];
      return rest;
    });
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    clear(k);
  };
  const value = (e: Event) => (e.target as HTMLInputElement).value;

  const submit = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!draft.account) local.account_id = t('err_required');
    if (!draft.subject.trim()) local.subject = t('err_required');
    if (!draft.body.trim()) local.body = t('err_required');
    setErrors(local);
    if (Object.keys(local).length || !draft.account) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.post<Req>(requestPath.list(props.ws), {
        account_id: draft.account.id,
        contact_id: draft.contact_id ? Number(draft.contact_id) : null,
        kind: draft.kind,
        priority: draft.priority,
        subject: draft.subject.trim(),
        body: draft.body,
      });
      props.onCreated(r);
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel request-form" data-form="new-request" noValidate onSubmit={submit}>
      <h2>{t('request_new_title')}</h2>
      <p class="muted">{t('request_new_hint')}</p>
      <ErrorBox error={error} />
      <div class="form-grid">
        {!props.account && (
          <div class={`field field-wide${errors.account_id ? ' field-invalid' : ''}`}>
            <label for="f-request_account">
              {t('request_company')}
              <span class="req" aria-hidden="true"> *</span>
            </label>
            <AccountPicker ws={props.ws} name="request_account" value={draft.account} invalid={!!errors.account_id}
              onChange={(a) => { setDraft((d) => ({ ...d, account: a, contact_id: '' })); clear('account_id', 'contact_id'); }} />
            {errors.account_id && <div class="field-error" role="alert">{errors.account_id}</div>}
          </div>
        )}
        <Field label={t('request_person')} name="request_contact" error={errors.contact_id}>
          <select id="f-request_contact" name="contact_id" value={draft.contact_id} disabled={!draft.account}
            onChange={(e) => set('contact_id', value(e))}>
            <option value="">{t('request_person_none')}</option>
            {(contacts || []).map((c) => (
              <option value={String(c.id)}>{c.position ? `${c.name} (${c.position})` : c.name}</option>
            ))}
          </select>
        </Field>
        <Field label={t('request_kind')} name="request_kind" error={errors.kind}>
          <select id="f-request_kind" name="kind" value={draft.kind} onChange={(e) => set('kind', value(e) as RequestKind)}>
            {REQUEST_KINDS.map((k) => <option value={k}>{t(reqKindKey(k))}</option>)}
          </select>
        </Field>
        <Field label={t('request_priority')} name="request_priority" error={errors.priority}>
          <select id="f-request_priority" name="priority" value={draft.priority}
            onChange={(e) => set('priority', value(e) as RequestPriority)}>
            {REQUEST_PRIORITIES.map((p) => <option value={p}>{t(reqPriorityKey(p))}</option>)}
          </select>
        </Field>
        <Field label={t('request_subject')} name="request_subject" error={errors.subject} required wide>
          <input id="f-request_subject" name="subject" type="text" maxLength={200} value={draft.subject}
            onInput={(e) => set('subject', value(e))} />
        </Field>
        <Field label={t('request_text')} name="request_body" error={errors.body} required wide>
          <textarea id="f-request_body" name="body" rows={5} maxLength={20000} value={draft.body}
            onInput={(e) => set('body', value(e))} />
        </Field>
      </div>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" disabled={busy}>{busy ? t('saving') : t('request_create')}</button>
        <button type="button" class="btn btn-ghost" onClick={props.onCancel} disabled={busy}>{t('cancel')}</button>
      </div>
    </form>
  );
}
