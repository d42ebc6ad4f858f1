// The portfolio's filters, the same as the accounts list's (status, segment, owner, industry,
// region, tag), kept in the URL so that a filtered dashboard can be linked and reloaded.
import { STATUSES } from '../../api';
import { useI18n, type Key } from '../../i18n';
import { useFacets, useMembers } from '../../data';

export const PORTFOLIO_FILTERS = ['status', 'segment', 'owner', 'industry', 'region', 'tag'] as const;
export type PortfolioFilter = (typeof PORTFOLIO_FILTERS)[number];

export function PortfolioFilters(props: {
  ws: string;
  values: Partial<Record<PortfolioFilter, string>>;
  onChange: (k: PortfolioFilter, v: string) => void;
  onReset: () => void;
}) {
  const { t } = useI18n();
  const facets = useFacets(props.ws);
  const members = useMembers(props.ws);
  const plain = (xs?: string[]) => (xs || []).map((v) => ({ value: v, label: v }));
  const options: Record<PortfolioFilter, { value: string; label: string }[]> = {
    status: STATUSES.map((s) => ({ value: s, label: t(`status_${s}` as Key) })),
    segment: plain(facets.segment),
    owner: members.map((m) => ({ value: m.email, label: m.name || m.email })),
    industry: plain(facets.industry),
    region: plain(facets.region),
    tag: plain(facets.tag),
  };
  const any = PORTFOLIO_FILTERS.some((k) => props.values[k]);
  return (
    <div class="filters open portfolio-filters">
      {PORTFOLIO_FILTERS.map((k) => {
        const current = props.values[k] || '';
        const opts = current && !options[k].some((o) => o.value === current) ? [...options[k], { value: current, label: current }] : options[k];
        return (
          <label class="filter">
            <span>{t(`filter_${k}` as Key)}</span>
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
