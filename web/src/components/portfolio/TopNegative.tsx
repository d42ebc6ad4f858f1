// Per component, the negative factors shown by the most clients (the API's top three).
import { loc, type Portfolio } from '../../loyalty';
import { useI18n } from '../../i18n';
import { PolarityMark } from '../loyalty/Polarity';

export function TopNegative({ data }: { data: Portfolio }) {
  const { t, lang } = useI18n();
  const factor = new Map(data.factors.map((f) => [f.factor_id, f]));
  const comp = new Map(data.components.map((c) => [c.component_id, c]));
  return (
    <section class="panel top-negative">
      <h3>{t('portfolio_top_negative')}</h3>
      <div class="top-negative-grid">
        {data.top_negative.map((g) => {
          const c = comp.get(g.component_id);
          return (
            <div class="top-negative-group" data-component-id={g.component_id}>
              <h4>{c ? loc(c.name, lang) : `#${g.component_id}`}</h4>
              {g.factors.length === 0 ? (
                <p class="muted">{t('none_seen')}</p>
              ) : (
                <ol class="factor-bars">
                  {g.factors.map((f) => {
                    const ff = factor.get(f.factor_id);
                    const share = data.clients ? (100 * f.clients) / data.clients : 0;
                    return (
                      <li data-factor-id={f.factor_id}>
                        <div class="factor-bar-label">
                          <PolarityMark polarity="-" /> {ff ? loc(ff.text, lang) : `#${f.factor_id}`}
                          <span class="clients">{f.clients}</span>
                        </div>
                        <div class="factor-bar">
                          <span class="factor-bar-fill" style={{ width: `${Math.min(100, share)}%` }} />
                        </div>
                      </li>
                    );
                  })}
                </ol>
              )}
            </div>
          );
        })}
      </div>
    </section>
  );
}
