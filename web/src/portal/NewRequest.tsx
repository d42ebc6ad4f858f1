// Raising a request: its kind, subject and text. 422s are shown beside their fields.
import { useState } from 'preact/hooks';
import { KINDS, portal, type Kind } from './api';
import { useI18n, type Key } from './i18n';
import { navigate } from './router';
import { ErrorBox, fieldErrors } from './ui';

export const SUBJECT_MAX = 200;
export const BODY_MAX = 20000;

export function NewRequest() {
  const { t } = useI18n();
  const [kind, setKind] = useState<Kind>('question');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errs = fieldErrors(error);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await portal.create(kind, subject.trim(), body);
      navigate(`#/r/${r.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <section class="p-page" data-page="new">
      <a class="p-back" href="#/">{t('back')}</a>
      <h1>{t('new_title')}</h1>
      <form class="p-card p-form" onSubmit={submit} data-form="new-request">
        <label class={`p-field${errs.kind ? ' p-invalid' : ''}`}>
          <span>{t('new_kind')}</span>
          <select name="kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as Kind)}>
            {KINDS.map((k) => <option value={k} key={k}>{t(`kind_${k}` as Key)}</option>)}
          </select>
          {errs.kind && <small class="p-field-error">{errs.kind}</small>}
        </label>
        <label class={`p-field${errs.subject ? ' p-invalid' : ''}`}>
          <span>{t('new_subject')}</span>
          <input name="subject" required maxLength={SUBJECT_MAX} value={subject}
            onInput={(e) => setSubject((e.target as HTMLInputElement).value)} />
          {errs.subject && <small class="p-field-error">{errs.subject}</small>}
        </label>
        <label class={`p-field${errs.body ? ' p-invalid' : ''}`}>
          <span>{t('new_body')}</span>
          <textarea name="body" required rows={7} maxLength={BODY_MAX} value={body}
            onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)} />
          <small class="p-muted">{t('new_body_hint')}</small>
          {errs.body && <small class="p-field-error">{errs.body}</small>}
        </label>
        {Object.keys(errs).length === 0 && <ErrorBox error={error} />}
        <div class="p-actions">
          <button class="p-btn p-btn-primary" type="submit" disabled={busy}>{busy ? t('sending') : t('new_submit')}</button>
          <a class="p-btn p-btn-ghost" href="#/">{t('new_cancel')}</a>
        </div>
      </form>
    </section>
  );
}
