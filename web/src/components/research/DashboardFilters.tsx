// The filters of the research analytics (studies, period, segment, industry, region, status,
// owner), kept in the URL so that a filtered dashboard can be linked and reloaded. The studies
// are a multi-select (a drop-down list of check boxes); the rest reuse the portfolio's selects.
import { useEffect, useRef, useState } from 'preact/hooks';
import { STATUSES } from '../../api';
import type { Key } from '../../i18n';
import { useFacets, useMembers } from '../../data';
import { RA_FILTERS, useRa, useStudies, type RaFilter, type RaFilters } from '../../researchAnalytics';

export function DashboardFilters(props: {
  ws: string;
  values: RaFilters;
  onChange: (k: RaFilter, v: string) => void;
  onReset: () => void;
  /** The period's labels ("From"/"To", or the churn period's on the negative-base page). */
  periodLabels?: [string, string];
  /** Filters not offered on this page. */
  hide?: RaFilter[];
  /** The statuses offered (default: all). */
  statuses?: string[];
}) {
  const { t, ra } = useRa();
  const facets = useFacets(props.ws);
  const members = useMembers(props.ws);
  const plain = (xs?: string[]) => (xs || []).map((v) => ({ value: v, label: v }));
  const selects: Partial<Record<RaFilter, { value: string; label: string }[]>> = {
    segment: plain(facets.segment),
    industry: plain(facets.industry),
    region: plain(facets.region),
    status: (props.statuses || STATUSES).map((s) => ({ value: s, label: t(`status_${s}` as Key) })),
    owner_id: members.map((m) => ({ value: String(m.user_id), label: m.name || m.email })),
  };
  const hidden = new Set(props.hide || []);
  const any = RA_FILTERS.some((k) => !hidden.has(k) && props.values[k]);
  const labels = props.periodLabels || [ra('ra_from'), ra('ra_to')];
  return (
    <div class="filters open research-filters">
      {!hidden.has('study_id') && (
        <StudyPicker ws={props.ws} value={props.values.study_id || ''} onChange={(v) => props.onChange('study_id', v)} />
      )}
      {!hidden.has('from') && (
        <label class="filter">
          <span>{labels[0]}</span>
          <input type="date" name="filter-from" value={props.values.from || ''}
            onChange={(e) => props.onChange('from', (e.target as HTMLInputElement).value)} />
        </label>
      )}
      {!hidden.has('to') && (
        <label class="filter">
          <span>{labels[1]}</span>
          <input type="date" name="filter-to" value={props.values.to || ''}
            onChange={(e) => props.onChange('to', (e.target as HTMLInputElement).value)} />
        </label>
      )}
      {(['segment', 'industry', 'region', 'status', 'owner_id'] as const).filter((k) => !hidden.has(k)).map((k) => {
        const current = props.values[k] || '';
        const base = selects[k] || [];
        const opts = current && !base.some((o) => o.value === current) ? [...base, { value: current, label: current }] : base;
        const label = k === 'owner_id' ? t('filter_owner') : t(`filter_${k}` as Key);
        return (
          <label class="filter">
            <span>{label}</span>
            <select name={`filter-${k}`} value={current} onChange={(e) => props.onChange(k, (e.target as HTMLSelectElement).value)}>
              <option value="">{t('filter_any')}</option>
              {opts.map((o) => (
                <option value={o.value}>{o.label}</option>
              ))}
            </select>
          </label>
        );
      })}
      {any && (
        <button type="button" class="btn btn-link" onClick={props.onReset}>
          {t('filters_reset')}
        </button>
      )}
    </div>
  );
}

/** The studies as a drop-down of check boxes; the value is the ids joined by commas. */
function StudyPicker({ ws, value, onChange }: { ws: string; value: string; onChange: (v: string) => void }) {
  const { ra } = useRa();
  const studies = useStudies(ws);
  const chosen = value ? value.split(',').filter(Boolean) : [];
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', esc);
    };
  }, [open]);
  const toggle = (id: string) => {
    const next = chosen.includes(id) ? chosen.filter((x) => x !== id) : [...chosen, id];
    // Keep the order of the list, so that one selection has one URL.
    const order = studies.map((s) => String(s.id));
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    onChange(next.join(','));
  };
  const names = chosen.map((id) => studies.find((s) => String(s.id) === id)?.name || `#${id}`);
  const summary = chosen.length === 0 ? ra('ra_all_studies') : chosen.length === 1 ? names[0] : ra('ra_n_studies', { n: chosen.length });
  return (
    <div class="filter multi-select" ref={box}>
      <span id="ra-studies-label">{ra('ra_studies')}</span>
      <button type="button" class="multi-select-button" name="filter-study" aria-haspopup="listbox" aria-expanded={open}
        aria-labelledby="ra-studies-label ra-studies-value" onClick={() => setOpen(!open)}>
        <span id="ra-studies-value">{summary}</span>
        <span aria-hidden="true"> ▾</span>
      </button>
      {open && (
        <div class="multi-select-list" role="listbox" aria-multiselectable="true">
          {studies.length === 0 && <div class="muted">{ra('ra_no_data')}</div>}
          {studies.map((s) => (
            <label class="check" role="option" aria-selected={chosen.includes(String(s.id))}>
              <input type="checkbox" name="study" value={String(s.id)} checked={chosen.includes(String(s.id))}
                onChange={() => toggle(String(s.id))} />
              <span>{s.name}</span>
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
