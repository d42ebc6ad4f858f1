// The classifier's suggestion beside a request's classification (docs/requests.md,
// "Classification"): the suggested component, factor and journey stage by name, where it comes
// from (the trained model or the catalogue's words) and how sure it is, with "Apply" — one merge
// patch of the values that differ. Shown while the request is unclassified or classified
// otherwise; choosing other values in the selects below corrects it (and teaches the model).
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { loc, loyaltyPath, type JourneyStage, type LoyaltyComponent, type LoyaltyFactor } from '../../loyalty';
import type { Req, Suggestion } from '../../requests';
import { useRq, type RqKey } from '../../requestStrings';
import { formatNumber } from '../ui';
import type { Patch } from './RequestSide';

const SOURCE_KEY: Record<'model' | 'keywords', RqKey> = {
  model: 'rq_suggestion_source_model',
  keywords: 'rq_suggestion_source_keywords',
};

/** The patch that applies s to req: only what differs, and a factor only with its own component. */
export function suggestionPatch(req: Req, s: Suggestion, factorOk: boolean): Patch {
  const p: Patch = {};
  const component = s.component_id ?? req.component_id;
  if (s.component_id && s.component_id !== req.component_id) p.component_id = s.component_id;
  if (s.factor_id && factorOk) {
    if (s.factor_id !== req.factor_id) p.factor_id = s.factor_id;
  } else if (component !== req.component_id && req.factor_id) {
    p.factor_id = null;
  }
  if (s.stage_id && s.stage_id !== req.stage_id) p.stage_id = s.stage_id;
  return p;
}

export function SuggestionBox(props: {
  ws: string;
  req: Req;
  components: LoyaltyComponent[];
  stages: JourneyStage[];
  canEdit: boolean;
  busy: boolean;
  onApply: (p: Patch) => void;
}) {
  const { t, rq, lang, locale } = useRq();
  const { req } = props;
  const s = req.suggestion;
  const wanted = s && s.source !== 'none' && s.factor_id && s.component_id ? s.component_id : null;
  // The factors of the suggested component (null until loaded), to name the suggested factor and
  // to check that it belongs to that component.
  const [factors, setFactors] = useState<LoyaltyFactor[] | null>(null);
  useEffect(() => {
    setFactors(null);
    if (!wanted) return;
    let live = true;
    api.get<{ items: LoyaltyFactor[] }>(loyaltyPath.factors(props.ws), { component_id: wanted, include_retired: true })
      .then((r) => live && setFactors(r.items || []))
      .catch(() => live && setFactors([]));
    return () => { live = false; };
  }, [props.ws, wanted]);
  if (!s) return null;
  const classified = !!(req.component_id || req.factor_id || req.stage_id);

  if (s.source === 'none' || !(s.component_id || s.stage_id)) {
    if (classified) return null;
    return <p class="muted suggestion-none" data-suggestion="none">{rq('rq_suggestion_none')}</p>;
  }

  const factor = s.factor_id && factors ? factors.find((f) => f.id === s.factor_id && f.component_id === s.component_id) : undefined;
  // The models are trained per target: a factor of another component cannot be applied with it.
  const factorLoaded = !wanted || factors !== null;
  const factorOk = !!factor;
  const patch = suggestionPatch(req, s, factorOk || !factorLoaded);
  const source = rq(SOURCE_KEY[s.source]);
  if (Object.keys(patch).length === 0) {
    return (
      <p class="muted suggestion-matches" data-suggestion="matches">{rq('rq_suggestion_matches', { source })}</p>
    );
  }

  const component = props.components.find((c) => c.id === s.component_id);
  const stage = props.stages.find((x) => x.id === s.stage_id);
  const name = (v: number | null, label: string | undefined) => (v ? label || `#${v}` : '—');
  // A posterior of 0.9999 is not certainty: shown as "> 99 %" rather than rounded up to 100.
  const c = Math.max(0, Math.min(1, s.confidence || 0));
  const pct = c > 0.99 && c < 1 ? `> ${formatNumber(99, locale, 0)} %` : `${formatNumber(Math.round(c * 100), locale, 0)} %`;
  const row = (label: string, value: string, differs: boolean, key: string) => (
    <div class={`prop${differs ? ' differs' : ''}`} data-suggested={key}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <section class="suggestion" data-suggestion={s.source} aria-label={rq('rq_suggestion_title')}>
      <div class="suggestion-head">
        <strong>{rq('rq_suggestion_title')}</strong>
        <span class="suggestion-source" data-source={s.source}>{source}</span>
        <span class="suggestion-confidence" data-confidence={s.confidence}>{rq('rq_suggestion_confidence', { p: pct })}</span>
      </div>
      <dl class="suggestion-values">
        {row(t('request_component'), name(s.component_id, component && loc(component.name, lang)),
          !!s.component_id && s.component_id !== req.component_id, 'component')}
        {s.factor_id && factorOk &&
          row(t('request_factor'), name(s.factor_id, factor && loc(factor.text, lang)), s.factor_id !== req.factor_id, 'factor')}
        {row(t('request_stage'), name(s.stage_id, stage && loc(stage.name, lang)),
          !!s.stage_id && s.stage_id !== req.stage_id, 'stage')}
      </dl>
      {s.factor_id && factorLoaded && !factorOk && <p class="muted small-note">{rq('rq_suggestion_factor_dropped')}</p>}
      {props.canEdit && (
        <>
          <button type="button" class="btn btn-small btn-primary" data-action="apply-suggestion"
            disabled={props.busy || (!!s.factor_id && !factorLoaded)} onClick={() => props.onApply(patch)}>
            {rq('rq_suggestion_apply')}
          </button>
          <p class="hint">{rq('rq_suggestion_hint')}</p>
        </>
      )}
    </section>
  );
}
