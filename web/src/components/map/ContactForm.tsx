// The side form of one person on the account map: every field of a contact (enumerations as
// selects with translated labels, e-mails and phones as lists, the manager, the relationship
// owner among the workspace's members, dates), saved as a merge patch with If-Match; the API's
// 422 is shown beside the field its pointer names ("/emails/1" beside the second e-mail). A
// conflict (412) loads their version with the user's changes on top. Below: the person's
// influence links (add, remove) and what they told us in assessments (cx).
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, request, type Member } from '../../api';
import {
  ATTITUDES, attitudeKey, BUYING_ROLES, descendants, INFLUENCES, influenceKey, mapPath, RELATIONSHIPS, relationshipKey,
  roleKey, SIGNS, signKey, type Contact, type ContactCx, type ContactLink,
} from '../../accountMap';
import { loc, pointerErrors, today } from '../../loyalty';
import { useI18n, type Key } from '../../i18n';
import { ErrorBox, Field, formatDate } from '../ui';
import { PolarityMark } from '../loyalty/Polarity';

const TEXT_KEYS = ['name', 'position', 'department', 'buying_role', 'attitude', 'influence', 'relationship',
  'owner_email', 'last_contact_on', 'left_on', 'notes', 'external_id', 'reports_to_id'] as const;
type TextKey = (typeof TEXT_KEYS)[number];
export type ContactDraft = Record<TextKey, string> & { emails: string[]; phones: string[] };
const PLACED = new Set<string>([...TEXT_KEYS, 'emails', 'phones']);

export function toDraft(c: Contact | null): ContactDraft {
  const s = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  return {
    name: s(c && c.name),
    position: s(c && c.position),
    department: s(c && c.department),
    buying_role: s(c && c.buying_role),
    attitude: c ? c.attitude : 'neutral',
    influence: c ? c.influence : 'medium',
    relationship: c ? c.relationship : 'none',
    owner_email: s(c && c.owner_email),
    last_contact_on: s(c && c.last_contact_on),
    left_on: s(c && c.left_on),
    notes: s(c && c.notes),
    external_id: s(c && c.external_id),
    reports_to_id: s(c && c.reports_to_id),
    emails: c && c.emails && c.emails.length ? [...c.emails] : [''],
    phones: c && c.phones && c.phones.length ? [...c.phones] : [''],
  };
}

/** The JSON body of a draft: trimmed texts, empty ones null, empty list rows dropped. */
export function toBody(d: ContactDraft): Record<string, unknown> {
  const s = (v: string) => (v.trim() === '' ? null : v.trim());
  return {
    name: d.name.trim(),
    position: s(d.position),
    department: s(d.department),
    emails: d.emails.map((x) => x.trim()).filter(Boolean),
    phones: d.phones.map((x) => x.trim()).filter(Boolean),
    reports_to_id: d.reports_to_id ? Number(d.reports_to_id) : null,
    buying_role: d.buying_role || null,
    attitude: d.attitude,
    influence: d.influence,
    relationship: d.relationship,
    owner_email: d.owner_email || null,
    last_contact_on: d.last_contact_on || null,
    left_on: d.left_on || null,
    notes: s(d.notes),
    external_id: s(d.external_id),
  };
}

function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if (JSON.stringify(v) !== JSON.stringify(before[k])) out[k] = v;
  return out;
}

export function ContactForm(props: {
  ws: string;
  accountId: number;
  contact: Contact | null; // null: a new person
  contacts: Contact[];
  links: ContactLink[];
  members: Member[];
  editable: boolean;
  /** A new person's manager (when added under someone). */
  defaultReportsTo?: number | null;
  onSaved: (c: Contact) => void;
  onDelete: (c: Contact) => void;
  onLinksChanged: () => void;
  onSelect: (id: number) => void;
  onClose: () => void;
  /** Opens a new person's form with this one as the manager. */
  onAddReport?: (managerId: number) => void;
  /** The person's portal access block (components/portalAccess/ContactPortal), under the form. */
  portal?: ComponentChildren;
}) {
  const { t, lang, locale } = useI18n();
  const { ws, accountId, contacts, editable } = props;
  const [base, setBase] = useState<Contact | null>(props.contact);
  const [draft, setDraft] = useState<ContactDraft>(() => {
    const d = toDraft(props.contact);
    if (!props.contact && props.defaultReportsTo) d.reports_to_id = String(props.defaultReportsTo);
    return d;
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [cx, setCx] = useState<ContactCx | null | undefined>(undefined);

  useEffect(() => {
    if (!props.contact) return;
    let live = true;
    api
      .get<Contact & { cx?: ContactCx }>(mapPath.contact(ws, accountId, props.contact.id))
      .then((c) => live && setCx(c.cx || null))
      .catch(() => live && setCx(null));
    return () => { live = false; };
  }, [ws, accountId, props.contact && props.contact.id]);

  const isNew = !base;
  const below = useMemo(() => (base ? descendants(contacts, base.id) : new Set<number>()), [contacts, base]);
  const managers = contacts.filter((c) => (!base || (c.id !== base.id && !below.has(c.id))));

  const set = (k: TextKey) => (e: Event) => {
    setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
    if (errors[k]) {
      const rest = { ...errors };
      delete rest[k];
      setErrors(rest);
    }
  };
  const setItem = (k: 'emails' | 'phones', i: number, v: string) => {
    const list = [...draft[k]];
    list[i] = v;
    setDraft({ ...draft, [k]: list });
  };
  const addItem = (k: 'emails' | 'phones') => setDraft({ ...draft, [k]: [...draft[k], ''] });
  const removeItem = (k: 'emails' | 'phones', i: number) => {
    const list = draft[k].filter((_, j) => j !== i);
    setDraft({ ...draft, [k]: list.length ? list : [''] });
    // Pointers of later rows no longer match: drop the list's errors.
    const rest: Record<string, string> = {};
    for (const [ek, ev] of Object.entries(errors)) if (ek !== k && !ek.startsWith(`${k}/`)) rest[ek] = ev;
    setErrors(rest);
  };

  const save = async (e: Event) => {
    e.preventDefault();
    if (!editable) return;
    if (!draft.name.trim()) {
      setErrors({ name: t('err_required') });
      return;
    }
    const body = toBody(draft);
    setBusy(true);
    setError(null);
    setErrors({});
    setNotice(null);
    try {
      let saved: Contact;
      if (!base) {
        saved = await api.post<Contact>(mapPath.contacts(ws, accountId), body);
      } else {
        const patch = diff(toBody(toDraft(base)), body);
        if (Object.keys(patch).length === 0) {
          setNotice(t('no_changes'));
          setBusy(false);
          return;
        }
        saved = await api.patch<Contact>(mapPath.contact(ws, accountId, base.id), patch, base.version);
      }
      props.onSaved(saved);
    } catch (err) {
      if (err instanceof ApiError && err.status === 412 && base) {
        // Someone else saved first: their version, with this user's changes on top.
        try {
          const theirs = await api.get<Contact>(mapPath.contact(ws, accountId, base.id));
          const mine = diff(toBody(toDraft(base)), body);
          const next = toDraft(theirs);
          const mineDraft = toDraft({ ...theirs, ...mine } as Contact);
          for (const k of Object.keys(mine)) (next as Record<string, unknown>)[k] = (mineDraft as Record<string, unknown>)[k];
          setBase(theirs);
          setDraft(next);
          setNotice(t('conflict_applied'));
        } catch (e2) {
          setError(e2);
        }
      } else {
        setErrors(pointerErrors(err));
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  const unplaced = Object.keys(errors).filter((k) => !PLACED.has(k.split('/')[0]));
  const listError = (k: 'emails' | 'phones') => errors[k];
  const optionLabel = (m: Member) => (m.name ? `${m.name} <${m.email}>` : m.email);
  const ownerKnown = props.members.some((m) => m.email === draft.owner_email);
  const dis = !editable || busy;

  const listField = (k: 'emails' | 'phones', label: Key, addLabel: Key, type: string) => (
    <fieldset class={`field field-wide list-field${listError(k) ? ' field-invalid' : ''}`} data-list={k}>
      <legend class="label">{t(label)}</legend>
      {draft[k].map((v, i) => (
        <div class={`list-row${errors[`${k}/${i}`] ? ' field-invalid' : ''}`}>
          <div class="list-input">
            <input
              type={type}
              name={`${k}-${i}`}
              value={v}
              disabled={dis}
              aria-label={`${t(label)} ${i + 1}`}
              onInput={(e) => setItem(k, i, (e.target as HTMLInputElement).value)}
              autocomplete="off"
            />
            {errors[`${k}/${i}`] && <div class="field-error" role="alert">{errors[`${k}/${i}`]}</div>}
          </div>
          {editable && (draft[k].length > 1 || v) && (
            <button type="button" class="btn-icon" title={t('remove')} aria-label={t('remove')} onClick={() => removeItem(k, i)}>
              ✕
            </button>
          )}
        </div>
      ))}
      {listError(k) && <div class="field-error" role="alert">{listError(k)}</div>}
      {editable && draft[k].length < 10 && (
        <button type="button" class="btn btn-link btn-small" data-action={`add-${k}`} onClick={() => addItem(k)}>
          + {t(addLabel)}
        </button>
      )}
    </fieldset>
  );

  const select = (k: TextKey, values: readonly string[], key: (v: string) => Key, none?: Key) => (
    <select id={`f-${k}`} name={k} value={draft[k]} onChange={set(k)} disabled={dis}>
      {none && <option value="">{t(none)}</option>}
      {values.map((v) => (
        <option value={v}>{t(key(v))}</option>
      ))}
    </select>
  );

  return (
    <section class="panel contact-form" data-contact-id={base ? base.id : 'new'} aria-label={isNew ? t('contact_new') : t('contact_edit')}>
      <div class="section-head">
        <h3>{isNew ? t('contact_new') : <span class="user-text">{base ? base.name : ''}</span>}</h3>
        <button type="button" class="btn-icon" data-action="close-contact" title={t('close')} aria-label={t('close')} onClick={props.onClose}>
          ✕
        </button>
      </div>
      {base && base.left_on && <p class="badge badge-left">{t('map_left_on', { date: formatDate(base.left_on, locale) })}</p>}
      {notice && <div class="alert alert-ok" role="status">{notice}</div>}
      <form onSubmit={save} noValidate>
        <ErrorBox error={error && !Object.keys(errors).length ? error : null} />
        {unplaced.length > 0 && (
          <ul class="alert alert-error error-list" role="alert">
            {unplaced.map((k) => (
              <li>{errors[k]}</li>
            ))}
          </ul>
        )}
        <div class="form-grid form-grid-1">
          <Field label={t('contact_name')} name="name" error={errors.name} required>
            <input id="f-name" name="name" type="text" value={draft.name} onInput={set('name')} maxLength={300} disabled={dis} autocomplete="off" />
          </Field>
          <Field label={t('contact_position')} name="position" error={errors.position}>
            <input id="f-position" name="position" type="text" value={draft.position} onInput={set('position')} maxLength={300} disabled={dis} autocomplete="off" />
          </Field>
          <Field label={t('contact_department')} name="department" error={errors.department}>
            <input id="f-department" name="department" type="text" value={draft.department} onInput={set('department')} maxLength={300} disabled={dis} autocomplete="off" />
          </Field>
          <Field label={t('contact_reports_to')} name="reports_to_id" error={errors.reports_to_id}>
            <select id="f-reports_to_id" name="reports_to_id" value={draft.reports_to_id} onChange={set('reports_to_id')} disabled={dis}>
              <option value="">{t('contact_reports_to_none')}</option>
              {managers.map((c) => (
                <option value={String(c.id)} class="user-text">{c.name}</option>
              ))}
              {draft.reports_to_id && !managers.some((c) => String(c.id) === draft.reports_to_id) && (
                <option value={draft.reports_to_id}>#{draft.reports_to_id}</option>
              )}
            </select>
          </Field>
          <Field label={t('contact_buying_role')} name="buying_role" error={errors.buying_role}>
            {select('buying_role', BUYING_ROLES, (v) => roleKey(v as never), 'contact_role_none')}
          </Field>
          <Field label={t('contact_attitude')} name="attitude" error={errors.attitude}>
            {select('attitude', ATTITUDES, (v) => attitudeKey(v as never))}
          </Field>
          <Field label={t('contact_influence')} name="influence" error={errors.influence}>
            {select('influence', INFLUENCES, (v) => influenceKey(v as never))}
          </Field>
          <Field label={t('contact_relationship')} name="relationship" error={errors.relationship}>
            {select('relationship', RELATIONSHIPS, (v) => relationshipKey(v as never))}
          </Field>
          <Field label={t('contact_owner')} name="owner_email" error={errors.owner_email} hint={t('contact_owner_hint')}>
            <select id="f-owner_email" name="owner_email" value={draft.owner_email} onChange={set('owner_email')} disabled={dis}>
              <option value="">{t('no_owner')}</option>
              {!ownerKnown && draft.owner_email && <option value={draft.owner_email} class="user-text">{draft.owner_email}</option>}
              {props.members.map((m) => (
                <option value={m.email} class="user-text">{optionLabel(m)}</option>
              ))}
            </select>
          </Field>
          <Field label={t('contact_last_contact_on')} name="last_contact_on" error={errors.last_contact_on}>
            <input id="f-last_contact_on" name="last_contact_on" type="date" max={today()} value={draft.last_contact_on} onInput={set('last_contact_on')} disabled={dis} />
          </Field>
          <Field label={t('contact_left_on')} name="left_on" error={errors.left_on} hint={t('contact_left_on_hint')}>
            <input id="f-left_on" name="left_on" type="date" value={draft.left_on} onInput={set('left_on')} disabled={dis} />
          </Field>
          {listField('emails', 'contact_emails', 'contact_add_email', 'email')}
          {listField('phones', 'contact_phones', 'contact_add_phone', 'tel')}
          <Field label={t('contact_notes')} name="notes" error={errors.notes} wide>
            <textarea id="f-notes" name="notes" rows={3} value={draft.notes} onInput={set('notes')} disabled={dis} />
          </Field>
          <Field label={t('contact_external_id')} name="external_id" error={errors.external_id} hint={t('contact_external_id_hint')}>
            <input id="f-external_id" name="external_id" type="text" value={draft.external_id} onInput={set('external_id')} maxLength={100} disabled={dis} autocomplete="off" />
          </Field>
        </div>
        {editable && (
          <div class="btn-row">
            <button type="submit" class="btn btn-primary" data-action="save-contact" disabled={busy}>
              {busy ? t('saving') : isNew ? t('create') : t('save')}
            </button>
            <button type="button" class="btn btn-ghost" onClick={props.onClose} disabled={busy}>
              {t('cancel')}
            </button>
            {base && props.onAddReport && (
              <button type="button" class="btn btn-ghost" data-action="add-report" onClick={() => props.onAddReport && props.onAddReport(base.id)} disabled={busy}>
                + {t('contact_add_report')}
              </button>
            )}
            {base && (
              <button type="button" class="btn btn-danger" data-action="delete-contact" onClick={() => props.onDelete(base)} disabled={busy}>
                {t('delete')}
              </button>
            )}
          </div>
        )}
      </form>
      {base && props.portal}
      {base && (
        <ContactLinks
          ws={ws}
          accountId={accountId}
          contact={base}
          contacts={contacts}
          links={props.links}
          editable={editable}
          onChanged={props.onLinksChanged}
          onSelect={props.onSelect}
        />
      )}
      {base && <ContactCxView cx={cx} t={t} lang={lang} locale={locale} />}
    </section>
  );
}

function ContactLinks(props: {
  ws: string;
  accountId: number;
  contact: Contact;
  contacts: Contact[];
  links: ContactLink[];
  editable: boolean;
  onChanged: () => void;
  onSelect: (id: number) => void;
}) {
  const { t } = useI18n();
  const { contact, contacts } = props;
  const [adding, setAdding] = useState(false);
  const [to, setTo] = useState('');
  const [sign, setSign] = useState<string>('supports');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const name = (id: number) => contacts.find((c) => c.id === id)?.name || `#${id}`;
  const mine = props.links.filter((l) => l.from_contact_id === contact.id || l.to_contact_id === contact.id);
  const others = contacts.filter((c) => c.id !== contact.id);

  const add = async (e: Event) => {
    e.preventDefault();
    if (!to) {
      setErrors({ to_contact_id: t('err_required') });
      return;
    }
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      await api.post(mapPath.links(props.ws, props.accountId), {
        from_contact_id: contact.id,
        to_contact_id: Number(to),
        sign,
        note: note.trim() || null,
      });
      setAdding(false);
      setTo('');
      setNote('');
      props.onChanged();
    } catch (err) {
      setErrors(pointerErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (l: ContactLink) => {
    setError(null);
    try {
      await request('DELETE', mapPath.link(props.ws, props.accountId, l.id), { ifMatch: l.version });
    } catch (err) {
      setError(err instanceof ApiError && err.status === 412 ? new ApiError(412, { detail: t('conflict_generic') }) : err);
    }
    props.onChanged();
  };

  return (
    <div class="contact-links">
      <h4>{t('links_title')}</h4>
      <ErrorBox error={error && !Object.keys(errors).length ? error : null} />
      {mine.length === 0 ? (
        <p class="muted">{t('links_empty')}</p>
      ) : (
        <ul class="link-list">
          {mine.map((l) => {
            const out = l.from_contact_id === contact.id;
            const other = out ? l.to_contact_id : l.from_contact_id;
            return (
              <li data-link-id={l.id} data-sign={l.sign} class={`link-${l.sign}`}>
                <span class="link-line" aria-hidden="true" />
                <span class="link-text">
                  {out ? t('link_out', { sign: t(signKey(l.sign)) }) : t('link_in')}{' '}
                  <button type="button" class="btn-text user-text" onClick={() => props.onSelect(other)}>
                    {name(other)}
                  </button>
                  {!out && ` (${t(signKey(l.sign))})`}
                  {l.note && <span class="sub user-text"> — {l.note}</span>}
                </span>
                {props.editable && (
                  <button type="button" class="btn-icon" data-action="remove-link" title={t('remove')} aria-label={t('remove')} onClick={() => remove(l)}>
                    ✕
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {props.editable && !adding && others.length > 0 && (
        <button type="button" class="btn btn-small" data-action="add-link" onClick={() => setAdding(true)}>
          + {t('link_add')}
        </button>
      )}
      {adding && (
        <form class="inline-form panel link-form" onSubmit={add} noValidate>
          <Field label={t('link_to')} name="to_contact_id" error={errors.to_contact_id || errors.from_contact_id}>
            <select id="f-to_contact_id" name="to_contact_id" value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
              <option value="">{t('supplier_pick')}</option>
              {others.map((c) => (
                <option value={String(c.id)} class="user-text">{c.name}</option>
              ))}
            </select>
          </Field>
          <Field label={t('link_sign')} name="sign" error={errors.sign}>
            <select id="f-sign" name="sign" value={sign} onChange={(e) => setSign((e.target as HTMLSelectElement).value)}>
              {SIGNS.map((s) => (
                <option value={s}>{t(signKey(s))}</option>
              ))}
            </select>
          </Field>
          <Field label={t('link_note')} name="link_note" error={errors.note}>
            <input id="f-link_note" name="link_note" type="text" value={note} maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
          </Field>
          <div class="btn-row">
            <button type="submit" class="btn btn-primary btn-small" data-action="save-link" disabled={busy}>
              {busy ? t('saving') : t('save')}
            </button>
            <button type="button" class="btn btn-ghost btn-small" onClick={() => setAdding(false)} disabled={busy}>
              {t('cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function ContactCxView(props: { cx: ContactCx | null | undefined; t: ReturnType<typeof useI18n>['t']; lang: 'ru' | 'en'; locale: string }) {
  const { cx, t, lang, locale } = props;
  if (cx === undefined) return null;
  const latest = cx ? cx.latest : null;
  return (
    <div class="contact-cx" data-assessments={cx ? cx.assessments : 0}>
      <h4>{t('cx_title')}</h4>
      {!latest ? (
        <p class="muted">{t('cx_none')}</p>
      ) : (
        <>
          <p class="cx-line">
            {t('cx_latest', { date: formatDate(latest.assessed_on, locale), n: cx ? cx.assessments : 0 })}
          </p>
          {latest.recommend !== null && (
            <p class="cx-nps" data-nps-group={latest.nps_group || ''} data-recommend={latest.recommend}>
              {t('cx_nps')}: <strong>{latest.recommend}</strong> / 10
              {latest.nps_group && <span class={`badge nps-${latest.nps_group}`}>{t(`nps_${latest.nps_group}` as Key)}</span>}
            </p>
          )}
          {latest.scores.length > 0 && (
            <table class="data compact cx-scores">
              <tbody>
                {latest.scores.map((s) => (
                  <tr data-component={s.code}>
                    <td>{loc(s.name, lang)}</td>
                    <td class="num">{s.score === null ? t('dash') : s.score}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {latest.factors.length > 0 && (
            <ul class="cx-factors">
              {latest.factors.map((f) => (
                <li data-factor-id={f.factor_id}>
                  <PolarityMark polarity={f.polarity} /> {loc(f.text, lang)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
