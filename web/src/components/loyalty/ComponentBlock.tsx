// One component of the client's model, as on the seed's screen: its name, "Overall score" with
// its date and comment, the history of scores, and the catalogue's factors as a checklist —
// ticked when observed in the latest assessment, with the evidence and how often the factor was
// seen within the window.
import { loc, quoted, type AssessmentComponent, type LoyaltyFactor, type ModelComponent } from '../../loyalty';
import { useI18n } from '../../i18n';
import { formatDate } from '../ui';
import { PolarityMark } from './Polarity';

export function ComponentBlock(props: {
  component: ModelComponent;
  factors: LoyaltyFactor[];
  latest: AssessmentComponent | undefined;
  scale: { min: number; max: number };
}) {
  const { t, lang, locale } = useI18n();
  const c = props.component;
  const seen = new Map(c.factors.map((f) => [f.factor_id, f]));
  const ticked = new Map((props.latest ? props.latest.factors : []).map((f) => [f.factor_id, f]));
  const shown = props.factors.filter((f) => f.active || seen.has(f.id) || ticked.has(f.id));
  const history = [...c.history].sort((a, b) => (a.assessed_on < b.assessed_on ? -1 : a.assessed_on > b.assessed_on ? 1 : a.assessment_id - b.assessment_id));
  return (
    <section class="panel loyalty-component" data-component={c.code} data-component-id={c.component_id}>
      <div class="section-head">
        <h3>{loc(c.name, lang)}</h3>
        <div class="overall" data-score={c.score === null ? '' : String(c.score)}>
          {t('overall_score')}: <strong class="score-value">{c.score === null ? t('dash') : c.score}</strong>
          <span class="muted"> {t('of_scale', { min: props.scale.min, max: props.scale.max })}</span>
          {c.assessed_on && <span class="muted"> · {formatDate(c.assessed_on, locale)}</span>}
        </div>
      </div>
      {c.comment && <p class="pre comment user-text">{c.comment}</p>}
      {history.length > 1 && (
        <p class="score-history muted">
          {t('score_history')}:{' '}
          {history.map((h, i) => (
            <span class="hist-point" title={formatDate(h.assessed_on, locale)}>
              {i > 0 && ' → '}
              {h.score} <span class="sub">({formatDate(h.assessed_on, locale)})</span>
            </span>
          ))}
        </p>
      )}
      <h4 class="factors-title">{t('factors_of', { name: loc(c.name, lang) })}</h4>
      {shown.length === 0 ? (
        <p class="muted">{t('factors_none')}</p>
      ) : (
        <ul class="checklist">
          {shown.map((f) => {
            const on = ticked.get(f.id);
            const s = seen.get(f.id);
            const evidence = (on && on.evidence) || (s && s.evidence) || null;
            return (
              <li class={`check-item${on ? ' ticked' : ''}${f.active ? '' : ' retired'}`} data-factor-id={f.id} data-ticked={on ? 'true' : 'false'}>
                <span class={`tickbox${on ? ' on' : ''}`} role="img" aria-label={on ? t('factor_observed') : t('factor_not_observed')}>
                  {on ? '✓' : ''}
                </span>
                <PolarityMark polarity={f.polarity} />
                <div class="check-text">
                  <span>{loc(f.text, lang)}</span>
                  {!f.active && <span class="badge badge-archived">{t('retired')}</span>}
                  {evidence && <div class="evidence user-text">{quoted(evidence)}</div>}
                  {s && (
                    <div class="sub seen">
                      {t('factor_seen', { n: s.count, date: formatDate(s.last_seen, locale) })}
                    </div>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
