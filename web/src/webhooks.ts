// The webhook endpoints of a workspace and their delivery logs (docs/webhooks.md): the types the
// API answers, its paths, and the few rules the UI needs (who manages them, which events exist,
// which deliveries may be sent again).
import { api, request, wsPath, type Page } from './api';

/** The event types an endpoint subscribes to (ping needs no subscription). */
export const WEBHOOK_EVENTS = ['request.created', 'request.message', 'request.resolved', 'request.rated'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookEndpoint {
  id: number;
  url: string;
  events: string[];
  active: boolean;
  created_by: number | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** Only in the answer to POST /webhooks: shown once, never stored by the UI. */
  secret?: string;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: number;
  endpoint_id: number;
  event: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: string | null;
  failed_at: string | null;
  created_at: string;
  payload: unknown;
}

/** What the form sends: url, events and active (a PATCH sends the same three). */
export interface EndpointInput {
  url: string;
  events: string[];
  active: boolean;
}

/** Most deliveries a page of the log asks for, and the most the server answers at once. */
export const LOG_PAGE = 20;
export const LOG_MAX = 500;
/** Endpoints a workspace may have (the server refuses more with 409). */
export const ENDPOINTS_MAX = 20;

export const webhookPath = {
  list: (ws: string) => wsPath(ws, '/webhooks'),
  one: (ws: string, id: number) => wsPath(ws, `/webhooks/${id}`),
  test: (ws: string, id: number) => wsPath(ws, `/webhooks/${id}/test`),
  deliveries: (ws: string, id: number) => wsPath(ws, `/webhooks/${id}/deliveries`),
  retry: (ws: string, id: number, did: number) => wsPath(ws, `/webhooks/${id}/deliveries/${did}/retry`),
};

/** Only the workspace's owners manage webhooks (an instance admin is answered as an owner). */
export const canManageWebhooks = (role: string) => role === 'owner';

export const webhookApi = {
  list: (ws: string) => api.get<Page<WebhookEndpoint>>(webhookPath.list(ws)),
  get: (ws: string, id: number) => api.get<WebhookEndpoint>(webhookPath.one(ws, id)),
  create: (ws: string, body: EndpointInput) => api.post<WebhookEndpoint>(webhookPath.list(ws), body),
  update: (ws: string, id: number, body: Partial<EndpointInput>, version: number) =>
    request<WebhookEndpoint>('PATCH', webhookPath.one(ws, id), { body, ifMatch: version }),
  remove: (ws: string, id: number, version: number) => api.del(webhookPath.one(ws, id), version),
  ping: (ws: string, id: number) => api.post<WebhookDelivery>(webhookPath.test(ws, id)),
  deliveries: (ws: string, id: number, limit: number, cursor?: string | null) =>
    api.get<Page<WebhookDelivery>>(webhookPath.deliveries(ws, id), { limit, cursor }),
  retry: (ws: string, id: number, did: number) => api.post<WebhookDelivery>(webhookPath.retry(ws, id, did)),
};

/** A delivery that may be sent again: a finished one (the server answers 409 while it is pending). */
export const canRetry = (d: WebhookDelivery) => d.status === 'delivered' || d.status === 'failed';

/** A date and time with seconds, for a log where seconds matter. */
export function formatMoment(iso: string | null | undefined, locale: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'medium' });
}

/**
 * The field a 422's pointer names in the endpoint form: "url", "events" (also for "/events/1",
 * whose index is into the list sent, so the event it names is given too), "active", or "" for
 * anything else.
 */
export function formField(pointer: string, sent: string[]): { field: 'url' | 'events' | 'active' | ''; event?: string } {
  const p = pointer.replace(/^\//, '');
  if (p === 'url') return { field: 'url' };
  if (p === 'active') return { field: 'active' };
  const m = /^events(?:\/(\d+))?$/.exec(p);
  if (m) return { field: 'events', event: m[1] !== undefined ? sent[Number(m[1])] : undefined };
  return { field: '' };
}
