// The input for one answer by its question's kind, shared by the interview form and the
// correction of a submitted response: recommend 0–10 and ratings on the workspace's scale as a
// score picker, factors as checkboxes grouped by component, a single choice as radio buttons
// (with "no answer" when the question is optional), open text as a textarea. Also what else both
// forms need: whether an answer is given, the API's errors placed by pointer, the quotes editor.
import type { ComponentChildren } from 'preact';
import type { ApiError } from '../../api';
import { loc, type Catalogue, type LoyaltyFactor } from '../../loyalty';
import { useI18n, type Lang } from '../../i18n';
import { questionKindKey, SCALE_KINDS, type AnswerValue, type Question } from '../../research';
import { ScorePicker } from '../loyalty/ScorePicker';

/** Whether an answer is given (an empty list or text counts as none). */
export function given(v: AnswerValue | null | undefined): boolean {
  if (v === null || v === undefined) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'string') return v.trim() !== '';
  return true;
}

/** Form keys for an API pointer: "a:<code>" for /answers/<code>, "quotes/2", or the first segment. */
export function placeError(pointer: string): string {
  const m = /^\/answers\/([^/]+)/.exec(pointer);
  if (m) return `a:${decodeURIComponent(m[1].replace(/~1/g, '/').replace(/~0/g, '~'))}`;
  const q = /^\/quotes\/(\d+)/.exec(pointer);
  if (q) return `quotes/${q[1]}`;
  return pointer.replace(/^\//, '').split('/')[0] || '_';
}

/** The API's errors by form key (see placeError), the messages of one key joined. */
export function placeErrors(err: ApiError): Record<string, string> {
  const placed: Record<string, string> = {};
  for (const pe of err.problem.errors || []) {
    const k = placeError(pe.pointer || '');
    placed[k] = placed[k] ? `${placed[k]}; ${pe.message}` : pe.message;
  }
  return placed;
}

export interface FactorGroup {
  name: string;
  factors: LoyaltyFactor[];
}

/** The factors a "factors" question offers, by component: the question's component, or every
 * active one; retired factors (and components) only when the answer already has them. */
export function factorGroups(catalogue: Catalogue | null, q: Question, v: AnswerValue | null | undefined, lang: Lang): FactorGroup[] {
  if (!catalogue) return [];
  const chosen = new Set(Array.isArray(v) ? (v as number[]) : []);
  return catalogue.components
    .filter((c) => (q.component_id ? c.id === q.component_id : c.active || c.factors.some((f) => chosen.has(f.id))))
    .map((c) => ({ name: loc(c.name, lang), factors: c.factors.filter((f) => f.active || chosen.has(f.id)) }))
    .filter((g) => g.factors.length > 0);
}

export function AnswerInput(props: {
  question: Question;
  value: AnswerValue | null | undefined;
  onChange: (v: AnswerValue | null) => void;
  /** The inputs' name (the score picker's data-name). */
  name: string;
  /** The id of the element labelling the input (the question's legend). */
  labelId: string;
  catalogue: Catalogue | null;
  invalid?: boolean;
  /** An id for the open-text textarea. */
  textId?: string;
}) {
  const { t, lang } = useI18n();
  const { question: q, value: v, name, labelId, invalid = false } = props;
  if (q.kind === 'recommend' || SCALE_KINDS.includes(q.kind)) {
    const scale = props.catalogue ? props.catalogue.settings : { score_min: 1, score_max: 5 };
    const [min, max] = q.kind === 'recommend' ? [0, 10] : [scale.score_min, scale.score_max];
    return (
      <ScorePicker name={name} min={min} max={max} value={typeof v === 'number' ? v : null} labelledBy={labelId}
        invalid={invalid} onChange={(x) => props.onChange(x)} />
    );
  }
  if (q.kind === 'factors') {
    const chosen = new Set(Array.isArray(v) ? v : []);
    const groups = factorGroups(props.catalogue, q, v, lang);
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
                    props.onChange([...s]);
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
            <input type="radio" name={name} value={o.code} checked={v === o.code} onChange={() => props.onChange(o.code)} />
            <span>{loc(o.text, lang)}</span>
          </label>
        ))}
        {!q.required && (
          <label class="check">
            <input type="radio" name={name} value="" checked={!given(v)} onChange={() => props.onChange(null)} />
            <span class="muted">{t('interview_no_answer')}</span>
          </label>
        )}
      </div>
    );
  }
  return (
    <textarea id={props.textId} name={name} rows={3} maxLength={10000} aria-labelledby={labelId}
      aria-invalid={invalid || undefined} value={typeof v === 'string' ? v : ''}
      onInput={(e) => props.onChange((e.target as HTMLTextAreaElement).value)} />
  );
}

/** A question as a fieldset: its number, text and "required" mark as the legend (id `labelId`),
 * its kind, `detail` and the scale's range below, the answer's input and the error. */
export function AnswerField(props: {
  question: Question;
  index: number;
  value: AnswerValue | null | undefined;
  onChange: (v: AnswerValue | null) => void;
  name: string;
  labelId: string;
  catalogue: Catalogue | null;
  error?: string;
  textId?: string;
  detail?: ComponentChildren;
}) {
  const { t, lang } = useI18n();
  const { question: q, error: err } = props;
  const scale = props.catalogue ? props.catalogue.settings : { score_min: 1, score_max: 5 };
  return (
    <fieldset class={`interview-question${err ? ' field-invalid' : ''}`} data-question={q.code} data-kind={q.kind}>
      <legend id={props.labelId}>
        <span class="q-pos">{props.index + 1}.</span> {loc(q.text, lang)}
        {q.required && <span class="req" aria-hidden="true"> *</span>}
      </legend>
      <div class="sub">
        {t(questionKindKey(q.kind))}
        {props.detail}
        {SCALE_KINDS.includes(q.kind) && ` (${scale.score_min}–${scale.score_max})`}
      </div>
      <AnswerInput question={q} value={props.value} onChange={props.onChange} name={props.name} labelId={props.labelId}
        catalogue={props.catalogue} invalid={!!err} textId={props.textId} />
      {err && <div class="field-error" role="alert">{err}</div>}
    </fieldset>
  );
}

/** The quotes of a response, one textarea each (named `<name><i>`), with their errors ("quotes",
 * "quotes/<i>"); `onChange` gets the new list and the error key the change answers, if any. */
export function QuotesEditor(props: {
  quotes: string[];
  errors: Record<string, string>;
  name: string;
  onChange: (quotes: string[], errKey?: string) => void;
}) {
  const { t } = useI18n();
  const { quotes, errors } = props;
  return (
    <fieldset class="quotes-editor">
      <legend>{t('interview_quotes')}</legend>
      {errors.quotes && <div class="field-error" role="alert">{errors.quotes}</div>}
      {quotes.map((q, i) => (
        <div class={`quote-row${errors[`quotes/${i}`] ? ' field-invalid' : ''}`}>
          <textarea name={`${props.name}${i}`} rows={2} maxLength={2000} value={q} aria-label={`${t('interview_quote')} ${i + 1}`}
            onInput={(e) => props.onChange(quotes.map((x, j) => (j === i ? (e.target as HTMLTextAreaElement).value : x)), `quotes/${i}`)} />
          <button type="button" class="btn btn-small btn-ghost" aria-label={t('remove')} title={t('remove')}
            onClick={() => props.onChange(quotes.length > 1 ? quotes.filter((_, j) => j !== i) : [''])}>
            ✕
          </button>
          {errors[`quotes/${i}`] && <div class="field-error" role="alert">{errors[`quotes/${i}`]}</div>}
        </div>
      ))}
      <button type="button" class="btn btn-small btn-ghost" data-action="add-quote" onClick={() => props.onChange([...quotes, ''])}>
        + {t('interview_quote_add')}
      </button>
    </fieldset>
  );
}
