// The side panel of a request: status, assignee, priority, kind and the classification
// (component, a factor of that component, journey stage) with the classifier's suggestion. Each change is sent at once as a merge
// patch with If-Match; the page handles a 412, and a 409 or 422 comes back here as the server's
// detail beside the field it names.
import type { ComponentChildren } from 'preact';
import type { Member } from '../../api';
import { useI18n } from '../../i18n';
import { loc } from '../../loyalty';
import {
  REQUEST_KINDS, REQUEST_PRIORITIES, REQUEST_STATUSES, reqKindKey, reqPriorityKey, reqStatusKey, type Req,
} from '../../requests';
import { Field } from '../ui';
import { SuggestionBox } from './SuggestionBox';
import { useComponents, useFactors, useStages } from './useClassification';

export type Patch = Record<string, string | number | null>;

interface Option { value: string; label: string }

function Choice(props: {
  name: string; label: string; value: string; options: Option[]; none?: string; error?: string; disabled?: boolean;
  onChange: (v: string) => void; children?: ComponentChildren;
}) {
  const known = props.value === '' || props.options.some((o) => o.value === props.value);
  return (
    <Field label={props.label} name={`side-${props.name}`} error={props.error}>
      <select id={`f-side-${props.name}`} name={`side-${props.name}`} value={props.value} disabled={props.disabled}
        aria-invalid={props.error ? true : undefined}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.none !== undefined && <option value="">{props.none}</option>}
        {!known && <option value={props.value}>{props.value}</option>}
        {props.options.map((o) => <option value={o.value}>{o.label}</option>)}
      </select>
      {props.children}
    </Field>
  );
}

const idText = (v: number | null) => (v ? String(v) : '');
const idOrNull = (v: string) => (v ? Number(v) : null);

export function RequestSide(props: {
  ws: string; req: Req; members: Member[]; me: string; canEdit: boolean; busy: boolean;
  errors: Record<string, string>; onPatch: (p: Patch) => void;
  /** Changes after a refused change, so that the selects show the server's values again. */
  resetKey: number;
}) {
  const { t, lang } = useI18n();
  const { req, errors } = props;
  const components = useComponents(props.ws);
  const factors = useFactors(props.ws, req.component_id);
  const stages = useStages(props.ws);
  const off = !props.canEdit || props.busy;

  const statuses = REQUEST_STATUSES.filter((s) => s !== 'new' || req.status === 'new');
  const people = props.members.filter((m) => m.role !== 'viewer' || m.email === req.assignee_email);
  const activeOr = <X extends { id: number; active: boolean }>(xs: X[], cur: number | null) =>
    xs.filter((x) => x.active || x.id === cur);

  const setComponent = (v: string) => {
    const p: Patch = { component_id: idOrNull(v) };
    if (req.factor_id) p.factor_id = null;
    props.onPatch(p);
  };

  return (
    <aside class="panel request-side" aria-label={t('request_side_title')}>
      <h2>{t('request_side_title')}</h2>
      <div key={props.resetKey}>
      <Choice name="status" label={t('request_status')} value={req.status} error={errors.status} disabled={off}
        options={statuses.map((s) => ({ value: s, label: t(reqStatusKey(s)) }))}
        onChange={(v) => props.onPatch({ status: v })} />
      <Choice name="assignee" label={t('request_assignee')} value={req.assignee_email || ''} none={t('request_nobody_option')}
        error={errors.assignee_email} disabled={off}
        options={people.map((m) => ({ value: m.email, label: m.name || m.email }))}
        onChange={(v) => props.onPatch({ assignee_email: v || null })}>
        {props.canEdit && props.me && req.assignee_email !== props.me && (
          <button type="button" class="btn btn-link btn-small" data-action="take" disabled={off}
            onClick={() => props.onPatch({ assignee_email: props.me })}>
            {t('request_take')}
          </button>
        )}
      </Choice>
      <Choice name="priority" label={t('request_priority')} value={req.priority} error={errors.priority} disabled={off}
        options={REQUEST_PRIORITIES.map((p) => ({ value: p, label: t(reqPriorityKey(p)) }))}
        onChange={(v) => props.onPatch({ priority: v })} />
      <Choice name="kind" label={t('request_kind')} value={req.kind} error={errors.kind} disabled={off}
        options={REQUEST_KINDS.map((k) => ({ value: k, label: t(reqKindKey(k)) }))}
        onChange={(v) => props.onPatch({ kind: v })} />
      <h3>{t('request_classification')}</h3>
      <SuggestionBox ws={props.ws} req={req} components={components} stages={stages} canEdit={props.canEdit} busy={props.busy}
        onApply={props.onPatch} />
      <Choice name="component_id" label={t('request_component')} value={idText(req.component_id)} none={t('none_option')}
        error={errors.component_id} disabled={off}
        options={activeOr(components, req.component_id).map((c) => ({ value: String(c.id), label: loc(c.name, lang) }))}
        onChange={setComponent} />
      <Choice name="factor_id" label={t('request_factor')} value={idText(req.factor_id)}
        none={req.component_id ? t('none_option') : t('request_factor_first')}
        error={errors.factor_id} disabled={off || !req.component_id}
        options={activeOr(factors, req.factor_id).map((f) => ({ value: String(f.id), label: loc(f.text, lang) }))}
        onChange={(v) => props.onPatch({ factor_id: idOrNull(v) })} />
      <Choice name="stage_id" label={t('request_stage')} value={idText(req.stage_id)} none={t('none_option')}
        error={errors.stage_id} disabled={off}
        options={stages.map((s) => ({ value: String(s.id), label: loc(s.name, lang) }))}
        onChange={(v) => props.onPatch({ stage_id: idOrNull(v) })} />
      </div>
    </aside>
  );
}
