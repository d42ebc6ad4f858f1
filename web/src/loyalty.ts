// The loyalty model's JSON shapes (docs/loyalty.md), the paths that serve them, and helpers
// shared by the loyalty tab, the catalogue, the journey map and the portfolio dashboard.
import { ApiError, request, wsPath } from './api';
import type { Lang } from './i18n';

/** A text in both languages; `en` may be missing in old data and falls back to `ru`. */
export interface Text2 { ru: string; en?: string | null }
export type Polarity = '+' | '-' | '0';
export const POLARITIES: Polarity[] = ['+', '-', '0'];
export type Source = 'interview' | 'survey' | 'manual' | 'request' | 'import';
export const SOURCES: Source[] = ['interview', 'survey', 'manual', 'request', 'import'];

export interface LoyaltySettings { score_min: number; score_max: number; factor_window_months: number }

export interface LoyaltyComponent {
  id: number;
  code: string;
  name: Text2;
  description: Text2 | null;
  weight: number;
  position: number;
  active: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface LoyaltyFactor {
  id: number;
  component_id: number;
  text: Text2;
  polarity: Polarity;
  position: number;
  active: boolean;
  stage_id: number | null;
  item_id: number | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Catalogue {
  settings: LoyaltySettings;
  components: (LoyaltyComponent & { factors: LoyaltyFactor[] })[];
}

export interface AssessmentFactor { factor_id: number; evidence: string | null }
export interface AssessmentComponent {
  component_id: number;
  score: number | null;
  comment: string | null;
  factors: AssessmentFactor[];
}
export interface Assessment {
  id: number;
  account_id: number;
  version: number;
  assessed_on: string;
  source: Source;
  author: { id: number; email: string; name: string } | null;
  /** The person of the client company who gave it (docs/account-map.md), or null. */
  contact_id?: number | null;
  person: string | null;
  summary: string | null;
  recommend: number | null;
  stage_id: number | null;
  item_id: number | null;
  components: AssessmentComponent[];
  created_at: string;
}

export interface TrendPoint { quarter: string; end: string; index: number | null; partial: boolean }
export interface ModelFactor {
  factor_id: number;
  text: Text2;
  polarity: Polarity;
  count: number;
  last_seen: string;
  evidence: string | null;
}
export interface ModelComponent {
  component_id: number;
  code: string;
  name: Text2;
  weight: number;
  score: number | null;
  assessed_on: string | null;
  comment: string | null;
  history: { assessed_on: string; score: number; assessment_id: number }[];
  factors: ModelFactor[];
}
export interface LoyaltyModel {
  scale: { min: number; max: number };
  window_months: number;
  summary: { text: string; assessed_on: string; assessment_id: number } | null;
  recommend: { value: number; assessed_on: string } | null;
  index: { value: number | null; known_weight_share: number; partial: boolean };
  trend: TrendPoint[];
  components: ModelComponent[];
  portfolio: { component_id: number; mean: number | null; n: number }[];
}

export interface Portfolio {
  clients: number;
  assessed: number;
  index: {
    mean: number | null;
    median: number | null;
    partial: number;
    histogram: { from: number; to: number; count: number }[];
  };
  components: {
    component_id: number;
    code: string;
    name: Text2;
    n: number;
    mean: number | null;
    sd: number | null;
    ci95: [number, number] | null;
    top2_share: number | null;
  }[];
  factors: { factor_id: number; component_id: number; text: Text2; polarity: Polarity; clients: number }[];
  top_negative: { component_id: number; factors: { factor_id: number; clients: number }[] }[];
  fallers: { account_id: number; name: string; index: number | null; previous: number | null; change: number }[];
}

export interface JourneyItem {
  id: number;
  kind: 'touchpoint' | 'solution';
  name: Text2;
  position: number;
  signals: number;
  version?: number;
}
export interface JourneyStage {
  id: number;
  code: string;
  name: Text2;
  goal: Text2 | null;
  questions: Text2 | null;
  position: number;
  version: number;
  touchpoints: JourneyItem[];
  solutions: JourneyItem[];
  figures: {
    signals: number;
    negative: number;
    negative_share: number | null;
    component_mean: number | null;
    component_n: number;
  };
}
export interface Journey { window_months: number; stages: JourneyStage[] }

/** The text in the UI's language, else the Russian one. */
export function loc(text: Text2 | null | undefined, lang: Lang): string {
  if (!text) return '';
  return (lang === 'en' ? text.en || text.ru : text.ru || text.en) || '';
}

export function polarityClass(p: Polarity): string {
  return p === '+' ? 'pol-pos' : p === '-' ? 'pol-neg' : 'pol-neu';
}
/** The sign shown for a polarity ("−" is the real minus sign). */
export function polaritySign(p: Polarity): string {
  return p === '+' ? '+' : p === '-' ? '−' : '0';
}

export const loyaltyPath = {
  settings: (ws: string) => wsPath(ws, '/loyalty/settings'),
  catalogue: (ws: string) => wsPath(ws, '/loyalty/catalogue'),
  components: (ws: string) => wsPath(ws, '/loyalty/components'),
  component: (ws: string, id: number) => wsPath(ws, `/loyalty/components/${id}`),
  componentOrder: (ws: string) => wsPath(ws, '/loyalty/components/order'),
  factors: (ws: string) => wsPath(ws, '/loyalty/factors'),
  factor: (ws: string, id: number) => wsPath(ws, `/loyalty/factors/${id}`),
  portfolio: (ws: string) => wsPath(ws, '/loyalty/portfolio'),
  journey: (ws: string) => wsPath(ws, '/journey'),
  stages: (ws: string) => wsPath(ws, '/journey/stages'),
  stage: (ws: string, id: number) => wsPath(ws, `/journey/stages/${id}`),
  stageOrder: (ws: string) => wsPath(ws, '/journey/stages/order'),
  stageItems: (ws: string, id: number) => wsPath(ws, `/journey/stages/${id}/items`),
  item: (ws: string, id: number) => wsPath(ws, `/journey/items/${id}`),
  model: (ws: string, aid: number) => wsPath(ws, `/accounts/${aid}/loyalty`),
  assessments: (ws: string, aid: number) => wsPath(ws, `/accounts/${aid}/assessments`),
  assessment: (ws: string, aid: number, id: number) => wsPath(ws, `/accounts/${aid}/assessments/${id}`),
  versions: (ws: string, aid: number, id: number) => wsPath(ws, `/accounts/${aid}/assessments/${id}/versions`),
};

/** A merge patch, with If-Match when the object has a version. */
export function patch<T>(path: string, body: unknown, version?: number): Promise<T> {
  return request<T>('PATCH', path, { body, ifMatch: version });
}

/** Catalogue and role helpers. */
export const canEditCatalogue = (role: string) => role === 'owner' || role === 'analyst';
export const canAssess = (role: string) => role === 'owner' || role === 'analyst' || role === 'manager';

/** The scale's points, min..max (a long scale is offered as a select instead of buttons). */
export function scalePoints(min: number, max: number): number[] {
  const out: number[] = [];
  for (let v = min; v <= max && out.length <= 101; v++) out.push(v);
  return out;
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** Problem details' field errors keyed by the pointer without its slash ("name/ru", "weight"). */
export function pointerErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError)) return out;
  for (const pe of e.problem.errors || []) {
    const k = (pe.pointer || '').replace(/^\//, '') || '_';
    out[k] = out[k] ? `${out[k]}; ${pe.message}` : pe.message;
  }
  return out;
}

/** The first error among keys, for a field that several pointers may name. */
export function firstError(errors: Record<string, string>, ...keys: string[]): string | undefined {
  for (const k of keys) if (errors[k]) return errors[k];
  return undefined;
}

/** Evidence in quotes, unless it is quoted already («…», "…", “…”). */
export function quoted(s: string): string {
  return /^\s*[«"“„']/.test(s) ? s : `“${s}”`;
}
