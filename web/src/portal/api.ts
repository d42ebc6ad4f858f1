// The portal's JSON shapes (docs/portal.md, docs/requests.md) and its calls under /api/v1/portal,
// through the shared request function (CSRF header on writes, problem documents as ApiError).
import { api, request, setCsrfToken, type Page } from '../api';

export { ApiError } from '../api';

export interface PortalPerson { id: number; contact_id: number; name: string; email: string; lang: string; has_password: boolean }
export interface PortalSession {
  person: PortalPerson;
  company: { id: number; name: string };
  workspace: { slug: string; name: string };
  csrf_token: string;
  expires_at: string;
}

export type Kind = 'question' | 'complaint' | 'suggestion' | 'praise' | 'order_problem' | 'shipment_problem' | 'other';
export const KINDS: Kind[] = ['question', 'complaint', 'suggestion', 'praise', 'order_problem', 'shipment_problem', 'other'];
export type Status = 'new' | 'open' | 'waiting' | 'resolved' | 'closed';

export interface Message {
  id: number;
  author: 'client' | 'staff';
  author_name: string | null;
  body: string;
  created_at: string;
  helpful: boolean | null;
}

export interface PortalRequest {
  id: number;
  kind: Kind;
  subject: string;
  status: Status;
  contact_name: string | null;
  first_response_at: string | null;
  resolved_at: string | null;
  closed_at: string | null;
  last_message_at: string;
  messages: number;
  can_reopen: boolean;
  reopen_until: string | null;
  rating: number | null;
  rating_comment: string | null;
  rated_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  thread?: Message[];
}

/** The answer of a link request: the same whether or not the address is known. */
export interface LinkRequested { status: 'accepted'; link_lifetime_seconds: number; detail: string }

const P = '/portal';

/** Keeps the session's CSRF token for the writes that follow. */
function took(s: PortalSession): PortalSession {
  setCsrfToken(s.csrf_token);
  return s;
}

export const portal = {
  me: async () => took(await request<PortalSession>('GET', `${P}/me`, { noAuthRedirect: true })),
  redeem: async (token: string) =>
    took(await request<PortalSession>('POST', `${P}/auth/link`, { body: { token }, noAuthRedirect: true })),
  login: async (workspace: string, email: string, password: string) =>
    took(await request<PortalSession>('POST', `${P}/auth/login`, { body: { workspace, email, password }, noAuthRedirect: true })),
  requestLink: (workspace: string, email: string, lang?: string) =>
    request<LinkRequested>('POST', `${P}/auth/link-request`, { body: lang ? { workspace, email, lang } : { workspace, email }, noAuthRedirect: true }),
  logout: () => request<void>('POST', `${P}/auth/logout`, { noAuthRedirect: true }),
  setPassword: async (password: string) => took(await request<PortalSession>('PUT', `${P}/password`, { body: { password } })),
  list: (cursor?: string | null) => api.get<Page<PortalRequest>>(`${P}/requests`, { limit: 50, cursor }),
  get: (id: number) => api.get<PortalRequest>(`${P}/requests/${id}`),
  create: (kind: Kind, subject: string, body: string) => api.post<PortalRequest>(`${P}/requests`, { kind, subject, body }),
  reply: (id: number, body: string) => api.post<{ message: Message; request: PortalRequest }>(`${P}/requests/${id}/messages`, { body }),
  reopen: (id: number) => api.post<PortalRequest>(`${P}/requests/${id}/reopen`),
  close: (id: number) => api.post<PortalRequest>(`${P}/requests/${id}/close`),
  rate: (id: number, rating: number, comment: string | null) =>
    request<PortalRequest>('PUT', `${P}/requests/${id}/rating`, { body: { rating, comment } }),
  helpful: (id: number, mid: number, helpful: boolean) =>
    request<Message>('PUT', `${P}/requests/${id}/messages/${mid}/helpful`, { body: { helpful } }),
};

/** Where the live events of the person's company stream from (EventSource). */
export const EVENTS_URL = `/api/v1${P}/events`;
