// The invitations tab of a study: pick people of a client company and make their personal
// survey links (each new link is shown once, with a copy button: the server keeps only its
// hash); the list of invitations with their status (sent, opened, submitted) and dates, and
// revoking one; the study's anonymous link — make, replace, revoke, and copy when just made.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../../api';
import { pointerErrors } from '../../loyalty';
import { useI18n, type Lang } from '../../i18n';
import {
  absoluteUrl, invitationStatusKey, listInvitations, researchPath,
  type AnonymousLink, type Invitation, type InvitationStatus, type Study,
} from '../../research';
import { ErrorBox, formatDateTime, Loading, Notice } from '../ui';
import { AccountPicker, useContacts, type AccountRef } from './ClientPicker';
import { OnceLink } from './StudyBits';

const INVITATION_STATUSES: InvitationStatus[] = ['sent', 'opened', 'submitted'];

/** canInvite: owners, analysts and managers (the server checks a manager's accounts); canEdit: the anonymous link. */
export function Invitations({ ws, study, canEdit, canInvite }: { ws: string; study: Study; canEdit: boolean; canInvite: boolean }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<Invitation[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [anon, setAnon] = useState<AnonymousLink | null>(null);
  const [status, setStatus] = useState('');
  const [showRevoked, setShowRevoked] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [fresh, setFresh] = useState<Invitation[]>([]);
  const [freshAnon, setFreshAnon] = useState<AnonymousLink | null>(null);
  const [inviting, setInviting] = useState(false);

  const load = (cursor: string | null = null) =>
    listInvitations(ws, study.id, { status: status || undefined, include_revoked: showRevoked || undefined, limit: 100, cursor })
      .then((r) => {
        setItems((prev) => (cursor && prev ? [...prev, ...r.items] : r.items || []));
        setNext(r.next_cursor);
        setAnon(r.anonymous_link || null);
        setLoadError(null);
      })
      .catch(setLoadError);
  useEffect(() => {
    load();
  }, [ws, study.id, status, showRevoked]);

  const run = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      if (done) setNotice(done);
    } catch (e) {
      setError(e);
    } finally {
      await load();
      setBusy(false);
    }
  };
  const revoke = (inv: Invitation) => {
    if (!window.confirm(t('invitation_revoke_confirm', { name: inv.contact_name || '' }))) return;
    run(() => api.del(researchPath.invitation(ws, study.id, inv.id)), t('invitation_revoked'));
  };
  const makeAnon = (lang: Lang) => {
    if (anon && !window.confirm(t('anon_replace_confirm'))) return;
    run(async () => {
      const made = await api.post<AnonymousLink>(researchPath.anonymousLink(ws, study.id), { lang });
      setFreshAnon(made);
    });
  };
  const revokeAnon = () => {
    if (!window.confirm(t('anon_revoke_confirm'))) return;
    setFreshAnon(null);
    run(() => api.del(researchPath.anonymousLink(ws, study.id)), t('invitation_revoked'));
  };

  return (
    <div class="invitations">
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorBox error={error} />
      {study.status !== 'open' && <p class="alert alert-warn">{t('invitations_not_open')}</p>}

      {fresh.length > 0 && (
        <section class="panel fresh-links" data-fresh-links>
          <h3>{t('invitations_new_links')}</h3>
          <p class="alert alert-warn">{t('invitations_once_note')}</p>
          {fresh.map((inv) => (
            <OnceLink url={absoluteUrl(inv.url || '')}
              who={[inv.contact_name, inv.contact_email, inv.account_name].filter(Boolean).join(' · ')} />
          ))}
          <button type="button" class="btn btn-small btn-ghost" onClick={() => setFresh([])}>{t('invitations_hide_links')}</button>
        </section>
      )}

      {canInvite && (inviting ? (
        <InviteForm ws={ws} studyId={study.id} onCancel={() => setInviting(false)}
          onMade={(made) => {
            setInviting(false);
            setFresh(made);
            setNotice(t('invitations_made', { n: made.length }));
            load();
          }} />
      ) : (
        <div class="btn-row">
          <button type="button" class="btn btn-primary" data-action="invite" onClick={() => setInviting(true)}>
            + {t('invitations_add')}
          </button>
        </div>
      ))}

      <section class="anon-link panel" data-anon-link>
        <h3>{t('anon_title')}</h3>
        <p class="muted">{t('anon_intro')}</p>
        {freshAnon && freshAnon.url && (
          <>
            <p class="alert alert-warn">{t('invitations_once_note')}</p>
            <OnceLink url={absoluteUrl(freshAnon.url)} who={t('anon_title')} onDone={() => setFreshAnon(null)} />
          </>
        )}
        {anon ? (
          <p class="anon-state">
            {t('anon_exists', { date: formatDateTime(anon.created_at, locale), n: anon.responses })}
            {anon.opened_at && <> · {t('invitation_opened_at')}: {formatDateTime(anon.opened_at, locale)}</>}
            {anon.expires_at && <> · {t('invitation_expires')}: {formatDateTime(anon.expires_at, locale)}</>}
          </p>
        ) : (
          <p class="anon-state muted">{t('anon_none')}</p>
        )}
        {canEdit && (
          <div class="btn-row">
            <button type="button" class="btn" data-action="make-anon" disabled={busy} onClick={() => makeAnon('ru')}>
              {anon ? t('anon_replace') : t('anon_make')} ({t('lang_ru_short')})
            </button>
            <button type="button" class="btn" data-action="make-anon-en" disabled={busy} onClick={() => makeAnon('en')}>
              {anon ? t('anon_replace') : t('anon_make')} ({t('lang_en_short')})
            </button>
            {anon && (
              <button type="button" class="btn btn-danger" data-action="revoke-anon" disabled={busy} onClick={revokeAnon}>
                {t('invitation_revoke')}
              </button>
            )}
          </div>
        )}
      </section>

      <h3>{t('invitations_list')}</h3>
      <div class="toolbar">
        <label class="filter">
          <span>{t('invitation_status')}</span>
          <select name="invitation_status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            <option value="">{t('filter_any')}</option>
            {INVITATION_STATUSES.map((s) => (
              <option value={s}>{t(invitationStatusKey(s))}</option>
            ))}
          </select>
        </label>
        <label class="filter check">
          <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked((e.target as HTMLInputElement).checked)} />
          <span>{t('invitations_show_revoked')}</span>
        </label>
      </div>
      <ErrorBox error={loadError} onRetry={() => load()} />
      {!items ? (
        !loadError && <Loading />
      ) : items.length === 0 ? (
        <p class="empty">{t('invitations_empty')}</p>
      ) : (
        <div class="table-wrap">
          <table class="data invitations-table">
            <thead>
              <tr>
                <th>{t('invitation_contact')}</th>
                <th>{t('invitation_status')}</th>
                <th>{t('invitation_sent_at')}</th>
                <th>{t('invitation_opened_at')}</th>
                <th>{t('invitation_submitted_at')}</th>
                <th>{t('invitation_lang')}</th>
                {canInvite && <th><span class="sr-only">{t('actions')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {items.map((inv) => (
                <tr class={inv.revoked_at ? 'archived' : ''} data-invitation-id={inv.id}>
                  <td class="cell-name">
                    <span class="user-text">{inv.contact_name || '—'}</span>
                    {inv.contact_email && <div class="sub">{inv.contact_email}</div>}
                    {inv.account_name && <div class="sub">{inv.account_name}</div>}
                  </td>
                  <td data-label={t('invitation_status')}>
                    <span class={`badge invitation-${inv.status}`} data-status={inv.status}>{t(invitationStatusKey(inv.status))}</span>
                    {inv.revoked_at && <span class="badge badge-archived">{t('invitation_revoked_badge')}</span>}
                  </td>
                  <td data-label={t('invitation_sent_at')} class="nowrap">{formatDateTime(inv.sent_at, locale)}</td>
                  <td data-label={t('invitation_opened_at')} class="nowrap">{formatDateTime(inv.opened_at, locale)}</td>
                  <td data-label={t('invitation_submitted_at')} class="nowrap">{formatDateTime(inv.submitted_at, locale)}</td>
                  <td data-label={t('invitation_lang')}>{inv.lang === 'en' ? t('lang_en_short') : t('lang_ru_short')}</td>
                  {canInvite && (
                    <td class="row-actions">
                      {!inv.revoked_at && (
                        <button type="button" class="btn btn-small btn-danger" data-action="revoke" disabled={busy} onClick={() => revoke(inv)}>
                          {t('invitation_revoke')}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" class="btn" onClick={() => load(next)}>
          {t('show_more')}
        </button>
      )}
    </div>
  );
}

/** Choose an account, tick its people, pick the language and an optional expiry, make links. */
function InviteForm(props: { ws: string; studyId: number; onMade: (items: Invitation[]) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [account, setAccount] = useState<AccountRef | null>(null);
  const contacts = useContacts(props.ws, account ? account.id : null);
  const [picked, setPicked] = useState<Set<number>>(new Set());
  const [lang, setLang] = useState<Lang>('ru');
  const [expires, setExpires] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (id: number, on: boolean) => {
    const s = new Set(picked);
    if (on) s.add(id);
    else s.delete(id);
    setPicked(s);
  };
  const ids = (contacts || []).filter((c) => picked.has(c.id)).map((c) => c.id);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (ids.length === 0) {
      setErrors({ contact_ids: t('invitations_pick_someone') });
      return;
    }
    const body: Record<string, unknown> = { contact_ids: ids, lang };
    if (expires) body.expires_at = `${expires}T23:59:59Z`;
    setBusy(true);
    setError(null);
    setErrors({});
    try {
      const r = await api.post<{ items: Invitation[] }>(researchPath.invitations(props.ws, props.studyId), body);
      props.onMade(r.items || []);
    } catch (err) {
      const pe = pointerErrors(err);
      const placed: Record<string, string> = {};
      for (const [k, v] of Object.entries(pe)) {
        const m = /^contact_ids\/(\d+)$/.exec(k);
        placed[m && ids[Number(m[1])] !== undefined ? `c${ids[Number(m[1])]}` : k] = v;
      }
      setErrors(placed);
      setError(err instanceof ApiError && err.status === 409 && !err.problem.detail
        ? new ApiError(409, { detail: t('invitations_already_submitted') }) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel invite-form" onSubmit={submit} noValidate>
      <h3>{t('invitations_add')}</h3>
      <ErrorBox error={error} />
      <div class="form-grid">
        <div class="field field-wide">
          <label for="f-invite_account">{t('research_account')}</label>
          <AccountPicker ws={props.ws} name="invite_account" value={account}
            onChange={(a) => { setAccount(a); setPicked(new Set()); }} />
        </div>
      </div>
      {account && (
        <fieldset class="contact-picks">
          <legend>{t('invitations_people')}</legend>
          {contacts === null ? (
            <Loading />
          ) : contacts.length === 0 ? (
            <p class="empty">{t('invitations_no_people')}</p>
          ) : (
            <>
              <label class="check">
                <input type="checkbox" checked={contacts.every((c) => picked.has(c.id))}
                  onChange={(e) => setPicked((e.target as HTMLInputElement).checked ? new Set(contacts.map((c) => c.id)) : new Set())} />
                <span>{t('invitations_all_people')}</span>
              </label>
              {contacts.map((c) => (
                <div class={errors[`c${c.id}`] ? 'field-invalid' : ''}>
                  <label class="check" data-contact-id={c.id}>
                    <input type="checkbox" name="contact" value={String(c.id)} checked={picked.has(c.id)}
                      onChange={(e) => toggle(c.id, (e.target as HTMLInputElement).checked)} />
                    <span class="user-text">{c.name}</span>
                    {c.position && <span class="muted"> · {c.position}</span>}
                    {c.emails[0] && <span class="muted"> · {c.emails[0]}</span>}
                  </label>
                  {errors[`c${c.id}`] && <div class="field-error" role="alert">{errors[`c${c.id}`]}</div>}
                </div>
              ))}
            </>
          )}
          {errors.contact_ids && <div class="field-error" role="alert">{errors.contact_ids}</div>}
        </fieldset>
      )}
      <div class="form-grid">
        <div class={`field${errors.lang ? ' field-invalid' : ''}`}>
          <label for="f-invite_lang">{t('invitation_lang')}</label>
          <select id="f-invite_lang" name="lang" value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value as Lang)}>
            <option value="ru">{t('lang_ru_long')}</option>
            <option value="en">{t('lang_en_long')}</option>
          </select>
        </div>
        <div class={`field${errors.expires_at ? ' field-invalid' : ''}`}>
          <label for="f-invite_expires">{t('invitation_expires')}</label>
          <input id="f-invite_expires" name="expires" type="date" value={expires} onInput={(e) => setExpires((e.target as HTMLInputElement).value)} />
          {errors.expires_at && <div class="field-error" role="alert">{errors.expires_at}</div>}
        </div>
      </div>
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" data-action="make-invitations" disabled={busy || ids.length === 0}>
          {busy ? t('saving') : t('invitations_make', { n: ids.length })}
        </button>
        <button type="button" class="btn btn-ghost" onClick={props.onCancel} disabled={busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}
