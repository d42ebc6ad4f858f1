// The assessment form: date, source, who said it (a person of the account map and/or free
// text), the general characteristic, likelihood to recommend, an optional journey stage, and
// per active component a score on the workspace's scale, a comment and the factor checklist
// with evidence. A new assessment is POSTed; a correction is PUT whole with If-Match and
// becomes the next version. Problems the API names by JSON pointer
// (/components/2/factors/0/factor_id…) are shown beside the field they concern.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, request } from '../../api';
import {
  loc, loyaltyPath, SOURCES, today, type Assessment, type Catalogue, type Journey, type LoyaltyFactor, type Source,
} from '../../loyalty';
import { useI18n, type Key, type T } from '../../i18n';
import { ErrorBox, Field } from '../ui';
import { mapPath, type Contact } from '../../accountMap';
import { PolarityMark } from './Polarity';
import { ScorePicker } from './ScorePicker';

interface CompDraft { score: number | null; comment: string; factors: Record<number, string> }
interface Draft {
  assessed_on: string;
  source: Source;
  contact_id: string;
  person: string;
  summary: string;
  recommend: number | null;
  stage_id: string;
  item_id: string;
  comps: Record<number, CompDraft>;
}
type Errors = Record<string, string>;
/** Which component and factors each entry of the body's arrays names, to place API errors. */
type Layout = { cid: number; fids: number[] }[];

function toDraft(a: Assessment | null): Draft {
  const comps: Record<number, CompDraft> = {};
  for (const c of a ? a.components : []) {
    const factors: Record<number, string> = {};
    for (const f of c.factors) factors[f.factor_id] = f.evidence || '';
    comps[c.component_id] = { score: c.score, comment: c.comment || '', factors };
  }
  return {
    assessed_on: a ? a.assessed_on : today(),
    source: a ? a.source : 'interview',
    contact_id: a && a.contact_id ? String(a.contact_id) : '',
    person: (a && a.person) || '',
    summary: (a && a.summary) || '',
    recommend: a ? a.recommend : null,
    stage_id: a && a.stage_id ? String(a.stage_id) : '',
    item_id: a && a.item_id ? String(a.item_id) : '',
    comps,
  };
}

function toBody(d: Draft, activeIds: number[]): { body: Record<string, unknown>; layout: Layout } {
  const layout: Layout = [];
  const components: unknown[] = [];
  for (const cid of activeIds) {
    const c = d.comps[cid];
    if (!c) continue;
    const fids = Object.keys(c.factors).map(Number);
    if (c.score === null && !c.comment.trim() && fids.length === 0) continue;
    const entry: Record<string, unknown> = { component_id: cid, score: c.score };
    if (c.comment.trim()) entry.comment = c.comment.trim();
    entry.factors = fids.map((fid) => {
      const ev = c.factors[fid].trim();
      return ev ? { factor_id: fid, evidence: ev } : { factor_id: fid };
    });
    components.push(entry);
    layout.push({ cid, fids });
  }
  const body: Record<string, unknown> = { assessed_on: d.assessed_on, source: d.source, components };
  if (d.contact_id) body.contact_id = Number(d.contact_id);
  if (d.person.trim()) body.person = d.person.trim();
  if (d.summary.trim()) body.summary = d.summary.trim();
  if (d.recommend !== null) body.recommend = d.recommend;
  if (d.stage_id) body.stage_id = Number(d.stage_id);
  if (d.stage_id && d.item_id) body.item_id = Number(d.item_id);
  return { body, layout };
}

/** Field keys of the form for an API pointer: "assessed_on", "c3.score", "f17", or "_". */
function placeError(pointer: string, layout: Layout): string {
  const m = /^\/components\/(\d+)(?:\/([a-z_]+)(?:\/(\d+))?)?/.exec(pointer);
  if (m) {
    const entry = layout[Number(m[1])];
    if (!entry) return 'components';
    if (m[2] === 'factors' && m[3] !== undefined && entry.fids[Number(m[3])] !== undefined) return `f${entry.fids[Number(m[3])]}`;
    if (m[2] === 'score' || m[2] === 'comment') return `c${entry.cid}.${m[2]}`;
    return `c${entry.cid}`;
  }
  const k = pointer.replace(/^\//, '').split('/')[0];
  return k || '_';
}

function localErrors(d: Draft, body: Record<string, unknown>, t: T): Errors {
  const e: Errors = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.assessed_on)) e.assessed_on = t('err_date');
  else if (d.assessed_on > today()) e.assessed_on = t('err_future_date');
  if ((body.components as unknown[]).length === 0 && !d.summary.trim()) e.components = t('err_assessment_empty');
  return e;
}

export function AssessmentForm(props: {
  ws: string;
  accountId: number;
  catalogue: Catalogue;
  editing: Assessment | null;
  onSaved: (a: Assessment) => void;
  onCancel: () => void;
  /** Someone else stored a newer version first: the caller reloads the list. */
  onConflict: () => void;
}) {
  const { t, lang } = useI18n();
  const { settings } = props.catalogue;
  const active = useMemo(() => props.catalogue.components.filter((c) => c.active), [props.catalogue]);
  const [draft, setDraft] = useState<Draft>(() => toDraft(props.editing));
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [journey, setJourney] = useState<Journey | null>(null);
  const [contacts, setContacts] = useState<Contact[]>([]);

  useEffect(() => {
    let live = true;
    api.get<Journey>(loyaltyPath.journey(props.ws)).then((j) => live && setJourney(j)).catch(() => undefined);
    api
      .get<{ items: Contact[] }>(mapPath.contacts(props.ws, props.accountId))
      .then((r) => live && setContacts((r.items || []).filter((c) => !c.left_on)))
      .catch(() => undefined);
    return () => { live = false; };
  }, [props.ws]);

  const clear = (...keys: string[]) => {
    if (!keys.some((k) => errors[k])) return;
    const rest = { ...errors };
    for (const k of keys) delete rest[k];
    setErrors(rest);
  };
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    clear(k as string);
  };
  const comp = (cid: number): CompDraft => draft.comps[cid] || { score: null, comment: '', factors: {} };
  const setComp = (cid: number, patch: Partial<CompDraft>, ...errKeys: string[]) => {
    setDraft((d) => ({ ...d, comps: { ...d.comps, [cid]: { ...(d.comps[cid] || { score: null, comment: '', factors: {} }), ...patch } } }));
    clear(...errKeys, 'components');
  };
  const toggleFactor = (cid: number, fid: number, on: boolean) => {
    const factors = { ...comp(cid).factors };
    if (on) factors[fid] = factors[fid] || '';
    else delete factors[fid];
    setComp(cid, { factors }, `f${fid}`);
  };
  const setEvidence = (cid: number, fid: number, v: string) => setComp(cid, { factors: { ...comp(cid).factors, [fid]: v } }, `f${fid}`);

  const save = async (e: Event) => {
    e.preventDefault();
    const { body, layout } = toBody(draft, active.map((c) => c.id));
    const local = localErrors(draft, body, t);
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const saved = props.editing
        ? await request<Assessment>('PUT', loyaltyPath.assessment(props.ws, props.accountId, props.editing.id), {
            body,
            ifMatch: props.editing.version,
          })
        : await api.post<Assessment>(loyaltyPath.assessments(props.ws, props.accountId), body);
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412) {
        setError(new ApiError(412, { detail: t('assessment_conflict') }));
        props.onConflict();
      } else {
        if (err instanceof ApiError) {
          const placed: Errors = {};
          for (const pe of err.problem.errors || []) {
            const k = placeError(pe.pointer || '', layout);
            placed[k] = placed[k] ? `${placed[k]}; ${pe.message}` : pe.message;
          }
          setErrors(placed);
        }
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const stage = journey && draft.stage_id ? journey.stages.find((s) => String(s.id) === draft.stage_id) : undefined;
  const knownKeys = new Set(['assessed_on', 'source', 'contact_id', 'person', 'summary', 'recommend', 'stage_id', 'item_id', 'components']);
  for (const c of active) {
    knownKeys.add(`c${c.id}`).add(`c${c.id}.score`).add(`c${c.id}.comment`);
    for (const f of c.factors) knownKeys.add(`f${f.id}`);
  }
  const unplaced = Object.keys(errors).filter((k) => !knownKeys.has(k));
  const sourceKey = (s: Source) => `source_${s}` as Key;

  return (
    <form class="panel assessment-form" onSubmit={save} noValidate>
      <h3>{props.editing ? t('assessment_edit_title', { n: props.editing.version + 1 }) : t('assessment_new_title')}</h3>
      <ErrorBox error={error} />
      {unplaced.length > 0 && (
        <ul class="alert alert-error error-list" role="alert">
          {unplaced.map((k) => (
            <li>{errors[k]}</li>
          ))}
        </ul>
      )}
      <div class="form-grid">
        <Field label={t('assessed_on')} name="assessed_on" error={errors.assessed_on} required>
          <input id="f-assessed_on" name="assessed_on" type="date" max={today()} value={draft.assessed_on}
            onInput={(e) => set('assessed_on', (e.target as HTMLInputElement).value)} />
        </Field>
        <Field label={t('assessment_source')} name="source" error={errors.source}>
          <select id="f-source" name="source" value={draft.source} onChange={(e) => set('source', (e.target as HTMLSelectElement).value as Source)}>
            {SOURCES.map((s) => (
              <option value={s}>{t(sourceKey(s))}</option>
            ))}
          </select>
        </Field>
        {(contacts.length > 0 || draft.contact_id) && (
          <Field label={t('assessment_contact')} name="contact_id" error={errors.contact_id} hint={t('assessment_contact_hint')}>
            <select id="f-contact_id" name="contact_id" value={draft.contact_id}
              onChange={(e) => set('contact_id', (e.target as HTMLSelectElement).value)}>
              <option value="">{t('none_option')}</option>
              {contacts.map((c) => (
                <option value={String(c.id)} class="user-text">{c.position ? `${c.name} (${c.position})` : c.name}</option>
              ))}
              {draft.contact_id && !contacts.some((c) => String(c.id) === draft.contact_id) && (
                <option value={draft.contact_id}>#{draft.contact_id}</option>
              )}
            </select>
          </Field>
        )}
        <Field label={t('assessment_person')} name="person" error={errors.person} hint={t('assessment_person_hint')}>
          <input id="f-person" name="person" type="text" maxLength={300} value={draft.person}
            onInput={(e) => set('person', (e.target as HTMLInputElement).value)} />
        </Field>
        <div class={`field${errors.recommend ? ' field-invalid' : ''}`}>
          <span class="label" id="l-recommend">{t('recommend_question')}</span>
          <ScorePicker name="recommend" min={0} max={10} value={draft.recommend} labelledBy="l-recommend"
            invalid={!!errors.recommend} onChange={(v) => set('recommend', v)} />
          {errors.recommend && <div class="field-error" role="alert">{errors.recommend}</div>}
        </div>
        <Field label={t('general_characteristic')} name="summary" error={errors.summary} wide>
          <textarea id="f-summary" name="summary" rows={3} value={draft.summary}
            onInput={(e) => set('summary', (e.target as HTMLTextAreaElement).value)} />
        </Field>
        {journey && journey.stages.length > 0 && (
          <>
            <Field label={t('journey_stage')} name="stage_id" error={errors.stage_id}>
              <select id="f-stage_id" name="stage_id" value={draft.stage_id}
                onChange={(e) => setDraft((d) => ({ ...d, stage_id: (e.target as HTMLSelectElement).value, item_id: '' }))}>
                <option value="">{t('none_option')}</option>
                {journey.stages.map((s) => (
                  <option value={String(s.id)}>{loc(s.name, lang)}</option>
                ))}
              </select>
            </Field>
            <Field label={t('journey_item')} name="item_id" error={errors.item_id}>
              <select id="f-item_id" name="item_id" value={draft.item_id} disabled={!stage}
                onChange={(e) => set('item_id', (e.target as HTMLSelectElement).value)}>
                <option value="">{t('none_option')}</option>
                {stage && [...stage.touchpoints, ...stage.solutions].map((it) => (
                  <option value={String(it.id)}>{loc(it.name, lang)}</option>
                ))}
              </select>
            </Field>
          </>
        )}
      </div>
      {errors.components && <div class="alert alert-error" role="alert">{errors.components}</div>}
      {props.editing && props.editing.components.some((x) => !active.some((c) => c.id === x.component_id)) && (
        <p class="alert alert-warn">{t('assessment_retired_dropped')}</p>
      )}
      {active.map((c) => (
        <ComponentFields
          key={c.id}
          name={loc(c.name, lang)}
          code={c.code}
          cid={c.id}
          factors={c.factors.filter((f) => f.active || f.id in comp(c.id).factors)}
          draft={comp(c.id)}
          errors={errors}
          min={settings.score_min}
          max={settings.score_max}
          onScore={(v) => setComp(c.id, { score: v }, `c${c.id}.score`, `c${c.id}`)}
          onComment={(v) => setComp(c.id, { comment: v }, `c${c.id}.comment`)}
          onToggle={(fid, on) => toggleFactor(c.id, fid, on)}
          onEvidence={(fid, v) => setEvidence(c.id, fid, v)}
        />
      ))}
      <div class="btn-row save-row">
        <button type="submit" class="btn btn-primary" data-action="save-assessment" disabled={busy}>
          {busy ? t('saving') : t('save')}
        </button>
        <button type="button" class="btn btn-ghost" onClick={props.onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function ComponentFields(props: {
  name: string;
  code: string;
  cid: number;
  factors: LoyaltyFactor[];
  draft: CompDraft;
  errors: Errors;
  min: number;
  max: number;
  onScore: (v: number | null) => void;
  onComment: (v: string) => void;
  onToggle: (fid: number, on: boolean) => void;
  onEvidence: (fid: number, v: string) => void;
}) {
  const { t, lang } = useI18n();
  const { cid, draft, errors } = props;
  const scoreErr = errors[`c${cid}.score`] || errors[`c${cid}`];
  return (
    <fieldset class="form-component" data-component={props.code} data-component-id={cid}>
      <legend>{props.name}</legend>
      <div class={`field${scoreErr ? ' field-invalid' : ''}`}>
        <span class="label" id={`l-score-${cid}`}>
          {t('overall_score')} ({props.min}–{props.max})
        </span>
        <ScorePicker name={`score-${cid}`} min={props.min} max={props.max} value={draft.score} labelledBy={`l-score-${cid}`}
          invalid={!!scoreErr} onChange={props.onScore} />
        {scoreErr && <div class="field-error" role="alert">{scoreErr}</div>}
      </div>
      <Field label={t('component_comment')} name={`comment-${cid}`} error={errors[`c${cid}.comment`]}>
        <input id={`f-comment-${cid}`} name={`comment-${cid}`} type="text" value={draft.comment}
          onInput={(e) => props.onComment((e.target as HTMLInputElement).value)} />
      </Field>
      <ul class="checklist form-checklist">
        {props.factors.map((f) => {
          const on = f.id in draft.factors;
          const err = errors[`f${f.id}`];
          return (
            <li class={`check-item${on ? ' ticked' : ''}${err ? ' field-invalid' : ''}`} data-factor-id={f.id}>
              <label class="check">
                <input type="checkbox" name={`factor-${f.id}`} checked={on}
                  onChange={(e) => props.onToggle(f.id, (e.target as HTMLInputElement).checked)} />
                <PolarityMark polarity={f.polarity} />
                <span>{loc(f.text, lang)}</span>
                {!f.active && <span class="badge badge-archived">{t('retired')}</span>}
              </label>
              {on && (
                <input type="text" class="evidence-input" name={`evidence-${f.id}`} aria-label={t('evidence')}
                  placeholder={t('evidence_placeholder')} value={draft.factors[f.id]}
                  onInput={(e) => props.onEvidence(f.id, (e.target as HTMLInputElement).value)} />
              )}
              {err && <div class="field-error" role="alert">{err}</div>}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
