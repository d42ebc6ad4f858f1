// Correcting a submitted response (staff): its answers to the active questions by kind, the notes
// and the quotes, saved as a merge patch with If-Match (answers merged by code, a removed answer
// sent as null). A 422 at /answers/<code> is shown at that question; a 412 (someone changed the
// response meanwhile) offers to reload the latest version. A correction of a client's response
// stores a new version of its assessment (the server does that).
import { useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import type { Catalogue } from '../../loyalty';
import { useI18n } from '../../i18n';
import {
  patchWith, researchPath, type AnswerValue, type Question, type StudyResponse,
} from '../../research';
import { ErrorBox, Field } from '../ui';
import { AnswerField, given, placeErrors, QuotesEditor } from './AnswerInput';

type Answers = Record<string, AnswerValue | null>;
type Errors = Record<string, string>;

function same(a: AnswerValue | null | undefined, b: AnswerValue | null | undefined): boolean {
  if (!given(a) && !given(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return [...a].sort().join() === [...b].sort().join();
  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim();
  return a === b;
}

export function ResponseEdit(props: {
  ws: string;
  studyId: number;
  response: StudyResponse;
  questions: Question[];
  catalogue: Catalogue | null;
  onSaved: (r: StudyResponse) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [base, setBase] = useState<StudyResponse>(props.response);
  const [answers, setAnswers] = useState<Answers>(() => ({ ...props.response.answers }));
  const [notes, setNotes] = useState(props.response.notes || '');
  const [quotes, setQuotes] = useState<string[]>(() => (props.response.quotes && props.response.quotes.length ? [...props.response.quotes] : ['']));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const questions = useMemo(() => props.questions.filter((q) => q.active).sort((a, b) => a.position - b.position), [props.questions]);
  const retiredAnswered = props.questions.filter((q) => !q.active && q.code in (base.answers || {}));

  const clear = (k: string) => {
    if (!errors[k]) return;
    const rest = { ...errors };
    delete rest[k];
    setErrors(rest);
  };
  const answer = (code: string, v: AnswerValue | null) => {
    setAnswers((a) => ({ ...a, [code]: v }));
    clear(`a:${code}`);
  };

  const reset = (r: StudyResponse) => {
    setBase(r);
    setAnswers({ ...r.answers });
    setNotes(r.notes || '');
    setQuotes(r.quotes && r.quotes.length ? [...r.quotes] : ['']);
    setErrors({});
    setError(null);
    setConflict(false);
  };

  const reload = async () => {
    setBusy(true);
    try {
      reset(await api.get<StudyResponse>(researchPath.response(props.ws, props.studyId, base.id)));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    const local: Errors = {};
    for (const q of questions) if (q.required && !given(answers[q.code])) local[`a:${q.code}`] = t('interview_err_required');
    if (Object.keys(local).length) {
      setErrors(local);
      setError(new ApiError(422, { detail: t('interview_err_fix') }));
      return;
    }
    const changed: Answers = {};
    for (const q of questions) {
      const now = answers[q.code];
      const before = base.answers ? base.answers[q.code] : undefined;
      if (same(now, before)) continue;
      changed[q.code] = given(now) ? (typeof now === 'string' ? now.trim() : (now as AnswerValue)) : null;
    }
    const body: Record<string, unknown> = {};
    if (Object.keys(changed).length) body.answers = changed;
    const n = notes.trim() ? notes : null;
    if (n !== (base.notes || null)) body.notes = n;
    const qs = quotes.map((q) => q.trim()).filter(Boolean);
    if (JSON.stringify(qs) !== JSON.stringify(base.quotes || [])) body.quotes = qs;
    if (Object.keys(body).length === 0) {
      props.onCancel();
      return;
    }
    setBusy(true);
    setError(null);
    setErrors({});
    setConflict(false);
    try {
      const saved = await patchWith<StudyResponse>(researchPath.response(props.ws, props.studyId, base.id), body, base.version);
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setConflict(true);
      } else if (err instanceof ApiError) {
        setErrors(placeErrors(err));
        setError(err);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const known = new Set(['notes', 'quotes', ...questions.map((q) => `a:${q.code}`), ...quotes.map((_, i) => `quotes/${i}`)]);
  const unplaced = Object.keys(errors).filter((k) => !known.has(k));

  return (
    <form class="response-edit" data-response-edit={base.id} noValidate onSubmit={(e) => { e.preventDefault(); save(); }}>
      <h4>{t('redit_title')}</h4>
      <p class="muted small">{base.assessment_id ? t('redit_hint_assessment') : t('redit_hint')}</p>
      {conflict && (
        <div class="alert alert-error redit-conflict" role="alert" data-conflict="true">
          <span>{t('redit_conflict')}</span>{' '}
          <button type="button" class="btn btn-small" data-action="reload-response" disabled={busy} onClick={reload}>
            {t('redit_reload')}
          </button>
        </div>
      )}
      <ErrorBox error={error} />
      {unplaced.length > 0 && (
        <ul class="alert alert-error error-list" role="alert">
          {unplaced.map((k) => <li>{errors[k]}</li>)}
        </ul>
      )}
      {questions.map((q, i) => (
        <AnswerField question={q} index={i} value={answers[q.code]} onChange={(v) => answer(q.code, v)} name={`re_${q.code}`}
          labelId={`l-re-${q.id}`} catalogue={props.catalogue} error={errors[`a:${q.code}`]} detail={<> · <code>{q.code}</code></>} />
      ))}
      {retiredAnswered.length > 0 && (
        <p class="muted small">{t('redit_retired_kept', { codes: retiredAnswered.map((q) => q.code).join(', ') })}</p>
      )}
      <Field label={t('interview_notes')} name="redit_notes" error={errors.notes} wide>
        <textarea id="f-redit_notes" name="redit_notes" rows={3} maxLength={10000} value={notes}
          onInput={(e) => { setNotes((e.target as HTMLTextAreaElement).value); clear('notes'); }} />
      </Field>
      <QuotesEditor quotes={quotes} errors={errors} name="redit_quote_"
        onChange={(qs, key) => { setQuotes(qs); if (key) clear(key); }} />
      <div class="btn-row save-row">
        <button type="submit" class="btn btn-primary" data-action="save-correction" disabled={busy}>
          {busy ? t('saving') : t('redit_save')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={props.onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
