// Field names and values of the account map's audit entries (contacts, influence links, plan
// actions) in the change history, in the UI's language.
import type { T, Key } from '../../i18n';
import { formatDate } from '../ui';

const LABELS: Record<string, Key> = {
  name: 'contact_name',
  position: 'contact_position',
  department: 'contact_department',
  emails: 'contact_emails',
  phones: 'contact_phones',
  reports_to_id: 'contact_reports_to',
  buying_role: 'contact_buying_role',
  attitude: 'contact_attitude',
  influence: 'contact_influence',
  relationship: 'contact_relationship',
  owner_email: 'contact_owner',
  last_contact_on: 'contact_last_contact_on',
  left_on: 'contact_left_on',
  notes: 'contact_notes',
  external_id: 'contact_external_id',
  from_contact_id: 'link_from',
  to_contact_id: 'link_to_who',
  links_removed: 'audit_links_removed',
  status: 'plan_status',
  done_on: 'plan_done_date',
  sign: 'link_sign',
  note: 'link_note',
  contact_id: 'plan_contact',
  what: 'plan_what',
  due_on: 'plan_due',
};
const ENUMS: Record<string, string> = {
  buying_role: 'buying_role_',
  attitude: 'attitude_',
  influence: 'influence_',
  relationship: 'relationship_',
  sign: 'sign_',
  status: 'plan_status_',
};
const DATES = new Set(['last_contact_on', 'left_on', 'due_on', 'done_on']);

export const isMapEntity = (e: string | undefined) => e === 'contact' || e === 'contact_link' || e === 'contact_action';

export function mapAuditLabel(field: string, t: T): string | null {
  const k = LABELS[field];
  return k ? t(k) : null;
}

/** A value in words; people's ids as their names when `people` knows them. */
export function mapAuditValue(field: string, v: unknown, t: T, locale: string, people: Map<number, string> | null): string | null {
  if (v === null || v === undefined || v === '') return t('dash');
  if (ENUMS[field] && typeof v === 'string') {
    const k = `${ENUMS[field]}${v}` as Key;
    const s = t(k);
    return s === k ? v : s;
  }
  if (DATES.has(field) && typeof v === 'string') return formatDate(v, locale);
  if (Array.isArray(v)) return v.length ? v.join(', ') : t('dash');
  if (/contact_id$|^reports_to_id$/.test(field) && typeof v === 'number') return (people && people.get(v)) || `#${v}`;
  return null;
}
