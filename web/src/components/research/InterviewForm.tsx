// Recording an interview as a response of the study: the client (a company, and optionally one
// of its people), the interviewer, an answer per active question by its kind (recommend 0–10,
// ratings on the workspace's scale, factors as checkboxes, a single choice as radio buttons,
// open text), notes, a transcript and quotes; saved as a draft or submitted. The study's
// interview guide is shown beside the form. Problems the API names by pointer
// (/answers/<code>, /quotes/2, /account_id…) are shown at the question or field they concern.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, wsPath, type Account } from '../../api';
import { loc, type Catalogue } from '../../loyalty';
import { useCompetitors, useMembers } from '../../data';
import { useI18n } from '../../i18n';
import {
  patchWith, researchPath, type AnswerValue, type Question, type Study, type StudyResponse,
} from '../../research';
import { ErrorBox, Field } from '../ui';
import { AnswerField, given, placeErrors, QuotesEditor } from './AnswerInput';
import { AccountPicker, useContacts, type AccountRef } from './ClientPicker';

type Answers = Record<string, AnswerValue | null>;
type Errors = Record<string, string>;

interface Draft {
  account: AccountRef | null;
  contact_id: string;
  interviewer_id: string;
  answers: Answers;
  notes: string;
  transcript: string;
  quotes: string[];
}

function toDraft(r: StudyResponse | null): Draft {
  return {
    account: r && r.account_id ? { id: r.account_id, name: r.account_name || `#${r.account_id}` } : null,
    contact_id: r && r.contact_id ? String(r.contact_id) : '',
    interviewer_id: r && r.interviewer_id ? String(r.interviewer_id) : '',
    answers: r ? { ...r.answers } : {},
    notes: (r && r.notes) || '',
    transcript: (r && r.transcript) || '',
    quotes: r && r.quotes && r.quotes.length ? [...r.quotes] : [''],
  };
}

export function InterviewForm(props: {
  ws: string;
  study: Study;
  questions: Question[];
  catalogue: Catalogue | null;
  /** A draft to continue, or null for a new interview. */
  editing: StudyResponse | null;
  onSaved: (r: StudyResponse) => void;
  onCancel: () => void;
}) {
  const { t, lang } = useI18n();
  const members = useMembers(props.ws);
  const competitors = useCompetitors(props.ws);
  const [draft, setDraft] = useState<Draft>(() => toDraft(props.editing));
  const contacts = useContacts(props.ws, draft.account ? draft.account.id : null);
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const questions = useMemo(() => [...props.questions].sort((a, b) => a.position - b.position), [props.questions]);

  // A continued draft names its account by id: fetch the name to show.
  useEffect(() => {
    const r = props.editing;
    if (!r || !r.account_id || r.account_name) return;
    let live = true;
    api.get<Account>(wsPath(props.ws, `/accounts/${r.account_id}`))
      .then((a) => live && setDraft((d) => (d.account && d.account.id === a.id ? { ...d, account: { id: a.id, name: a.name } } : d)))
      .catch(() => undefined);
    return () => { live = false; };
  }, [props.editing]);

  const clear = (...keys: string[]) => {
    if (!keys.some((k) => errors[k])) return;
    const rest = { ...errors };
    for (const k of keys) delete rest[k];
    setErrors(rest);
  };
  const set = <K extends keyof Draft>(k: K, v: Draft[K], ...errKeys: string[]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    clear(k as string, ...errKeys);
  };
  const answer = (code: string, v: AnswerValue | null) => {
    setDraft((d) => ({ ...d, answers: { ...d.answers, [code]: v } }));
    clear(`a:${code}`);
  };

  const componentName = (id: number | null) => {
    if (!id || !props.catalogue) return '';
    const c = props.catalogue.components.find((x) => x.id === id);
    return c ? loc(c.name, lang) : '';
  };
  const competitorName = (id: number) => {
    const c = competitors.find((x) => x.id === id);
    return c ? c.name : `#${id}`;
  };

  const save = async (submit: boolean) => {
    const local: Errors = {};
    if (!draft.account) local.account_id = t('interview_err_client');
    if (submit) {
      for (const q of questions) if (q.required && !given(draft.answers[q.code])) local[`a:${q.code}`] = t('interview_err_required');
    }
    if (Object.keys(local).length) {
      setErrors(local);
      setError(new ApiError(422, { detail: t('interview_err_fix') }));
      return;
    }
    const answers: Answers = {};
    const known = new Set(questions.map((q) => q.code));
    for (const [code, v] of Object.entries(draft.answers)) {
      if (!known.has(code)) continue;
      if (given(v)) answers[code] = typeof v === 'string' ? v.trim() : (v as AnswerValue);
      else if (props.editing && code in props.editing.answers) answers[code] = null;
    }
    const quotes = draft.quotes.map((q) => q.trim()).filter(Boolean);
    const body: Record<string, unknown> = {
      account_id: draft.account!.id,
      contact_id: draft.contact_id ? Number(draft.contact_id) : null,
      answers,
      notes: draft.notes.trim() ? draft.notes : null,
      transcript: draft.transcript.trim() ? draft.transcript : null,
      quotes,
      lang,
    };
    if (draft.interviewer_id) body.interviewer_id = Number(draft.interviewer_id);
    if (submit) body.status = 'submitted';
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      let saved: StudyResponse;
      if (props.editing) {
        saved = await patchWith<StudyResponse>(researchPath.response(props.ws, props.study.id, props.editing.id), body, props.editing.version);
      } else {
        if (!body.contact_id) delete body.contact_id;
        saved = await api.post<StudyResponse>(researchPath.responses(props.ws, props.study.id), {
          channel: 'interview',
          status: submit ? 'submitted' : 'draft',
          ...body,
        });
      }
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError) {
        if (err.status === 412) {
          setError(new ApiError(412, { detail: t('conflict_generic') }));
        } else {
          setErrors(placeErrors(err));
          setError(err);
        }
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const knownKeys = new Set(['account_id', 'contact_id', 'interviewer_id', 'notes', 'transcript', 'quotes']);
  for (const q of questions) knownKeys.add(`a:${q.code}`);
  draft.quotes.forEach((_, i) => knownKeys.add(`quotes/${i}`));
  const unplaced = Object.keys(errors).filter((k) => !knownKeys.has(k));

  return (
    <div class="interview-layout">
      <form class="interview-form" noValidate onSubmit={(e) => { e.preventDefault(); save(true); }}>
        <h2>{props.editing ? t('interview_continue_title') : t('interview_title')}</h2>
        {props.study.status !== 'open' && <p class="alert alert-warn">{t('interview_study_not_open')}</p>}
        <ErrorBox error={error} />
        {unplaced.length > 0 && (
          <ul class="alert alert-error error-list" role="alert">
            {unplaced.map((k) => (
              <li>{errors[k]}</li>
            ))}
          </ul>
        )}
        <div class="form-grid">
          <div class={`field field-wide${errors.account_id ? ' field-invalid' : ''}`}>
            <label for="f-interview_account">
              {t('research_account')}
              <span class="req" aria-hidden="true"> *</span>
            </label>
            <AccountPicker ws={props.ws} name="interview_account" value={draft.account} invalid={!!errors.account_id}
              onChange={(a) => { setDraft((d) => ({ ...d, account: a, contact_id: '' })); clear('account_id', 'contact_id'); }} />
            {errors.account_id && <div class="field-error" role="alert">{errors.account_id}</div>}
          </div>
          <Field label={t('interview_person')} name="interview_contact" error={errors.contact_id}>
            <select id="f-interview_contact" name="contact_id" value={draft.contact_id} disabled={!draft.account}
              onChange={(e) => set('contact_id', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('none_option')}</option>
              {(contacts || []).map((c) => (
                <option value={String(c.id)}>{c.position ? `${c.name} (${c.position})` : c.name}</option>
              ))}
              {draft.contact_id && contacts && !contacts.some((c) => String(c.id) === draft.contact_id) && (
                <option value={draft.contact_id}>#{draft.contact_id}</option>
              )}
            </select>
          </Field>
          <Field label={t('interview_interviewer')} name="interviewer_id" error={errors.interviewer_id}>
            <select id="f-interviewer_id" name="interviewer_id" value={draft.interviewer_id}
              onChange={(e) => set('interviewer_id', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('interview_interviewer_me')}</option>
              {members.filter((m) => m.role !== 'viewer').map((m) => (
                <option value={String(m.user_id)}>{m.name || m.email}</option>
              ))}
            </select>
          </Field>
        </div>

        <h3>{t('interview_answers')}</h3>
        {questions.length === 0 && <p class="empty">{t('questionnaire_empty')}</p>}
        {questions.map((q, i) => (
          <AnswerField question={q} index={i} value={draft.answers[q.code]} onChange={(v) => answer(q.code, v)} name={`a_${q.code}`}
            labelId={`l-q-${q.id}`} catalogue={props.catalogue} error={errors[`a:${q.code}`]} textId={`f-a_${q.code}`}
            detail={<>
              {componentName(q.component_id) && ` · ${componentName(q.component_id)}`}
              {q.competitor_id && ` · ${competitorName(q.competitor_id)}`}
            </>} />
        ))}

        <h3>{t('interview_record')}</h3>
        <Field label={t('interview_notes')} name="notes" error={errors.notes} wide>
          <textarea id="f-notes" name="notes" rows={4} maxLength={10000} value={draft.notes}
            onInput={(e) => set('notes', (e.target as HTMLTextAreaElement).value)} />
        </Field>
        <Field label={t('interview_transcript')} name="transcript" error={errors.transcript} wide>
          <textarea id="f-transcript" name="transcript" rows={6} value={draft.transcript}
            onInput={(e) => set('transcript', (e.target as HTMLTextAreaElement).value)} />
        </Field>
        <QuotesEditor quotes={draft.quotes} errors={errors} name="quote_"
          onChange={(qs, key) => set('quotes', qs, ...(key ? [key] : []))} />

        <div class="btn-row save-row">
          <button type="button" class="btn" data-action="save-draft" disabled={busy} onClick={() => save(false)}>
            {busy ? t('saving') : t('interview_save_draft')}
          </button>
          <button type="submit" class="btn btn-primary" data-action="submit-interview" disabled={busy}>
            {t('interview_submit')}
          </button>
          <button type="button" class="btn btn-ghost" onClick={props.onCancel} disabled={busy}>
            {t('cancel')}
          </button>
        </div>
      </form>
      <aside class="guide-aside" aria-label={t('study_guide')}>
        <h3>{t('study_guide')}</h3>
        {props.study.guide ? <div class="pre study-guide">{props.study.guide}</div> : <p class="muted">{t('study_guide_none')}</p>}
      </aside>
    </div>
  );
}
