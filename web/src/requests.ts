// The dialog window's JSON shapes for staff (docs/requests.md): requests, their thread, the
// kinds, statuses and priorities, the paths that serve them, and the inbox filters kept in the URL.
import { api, wsPath, type Page, type Query } from './api';
import type { Key } from './i18n';

export type RequestKind = 'question' | 'complaint' | 'suggestion' | 'praise' | 'order_problem' | 'shipment_problem' | 'other';
export const REQUEST_KINDS: RequestKind[] = ['question', 'complaint', 'suggestion', 'praise', 'order_problem', 'shipment_problem', 'other'];
export type RequestStatus = 'new' | 'open' | 'waiting' | 'resolved' | 'closed';
export const REQUEST_STATUSES: RequestStatus[] = ['new', 'open', 'waiting', 'resolved', 'closed'];
export type RequestPriority = 'low' | 'normal' | 'high' | 'urgent';
export const REQUEST_PRIORITIES: RequestPriority[] = ['low', 'normal', 'high', 'urgent'];

export interface RequestMessage {
  id: number;
  author: 'client' | 'staff';
  author_name: string | null;
  body: string;
  internal?: boolean;
  created_at: string;
  helpful: boolean | null;
}

export interface Req {
  id: number;
  account_id: number;
  account_name: string;
  contact_id: number | null;
  contact_name: string | null;
  kind: RequestKind;
  subject: string;
  status: RequestStatus;
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
  channel: 'portal' | 'staff';
  priority: RequestPriority;
  assignee_email: string | null;
  assignee_name: string | null;
  component_id: number | null;
  factor_id: number | null;
  stage_id: number | null;
  reopened: number;
  signal_assessment_id: number | null;
  first_response_due_at: string | null;
  resolution_due_at: string | null;
  first_response_breached: boolean;
  resolution_breached: boolean;
  escalated_at: string | null;
  /** The classifier's suggestion (staff view): see docs/requests.md, "Classification". */
  suggestion?: Suggestion | null;
  thread?: RequestMessage[];
}

export interface Suggestion {
  component_id: number | null;
  factor_id: number | null;
  stage_id: number | null;
  source: 'model' | 'keywords' | 'none';
  confidence: number;
}

export const requestPath = {
  list: (ws: string) => wsPath(ws, '/requests'),
  one: (ws: string, id: number) => wsPath(ws, `/requests/${id}`),
  messages: (ws: string, id: number) => wsPath(ws, `/requests/${id}/messages`),
  settings: (ws: string) => wsPath(ws, '/request-settings'),
  figures: (ws: string) => wsPath(ws, '/request-figures'),
};

export const reqKindKey = (k: string) => `request_kind_${k}` as Key;
export const reqStatusKey = (s: string) => `request_status_${s}` as Key;
export const reqPriorityKey = (p: string) => `request_priority_${p}` as Key;

/** Staff change requests of the companies they may change; viewers only read. */
export const canHandle = (role: string) => role !== 'viewer';

/** The inbox filters, as kept in the URL and sent to GET /requests. */
export const FILTER_KEYS = ['status', 'kind', 'account_id', 'assignee', 'component_id'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

export function filtersOf(query: URLSearchParams): Filters {
  const f: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = query.get(k);
    if (v) f[k] = v;
  }
  return f;
}

/** The statuses of a comma-separated filter, in their natural order, unknown ones dropped. */
export function statusesOf(value: string | undefined): RequestStatus[] {
  const set = new Set((value || '').split(','));
  return REQUEST_STATUSES.filter((s) => set.has(s));
}

export function listRequests(ws: string, filters: Filters, cursor: string | null, limit = 50): Promise<Page<Req>> {
  const query: Query = { ...filters, limit, cursor };
  return api.get<Page<Req>>(requestPath.list(ws), query);
}

// ---------------------------------------------------------------------------------------------
// Service levels and assignment (docs/requests.md, "Service levels", "Assignment")

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface WorkCalendar {
  utc_offset_minutes: number;
  day_start: string;
  day_end: string;
  workdays: Weekday[];
  holidays: string[];
}

export interface ServiceLevel {
  kind: RequestKind | null;
  priority: RequestPriority | null;
  first_response_minutes: number | null;
  resolution_minutes: number | null;
}

export interface AssignmentRule {
  kind: RequestKind | null;
  component_id: number | null;
  members: string[];
}

/** The settings document as PUT takes it (the version travels in If-Match). */
export interface RequestSettingsDoc {
  calendar: WorkCalendar;
  reopen_days: number;
  service_levels: ServiceLevel[];
  assignment_rules: AssignmentRule[];
}

export interface RequestSettings extends RequestSettingsDoc {
  version: number;
}

/** Owners change the dialog window's settings; everyone else reads them. */
export const canConfigure = (role: string) => role === 'owner';

// ---------------------------------------------------------------------------------------------
// Figures (docs/requests.md, "Figures")

export interface Percentiles { p50: number | null; p90: number | null; p99: number | null; mean: number | null }
export interface DurationFigure { n: number; small_sample: boolean; hours: Percentiles; working_hours: Percentiles }
export interface Compliance { n: number; met: number; share: number | null }

export interface RequestFigures {
  n: number;
  small_sample: boolean;
  from: string | null;
  to: string | null;
  account_id: number | null;
  by_kind: Partial<Record<RequestKind, number>>;
  by_status: Partial<Record<RequestStatus, number>>;
  by_component: { component_id: number | null; n: number }[];
  by_stage: { stage_id: number | null; n: number }[];
  by_company: { account_id: number; account_name: string | null; n: number }[];
  first_response: DurationFigure;
  resolution: DurationFigure;
  sla: { first_response: Compliance; resolution: Compliance };
  ratings: {
    n: number;
    small_sample: boolean;
    mean: number | null;
    satisfied_share: number | null;
    distribution: Record<string, number>;
  };
  helpful: { marked: number; helpful: number; share: number | null };
}

/** The period and company of the figures, as kept in the URL and sent to GET /request-figures. */
export const FIGURE_FILTERS = ['from', 'to', 'account_id'] as const;
export type FigureFilter = (typeof FIGURE_FILTERS)[number];
export type FigureFilters = Partial<Record<FigureFilter, string>>;

export function figureFiltersOf(query: URLSearchParams): FigureFilters {
  const f: FigureFilters = {};
  for (const k of FIGURE_FILTERS) {
    const v = query.get(k);
    if (v) f[k] = v;
  }
  return f;
}
