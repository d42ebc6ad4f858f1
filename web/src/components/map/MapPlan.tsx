// The relationship plan of an account: its open actions by due date (overdue ones marked),
// adding an action for a person, marking one done or cancelling it (If-Match), and the
// completed ones on demand.
import { useState } from 'preact/hooks';
import { api, ApiError, type Member } from '../../api';
import { mapPath, type AccountMap, type PlanAction } from '../../accountMap';
import { pointerErrors } from '../../loyalty';
import { useI18n } from '../../i18n';
import { ErrorBox, Field, formatDate } from '../ui';

function inDays(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function MapPlan(props: {
  ws: string;
  accountId: number;
  map: AccountMap;
  members: Member[];
  editable: boolean;
  selectedId: number | null;
  onChanged: () => void;
  onSelect: (id: number) => void;
}) {
  const { t, locale } = useI18n();
  const { map, editable } = props;
  const live = map.contacts.filter((c) => !c.left_on);
  const [form, setForm] = useState<{ contact: string; what: string; due_on: string; owner: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [closed, setClosed] = useState<PlanAction[] | null>(null);

  const open = () => {
    const sel = props.selectedId !== null && live.some((c) => c.id === props.selectedId) ? String(props.selectedId) : '';
    setForm({ contact: sel, what: '', due_on: inDays(7), owner: '' });
    setErrors({});
    setError(null);
  };
  const set = (k: 'contact' | 'what' | 'due_on' | 'owner') => (e: Event) =>
    form && setForm({ ...form, [k]: (e.target as HTMLInputElement).value });

  const add = async (e: Event) => {
    e.preventDefault();
    if (!form) return;
    const local: Record<string, string> = {};
    if (!form.contact) local.contact_id = t('err_required');
    if (!form.what.trim()) local.what = t('err_required');
    if (!form.due_on) local.due_on = t('err_date');
    setErrors(local);
    if (Object.keys(local).length) return;
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { contact_id: Number(form.contact), what: form.what.trim(), due_on: form.due_on };
      if (form.owner) body.owner_email = form.owner;
      await api.post(mapPath.actions(props.ws, props.accountId), body);
      setForm(null);
      props.onChanged();
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const setStatus = async (a: PlanAction, status: 'done' | 'cancelled') => {
    setError(null);
    try {
      await api.patch(mapPath.action(props.ws, props.accountId, a.id), { status }, a.version);
      if (closed) await loadClosed();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    }
    props.onChanged();
  };

  const loadClosed = () =>
    api
      .get<{ items: PlanAction[] }>(mapPath.actions(props.ws, props.accountId), { status: 'done' })
      .then((r) => setClosed(r.items || []))
      .catch(setError);

  return (
    <section class="panel map-plan" aria-label={t('plan_title')}>
      <div class="section-head">
        <h3>
          {t('plan_title')}
          {map.overdue > 0 && (
            <span class="badge badge-overdue" data-overdue={map.overdue}>
              {t('plan_overdue_n', { n: map.overdue })}
            </span>
          )}
        </h3>
        {editable && !form && live.length > 0 && (
          <button type="button" class="btn btn-small" data-action="add-action" onClick={open}>
            + {t('plan_add')}
          </button>
        )}
      </div>
      <ErrorBox error={error && !Object.keys(errors).length ? error : null} />
      {form && (
        <form class="inline-form panel action-form" onSubmit={add} noValidate>
          <Field label={t('plan_contact')} name="action_contact" error={errors.contact_id} required>
            <select id="f-action_contact" name="action_contact" value={form.contact} onChange={set('contact')}>
              <option value="">{t('supplier_pick')}</option>
              {live.map((c) => (
                <option value={String(c.id)} class="user-text">{c.name}</option>
              ))}
            </select>
          </Field>
          <Field label={t('plan_what')} name="action_what" error={errors.what} required>
            <textarea id="f-action_what" name="action_what" rows={2} maxLength={1000} value={form.what} onInput={set('what')} />
          </Field>
          <div class="form-grid">
            <Field label={t('plan_due')} name="action_due" error={errors.due_on} required>
              <input id="f-action_due" name="action_due" type="date" value={form.due_on} onInput={set('due_on')} />
            </Field>
            <Field label={t('plan_owner')} name="action_owner" error={errors.owner_email}>
              <select id="f-action_owner" name="action_owner" value={form.owner} onChange={set('owner')}>
                <option value="">{t('plan_owner_me')}</option>
                {props.members.map((m) => (
                  <option value={m.email} class="user-text">{m.name ? `${m.name} <${m.email}>` : m.email}</option>
                ))}
              </select>
            </Field>
          </div>
          {(errors._ || errors.status) && <p class="field-error">{errors._ || errors.status}</p>}
          <div class="btn-row">
            <button type="submit" class="btn btn-primary btn-small" data-action="save-action" disabled={busy}>
              {busy ? t('saving') : t('save')}
            </button>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => setForm(null)} disabled={busy}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
      {map.actions.length === 0 ? (
        <p class="muted plan-empty">{t('plan_empty')}</p>
      ) : (
        <ul class="plan-list">
          {map.actions.map((a) => (
            <li class={`plan-item${a.overdue ? ' overdue' : ''}`} data-action-id={a.id} data-overdue={a.overdue ? 'true' : 'false'}>
              <div class="plan-what user-text">{a.what}</div>
              <div class="plan-meta sub">
                <button type="button" class="btn-text user-text" onClick={() => props.onSelect(a.contact_id)}>
                  {a.contact_name}
                </button>
                {' · '}
                <span class={a.overdue ? 'due overdue' : 'due'}>{t('plan_due_on', { date: formatDate(a.due_on, locale) })}</span>
                {a.overdue && <span class="badge badge-overdue">{t('plan_overdue')}</span>}
                {a.owner_email && (
                  <>
                    {' · '}
                    <span class="user-text">{a.owner_name || a.owner_email}</span>
                  </>
                )}
              </div>
              {editable && (
                <div class="row-actions">
                  <button type="button" class="btn btn-small" data-action="done" onClick={() => setStatus(a, 'done')}>
                    ✓ {t('plan_done')}
                  </button>
                  <button type="button" class="btn btn-small btn-ghost" data-action="cancel-action" onClick={() => setStatus(a, 'cancelled')}>
                    {t('plan_cancel')}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <button type="button" class="btn btn-link btn-small" data-action="toggle-done" onClick={() => (closed ? setClosed(null) : loadClosed())}>
        {closed ? t('plan_hide_done') : t('plan_show_done')}
      </button>
      {closed && closed.length === 0 && <p class="muted">{t('plan_done_empty')}</p>}
      {closed && closed.length > 0 && (
        <ul class="plan-list plan-done">
          {closed.map((a) => (
            <li class="plan-item done" data-action-id={a.id}>
              <div class="plan-what user-text">{a.what}</div>
              <div class="plan-meta sub">
                <span class="user-text">{a.contact_name}</span> · {t('plan_done_on', { date: formatDate(a.done_on || a.updated_at, locale) })}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
