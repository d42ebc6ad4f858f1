// The "Change history" tab: the account's audit log, newest first, older pages on demand.
// Loyalty assessments are shown with component, factor and stage names (loaded when needed).
import { useEffect, useState } from 'preact/hooks';
import { api, wsPath, type AuditEntry, type Page } from '../api';
import { useI18n, type Key } from '../i18n';
import { loyaltyPath, type Catalogue, type Journey } from '../loyalty';
import { ErrorBox, formatDateTime, Loading } from './ui';
import { fieldLabel, valueText } from './AccountForm';
import { assessmentLabel, assessmentValue, type AuditRefs } from './loyalty/auditText';
import { isMapEntity, mapAuditLabel, mapAuditValue } from './map/auditText';
import { mapPath, type Contact } from '../accountMap';
import { usePa } from '../portalAccessStrings';
import { isPortalEntity, portalAuditAction, portalAuditLabel, portalAuditValue } from './portalAccess/auditText';

const SUPPLIER_LABELS: Record<string, Key> = {
  competitor_id: 'supplier',
  competitor_name: 'supplier',
  share_pct: 'supplier_share',
  categories: 'supplier_categories',
  since: 'supplier_since',
  notes: 'supplier_notes',
};

export function History({ ws, accountId, version }: { ws: string; accountId: number; version: number }) {
  const { t, lang, locale } = useI18n();
  const { pa } = usePa();
  const path = wsPath(ws, `/accounts/${accountId}/audit`);
  const [refs, setRefs] = useState<AuditRefs | null>(null);
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = (cursor: string | null) => {
    setBusy(true);
    setError(null);
    api
      .get<Page<AuditEntry>>(path, { limit: 50, cursor })
      .then((r) => {
        setItems((prev) => (cursor && prev ? [...prev, ...r.items] : r.items));
        setNext(r.next_cursor);
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };
  useEffect(() => load(null), [path, version]);
  const hasAssessments = !!items && items.some((e) => e.entity_type === 'assessment');
  useEffect(() => {
    if (!hasAssessments || refs) return;
    Promise.all([
      api.get<Catalogue>(loyaltyPath.catalogue(ws)).catch(() => null),
      api.get<Journey>(loyaltyPath.journey(ws)).catch(() => null),
    ]).then(([catalogue, journey]) => setRefs({ catalogue, journey }));
  }, [hasAssessments, ws]);
  // The people of the account map (deleted ones too), to name them instead of their ids.
  const [people, setPeople] = useState<Map<number, string> | null>(null);
  const hasMap = !!items && items.some((e) => isMapEntity(e.entity_type) || isPortalEntity(e.entity_type));
  useEffect(() => {
    if (!hasMap || people) return;
    const list = (archived: boolean) =>
      api
        .get<{ items: Contact[] }>(mapPath.contacts(ws, accountId), archived ? { archived: 'true' } : undefined)
        .then((r) => r.items || [])
        .catch(() => [] as Contact[]);
    Promise.all([list(false), list(true)]).then(([a, b]) => setPeople(new Map([...a, ...b].map((c) => [c.id, c.name]))));
  }, [hasMap, ws, accountId]);

  if (error && !items) return <ErrorBox error={error} onRetry={() => load(null)} />;
  if (!items) return <Loading />;
  if (items.length === 0) return <p class="empty">{t('history_empty')}</p>;

  const actionText = (a: string) => {
    const k = `action_${a}` as Key;
    const s = t(k);
    return s === k ? a : s;
  };
  const entityText = (e: AuditEntry) => {
    if (!e.entity_type || e.entity_type === 'account') return '';
    if (isPortalEntity(e.entity_type)) return pa('pa_audit_entity');
    const k = `entity_${e.entity_type}` as Key;
    const s = t(k);
    return s === k ? e.entity_type : s;
  };
  const label = (e: AuditEntry, field: string) => {
    if (e.entity_type === 'assessment') {
      const l = assessmentLabel(field, t);
      if (l) return l;
    }
    if (e.entity_type === 'supplier') {
      const k = SUPPLIER_LABELS[field];
      if (k) return t(k);
    }
    if (isMapEntity(e.entity_type)) {
      const l = mapAuditLabel(field, t);
      if (l) return l;
    }
    if (isPortalEntity(e.entity_type)) {
      const l = portalAuditLabel(field, pa);
      if (l) return l;
    }
    return fieldLabel(field, t);
  };
  const value = (e: AuditEntry, field: string, v: unknown) => {
    if (e.entity_type === 'assessment') {
      const s2 = assessmentValue(field, v, refs || { catalogue: null, journey: null }, t, lang, locale);
      if (s2 !== null) return s2;
    }
    if (isMapEntity(e.entity_type)) {
      const s3 = mapAuditValue(field, v, t, locale, people);
      if (s3 !== null) return s3;
    }
    if (isPortalEntity(e.entity_type)) {
      const s4 = portalAuditValue(field, v, pa, locale, people);
      if (s4 !== null) return s4;
    }
    return valueText(field, v, t, locale);
  };
  const shownChanges = (e: AuditEntry) =>
    Object.entries(e.changes || {}).filter(
      ([f]) => !(e.entity_type === 'supplier' && f === 'competitor_id' && e.changes && 'competitor_name' in e.changes),
    );

  return (
    <div class="history">
      <ol class="timeline">
        {items.map((e) => (
          <li class="event">
            <div class="event-head">
              <strong>{e.actor_name || e.actor_email || t('history_system')}</strong> {isPortalEntity(e.entity_type) ? portalAuditAction(e.action, pa) : actionText(e.action)}
              {entityText(e) && <span class="badge badge-entity">{entityText(e)}</span>}
              <span class="muted"> · {formatDateTime(e.at, locale)}</span>
            </div>
            {shownChanges(e).length > 0 && (
              <table class="data compact changes">
                <colgroup>
                  <col class="c-field" />
                  <col class="c-from" />
                  <col class="c-arrow" />
                  <col class="c-to" />
                </colgroup>
                <tbody>
                  {shownChanges(e).map(([field, c]) => (
                    <tr>
                      <th scope="row">{label(e, field)}</th>
                      {e.action === 'create' ? (
                        <td class="to" colSpan={3}>
                          {value(e, field, c && c.to)}
                        </td>
                      ) : (
                        <>
                          <td class="from">{value(e, field, c && c.from)}</td>
                          <td class="arrow" aria-hidden="true">→</td>
                          <td class="to">{value(e, field, c && c.to)}</td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ol>
      <ErrorBox error={error} />
      {next && (
        <button type="button" class="btn" disabled={busy} onClick={() => load(next)}>
          {t('history_more')}
        </button>
      )}
    </div>
  );
}
