// Research (docs/research.md): the JSON shapes of studies, questions, responses and survey
// invitations, the paths that serve them, and helpers shared by the studies pages. The analytics
// of the research dashboard live in researchAnalytics.ts.
import { api, request, wsPath, type Query } from './api';
import type { Key } from './i18n';
import type { Text2 } from './loyalty';

export type StudyKind = 'survey' | 'csm_interview' | 'custdev' | 'exit_interview';
export const STUDY_KINDS: StudyKind[] = ['survey', 'csm_interview', 'custdev', 'exit_interview'];
export type StudyStatus = 'draft' | 'open' | 'closed';
export const STUDY_STATUSES: StudyStatus[] = ['draft', 'open', 'closed'];

export interface Study {
  id: number;
  name: string;
  kind: StudyKind;
  status: StudyStatus;
  starts_on: string | null;
  ends_on: string | null;
  description: string | null;
  guide: string | null;
  questions: number;
  version: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export type QuestionKind =
  | 'recommend'
  | 'component'
  | 'competitor_component'
  | 'satisfaction'
  | 'intention'
  | 'factors'
  | 'choice'
  | 'text';
export const QUESTION_KINDS: QuestionKind[] = [
  'recommend', 'component', 'competitor_component', 'satisfaction', 'intention', 'factors', 'choice', 'text',
];

export interface QuestionOption { code: string; text: Text2 }

export interface Question {
  id: number;
  study_id: number;
  code: string;
  kind: QuestionKind;
  text: Text2;
  component_id: number | null;
  competitor_id: number | null;
  options: QuestionOption[] | null;
  required: boolean;
  position: number;
  stage_id: number | null;
  active: boolean;
  version: number;
  created_at: string;
  updated_at: string;
}

export type Channel = 'link' | 'anonymous' | 'interview' | 'import';
export const CHANNELS: Channel[] = ['link', 'anonymous', 'interview', 'import'];
export type ResponseStatus = 'draft' | 'submitted';
export const RESPONSE_STATUSES: ResponseStatus[] = ['draft', 'submitted'];

/** One answer: a number (ratings, recommend), factor ids, an option code or a text. */
export type AnswerValue = number | number[] | string;

export interface StudyResponse {
  id: number;
  study_id: number;
  account_id: number | null;
  account_name?: string | null;
  contact_id: number | null;
  contact_name?: string | null;
  invitation_id: number | null;
  channel: Channel;
  status: ResponseStatus;
  answers: Record<string, AnswerValue>;
  interviewer_id: number | null;
  interviewer_name: string | null;
  notes: string | null;
  transcript: string | null;
  quotes: string[];
  lang: 'ru' | 'en' | null;
  respondent_key: string | null;
  assessment_id: number | null;
  submitted_at: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export type InvitationStatus = 'sent' | 'opened' | 'submitted';

export interface Invitation {
  id: number;
  study_id: number;
  anonymous: boolean;
  contact_id: number | null;
  contact_name: string | null;
  contact_email: string | null;
  account_id: number | null;
  account_name: string | null;
  lang: 'ru' | 'en';
  status: InvitationStatus;
  expires_at: string | null;
  sent_at: string;
  opened_at: string | null;
  submitted_at: string | null;
  revoked_at: string | null;
  response_id: number | null;
  version: number;
  created_at: string;
  updated_at: string;
  /** Only in the answer that makes the link (the server keeps only its hash): shown once. */
  url?: string;
}

export interface AnonymousLink {
  id: number;
  study_id: number;
  anonymous: true;
  lang: 'ru' | 'en';
  expires_at: string | null;
  sent_at: string;
  opened_at: string | null;
  responses: number;
  version: number;
  created_at: string;
  updated_at: string;
  url?: string;
}

export interface InvitationList {
  items: Invitation[];
  next_cursor: string | null;
  anonymous_link: AnonymousLink | null;
}

export const researchPath = {
  studies: (ws: string) => wsPath(ws, '/studies'),
  study: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}`),
  restore: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/restore`),
  questions: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/questions`),
  question: (ws: string, sid: number, qid: number) => wsPath(ws, `/studies/${sid}/questions/${qid}`),
  questionOrder: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/questions/order`),
  responses: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/responses`),
  response: (ws: string, sid: number, rid: number) => wsPath(ws, `/studies/${sid}/responses/${rid}`),
  responseRestore: (ws: string, sid: number, rid: number) => wsPath(ws, `/studies/${sid}/responses/${rid}/restore`),
  invitations: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/invitations`),
  invitation: (ws: string, sid: number, iid: number) => wsPath(ws, `/studies/${sid}/invitations/${iid}`),
  anonymousLink: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/anonymous-link`),
  importResponses: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/imports/responses`),
  exportResponses: (ws: string, sid: number) => wsPath(ws, `/studies/${sid}/exports/responses`),
};

// --- responses import/export (helper-ui-io) ---
/** Columns an import of responses reads besides the question codes (docs/research.md). */
export const RESPONSE_ID_COLUMNS = [
  'respondent_id', 'account_id', 'account_external_id', 'inn', 'contact_id', 'contact_external_id', 'contact_email',
  'submitted_at', 'lang',
] as const;
export type ResponseExportFormat = 'csv' | 'xlsx' | 'sav';
/** The link that downloads a study's responses (a plain link: the session cookie goes with it). */
export const responsesExportHref = (ws: string, sid: number, format: ResponseExportFormat) =>
  `/api/v1${researchPath.exportResponses(ws, sid)}?format=${format}`;
/** The Content-Type an import file is sent with: a .sav as octet-stream, the rest as CSV. */
export const importContentType = (name: string) => (/\.sav$/i.test(name) ? 'application/octet-stream' : 'text/csv');
// --- end of responses import/export ---

export const listStudies = (ws: string, query: Query) => api.get<{ items: Study[] }>(researchPath.studies(ws), query);
export const getStudy = (ws: string, sid: number) => api.get<Study>(researchPath.study(ws, sid));
export const listQuestions = (ws: string, sid: number, includeRetired: boolean) =>
  api.get<{ items: Question[] }>(researchPath.questions(ws, sid), { include_retired: includeRetired || undefined });
export const listResponses = (ws: string, sid: number, query: Query) =>
  api.get<{ items: StudyResponse[]; next_cursor: string | null }>(researchPath.responses(ws, sid), query);
export const listInvitations = (ws: string, sid: number, query: Query) =>
  api.get<InvitationList>(researchPath.invitations(ws, sid), query);

/** A merge patch with If-Match. */
export function patchWith<T>(path: string, body: unknown, version: number): Promise<T> {
  return request<T>('PATCH', path, { body, ifMatch: version });
}

/** Who may change studies and questionnaires; who may record interviews. */
export const canEditStudies = (role: string) => role === 'owner' || role === 'analyst';
export const canRecord = (role: string) => role === 'owner' || role === 'analyst' || role === 'manager';

export const studyKindKey = (k: string) => `study_kind_${k}` as Key;
export const studyStatusKey = (s: string) => `study_status_${s}` as Key;
export const questionKindKey = (k: string) => `question_kind_${k}` as Key;
export const channelKey = (c: string) => `channel_${c}` as Key;
export const responseStatusKey = (s: string) => `response_status_${s}` as Key;
export const invitationStatusKey = (s: string) => `invitation_status_${s}` as Key;

/** Question kinds answered with a rating on the workspace's scale. */
export const SCALE_KINDS: QuestionKind[] = ['component', 'competitor_component', 'satisfaction', 'intention'];

/** An absolute link for a path or a link the server gave. */
export function absoluteUrl(u: string): string {
  try {
    return new URL(u, window.location.origin).toString();
  } catch {
    return u;
  }
}

/** Copies a text to the clipboard; falls back to a hidden textarea where the API is missing. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back below */
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  document.body.removeChild(ta);
  return ok;
}
