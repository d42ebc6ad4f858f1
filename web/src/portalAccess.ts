// Portal access, the staff side (docs/portal.md, «Portal users»): the JSON shapes of a portal
// user and of an invitation's answer, their paths and calls, who may invite and revoke, the full
// one-time link, and a tiny change signal so that the company's "Client portal" panel and a
// contact's card refresh each other after an invitation or a revocation.
import { useEffect, useState } from 'preact/hooks';
import { api, wsPath, type Page, type Role, type Session } from './api';

export type PortalLang = 'ru' | 'en';
export const PORTAL_LANGS: PortalLang[] = ['ru', 'en'];
export type PortalStatus = 'invited' | 'active' | 'revoked';

export interface PortalUser {
  id: number;
  account_id: number;
  account_name: string;
  contact_id: number;
  email: string;
  name: string;
  lang: PortalLang;
  status: PortalStatus;
  has_password: boolean;
  created_by: number | null;
  created_at: string;
  revoked_at: string | null;
  last_login_at: string | null;
  version: number;
}

/** The answer of an invitation: the person, the one-time link (a path) and whether mail went. */
export interface Invitation extends PortalUser {
  link: string;
  link_expires_at: string;
  email_queued: boolean;
}

export interface InviteBody {
  contact_id: number;
  lang: PortalLang;
  send_email: boolean;
}

export const portalPath = {
  users: (ws: string) => wsPath(ws, '/portal-users'),
  user: (ws: string, id: number) => wsPath(ws, `/portal-users/${id}`),
};

/** The portal people of one company, newest first (all pages, bounded). */
export async function listPortalUsers(ws: string, accountId: number, includeRevoked: boolean): Promise<PortalUser[]> {
  const out: PortalUser[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const page: Page<PortalUser> = await api.get<Page<PortalUser>>(portalPath.users(ws), {
      account_id: accountId,
      include_revoked: includeRevoked,
      limit: 500,
      cursor,
    });
    out.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

export const invitePortalUser = (ws: string, body: InviteBody) => api.post<Invitation>(portalPath.users(ws), body);
export const revokePortalUser = (ws: string, id: number) => api.del(portalPath.user(ws, id));

/** The link as the person opens it: this server's address followed by the answer's path. */
export function fullLink(link: string): string {
  return `${window.location.origin}${link}`;
}

/** The first address of a contact's e-mails, lower-cased as the server takes it; null when none. */
export function inviteEmail(emails: string[] | null | undefined): string | null {
  const e = (emails || []).map((x) => x.trim()).find(Boolean);
  return e ? e.toLowerCase() : null;
}

// ---- who may invite and revoke ----

/**
 * The signed-in user, fetched once per page load (the card's role comes from the route, the
 * user's own id and address from /me): a manager may invite the people of the accounts they own.
 */
let me: Promise<Session> | null = null;
function getMe(): Promise<Session> {
  if (!me) {
    me = api.get<Session>('/me');
    me.catch(() => { me = null; });
  }
  return me;
}

/**
 * Whether the caller may invite and revoke the people of this company: owners and analysts
 * always, managers when the account is theirs, viewers never (the API answers 403 otherwise).
 * Undefined while a manager's ownership is being checked.
 */
export function usePortalWrite(ws: string, accountId: number, role: Role): boolean | undefined {
  const fixed = role === 'owner' || role === 'analyst' ? true : role === 'manager' ? undefined : false;
  const [owned, setOwned] = useState<boolean | undefined>(undefined);
  useEffect(() => {
    if (fixed !== undefined) return;
    let live = true;
    Promise.all([getMe(), api.get<{ owner_email: string | null }>(wsPath(ws, `/accounts/${accountId}`))])
      .then(([s, a]) => live && setOwned(!!a.owner_email && a.owner_email.toLowerCase() === s.user.email.toLowerCase()))
      .catch(() => live && setOwned(false));
    return () => { live = false; };
  }, [ws, accountId, fixed]);
  return fixed !== undefined ? fixed : owned;
}

// ---- a change signal per company ----

const listeners = new Set<(accountId: number) => void>();

/** Tells every panel and card of this company that its portal people changed. */
export function portalChanged(accountId: number): void {
  listeners.forEach((l) => l(accountId));
}

/** A number that grows whenever the company's portal people change (a dependency for loads). */
export function usePortalGeneration(accountId: number): number {
  const [gen, setGen] = useState(0);
  useEffect(() => {
    const l = (id: number) => { if (id === accountId) setGen((g) => g + 1); };
    listeners.add(l);
    return () => { listeners.delete(l); };
  }, [accountId]);
  return gen;
}
