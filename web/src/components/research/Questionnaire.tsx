// The questionnaire tab of a study: the active questions in order (drag a row, or use ↑ ↓, to
// reorder: POST …/questions/order with all active ids), each with its kind, code, text and what
// it refers to (component, competitor, options, journey stage); add and edit a question, retire
// and restore one. Retired questions are listed last.
import { useState } from 'preact/hooks';
import { ApiError, type Competitor } from '../../api';
import { loc, type Catalogue, type Journey } from '../../loyalty';
import { api } from '../../api';
import { patchWith, questionKindKey, researchPath, type Question } from '../../research';
import { useI18n } from '../../i18n';
import { ErrorBox, Notice } from '../ui';
import { QuestionForm } from './QuestionForm';

type Editing = { id: number | null } | null;

export function Questionnaire(props: {
  ws: string;
  studyId: number;
  questions: Question[];
  catalogue: Catalogue | null;
  journey: Journey | null;
  competitors: Competitor[];
  canEdit: boolean;
  /** Reload the questions (and the study's count) after a change. */
  reload: () => Promise<unknown>;
}) {
  const { t, lang } = useI18n();
  const [editing, setEditing] = useState<Editing>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragId, setDragId] = useState<number | null>(null);
  const [overId, setOverId] = useState<number | null>(null);
  const active = props.questions.filter((q) => q.active).sort((a, b) => a.position - b.position);
  const retired = props.questions.filter((q) => !q.active);
  const free = props.canEdit && !editing && !busy;

  const run = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      if (done) setNotice(done);
    } catch (e) {
      setError(e instanceof ApiError && e.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : e);
    } finally {
      await props.reload();
      setBusy(false);
    }
  };
  const order = (ids: number[]) => run(() => api.post(researchPath.questionOrder(props.ws, props.studyId), { ids }));
  const move = (q: Question, dir: -1 | 1) => {
    const ids = active.map((x) => x.id);
    const i = ids.indexOf(q.id);
    const j = i + dir;
    if (i < 0 || j < 0 || j >= ids.length) return;
    [ids[i], ids[j]] = [ids[j], ids[i]];
    order(ids);
  };
  const dropOn = (target: Question) => {
    const from = dragId;
    setDragId(null);
    setOverId(null);
    if (from === null || from === target.id) return;
    const ids = active.map((x) => x.id).filter((id) => id !== from);
    const at = ids.indexOf(target.id);
    const fromIndex = active.findIndex((x) => x.id === from);
    const targetIndex = active.findIndex((x) => x.id === target.id);
    ids.splice(fromIndex < targetIndex ? at + 1 : at, 0, from);
    order(ids);
  };
  const setActive = (q: Question, on: boolean) => {
    if (!on && !window.confirm(t('question_retire_confirm', { code: q.code }))) return;
    run(() => patchWith(researchPath.question(props.ws, props.studyId, q.id), { active: on }, q.version),
      on ? t('restored_item') : t('retired_item'));
  };
  const done = (saved: boolean) => {
    setEditing(null);
    if (saved) {
      setNotice(t('saved'));
      props.reload();
    }
  };

  const componentName = (id: number | null) => {
    if (!id || !props.catalogue) return null;
    const c = props.catalogue.components.find((x) => x.id === id);
    return c ? loc(c.name, lang) : `#${id}`;
  };
  const competitorName = (id: number | null) => {
    if (!id) return null;
    const c = props.competitors.find((x) => x.id === id);
    return c ? c.name : `#${id}`;
  };
  const stageName = (id: number | null) => {
    if (!id || !props.journey) return null;
    const s = props.journey.stages.find((x) => x.id === id);
    return s ? loc(s.name, lang) : null;
  };

  const row = (q: Question, i: number, list: Question[]) => {
    if (editing && editing.id === q.id) {
      return (
        <li class="question-row editing" key={q.id}>
          <QuestionForm ws={props.ws} studyId={props.studyId} question={q} catalogue={props.catalogue} journey={props.journey}
            competitors={props.competitors} onDone={done} />
        </li>
      );
    }
    const comp = componentName(q.component_id);
    const rival = competitorName(q.competitor_id);
    const stage = stageName(q.stage_id);
    const draggable = free && q.active;
    return (
      <li
        key={q.id}
        class={`question-row${q.active ? '' : ' retired'}${overId === q.id && dragId !== q.id ? ' drop-target' : ''}${dragId === q.id ? ' dragging' : ''}`}
        data-question={q.code}
        data-question-id={q.id}
        draggable={draggable}
        onDragStart={(e) => {
          if (!draggable) return;
          setDragId(q.id);
          if (e.dataTransfer) {
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData('text/plain', String(q.id));
          }
        }}
        onDragOver={(e) => {
          if (dragId === null || !q.active) return;
          e.preventDefault();
          if (overId !== q.id) setOverId(q.id);
        }}
        onDragLeave={() => overId === q.id && setOverId(null)}
        onDrop={(e) => {
          e.preventDefault();
          if (q.active) dropOn(q);
        }}
        onDragEnd={() => {
          setDragId(null);
          setOverId(null);
        }}
      >
        {q.active && <span class="q-pos" aria-hidden="true">{draggable ? '⋮⋮ ' : ''}{q.position}</span>}
        <div class="q-body">
          <div class="q-text">
            {loc(q.text, lang)}
            {q.required && <span class="req" title={t('question_required')}> *</span>}
          </div>
          <div class="sub">
            <span class="badge badge-entity">{t(questionKindKey(q.kind))}</span> <code>{q.code}</code>
            {comp && <> · {t('question_component')}: {comp}</>}
            {rival && <> · {t('question_competitor')}: {rival}</>}
            {stage && <> · <span class="badge badge-stage">{stage}</span></>}
            {!q.active && <> <span class="badge badge-archived">{t('retired')}</span></>}
          </div>
          {q.options && q.options.length > 0 && (
            <ul class="q-options">
              {q.options.map((o) => (
                <li><code>{o.code}</code> {loc(o.text, lang)}</li>
              ))}
            </ul>
          )}
        </div>
        {free && (
          <span class="row-actions">
            {q.active && (
              <>
                <button type="button" class="btn btn-small" data-action="up" title={t('move_up')} aria-label={t('move_up')}
                  disabled={i === 0} onClick={() => move(q, -1)}>↑</button>
                <button type="button" class="btn btn-small" data-action="down" title={t('move_down')} aria-label={t('move_down')}
                  disabled={i === list.length - 1} onClick={() => move(q, 1)}>↓</button>
                <button type="button" class="btn btn-small" data-action="edit-question" onClick={() => setEditing({ id: q.id })}>
                  {t('edit')}
                </button>
              </>
            )}
            <button type="button" class={`btn btn-small${q.active ? ' btn-danger' : ''}`} data-action={q.active ? 'retire' : 'restore'}
              onClick={() => setActive(q, !q.active)}>
              {q.active ? t('retire') : t('restore')}
            </button>
          </span>
        )}
      </li>
    );
  };

  return (
    <div class="questionnaire">
      <div class="section-head">
        <h2>{t('questionnaire_title')}</h2>
        {props.canEdit && !editing && (
          <button type="button" class="btn btn-primary" data-action="add-question" onClick={() => setEditing({ id: null })}>
            + {t('question_add')}
          </button>
        )}
      </div>
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorBox error={error} />
      {editing && editing.id === null && (
        <QuestionForm ws={props.ws} studyId={props.studyId} question={null} catalogue={props.catalogue} journey={props.journey}
          competitors={props.competitors} onDone={done} />
      )}
      {active.length === 0 && !editing ? (
        <p class="empty">{t('questionnaire_empty')}</p>
      ) : (
        <ol class="question-list">{active.map((q, i) => row(q, i, active))}</ol>
      )}
      {props.canEdit && active.length > 1 && <p class="hint">{t('questionnaire_drag_hint')}</p>}
      {retired.length > 0 && (
        <>
          <h3 class="retired-title">{t('questions_retired')}</h3>
          <ul class="question-list">{retired.map((q, i) => row(q, i, retired))}</ul>
        </>
      )}
    </div>
  );
}
