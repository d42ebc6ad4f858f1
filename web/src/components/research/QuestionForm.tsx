// The form of one question of a questionnaire: kind (fixed once set), code, text in both
// languages, and what the kind needs — the loyalty component (from the catalogue), the
// competitor, the options of a single choice with codes and texts in both languages — plus
// "required" and the journey stage. A new question is POSTed; an edit sends what changed with
// If-Match. Errors the API names by pointer (/options/2/code…) are shown at the field.
import { useState } from 'preact/hooks';
import { api, ApiError, type Competitor } from '../../api';
import { loc, pointerErrors, type Catalogue, type Journey } from '../../loyalty';
import {
  patchWith, QUESTION_KINDS, questionKindKey, researchPath, type Question, type QuestionKind,
} from '../../research';
import { useI18n } from '../../i18n';
import { ErrorBox, Field } from '../ui';
import { BilingualField, fromBilingual, toBilingual, type Bilingual } from '../catalogue/BilingualField';

interface OptionDraft { code: string; text: Bilingual }
interface Draft {
  kind: QuestionKind;
  code: string;
  text: Bilingual;
  component_id: string;
  competitor_id: string;
  options: OptionDraft[];
  required: boolean;
  stage_id: string;
}

const NEEDS_COMPONENT: QuestionKind[] = ['component', 'competitor_component', 'factors'];

function toDraft(q: Question | null): Draft {
  return {
    kind: q ? q.kind : 'recommend',
    code: q ? q.code : '',
    text: toBilingual(q ? q.text : null),
    component_id: q && q.component_id ? String(q.component_id) : '',
    competitor_id: q && q.competitor_id ? String(q.competitor_id) : '',
    options: q && q.options ? q.options.map((o) => ({ code: o.code, text: toBilingual(o.text) })) : [],
    required: q ? q.required : false,
    stage_id: q && q.stage_id ? String(q.stage_id) : '',
  };
}

function toBody(d: Draft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    kind: d.kind,
    text: fromBilingual(d.text),
    required: d.required,
    stage_id: d.stage_id ? Number(d.stage_id) : null,
  };
  if (d.code.trim()) body.code = d.code.trim();
  if (NEEDS_COMPONENT.includes(d.kind)) body.component_id = d.component_id ? Number(d.component_id) : null;
  if (d.kind === 'competitor_component') body.competitor_id = d.competitor_id ? Number(d.competitor_id) : null;
  if (d.kind === 'choice') body.options = d.options.map((o) => ({ code: o.code.trim(), text: fromBilingual(o.text) }));
  return body;
}

export function QuestionForm(props: {
  ws: string;
  studyId: number;
  question: Question | null;
  catalogue: Catalogue | null;
  journey: Journey | null;
  competitors: Competitor[];
  onDone: (saved: boolean) => void;
}) {
  const { t, lang } = useI18n();
  const q = props.question;
  const [draft, setDraft] = useState<Draft>(() => toDraft(q));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const components = (props.catalogue ? props.catalogue.components : []).filter(
    (c) => c.active || String(c.id) === draft.component_id,
  );
  const competitors = props.competitors.filter((c) => !c.archived_at || String(c.id) === draft.competitor_id);

  const setOption = (i: number, o: Partial<OptionDraft>) =>
    set('options', draft.options.map((x, j) => (j === i ? { ...x, ...o } : x)));
  const addOption = () => {
    const used = new Set(draft.options.map((o) => o.code));
    let n = draft.options.length + 1;
    while (used.has(`o${n}`)) n++;
    set('options', [...draft.options, { code: `o${n}`, text: { ru: '', en: '' } }]);
  };
  const removeOption = (i: number) => set('options', draft.options.filter((_, j) => j !== i));
  const moveOption = (i: number, dir: -1 | 1) => {
    const j = i + dir;
    if (j < 0 || j >= draft.options.length) return;
    const list = [...draft.options];
    [list[i], list[j]] = [list[j], list[i]];
    set('options', list);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (!draft.text.ru.trim()) local['text/ru'] = t('err_required');
    if (NEEDS_COMPONENT.includes(draft.kind) && draft.kind !== 'factors' && !draft.component_id) local.component_id = t('err_required');
    if (draft.kind === 'competitor_component' && !draft.competitor_id) local.competitor_id = t('err_required');
    if (draft.kind === 'choice') {
      if (draft.options.length < 2) local.options = t('question_err_options');
      draft.options.forEach((o, i) => {
        if (!o.code.trim()) local[`options/${i}/code`] = t('err_required');
        if (!o.text.ru.trim()) local[`options/${i}/text/ru`] = t('err_required');
      });
    }
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    const body = toBody(draft);
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      if (q) {
        const before = toBody(toDraft(q));
        delete body.kind;
        const diff: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(body)) if (JSON.stringify(v) !== JSON.stringify(before[k])) diff[k] = v;
        if (Object.keys(diff).length === 0) {
          props.onDone(false);
          return;
        }
        await patchWith(researchPath.question(props.ws, props.studyId, q.id), diff, q.version);
      } else {
        await api.post(researchPath.questions(props.ws, props.studyId), body);
      }
      props.onDone(true);
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    } finally {
      setBusy(false);
    }
  };

  const opt = (i: number, f: string) => errors[`options/${i}/${f}`];
  return (
    <form class="panel inline-form question-form" onSubmit={save} noValidate data-question-form>
      <h3>{q ? t('question_edit_title', { code: q.code }) : t('question_new_title')}</h3>
      <ErrorBox error={error} />
      <div class="form-grid">
        <Field label={t('question_kind')} name="question_kind" error={errors.kind} hint={q ? t('question_kind_fixed') : undefined}>
          <select id="f-question_kind" name="kind" value={draft.kind} disabled={!!q}
            onChange={(e) => set('kind', (e.target as HTMLSelectElement).value as QuestionKind)}>
            {QUESTION_KINDS.map((k) => (
              <option value={k}>{t(questionKindKey(k))}</option>
            ))}
          </select>
        </Field>
        <Field label={t('question_code')} name="question_code" error={errors.code} hint={t('question_code_hint')}>
          <input id="f-question_code" name="code" type="text" maxLength={32} value={draft.code} pattern="[a-z0-9_-]+"
            onInput={(e) => set('code', (e.target as HTMLInputElement).value)} />
        </Field>
      </div>
      <BilingualField name="text" label={t('question_text')} value={draft.text} errors={errors} onChange={(v) => set('text', v)}
        required multiline />
      <div class="form-grid">
        {NEEDS_COMPONENT.includes(draft.kind) && (
          <Field label={t('question_component')} name="component_id" error={errors.component_id}
            required={draft.kind !== 'factors'} hint={draft.kind === 'factors' ? t('question_component_factors_hint') : undefined}>
            <select id="f-component_id" name="component_id" value={draft.component_id}
              onChange={(e) => set('component_id', (e.target as HTMLSelectElement).value)}>
              <option value="">{draft.kind === 'factors' ? t('question_all_components') : t('research_choose')}</option>
              {components.map((c) => (
                <option value={String(c.id)}>{loc(c.name, lang)}</option>
              ))}
            </select>
          </Field>
        )}
        {draft.kind === 'competitor_component' && (
          <Field label={t('question_competitor')} name="competitor_id" error={errors.competitor_id} required>
            <select id="f-competitor_id" name="competitor_id" value={draft.competitor_id}
              onChange={(e) => set('competitor_id', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('research_choose')}</option>
              {competitors.map((c) => (
                <option value={String(c.id)}>{c.name}</option>
              ))}
            </select>
          </Field>
        )}
        <Field label={t('journey_stage')} name="q_stage_id" error={errors.stage_id}>
          <select id="f-q_stage_id" name="stage_id" value={draft.stage_id}
            onChange={(e) => set('stage_id', (e.target as HTMLSelectElement).value)}>
            <option value="">{t('none_option')}</option>
            {(props.journey ? props.journey.stages : []).map((s) => (
              <option value={String(s.id)}>{loc(s.name, lang)}</option>
            ))}
          </select>
        </Field>
        <div class="field">
          <label class="check">
            <input type="checkbox" name="required" checked={draft.required}
              onChange={(e) => set('required', (e.target as HTMLInputElement).checked)} />
            <span>{t('question_required')}</span>
          </label>
        </div>
      </div>
      {draft.kind === 'choice' && (
        <fieldset class="options-editor">
          <legend>{t('question_options')}</legend>
          {errors.options && <div class="field-error" role="alert">{errors.options}</div>}
          {draft.options.map((o, i) => (
            <div class="option-row" data-option={i}>
              <div class={`field option-code${opt(i, 'code') ? ' field-invalid' : ''}`}>
                <label for={`f-opt-${i}-code`}>{t('question_option_code')}</label>
                <input id={`f-opt-${i}-code`} name={`option_${i}_code`} type="text" maxLength={32} value={o.code}
                  onInput={(e) => setOption(i, { code: (e.target as HTMLInputElement).value })} />
                {opt(i, 'code') && <div class="field-error" role="alert">{opt(i, 'code')}</div>}
              </div>
              <BilingualField name={`options/${i}/text`} label={t('question_option_text')} value={o.text} errors={errors}
                onChange={(v) => setOption(i, { text: v })} required />
              <span class="row-actions">
                <button type="button" class="btn btn-small" title={t('move_up')} aria-label={t('move_up')} disabled={i === 0}
                  onClick={() => moveOption(i, -1)}>↑</button>
                <button type="button" class="btn btn-small" title={t('move_down')} aria-label={t('move_down')}
                  disabled={i === draft.options.length - 1} onClick={() => moveOption(i, 1)}>↓</button>
                <button type="button" class="btn btn-small btn-danger" data-action="remove-option" onClick={() => removeOption(i)}>
                  {t('remove')}
                </button>
              </span>
            </div>
          ))}
          <button type="button" class="btn btn-small btn-ghost" data-action="add-option" onClick={addOption}>
            + {t('question_option_add')}
          </button>
        </fieldset>
      )}
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" data-action="save-question" disabled={busy}>
          {busy ? t('saving') : q ? t('save') : t('create')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={() => props.onDone(false)} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
