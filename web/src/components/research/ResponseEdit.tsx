// Correcting a submitted response (staff): its answers to the active questions by kind, the notes
// and the quotes, saved as a merge patch with If-Match (answers merged by code, a removed answer
// sent as null). A 422 at /answers/<code> is shown at that question; a 412 (someone changed the
// response meanwhile) offers to reload the latest version. A correction of a client's response
// stores a new version of its assessment (the server does that).
import { useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { loc, type Catalogue, type LoyaltyFactor } from '../../loyalty';
import { useI18n } from '../../i18n';
import {
  patchWith, questionKindKey, researchPath, SCALE_KINDS, type AnswerValue, type Question, type StudyResponse,
} from '../../research';
import { ErrorBox, Field } from '../ui';
import { ScorePicker } from '../loyalty/ScorePicker';

type Answers = Record<string, AnswerValue | null>;
type Errors = Record<string, string>;

function given(v: AnswerValue | null | undefined): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'string') return v.trim() !== '';
  return true;
}

function same(a: AnswerValue | null | undefined, b: AnswerValue | null | undefined): boolean {
  if (!given(a) && !given(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return [...a].sort().join() === [...b].sort().join();
  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim();
  return a === b;
}

/** "a:<code>" for /answers/<code>, "quotes/2", or the pointer's first segment. */
function placeError(pointer: string): string {
  const m = /^\/answers\/([^/]+)/.exec(pointer);
  if (m) return `a:${decodeURIComponent(m[1].replace(/~1/g, '/').replace(/~0/g, '~'))}`;
  const q = /^\/quotes\/(\d+)/.exec(pointer);
  if (q) return `quotes/${q[1]}`;
  return pointer.replace(/^\//, '').split('/')[0] || '_';
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
  const { t, lang } = useI18n();
  const [base, setBase] = useState<StudyResponse>(props.response);
  const [answers, setAnswers] = useState<Answers>(() => ({ ...props.response.answers }));
  const [notes, setNotes] = useState(props.response.notes || '');
  const [quotes, setQuotes] = useState<string[]>(() => (props.response.quotes && props.response.quotes.length ? [...props.response.quotes] : ['']));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [busy, setBusy] = useState(false);
  const scale = props.catalogue ? props.catalogue.settings : { score_min: 1, score_max: 5 };
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
        const placed: Errors = {};
        for (const pe of err.problem.errors || []) {
          const k = placeError(pe.pointer || '');
          placed[k] = placed[k] ? `${placed[k]}; ${pe.message}` : pe.message;
        }
        setErrors(placed);
        setError(err);
      } else setError(err);
    } finally {
      setBusy(false);
    }
  };

  const factorsOf = (q: Question): { name: string; factors: LoyaltyFactor[] }[] => {
    if (!props.catalogue) return [];
    const chosen = new Set(Array.isArray(answers[q.code]) ? (answers[q.code] as number[]) : []);
    return props.catalogue.components
      .filter((c) => (q.component_id ? c.id === q.component_id : c.active || c.factors.some((f) => chosen.has(f.id))))
      .map((c) => ({ name: loc(c.name, lang), factors: c.factors.filter((f) => f.active || chosen.has(f.id)) }))
      .filter((g) => g.factors.length > 0);
  };

  const input = (q: Question) => {
    const v = answers[q.code];
    const invalid = !!errors[`a:${q.code}`];
    const labelId = `l-re-${q.id}`;
    const name = `re_${q.code}`;
    if (q.kind === 'recommend' || SCALE_KINDS.includes(q.kind)) {
      const [min, max] = q.kind === 'recommend' ? [0, 10] : [scale.score_min, scale.score_max];
      return (
        <ScorePicker name={name} min={min} max={max} value={typeof v === 'number' ? v : null} labelledBy={labelId}
          invalid={invalid} onChange={(x) => answer(q.code, x)} />
      );
    }
    if (q.kind === 'factors') {
      const chosen = new Set(Array.isArray(v) ? v : []);
      const groups = factorsOf(q);
      if (groups.length === 0) return <p class="muted">{t('interview_no_factors')}</p>;
      return (
        <div class="factor-picks" role="group" aria-labelledby={labelId}>
          {groups.map((g) => (
            <div class="factor-group">
              {!q.component_id && groups.length > 1 && <div class="factor-group-name">{g.name}</div>}
              {g.factors.map((f) => (
                <label class="check" data-factor-id={f.id}>
                  <input type="checkbox" name={name} value={String(f.id)} checked={chosen.has(f.id)}
                    onChange={(e) => {
                      const s = new Set(chosen);
                      if ((e.target as HTMLInputElement).checked) s.add(f.id);
                      else s.delete(f.id);
                      answer(q.code, [...s]);
                    }} />
                  <span>{loc(f.text, lang)}</span>
                </label>
              ))}
            </div>
          ))}
        </div>
      );
    }
    if (q.kind === 'choice') {
      return (
        <div class="choice-picks" role="radiogroup" aria-labelledby={labelId}>
          {(q.options || []).map((o) => (
            <label class="check" data-option={o.code}>
              <input type="radio" name={name} value={o.code} checked={v === o.code} onChange={() => answer(q.code, o.code)} />
              <span>{loc(o.text, lang)}</span>
            </label>
          ))}
          {!q.required && (
            <label class="check">
              <input type="radio" name={name} value="" checked={!given(v)} onChange={() => answer(q.code, null)} />
              <span class="muted">{t('interview_no_answer')}</span>
            </label>
          )}
        </div>
      );
    }
    return (
      <textarea name={name} rows={3} maxLength={10000} aria-labelledby={labelId} aria-invalid={invalid || undefined}
        value={typeof v === 'string' ? v : ''} onInput={(e) => answer(q.code, (e.target as HTMLTextAreaElement).value)} />
    );
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
      {questions.map((q, i) => {
        const err = errors[`a:${q.code}`];
        return (
          <fieldset class={`interview-question${err ? ' field-invalid' : ''}`} data-question={q.code} data-kind={q.kind}>
            <legend id={`l-re-${q.id}`}>
              <span class="q-pos">{i + 1}.</span> {loc(q.text, lang)}
              {q.required && <span class="req" aria-hidden="true"> *</span>}
            </legend>
            <div class="sub">
              {t(questionKindKey(q.kind))} · <code>{q.code}</code>
              {SCALE_KINDS.includes(q.kind) && ` (${scale.score_min}–${scale.score_max})`}
            </div>
            {input(q)}
            {err && <div class="field-error" role="alert">{err}</div>}
          </fieldset>
        );
      })}
      {retiredAnswered.length > 0 && (
        <p class="muted small">{t('redit_retired_kept', { codes: retiredAnswered.map((q) => q.code).join(', ') })}</p>
      )}
      <Field label={t('interview_notes')} name="redit_notes" error={errors.notes} wide>
        <textarea id="f-redit_notes" name="redit_notes" rows={3} maxLength={10000} value={notes}
          onInput={(e) => { setNotes((e.target as HTMLTextAreaElement).value); clear('notes'); }} />
      </Field>
      <fieldset class="quotes-editor">
        <legend>{t('interview_quotes')}</legend>
        {errors.quotes && <div class="field-error" role="alert">{errors.quotes}</div>}
        {quotes.map((q, i) => (
          <div class={`quote-row${errors[`quotes/${i}`] ? ' field-invalid' : ''}`}>
            <textarea name={`redit_quote_${i}`} rows={2} maxLength={2000} value={q} aria-label={`${t('interview_quote')} ${i + 1}`}
              onInput={(e) => { setQuotes(quotes.map((x, j) => (j === i ? (e.target as HTMLTextAreaElement).value : x))); clear(`quotes/${i}`); }} />
            <button type="button" class="btn btn-small btn-ghost" aria-label={t('remove')} title={t('remove')}
              onClick={() => setQuotes(quotes.length > 1 ? quotes.filter((_, j) => j !== i) : [''])}>
              ✕
            </button>
            {errors[`quotes/${i}`] && <div class="field-error" role="alert">{errors[`quotes/${i}`]}</div>}
          </div>
        ))}
        <button type="button" class="btn btn-small btn-ghost" onClick={() => setQuotes([...quotes, ''])}>
          + {t('interview_quote_add')}
        </button>
      </fieldset>
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
