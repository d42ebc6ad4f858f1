// Clients whose index fell most since the end of the previous quarter, linked to their cards.
import { href } from '../../router';
import type { Portfolio } from '../../loyalty';
import { useI18n } from '../../i18n';
import { formatNumber } from '../ui';

export function Fallers({ ws, items }: { ws: string; items: Portfolio['fallers'] }) {
  const { t, locale } = useI18n();
  const f = (v: number | null) => (v === null ? t('dash') : formatNumber(v, locale));
  return (
    <section class="panel fallers">
      <h3>{t('portfolio_fallers')}</h3>
      {items.length === 0 ? (
        <p class="muted">{t('fallers_empty')}</p>
      ) : (
        <div class="scroll-x">
          <table class="data compact">
            <thead>
              <tr>
                <th>{t('field_name')}</th>
                <th class="num">{t('fallers_previous')}</th>
                <th class="num">{t('fallers_now')}</th>
                <th class="num">{t('fallers_change')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((x) => (
                <tr data-account-id={x.account_id}>
                  <td class="cell-name">
                    <a href={href.account(ws, x.account_id, 'loyalty')}>{x.name}</a>
                  </td>
                  <td class="num">{f(x.previous)}</td>
                  <td class="num">{f(x.index)}</td>
                  <td class="num change-neg">{formatNumber(x.change, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
