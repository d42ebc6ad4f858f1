// The "Change history" tab: the account's audit log, newest first, older pages on demand.
import { useEffect, useState } from 'preact/hooks';
import { api, wsPath, type AuditEntry, type Page } from '../api';
import { useI18n, type Key } from '../i18n';
import { ErrorBox, formatDateTime, Loading } from './ui';
import { fieldLabel, valueText } from './AccountForm';

const SUPPLIER_LABELS: Record<string, Key> = {
  competitor_id: 'supplier',
  competitor_name: 'supplier',
  share_pct: 'supplier_share',
  categories: 'supplier_categories',
  since: 'supplier_since',
  notes: 'supplier_notes',
};

export function History({ ws, accountId, version }: { ws: string; accountId: number; version: number }) {
  const { t, locale } = useI18n();
  const path = wsPath(ws, `/accounts/${accountId}/audit`);
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
    const k = `entity_${e.entity_type}` as Key;
    const s = t(k);
    return s === k ? e.entity_type : s;
  };
  const label = (e: AuditEntry, field: string) => {
    if (e.entity_type === 'supplier') {
      const k = SUPPLIER_LABELS[field];
      if (k) return t(k);
    }
    return fieldLabel(field, t);
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
              <strong>{e.actor_name || e.actor_email || t('history_system')}</strong> {actionText(e.action)}
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
                          {valueText(field, c && c.to, t, locale)}
                        </td>
                      ) : (
                        <>
                          <td class="from">{valueText(field, c && c.from, t, locale)}</td>
                          <td class="arrow" aria-hidden="true">→</td>
                          <td class="to">{valueText(field, c && c.to, t, locale)}</td>
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
