// Account mapping (docs/account-map.md): the JSON shapes of contacts, influence links, the map
// with its risks, the relationship plan and the riskiest maps; their paths; the enumerations in
// the order the UI offers them; and helpers shared by the map tab and the portfolio sections.
import { ApiError, wsPath } from './api';
import type { Key, T } from './i18n';
import type { Polarity, Text2 } from './loyalty';

export const BUYING_ROLES = [
  'decision_maker', 'economic_buyer', 'technical_buyer', 'user_buyer', 'influencer', 'gatekeeper', 'coach',
] as const;
export type BuyingRole = (typeof BUYING_ROLES)[number];
export const ATTITUDES = ['champion', 'supporter', 'neutral', 'skeptic', 'opponent'] as const;
export type Attitude = (typeof ATTITUDES)[number];
export const INFLUENCES = ['high', 'medium', 'low'] as const;
export type Influence = (typeof INFLUENCES)[number];
export const RELATIONSHIPS = ['none', 'weak', 'working', 'strong', 'trusted_advisor'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];
export const SIGNS = ['supports', 'opposes'] as const;
export type Sign = (typeof SIGNS)[number];
export type Severity = 'high' | 'medium' | 'low';
export type RiskKind = 'no_owner' | 'hostile_influencer' | 'role_uncovered' | 'stale_contact' | 'champion_left' | 'no_contacts';
export const RISK_KINDS: RiskKind[] = ['no_owner', 'hostile_influencer', 'role_uncovered', 'stale_contact', 'champion_left', 'no_contacts'];
export type ActionStatus = 'open' | 'done' | 'cancelled';

export interface Contact {
  id: number;
  account_id: number;
  name: string;
  position: string | null;
  department: string | null;
  emails: string[];
  phones: string[];
  reports_to_id: number | null;
  buying_role: BuyingRole | null;
  attitude: Attitude;
  influence: Influence;
  relationship: Relationship;
  owner_email: string | null;
  owner_name: string | null;
  last_contact_on: string | null;
  left_on: string | null;
  notes: string | null;
  external_id: string | null;
  reports: number;
  version: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface ContactCx {
  assessments: number;
  latest: {
    assessment_id: number;
    assessed_on: string;
    recommend: number | null;
    nps_group: 'promoter' | 'passive' | 'detractor' | null;
    scores: { component_id: number; code: string; name: Text2; score: number | null }[];
    factors: { factor_id: number; text: Text2; polarity: Polarity }[];
  } | null;
}

export interface ContactLink {
  id: number;
  account_id: number;
  from_contact_id: number;
  to_contact_id: number;
  sign: Sign;
  note: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface Risk {
  kind: RiskKind;
  severity: Severity;
  contact_id: number | null;
  role: BuyingRole | null;
  days: number | null;
}

export interface PlanAction {
  id: number;
  account_id: number;
  contact_id: number;
  contact_name: string;
  what: string;
  due_on: string;
  owner_email: string | null;
  owner_name: string | null;
  status: ActionStatus;
  done_on: string | null;
  overdue: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface AccountMap {
  account_id: number;
  as_of: string;
  stale_days: number;
  health: number;
  contacts: Contact[];
  links: ContactLink[];
  risks: Risk[];
  actions: PlanAction[];
  overdue: number;
}

export interface RiskyMap {
  account_id: number;
  account_name: string;
  health: number;
  contacts: number;
  risks: number;
  high: number;
  kinds: Partial<Record<RiskKind, number>>;
}
export interface RiskyMaps { items: RiskyMap[]; unmapped: number }

export interface OverdueActions {
  items: PlanAction[];
  owners: { owner_email: string | null; owner_name: string | null; overdue: number }[];
}

export interface MapSettings { stale_days: number }

export const mapPath = {
  map: (ws: string, aid: number) => wsPath(ws, `/accounts/${aid}/map`),
  contacts: (ws: string, aid: number) => wsPath(ws, `/accounts/${aid}/contacts`),
  contact: (ws: string, aid: number, cid: number) => wsPath(ws, `/accounts/${aid}/contacts/${cid}`),
  links: (ws: string, aid: number) => wsPath(ws, `/accounts/${aid}/contact-links`),
  link: (ws: string, aid: number, lid: number) => wsPath(ws, `/accounts/${aid}/contact-links/${lid}`),
  actions: (ws: string, aid: number) => wsPath(ws, `/accounts/${aid}/actions`),
  action: (ws: string, aid: number, xid: number) => wsPath(ws, `/accounts/${aid}/actions/${xid}`),
  overdue: (ws: string) => wsPath(ws, '/actions/overdue'),
  maps: (ws: string) => wsPath(ws, '/account-maps'),
  settings: (ws: string) => wsPath(ws, '/account-maps/settings'),
};

/** Who may change an account's people, links and plan (managers: the API decides per account). */
export const canEditMap = (role: string) => role === 'owner' || role === 'analyst' || role === 'manager';
export const canEditMapSettings = (role: string) => role === 'owner' || role === 'analyst';

/** Attitude colours: champion dark green … opponent red (the chart, the legend, the badges). */
export const ATTITUDE_COLOR: Record<Attitude, string> = {
  champion: '#116b3a',
  supporter: '#4caf50',
  neutral: '#9aa3b0',
  skeptic: '#f08c00',
  opponent: '#d6336c',
};
export const LEFT_COLOR = '#d5d9e0';
export const SUPPORTS_COLOR = '#2f9e44';
export const OPPOSES_COLOR = '#e03131';

export const roleKey = (r: BuyingRole): Key => `buying_role_${r}` as Key;
export const roleShortKey = (r: BuyingRole): Key => `buying_role_short_${r}` as Key;
export const attitudeKey = (a: Attitude): Key => `attitude_${a}` as Key;
export const influenceKey = (i: Influence): Key => `influence_${i}` as Key;
export const relationshipKey = (r: Relationship): Key => `relationship_${r}` as Key;
export const signKey = (s: Sign): Key => `sign_${s}` as Key;
export const severityKey = (s: Severity): Key => `severity_${s}` as Key;

/** The sentence for one risk, naming the person or the role (names are the caller's to mark up). */
export function riskText(r: Risk, t: T, person: string | null): string {
  const who = person || t('map_someone');
  const role = r.role ? t(roleKey(r.role)) : '';
  switch (r.kind) {
    case 'no_owner':
      return role ? t('risk_no_owner', { who, role }) : t('risk_no_owner_plain', { who });
    case 'hostile_influencer':
      return t('risk_hostile_influencer', { who });
    case 'role_uncovered':
      return t('risk_role_uncovered', { role });
    case 'stale_contact':
      return r.days === null ? t('risk_stale_never', { who }) : t('risk_stale_days', { who, n: r.days });
    case 'champion_left':
      return t('risk_champion_left', { who });
    case 'no_contacts':
      return t('risk_no_contacts');
    default:
      return String(r.kind);
  }
}

/** The health band: good ≥ 80, fair ≥ 50, else poor (a CSS class suffix). */
export function healthBand(h: number): 'good' | 'fair' | 'poor' {
  return h >= 80 ? 'good' : h >= 50 ? 'fair' : 'poor';
}

/** The 409 answer of deleting a contact others report to: the people who do. */
export function reportsOf(e: unknown): { id: number; name: string }[] | null {
  if (!(e instanceof ApiError) || e.status !== 409) return null;
  const r = (e.problem as unknown as { reports?: unknown }).reports;
  return Array.isArray(r) ? (r as { id: number; name: string }[]) : null;
}

/** The ids of everyone below `id` in the reporting tree (for the reports-to choices). */
export function descendants(contacts: Contact[], id: number): Set<number> {
  const kids = new Map<number, number[]>();
  for (const c of contacts) {
    if (c.reports_to_id === null) continue;
    const l = kids.get(c.reports_to_id) || [];
    l.push(c.id);
    kids.set(c.reports_to_id, l);
  }
  const out = new Set<number>();
  const stack = [id];
  while (stack.length) {
    const x = stack.pop() as number;
    for (const k of kids.get(x) || []) {
      if (out.has(k) || k === id) continue;
      out.add(k);
      stack.push(k);
    }
  }
  return out;
}
