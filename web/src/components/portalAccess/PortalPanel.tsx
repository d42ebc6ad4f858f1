// The company card's "Client portal" panel (on the account map tab, beside the company's people):
// the company's portal people (GET portal-users?account_id=…, revoked ones on request) with their
// status, language and who invited them when; for those who may (owners, analysts, the company's
// manager: usePortalWrite) inviting a person with an e-mail address, a new link for someone
// invited already, and revoking with a confirmation. The one-time link of an invitation is shown
// here once. Other parts of the card (a contact's portal block) refresh it through portalChanged.
import { useEffect, useState } from 'preact/hooks';
import type { Member } from '../../api';
import type { Contact } from '../../accountMap';
import { listPortalUsers, usePortalGeneration, type Invitation, type PortalUser } from '../../portalAccess';
import { usePa } from '../../portalAccessStrings';
import { ErrorBox, Loading, Notice } from '../ui';
import { InvitationResult, InviteForm, invitedMeta, langKey, PortalStatus, RevokeDialog } from './PortalBits';

export function PortalPanel(props: {
  ws: string;
  accountId: number;
  /** The company's people on the map (live contacts): the invitation's choices. */
  contacts: Contact[];
  members: Member[];
  /** May invite and revoke (undefined while a manager's ownership is checked). */
  canWrite: boolean | undefined;
  archived: boolean;
  /** Opens a person's card on the map. */
  onSelect?: (contactId: number) => void;
}) {
  const { pa, locale } = usePa();
  const { ws, accountId, canWrite, archived } = props;
  const gen = usePortalGeneration(accountId);
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [users, setUsers] = useState<PortalUser[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [inviting, setInviting] = useState<{ contactId: number | null } | null>(null);
  const [result, setResult] = useState<Invitation | null>(null);
  const [revoking, setRevoking] = useState<PortalUser | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = () => {
    setBusy(true);
    return listPortalUsers(ws, accountId, includeRevoked)
      .then((items) => {
        setUsers(items);
        setLoadError(null);
      })
      .catch(setLoadError)
      .finally(() => setBusy(false));
  };
  useEffect(() => {
    load();
  }, [ws, accountId, includeRevoked, gen]);

  const onMap = new Set(props.contacts.map((c) => c.id));
  const mayInvite = !!canWrite && !archived;
  const live = users ? users.filter((u) => u.status !== 'revoked').length : 0;

  const openInvite = (contactId: number | null) => {
    setResult(null);
    setNotice(null);
    setInviting({ contactId });
  };

  return (
    <section class="panel pa-panel" data-portal-panel aria-labelledby="pa-panel-title" data-can-write={String(!!canWrite)}>
      <div class="section-head">
        <h2 id="pa-panel-title">{pa('pa_title')}</h2>
        <div class="page-actions">
          {mayInvite && !inviting && (
            <button type="button" class="btn btn-primary" data-action="portal-invite" onClick={() => openInvite(null)}>
              + {pa('pa_invite')}
            </button>
          )}
          <button type="button" class="btn btn-ghost" data-action="portal-refresh" onClick={load} disabled={busy}>
            {pa('pa_refresh')}
          </button>
        </div>
      </div>
      <p class="muted pa-intro">{pa('pa_intro')}</p>
      {canWrite === false && <p class="hint pa-read-only" data-read-only>{pa('pa_read_only')}</p>}
      {canWrite && archived && <p class="alert alert-warn">{pa('pa_archived_note')}</p>}
      <Notice text={notice} onDone={() => setNotice(null)} />
      {result && <InvitationResult inv={result} onClose={() => setResult(null)} />}
      {inviting && mayInvite && (
        <InviteForm
          key={`invite-${inviting.contactId ?? 'pick'}`}
          ws={ws}
          accountId={accountId}
          candidates={props.contacts}
          initialContactId={inviting.contactId}
          users={users || []}
          onInvited={(inv) => {
            setInviting(null);
            setResult(inv);
          }}
          onCancel={() => setInviting(null)}
        />
      )}
      <div class="pa-toolbar">
        <label class="check">
          <input
            type="checkbox"
            name="include_revoked"
            data-action="portal-include-revoked"
            checked={includeRevoked}
            onChange={(e) => setIncludeRevoked((e.target as HTMLInputElement).checked)}
          />
          <span>{pa('pa_show_revoked')}</span>
        </label>
        {users && users.length > 0 && <span class="sub">{pa('pa_n', { n: live })}</span>}
      </div>
      {loadError && !users ? (
        <ErrorBox error={loadError} onRetry={load} />
      ) : !users ? (
        <Loading />
      ) : users.length === 0 ? (
        <div class="empty pa-empty">
          <p>{pa('pa_empty')}</p>
          {mayInvite && <p class="sub">{pa('pa_empty_hint')}</p>}
        </div>
      ) : (
        <>
          <ErrorBox error={loadError} />
          <ul class={`pa-list${busy ? ' is-loading' : ''}`} aria-label={pa('pa_title')}>
            {users.map((u) => (
              <li class="pa-item" data-portal-user-id={u.id} data-contact-id={u.contact_id} data-status={u.status}>
                <div class="pa-person">
                  {props.onSelect && onMap.has(u.contact_id) ? (
                    <button type="button" class="btn-text user-text pa-name" onClick={() => props.onSelect && props.onSelect(u.contact_id)}>
                      {u.name}
                    </button>
                  ) : (
                    <span class="user-text pa-name">{u.name}</span>
                  )}
                  <div class="sub user-text pa-email">{u.email}</div>
                  <div class="sub" data-lang={u.lang}>
                    {pa('pa_col_lang')}: {pa(langKey(u.lang))}
                  </div>
                  {!onMap.has(u.contact_id) && <div class="sub">{pa('pa_contact_gone')}</div>}
                </div>
                <div class="pa-state">
                  <PortalStatus user={u} />
                  <div class="sub pa-invited">
                    {pa('pa_col_invited')}: {invitedMeta(u, props.members, pa, locale)}
                  </div>
                </div>
                {canWrite && (mayInvite || u.status !== 'revoked') && (
                  <div class="pa-actions">
                    {mayInvite && onMap.has(u.contact_id) && (
                      <button
                        type="button"
                        class="btn btn-small"
                        data-action={u.status === 'revoked' ? 'portal-invite-again' : 'portal-new-link'}
                        title={u.status === 'revoked' ? undefined : pa('pa_new_link_title')}
                        onClick={() => openInvite(u.contact_id)}
                      >
                        {u.status === 'revoked' ? pa('pa_invite_again') : pa('pa_new_link')}
                      </button>
                    )}
                    {u.status !== 'revoked' && (
                      <button type="button" class="btn btn-small btn-danger" data-action="portal-revoke" onClick={() => setRevoking(u)}>
                        {pa('pa_revoke')}
                      </button>
                    )}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {revoking && (
        <RevokeDialog
          ws={ws}
          user={revoking}
          onDone={(done) => {
            if (done) setNotice(pa('pa_revoked_done', { name: revoking.name }));
            setRevoking(null);
          }}
        />
      )}
    </section>
  );
}
