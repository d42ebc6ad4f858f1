// The form that registers a webhook endpoint or changes one (URL, events, active). A change is a
// PATCH with If-Match: a 412 loads the endpoint's latest version into the form with a message, a
// 404 says it is gone. The server's 422 names its field by JSON pointer (/url, /events/1, /active)
// and its message is shown beside that field (an index into events names the event sent there).
import { useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { ErrorBox } from '../ui';
import { formField, WEBHOOK_EVENTS, webhookApi, type EndpointInput, type WebhookEndpoint } from '../../webhooks';
import { eventLabel, useWh } from '../../webhookStrings';

interface Errors { url?: string; events?: string; active?: string; byEvent: Record<string, string>; other: string[] }
const NO_ERRORS: Errors = { byEvent: {}, other: [] };

function draftOf(e: WebhookEndpoint | null): EndpointInput {
  return e ? { url: e.url, events: [...e.events], active: e.active } : { url: '', events: [], active: true };
}

/** The 422's messages by the form's fields (the events' index resolved against the list sent). */
function errorsOf(err: ApiError, sent: string[]): Errors {
  const out: Errors = { byEvent: {}, other: [] };
  const add = (cur: string | undefined, m: string) => (cur ? `${cur}; ${m}` : m);
  for (const pe of err.problem.errors || []) {
    const f = formField(pe.pointer || '', sent);
    if (f.field === 'url') out.url = add(out.url, pe.message);
    else if (f.field === 'active') out.active = add(out.active, pe.message);
    else if (f.field === 'events' && f.event) out.byEvent[f.event] = add(out.byEvent[f.event], pe.message);
    else if (f.field === 'events') out.events = add(out.events, pe.message);
    else out.other.push(pe.pointer ? `${pe.pointer}: ${pe.message}` : pe.message);
  }
  return out;
}

function FieldError({ text, name }: { text?: string; name: string }) {
  if (!text) return null;
  return <div class="field-error" role="alert" data-error={name}>{text}</div>;
}

export function EndpointForm(props: {
  ws: string;
  /** The endpoint to change; null registers a new one. */
  endpoint: WebhookEndpoint | null;
  onSaved: (e: WebhookEndpoint) => void;
  onCancel: () => void;
  /** The list should be loaded again (after a conflict, or when the endpoint is gone). */
  onStale: () => void;
}) {
  const { wh, t } = useWh();
  const [base, setBase] = useState<WebhookEndpoint | null>(props.endpoint);
  const [draft, setDraft] = useState<EndpointInput>(() => draftOf(props.endpoint));
  const [errors, setErrors] = useState<Errors>(NO_ERRORS);
  const [error, setError] = useState<unknown>(null);
  const [conflict, setConflict] = useState<'changed' | 'gone' | null>(null);
  const [busy, setBusy] = useState(false);
  const editing = props.endpoint !== null;
  // Events the page offers, and any other the endpoint has (kept, so a save does not drop them).
  const options = [...WEBHOOK_EVENTS, ...draft.events.filter((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e))];

  const toggle = (ev: string, on: boolean) => {
    setDraft((d) => ({ ...d, events: on ? [...d.events.filter((x) => x !== ev), ev] : d.events.filter((x) => x !== ev) }));
    setErrors((cur) => {
      const byEvent = { ...cur.byEvent };
      delete byEvent[ev];
      return { ...cur, events: undefined, byEvent };
    });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    const local: Errors = { byEvent: {}, other: [] };
    if (!draft.url.trim()) local.url = wh('wh_err_url');
    if (!draft.events.length) local.events = wh('wh_err_events');
    if (local.url || local.events) {
      setErrors(local);
      return;
    }
    // The events in the order the page lists them, so that an index in a 422 finds its box.
    const sent = options.filter((o) => draft.events.includes(o));
    const body: EndpointInput = { url: draft.url.trim(), events: sent, active: draft.active };
    setBusy(true);
    setErrors(NO_ERRORS);
    setError(null);
    try {
      const saved = base ? await webhookApi.update(props.ws, base.id, body, base.version) : await webhookApi.create(props.ws, body);
      setConflict(null);
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412 && base) {
        // Someone else saved first: show their version and let the owner repeat the change.
        try {
          const fresh = await webhookApi.get(props.ws, base.id);
          setBase(fresh);
          setDraft(draftOf(fresh));
          setConflict('changed');
        } catch (e2) {
          if (e2 instanceof ApiError && e2.status === 404) setConflict('gone');
          else setError(e2);
        }
        props.onStale();
      } else if (err instanceof ApiError && err.status === 404 && base) {
        setConflict('gone');
        props.onStale();
      } else if (err instanceof ApiError && (err.status === 422 || err.status === 400) && err.problem.errors?.length) {
        const byField = errorsOf(err, sent);
        setErrors(byField);
        if (byField.other.length === 0 && !byField.url && !byField.events && !byField.active && !Object.keys(byField.byEvent).length) setError(err);
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel wh-form" data-form="webhook" data-mode={editing ? 'edit' : 'new'} noValidate onSubmit={submit}>
      <h2>{editing ? wh('wh_form_edit') : wh('wh_form_new')}</h2>
      {conflict === 'changed' && (
        <div class="alert alert-conflict" role="alert" data-conflict="changed">{wh('wh_conflict')}</div>
      )}
      {conflict === 'gone' && (
        <div class="alert alert-error" role="alert" data-conflict="gone">{wh('wh_gone')}</div>
      )}
      <fieldset class="plain" disabled={busy || conflict === 'gone'}>
        <div class={`field${errors.url ? ' field-invalid' : ''}`} data-field="url">
          <label for="wh-url">{wh('wh_url')}<span class="req" aria-hidden="true"> *</span></label>
          <input id="wh-url" type="url" name="url" value={draft.url} inputMode="url" autoComplete="off" spellcheck={false}
            placeholder="https://crm.example.com/hooks/advocate" maxLength={2048}
            aria-invalid={errors.url ? true : undefined} aria-describedby={errors.url ? 'wh-url-error' : 'wh-url-hint'}
            onInput={(e) => {
              const url = (e.target as HTMLInputElement).value;
              setDraft((d) => ({ ...d, url }));
              setErrors((cur) => ({ ...cur, url: undefined }));
            }} />
          {errors.url ? (
            <div class="field-error" role="alert" id="wh-url-error" data-error="url">{errors.url}</div>
          ) : (
            <div class="hint" id="wh-url-hint">{wh('wh_url_hint')}</div>
          )}
        </div>
        <fieldset class={`field wh-events${errors.events || Object.keys(errors.byEvent).length ? ' field-invalid' : ''}`} data-field="events">
          <legend class="label">{wh('wh_events')}<span class="req" aria-hidden="true"> *</span></legend>
          <div class="hint">{wh('wh_events_hint')}</div>
          {options.map((ev) => {
            const known = (WEBHOOK_EVENTS as readonly string[]).includes(ev);
            return (
              <div class="wh-event-option" data-event={ev}>
                <label class="check">
                  <input type="checkbox" name="event" value={ev} checked={draft.events.includes(ev)}
                    onChange={(e) => toggle(ev, (e.target as HTMLInputElement).checked)} />
                  <span>
                    {known ? eventLabel(wh, ev) : wh('wh_event_not_offered', { event: ev })} <code class="wh-code">{ev}</code>
                  </span>
                </label>
                <FieldError text={errors.byEvent[ev]} name={`events/${ev}`} />
              </div>
            );
          })}
          {Object.entries(errors.byEvent).filter(([ev]) => !options.includes(ev)).map(([ev, m]) => (
            <FieldError text={`${ev}: ${m}`} name={`events/${ev}`} />
          ))}
          <FieldError text={errors.events} name="events" />
        </fieldset>
        <div class={`field${errors.active ? ' field-invalid' : ''}`} data-field="active">
          <label class="check">
            <input type="checkbox" name="active" checked={draft.active}
              onChange={(e) => {
                const active = (e.target as HTMLInputElement).checked;
                setDraft((d) => ({ ...d, active }));
                setErrors((cur) => ({ ...cur, active: undefined }));
              }} />
            <span>{wh('wh_active')}</span>
          </label>
          {editing && <div class="hint">{wh('wh_active_hint')}</div>}
          <FieldError text={errors.active} name="active" />
        </div>
      </fieldset>
      {errors.other.length > 0 && (
        <div class="alert alert-error" role="alert" data-error="other">
          {errors.other.map((m) => <div>{m}</div>)}
        </div>
      )}
      <ErrorBox error={error} />
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" data-action="save-webhook" disabled={busy || conflict === 'gone'}>
          {busy ? t('saving') : editing ? wh('wh_save') : wh('wh_register')}
        </button>
        <button type="button" class="btn btn-ghost" data-action="cancel-webhook" onClick={props.onCancel}>
          {wh('wh_cancel')}
        </button>
      </div>
    </form>
  );
}
