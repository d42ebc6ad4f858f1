// The JSON API client: types of the objects the UI reads, one request function that adds the
// CSRF header to writes, and RFC 9457 problem details turned into ApiError.

export type Role = 'owner' | 'analyst' | 'manager' | 'viewer';
export type Status = 'prospect' | 'active' | 'at_risk' | 'churned';
export const STATUSES: Status[] = ['prospect', 'active', 'at_risk', 'churned'];

export interface User { id: number; email: string; name: string; is_admin: boolean }
export interface Workspace { id: number; slug: string; name: string; role: Role }
export interface Session { user: User; csrf_token: string; workspaces: Workspace[] }
export interface Member { user_id: number; email: string; name: string; role: Role }

export interface Account {
  id: number;
  name: string;
  legal_name: string | null;
  inn: string | null;
  external_id: string | null;
  status: Status;
  churned_at: string | null;
  churn_reason: string | null;
  segment: string | null;
  owner_email: string | null;
  owner_name: string | null;
  tags: string[];
  industry: string | null;
  region: string | null;
  city: string | null;
  website: string | null;
  employees: string | null;
  revenue: number | null;
  revenue_currency: string | null;
  description: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface Facets {
  status?: string[];
  segment?: string[];
  industry?: string[];
  region?: string[];
  tag?: string[];
}

export interface Competitor {
  id: number;
  name: string;
  website: string | null;
  notes: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface Supplier {
  id: number;
  account_id: number;
  competitor_id: number | null;
  competitor_name: string | null;
  share_pct: number;
  categories: string[];
  since: string | null;
  notes: string | null;
  version: number;
  archived_at?: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_email: string | null;
  actor_name: string | null;
  action: string;
  /** What changed: the account itself or one of its parts (a supplier…). */
  entity_type?: string;
  entity_id?: number;
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

export interface ImportReport {
  dry_run: boolean;
  rows_read: number;
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: { line: number; field: string | null; message: string }[];
}

export interface Page<T> { items: T[]; next_cursor: string | null }

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: { pointer: string; message: string }[];
  report?: ImportReport;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
  /** Per-field messages keyed by the field name of the JSON pointer ("/inn" → "inn"). */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors || []) {
      const key = (e.pointer || '').replace(/^\//, '').split('/')[0] || '_';
      out[key] = out[key] ? `${out[key]}; ${e.message}` : e.message;
    }
    return out;
  }
}

let csrfToken = '';
let unauthorizedHandler: (() => void) | null = null;

export function setCsrfToken(token: string): void { csrfToken = token; }
export function onUnauthorized(fn: () => void): void { unauthorizedHandler = fn; }

export type Query = Record<string, string | number | boolean | null | undefined>;

export function qs(query?: Query): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Raw body (a file) sent as is with contentType. */
  raw?: Blob;
  contentType?: string;
  ifMatch?: number;
  /** Do not treat 401 as an expired session (login, me). */
  noAuthRedirect?: boolean;
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['Content-Type'] = opts.contentType || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.ifMatch !== undefined) headers['If-Match'] = `"${opts.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}${qs(opts.query)}`, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { title: 'network', detail: '' });
  }
  const type = res.headers.get('Content-Type') || '';
  let data: unknown = undefined;
  if (res.status !== 204) {
    const text = await res.text();
    if (text && /json/i.test(type)) {
      try { data = JSON.parse(text); } catch { data = undefined; }
    } else if (text && !res.ok) {
      data = { detail: text.slice(0, 300) };
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !opts.noAuthRedirect && unauthorizedHandler) unauthorizedHandler();
    const problem = (data && typeof data === 'object' ? data : {}) as Problem;
    throw new ApiError(res.status, problem);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body, query }),
  patch: <T>(path: string, body: unknown, version: number) => request<T>('PATCH', path, { body, ifMatch: version }),
  del: (path: string, version?: number) => request<void>('DELETE', path, { ifMatch: version }),
};

export function wsPath(ws: string, rest: string): string {
  return `/workspaces/${encodeURIComponent(ws)}${rest}`;
}

/** All pages of a list (bounded), for catalogues used in selectors. */
export async function fetchAll<T>(path: string, query: Query = {}, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await api.get<Page<T>>(path, { ...query, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}
