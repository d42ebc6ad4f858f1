// Pieces of portal access shared by the company's "Client portal" panel and a contact's portal
// block: a person's status (invited / active with the last sign-in / revoked), the invitation
// form (the person — a picker of the company's people with an e-mail address, or one given —
// the language and "send by e-mail"; the API's 409/422 beside the field its pointer names), the
// one-time link shown once with its expiry and whether the e-mail was queued, and the
// confirmation of a revocation. Everything the server or a user typed is rendered as text.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, type Member } from '../../api';
import type { Contact } from '../../accountMap';
import { pointerErrors } from '../../loyalty';
import { copyText } from '../../research';
import {
  fullLink, inviteEmail, invitePortalUser, portalChanged, PORTAL_LANGS, revokePortalUser, type Invitation,
  type PortalLang, type PortalUser,
} from '../../portalAccess';
import { usePa, type PaKey } from '../../portalAccessStrings';
import { ErrorBox, formatDateTime } from '../ui';
import './portalAccess.css';

export const langKey = (l: PortalLang): PaKey => (l === 'en' ? 'pa_lang_en' : 'pa_lang_ru');
const statusKey = (s: PortalUser['status']): PaKey =>
  s === 'active' ? 'pa_status_active' : s === 'revoked' ? 'pa_status_revoked' : 'pa_status_invited';

/** The status badge and, below it, what it means: never signed in, the last sign-in, revoked when. */
export function PortalStatus({ user }: { user: PortalUser }) {
  const { pa, locale } = usePa();
  const detail =
    user.status === 'revoked'
      ? pa('pa_revoked_at', { date: formatDateTime(user.revoked_at, locale) })
      : user.last_login_at
        ? pa('pa_last_sign_in', { date: formatDateTime(user.last_login_at, locale) })
        : pa('pa_never_signed_in');
  return (
    <>
      <span class={`badge pa-status pa-status-${user.status}`} data-status={user.status}>
        {pa(statusKey(user.status))}
      </span>
      <div class="sub pa-status-detail" data-last-login={user.last_login_at || ''}>
        {detail}
        {user.has_password && user.status !== 'revoked' ? ` · ${pa('pa_has_password')}` : ''}
      </div>
    </>
  );
}

/** "When · by whom" of a person's invitation (created_by resolved among the workspace's members). */
export function invitedMeta(user: PortalUser, members: Member[], pa: ReturnType<typeof usePa>['pa'], locale: string): string {
  let who: string;
  if (user.created_by === null) who = pa('pa_by_nobody');
  else {
    const m = members.find((x) => x.user_id === user.created_by);
    who = m ? m.name || m.email : pa('pa_by_former');
  }
  return pa('pa_invited_meta', { date: formatDateTime(user.created_at, locale), who });
}

let formSeq = 0;

/**
 * The invitation form. With `contact` it invites that person; otherwise it offers a picker of
 * `candidates` with an e-mail address (preselected `initialContactId`). `users` are the company's
 * portal people known to the caller: a person who has one already is invited again (a new link).
 */
export function InviteForm(props: {
  ws: string;
  accountId: number;
  contact?: Contact;
  candidates?: Contact[];
  initialContactId?: number | null;
  users: PortalUser[];
  onInvited: (inv: Invitation) => void;
  onCancel: () => void;
}) {
  const { pa, t } = usePa();
  const uid = useMemo(() => `pa${++formSeq}`, []);
  const pickable = useMemo(
    () => (props.candidates || []).filter((c) => inviteEmail(c.emails) !== null),
    [props.candidates],
  );
  const [contactId, setContactId] = useState<string>(() => {
    if (props.contact) return String(props.contact.id);
    const want = props.initialContactId;
    return want && pickable.some((c) => c.id === want) ? String(want) : '';
  });
  const contact = props.contact || pickable.find((c) => String(c.id) === contactId) || null;
  const existing = contact ? props.users.find((u) => u.contact_id === contact.id) || null : null;
  const [lang, setLang] = useState<PortalLang>(existing ? existing.lang : 'ru');
  const [sendEmail, setSendEmail] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const email = contact ? inviteEmail(contact.emails) : null;

  const clear = (k: string) => {
    if (!errors[k]) return;
    const rest = { ...errors };
    delete rest[k];
    setErrors(rest);
  };
  const pick = (v: string) => {
    setContactId(v);
    clear('contact_id');
    clear('send_email');
    const u = props.users.find((x) => String(x.contact_id) === v);
    if (u) setLang(u.lang);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!contact) {
      setErrors({ contact_id: t('err_required') });
      return;
    }
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const inv = await invitePortalUser(props.ws, { contact_id: contact.id, lang, send_email: sendEmail });
      portalChanged(props.accountId);
      props.onInvited(inv);
    } catch (err) {
      const fe = pointerErrors(err);
      setErrors(fe);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const placed = new Set(['contact_id', 'lang', 'send_email']);
  const unplaced = Object.keys(errors).filter((k) => !placed.has(k));
  // The problem's detail goes to the top only when no field shows a message of it.
  const topError = error && !Object.keys(errors).some((k) => placed.has(k)) ? error : null;
  const again = !!existing;
  const id = (k: string) => `${uid}-${k}`;
  const errorOf = (k: string) =>
    errors[k] ? (
      <div class="field-error" id={id(`${k}-error`)} role="alert" data-error-for={k}>
        {errors[k]}
      </div>
    ) : null;

  return (
    <form class="pa-form" data-form="portal-invite" onSubmit={submit} noValidate>
      <h4>
        {again && existing ? (
          pa('pa_form_title_again', { name: existing.name })
        ) : (
          pa('pa_form_title')
        )}
      </h4>
      <ErrorBox error={topError} />
      {unplaced.length > 0 && (
        <ul class="alert alert-error error-list" role="alert">
          {unplaced.map((k) => (
            <li>{errors[k]}</li>
          ))}
        </ul>
      )}
      <div class={`field${errors.contact_id ? ' field-invalid' : ''}`} data-field="contact_id">
        {props.contact ? (
          <>
            <span class="label pa-label">{pa('pa_contact')}</span>
            <div class="user-text pa-contact-name">{props.contact.name}</div>
          </>
        ) : (
          <>
            <label for={id('contact_id')}>{pa('pa_contact')}</label>
            {pickable.length === 0 ? (
              <p class="muted">{pa('pa_contact_none')}</p>
            ) : (
              <select
                id={id('contact_id')}
                name="contact_id"
                value={contactId}
                disabled={busy}
                aria-invalid={!!errors.contact_id}
                aria-describedby={errors.contact_id ? id('contact_id-error') : undefined}
                onChange={(e) => pick((e.target as HTMLSelectElement).value)}
              >
                <option value="">{pa('pa_contact_pick')}</option>
                {pickable.map((c) => {
                  const u = props.users.find((x) => x.contact_id === c.id);
                  const mark = u
                    ? ` — ${pa(u.status === 'active' ? 'pa_option_active' : u.status === 'revoked' ? 'pa_option_revoked' : 'pa_option_invited')}`
                    : '';
                  return <option value={String(c.id)}>{`${c.name} <${inviteEmail(c.emails)}>${mark}`}</option>;
                })}
              </select>
            )}
          </>
        )}
        {errorOf('contact_id')}
        {contact && !errors.contact_id && (
          <div class="hint" data-invite-email={email || ''}>
            {email ? pa('pa_email_to', { email }) : pa('pa_no_email')}
          </div>
        )}
      </div>
      <div class={`field${errors.lang ? ' field-invalid' : ''}`} data-field="lang">
        <label for={id('lang')}>{pa('pa_lang')}</label>
        <select
          id={id('lang')}
          name="lang"
          value={lang}
          disabled={busy}
          onChange={(e) => {
            setLang((e.target as HTMLSelectElement).value as PortalLang);
            clear('lang');
          }}
        >
          {PORTAL_LANGS.map((l) => (
            <option value={l}>{pa(langKey(l))}</option>
          ))}
        </select>
        {errorOf('lang')}
      </div>
      <div class={`field${errors.send_email ? ' field-invalid' : ''}`} data-field="send_email">
        <label class="check pa-check">
          <input
            type="checkbox"
            name="send_email"
            checked={sendEmail}
            disabled={busy}
            aria-invalid={!!errors.send_email}
            aria-describedby={errors.send_email ? id('send_email-error') : undefined}
            onChange={(e) => {
              setSendEmail((e.target as HTMLInputElement).checked);
              clear('send_email');
            }}
          />
          <span>{pa('pa_send_email')}</span>
        </label>
        {errorOf('send_email') || <div class="hint">{pa('pa_send_email_hint')}</div>}
      </div>
      {again && existing && (
        <p class="hint pa-again-note">{existing.status === 'revoked' ? pa('pa_again_revoked_note') : pa('pa_again_note')}</p>
      )}
      <div class="btn-row">
        <button
          type="submit"
          class="btn btn-primary"
          data-action="portal-invite-submit"
          disabled={busy || !contact || !email}
        >
          {busy ? pa('pa_inviting') : again ? pa('pa_submit_again') : pa('pa_submit')}
        </button>
        <button type="button" class="btn btn-ghost" data-action="portal-invite-cancel" onClick={props.onCancel} disabled={busy}>
          {pa('pa_cancel')}
        </button>
      </div>
    </form>
  );
}

/** The one-time link of an invitation, shown once: copy it, its expiry, whether mail was queued. */
export function InvitationResult({ inv, onClose }: { inv: Invitation; onClose: () => void }) {
  const { pa, locale } = usePa();
  const url = fullLink(inv.link);
  const [copied, setCopied] = useState<boolean | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (box.current) box.current.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [inv.link]);
  const copy = async () => {
    const ok = await copyText(url);
    setCopied(ok);
    if (!ok && input.current) input.current.select();
  };
  return (
    <div
      ref={box}
      class="pa-link-box"
      role="status"
      data-once-link
      data-portal-user-id={inv.id}
      data-email-queued={String(inv.email_queued)}
      data-expires-at={inv.link_expires_at}
    >
      <h4 class="user-text">{pa('pa_link_title', { name: inv.name })}</h4>
      <label class="pa-label" for={`pa-link-${inv.id}`}>{pa('pa_link_label')}</label>
      <div class="once-link-row">
        <input
          ref={input}
          id={`pa-link-${inv.id}`}
          type="text"
          readOnly
          name="portal-link"
          value={url}
          class="once-link-url"
          onFocus={(e) => (e.target as HTMLInputElement).select()}
        />
        <button type="button" class="btn btn-small" data-action="copy-portal-link" onClick={copy}>
          {copied ? pa('pa_copied') : pa('pa_copy')}
        </button>
      </div>
      {copied === false && <p class="field-error">{pa('pa_copy_failed')}</p>}
      <p class="pa-once" data-once-note>
        <strong>{pa('pa_link_once', { date: formatDateTime(inv.link_expires_at, locale) })}</strong>
      </p>
      <p class="sub">{pa('pa_link_dont_open')}</p>
      <p class={`pa-mail ${inv.email_queued ? 'pa-mail-queued' : 'pa-mail-none'}`} data-email-note>
        {inv.email_queued ? pa('pa_email_queued', { email: inv.email }) : pa('pa_email_not_sent')}
      </p>
      <button type="button" class="btn btn-small" data-action="portal-link-done" onClick={onClose}>
        {pa('pa_link_done')}
      </button>
    </div>
  );
}

/** The confirmation of a revocation, in a modal; revokes (DELETE → 204) and tells the others. */
export function RevokeDialog(props: { ws: string; user: PortalUser; onDone: (revoked: boolean) => void }) {
  const { pa } = usePa();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (cancel.current) cancel.current.focus();
    const esc = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !busy) props.onDone(false);
    };
    window.addEventListener('keydown', esc);
    return () => window.removeEventListener('keydown', esc);
  }, [busy]);
  const revoke = async () => {
    setBusy(true);
    setError(null);
    try {
      await revokePortalUser(props.ws, props.user.id);
      portalChanged(props.user.account_id);
      props.onDone(true);
    } catch (e) {
      setBusy(false);
      if (e instanceof ApiError && e.status === 404) {
        portalChanged(props.user.account_id);
      }
      setError(e);
    }
  };
  const titleId = `pa-revoke-title-${props.user.id}`;
  return (
    <div class="modal-backdrop">
      <div class="modal panel" role="dialog" aria-modal="true" aria-labelledby={titleId} data-dialog="portal-revoke">
        <h3 id={titleId} class="user-text">{pa('pa_revoke_title', { name: props.user.name })}</h3>
        <p class="user-text">{props.user.email}</p>
        <p>{pa('pa_revoke_text')}</p>
        <ErrorBox error={error} />
        <div class="btn-row">
          <button type="button" class="btn btn-danger" data-action="portal-revoke-confirm" onClick={revoke} disabled={busy}>
            {pa('pa_revoke_confirm')}
          </button>
          <button type="button" class="btn btn-ghost" data-action="portal-revoke-cancel" ref={cancel} onClick={() => props.onDone(false)} disabled={busy}>
            {pa('pa_cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
