// The form of a study: name, kind, status, period, description and the interview guide
// (multi-line). A new study is POSTed; an edit sends only what changed as a merge patch with
// If-Match, and a 412 (someone else saved first) is reported to the caller to reload.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { pointerErrors } from '../../loyalty';
import {
  patchWith, researchPath, STUDY_KINDS, STUDY_STATUSES, studyKindKey, studyStatusKey,
  type Study, type StudyKind, type StudyStatus,
} from '../../research';
import { useI18n } from '../../i18n';
import { ErrorBox, Field } from '../ui';

interface Draft {
  name: string;
  kind: StudyKind;
  status: StudyStatus;
  starts_on: string;
  ends_on: string;
  description: string;
  guide: string;
}

function toDraft(s: Study | null): Draft {
  return {
    name: s ? s.name : '',
    kind: s ? s.kind : 'survey',
    status: s ? s.status : 'draft',
    starts_on: (s && s.starts_on) || '',
    ends_on: (s && s.ends_on) || '',
    description: (s && s.description) || '',
    guide: (s && s.guide) || '',
  };
}

function toBody(d: Draft): Record<string, unknown> {
  return {
    name: d.name.trim(),
    kind: d.kind,
    status: d.status,
    starts_on: d.starts_on || null,
    ends_on: d.ends_on || null,
    description: d.description.trim() ? d.description : null,
    guide: d.guide.trim() ? d.guide : null,
  };
}

export function StudyForm(props: {
  ws: string;
  study: Study | null;
  onSaved: (s: Study) => void;
  onCancel: () => void;
  /** A 412: the study changed meanwhile; the caller reloads it. */
  onConflict?: () => void;
}) {
  const { t } = useI18n();
  const s = props.study;
  const [draft, setDraft] = useState<Draft>(() => toDraft(s));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof Draft>(k: K) => (e: Event) => {
    setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
    if (errors[k]) {
      const rest = { ...errors };
      delete rest[k];
      setErrors(rest);
    }
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!draft.name.trim()) local.name = t('err_required');
    if (draft.starts_on && draft.ends_on && draft.ends_on < draft.starts_on) local.ends_on = t('study_err_period');
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    const body = toBody(draft);
    setBusy(true);
    setError(null);
    try {
      let saved: Study;
      if (s) {
        const before = toBody(toDraft(s));
        const diff: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (v !== before[k]) diff[k] = v;
        if (Object.keys(diff).length === 0) {
          props.onCancel();
          return;
        }
        saved = await patchWith<Study>(researchPath.study(props.ws, s.id), diff, s.version);
      } else {
        saved = await api.post<Study>(researchPath.studies(props.ws), body);
      }
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setError(new ApiError(412, { detail: t('conflict_generic') }));
        if (props.onConflict) props.onConflict();
      } else {
        setErrors(pointerErrors(err));
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel study-form" onSubmit={save} noValidate>
      <h3>{s ? t('study_edit_title') : t('study_new_title')}</h3>
      <ErrorBox error={error} />
      <div class="form-grid">
        <Field label={t('study_name')} name="study_name" error={errors.name} required wide>
          <input id="f-study_name" name="name" type="text" maxLength={300} value={draft.name} onInput={set('name')} />
        </Field>
        <Field label={t('study_kind')} name="study_kind" error={errors.kind}>
          <select id="f-study_kind" name="kind" value={draft.kind} onChange={set('kind')}>
            {STUDY_KINDS.map((k) => (
              <option value={k}>{t(studyKindKey(k))}</option>
            ))}
          </select>
        </Field>
        <Field label={t('study_status')} name="study_status" error={errors.status}>
          <select id="f-study_status" name="status" value={draft.status} onChange={set('status')}>
            {STUDY_STATUSES.map((k) => (
              <option value={k}>{t(studyStatusKey(k))}</option>
            ))}
          </select>
        </Field>
        <Field label={t('study_starts_on')} name="starts_on" error={errors.starts_on}>
          <input id="f-starts_on" name="starts_on" type="date" value={draft.starts_on} onInput={set('starts_on')} />
        </Field>
        <Field label={t('study_ends_on')} name="ends_on" error={errors.ends_on}>
          <input id="f-ends_on" name="ends_on" type="date" value={draft.ends_on} onInput={set('ends_on')} />
        </Field>
        <Field label={t('study_description')} name="study_description" error={errors.description} wide>
          <textarea id="f-study_description" name="description" rows={3} value={draft.description} onInput={set('description')} />
        </Field>
        <Field label={t('study_guide')} name="guide" error={errors.guide} hint={t('study_guide_hint')} wide>
          <textarea id="f-guide" name="guide" rows={8} value={draft.guide} onInput={set('guide')} />
        </Field>
      </div>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" data-action="save-study" disabled={busy}>
          {busy ? t('saving') : s ? t('save') : t('create')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={props.onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
