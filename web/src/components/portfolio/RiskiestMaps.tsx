// "Riskiest maps" on the portfolio dashboard: the account maps of the workspace, least healthy
// first (GET /account-maps), each linked to its company's map tab, with how many live
// companies have no map at all; and the caller's overdue relationship actions
// (GET /actions/overdue?owner=me). Both cover the whole workspace, not the dashboard's filters.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { healthBand, mapPath, RISK_KINDS, type OverdueActions, type RiskyMaps } from '../../accountMap';
import { useI18n, type Key } from '../../i18n';
import { href } from '../../router';
import { ErrorBox, formatDate, Loading } from '../ui';

const PAGE = 15;

export function RiskiestMaps({ ws }: { ws: string }) {
  const { t } = useI18n();
  const [data, setData] = useState<RiskyMaps | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [limit, setLimit] = useState(PAGE);
  const load = () =>
    api
      .get<RiskyMaps>(mapPath.maps(ws), { limit })
      .then((r) => {
        setData(r);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    load();
  }, [ws, limit]);

  return (
    <section class="panel riskiest-maps">
      <h3>{t('riskiest_maps')}</h3>
      <p class="sub">{t('riskiest_maps_note')}</p>
      <ErrorBox error={error} onRetry={load} />
      {!data ? (
        !error && <Loading />
      ) : (
        <>
          {data.items.length === 0 ? (
            <p class="muted">{t('riskiest_maps_empty')}</p>
          ) : (
            <div class="scroll-x">
              <table class="data compact">
                <thead>
                  <tr>
                    <th>{t('field_name')}</th>
                    <th class="num">{t('map_health')}</th>
                    <th class="num">{t('riskiest_people')}</th>
                    <th class="num">{t('riskiest_risks')}</th>
                    <th>{t('riskiest_kinds')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((m) => (
                    <tr data-account-id={m.account_id}>
                      <td class="cell-name">
                        <a href={href.account(ws, m.account_id, 'map')} class="user-text">{m.account_name}</a>
                      </td>
                      <td class="num">
                        <span class={`health-chip health-${healthBand(m.health)}`} data-health={m.health}>{m.health}</span>
                      </td>
                      <td class="num" data-figure="contacts">{m.contacts}</td>
                      <td class="num" data-figure="risks">
                        {m.risks}
                        {m.high > 0 && <span class="sub"> ({t('riskiest_high_n', { n: m.high })})</span>}
                      </td>
                      <td class="risk-kinds">
                        {RISK_KINDS.filter((k) => (m.kinds[k] || 0) > 0).map((k) => (
                          <span class="tag" data-kind={k}>
                            {t(`risk_kind_${k}` as Key)}
                            {(m.kinds[k] || 0) > 1 ? ` ×${m.kinds[k]}` : ''}
                          </span>
                        ))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {data.items.length >= limit && limit < 200 && (
            <button type="button" class="btn btn-link" data-action="more-maps" onClick={() => setLimit(limit + 35)}>
              {t('show_more')}
            </button>
          )}
          <p class="unmapped" data-unmapped={data.unmapped}>
            {t('riskiest_unmapped', { n: data.unmapped })}
          </p>
        </>
      )}
    </section>
  );
}

export function MyOverdueActions({ ws }: { ws: string }) {
  const { t, locale } = useI18n();
  const [data, setData] = useState<OverdueActions | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () =>
    api
      .get<OverdueActions>(mapPath.overdue(ws), { owner: 'me' })
      .then((r) => {
        setData(r);
        setError(null);
      })
      .catch(setError);
  useEffect(() => {
    load();
  }, [ws]);

  return (
    <section class="panel overdue-actions">
      <h3>{t('overdue_mine')}</h3>
      <ErrorBox error={error} onRetry={load} />
      {!data ? (
        !error && <Loading />
      ) : data.items.length === 0 ? (
        <p class="muted">{t('overdue_none')}</p>
      ) : (
        <ul class="plan-list">
          {data.items.map((a) => (
            <li class="plan-item overdue" data-action-id={a.id} data-account-id={a.account_id}>
              <div class="plan-what user-text">{a.what}</div>
              <div class="plan-meta sub">
                <a href={href.account(ws, a.account_id, 'map')} class="user-text">{a.contact_name}</a>
                {' · '}
                <span class="due overdue">{t('plan_due_on', { date: formatDate(a.due_on, locale) })}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
