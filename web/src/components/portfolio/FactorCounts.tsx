// How many clients showed each factor within the window, grouped by component, most frequent
// first; factors nobody showed are left out.
import { loc, type Portfolio } from '../../loyalty';
import { useI18n } from '../../i18n';
import { PolarityMark } from '../loyalty/Polarity';

export function FactorCounts({ data }: { data: Portfolio }) {
  const { t, lang } = useI18n();
  const groups = data.components
    .map((c) => ({ c, factors: data.factors.filter((f) => f.component_id === c.component_id && f.clients > 0).sort((a, b) => b.clients - a.clients) }))
    .filter((g) => g.factors.length > 0);
  return (
    <section class="panel factor-counts">
      <h3>{t('portfolio_factors')}</h3>
      {groups.length === 0 ? (
        <p class="muted">{t('none_seen')}</p>
      ) : (
        <div class="scroll-x">
          <table class="data compact">
            <thead>
              <tr>
                <th>{t('factor')}</th>
                <th class="num">{t('clients_n_label')}</th>
              </tr>
            </thead>
            {groups.map((g) => (
              <tbody data-component-id={g.c.component_id}>
                <tr class="group-row">
                  <th colSpan={2}>{loc(g.c.name, lang)}</th>
                </tr>
                {g.factors.map((f) => (
                  <tr data-factor-id={f.factor_id}>
                    <td>
                      <PolarityMark polarity={f.polarity} /> {loc(f.text, lang)}
                    </td>
                    <td class="num clients">{f.clients}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      )}
    </section>
  );
}
