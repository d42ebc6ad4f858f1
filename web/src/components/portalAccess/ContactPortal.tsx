// A contact's portal access, in the person's card on the account map: their portal status, the
// language and who invited them when; for those who may, "Invite to the portal" (or "Invite
// again" after a revocation), "New link" and "Revoke access". The invitation's one-time link is
// shown here once. Changes reach the company's "Client portal" panel through portalChanged.
import { useEffect, useState } from 'preact/hooks';
import type { Member } from '../../api';
import type { Contact } from '../../accountMap';
import { inviteEmail, listPortalUsers, usePortalGeneration, type Invitation, type PortalUser } from '../../portalAccess';
import { usePa } from '../../portalAccessStrings';
import { ErrorBox, Loading } from '../ui';
import { InvitationResult, InviteForm, invitedMeta, langKey, PortalStatus, RevokeDialog } from './PortalBits';

export function ContactPortal(props: {
  ws: string;
  accountId: number;
  contact: Contact;
  members: Member[];
  canWrite: boolean | undefined;
  archived: boolean;
}) {
  const { pa, locale } = usePa();
  const { ws, accountId, contact, canWrite, archived } = props;
  const gen = usePortalGeneration(accountId);
  const [user, setUser] = useState<PortalUser | null | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [inviting, setInviting] = useState(false);
  const [result, setResult] = useState<Invitation | null>(null);
  const [revoking, setRevoking] = useState(false);

  const load = () =>
    listPortalUsers(ws, accountId, true)
      .then((items) => {
        setUser(items.find((u) => u.contact_id === contact.id) || null);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    load();
  }, [ws, accountId, contact.id, gen]);

  const mayInvite = !!canWrite && !archived;
  const email = inviteEmail(contact.emails);
  const status = user ? user.status : 'none';

  return (
    <div class="contact-portal" data-contact-portal data-status={user === undefined ? '' : status}>
      <h4>{pa('pa_contact_title')}</h4>
      {error && user === undefined ? (
        <ErrorBox error={error} onRetry={load} />
      ) : user === undefined ? (
        <Loading />
      ) : (
        <>
          <ErrorBox error={error} />
          {user ? (
            <div class="pa-contact-state">
              <PortalStatus user={user} />
              <div class="sub">
                {pa('pa_col_lang')}: {pa(langKey(user.lang))}
              </div>
              <div class="sub">
                {pa('pa_col_invited')}: {invitedMeta(user, props.members, pa, locale)}
              </div>
            </div>
          ) : (
            <p class="muted">{pa('pa_contact_no_access')}</p>
          )}
          {result && <InvitationResult inv={result} onClose={() => setResult(null)} />}
          {inviting && mayInvite ? (
            <InviteForm
              ws={ws}
              accountId={accountId}
              contact={contact}
              users={user ? [user] : []}
              onInvited={(inv) => {
                setInviting(false);
                setResult(inv);
              }}
              onCancel={() => setInviting(false)}
            />
          ) : (
            canWrite && (
              <div class="btn-row">
                {mayInvite && (
                  <button
                    type="button"
                    class={`btn btn-small${user && user.status !== 'revoked' ? '' : ' btn-primary'}`}
                    data-action={!user ? 'portal-invite-contact' : user.status === 'revoked' ? 'portal-invite-again' : 'portal-new-link'}
                    title={user && user.status !== 'revoked' ? pa('pa_new_link_title') : undefined}
                    disabled={!email}
                    onClick={() => {
                      setResult(null);
                      setInviting(true);
                    }}
                  >
                    {!user ? pa('pa_invite') : user.status === 'revoked' ? pa('pa_invite_again') : pa('pa_new_link')}
                  </button>
                )}
                {user && user.status !== 'revoked' && (
                  <button type="button" class="btn btn-small btn-danger" data-action="portal-revoke" onClick={() => setRevoking(true)}>
                    {pa('pa_revoke')}
                  </button>
                )}
              </div>
            )
          )}
          {mayInvite && !email && !inviting && <p class="hint">{pa('pa_no_email')}</p>}
        </>
      )}
      {revoking && user && (
        <RevokeDialog ws={ws} user={user} onDone={() => setRevoking(false)} />
      )}
    </div>
  );
}
