// How the change history shows an assessment's audit entries: field labels, and values with the
// names of components, factors and journey stages instead of their ids.
import type { Key, Lang, T } from '../../i18n';
import { loc, type Catalogue, type Journey } from '../../loyalty';
import { formatDate } from '../ui';

const LABELS: Record<string, Key> = {
  assessed_on: 'assessed_on',
  source: 'assessment_source',
  person: 'assessment_person',
  summary: 'general_characteristic',
  recommend: 'recommend_label',
  stage_id: 'journey_stage',
  item_id: 'journey_item',
  components: 'assessment_components',
  version: 'field_version',
};

export function assessmentLabel(field: string, t: T): string | null {
  const k = LABELS[field];
  return k ? t(k) : null;
}

export interface AuditRefs { catalogue: Catalogue | null; journey: Journey | null }

export function assessmentValue(field: string, v: unknown, refs: AuditRefs, t: T, lang: Lang, locale: string): string | null {
  if (v === null || v === undefined || v === '') return '—';
  if (field === 'assessed_on' && typeof v === 'string') return formatDate(v, locale);
  if (field === 'source' && typeof v === 'string') return t(`source_${v}` as Key);
  if (field === 'stage_id' && typeof v === 'number') {
    const s = refs.journey && refs.journey.stages.find((x) => x.id === v);
    return s ? loc(s.name, lang) : `#${v}`;
  }
  if (field === 'item_id' && typeof v === 'number') {
    for (const s of refs.journey ? refs.journey.stages : []) {
      const it = [...s.touchpoints, ...s.solutions].find((x) => x.id === v);
      if (it) return loc(it.name, lang);
    }
    return `#${v}`;
  }
  if (field === 'components' && Array.isArray(v)) {
    const comps = refs.catalogue ? refs.catalogue.components : [];
    const parts = v.map((e: { component_id?: number; score?: number | null; factors?: unknown[] }) => {
      const c = comps.find((x) => x.id === e.component_id);
      const name = c ? loc(c.name, lang) : `#${e.component_id}`;
      const score = e.score === null || e.score === undefined ? '—' : String(e.score);
      const n = Array.isArray(e.factors) ? e.factors.length : 0;
      return n ? `${name}: ${score} (${t('factors_n', { n })})` : `${name}: ${score}`;
    });
    return parts.length ? parts.join('; ') : '—';
  }
  return null;
}
