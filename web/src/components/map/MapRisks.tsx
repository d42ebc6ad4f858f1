// The health of an account map (100 minus the points of its risks) and the list of its risks,
// each in words naming the person or the buying role; a person's name opens their form.
import type { AccountMap, Risk } from '../../accountMap';
import { healthBand, riskText, severityKey } from '../../accountMap';
import { useI18n } from '../../i18n';

export function MapRisks({ map, onSelect }: { map: AccountMap; onSelect: (id: number) => void }) {
  const { t } = useI18n();
  const byId = new Map(map.contacts.map((c) => [c.id, c]));
  const band = healthBand(map.health);
  const order = { high: 0, medium: 1, low: 2 } as const;
  const risks = [...map.risks].sort((a, b) => order[a.severity] - order[b.severity]);
  const item = (r: Risk) => {
    const c = r.contact_id !== null ? byId.get(r.contact_id) : undefined;
    // The risk names the role only when it is about one; a person's own role reads better.
    const text = riskText({ ...r, role: r.role || (c && c.buying_role) || null }, t, '\u0000');
    const [before, after] = text.includes('\u0000') ? text.split('\u0000') : [text, null];
    return (
      <li
        class={`risk risk-${r.severity}`}
        data-kind={r.kind}
        data-severity={r.severity}
        data-contact-id={r.contact_id === null ? undefined : r.contact_id}
        data-role={r.role || undefined}
      >
        <span class={`badge sev-${r.severity}`}>{t(severityKey(r.severity))}</span>
        <span class="risk-text">
          {before}
          {after !== null && (
            <>
              {c ? (
                <button type="button" class="btn-text user-text" onClick={() => onSelect(c.id)}>
                  {c.name}
                </button>
              ) : (
                t('map_someone')
              )}
              {after}
            </>
          )}
        </span>
      </li>
    );
  };
  return (
    <section class="panel map-health" aria-label={t('map_health')}>
      <div class="health-row">
        <div class={`health-value health-${band}`} data-health={map.health}>
          {map.health}
          <span class="health-of">/100</span>
        </div>
        <div>
          <h3>{t('map_health')}</h3>
          <p class="sub">{t('map_health_hint', { n: map.stale_days })}</p>
        </div>
      </div>
      <h4>{t('map_risks')}</h4>
      {risks.length === 0 ? <p class="muted risk-none">{t('map_risks_none')}</p> : <ul class="risk-list">{risks.map(item)}</ul>}
    </section>
  );
}
