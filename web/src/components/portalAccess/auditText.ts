// Portal access in the change history (entity "portal_user", actions "invite" and "revoke",
// docs/portal.md): the action, the entity, field names and values in the UI's language.
import type { PaKey, PaT } from '../../portalAccessStrings';
import { formatDateTime } from '../ui';

export const isPortalEntity = (type: string | undefined) => type === 'portal_user';

const LABELS: Record<string, PaKey> = {
  email: 'pa_audit_email',
  name: 'pa_audit_name',
  lang: 'pa_audit_lang',
  contact_id: 'pa_audit_contact',
  link_expires_at: 'pa_audit_link_expires_at',
  revoked_at: 'pa_audit_revoked_at',
};

/** "invited to the portal" / "revoked portal access"; another action as it is. */
export function portalAuditAction(action: string, pa: PaT): string {
  return action === 'invite' ? pa('pa_audit_invite') : action === 'revoke' ? pa('pa_audit_revoke') : action;
}

/** A field's name; null when not one of the portal user's. */
export function portalAuditLabel(field: string, pa: PaT): string | null {
  const k = LABELS[field];
  return k ? pa(k) : null;
}

/** A field's value in words (language names, times, a person by name); null to fall back. */
export function portalAuditValue(field: string, v: unknown, pa: PaT, locale: string, people: Map<number, string> | null): string | null {
  if (v === null || v === undefined) return null;
  if (field === 'lang') return v === 'en' ? pa('pa_lang_en') : v === 'ru' ? pa('pa_lang_ru') : String(v);
  if (field === 'link_expires_at' || field === 'revoked_at') return formatDateTime(String(v), locale);
  if (field === 'contact_id' && typeof v === 'number') return (people && people.get(v)) || `#${v}`;
  return null;
}
