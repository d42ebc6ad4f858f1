// The list of client companies: search, filters, sort, cursor paging, export links.
// Filters live in the URL (#/w/{ws}/accounts?status=active…) so "Back to the list" restores them;
// the stack of page cursors is kept per filter set for the same reason.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, qs, STATUSES, wsPath, type Account, type Page, type Role } from '../api';
import { useI18n, type Key } from '../i18n';
import { currentHash, href, navigate, rememberList } from '../router';
import { useFacets, useMembers } from '../data';
import { ErrorBox, formatDateTime, formatMoney, Loading, StatusBadge, useDebounced } from '../components/ui';

const FILTER_KEYS = ['q', 'status', 'segment', 'industry', 'region', 'tag', 'owner', 'archived'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
const SORTS: [string, Key][] = [
  ['name', 'sort_name'],
  ['-name', 'sort_name_desc'],
  ['-updated_at', 'sort_updated_desc'],
  ['updated_at', 'sort_updated'],
  ['-revenue', 'sort_revenue_desc'],
  ['revenue', 'sort_revenue'],
];
const PAGE_SIZE = 50;
const stacks = new Map<string, (string | null)[]>();

export function AccountsPage({ ws, role, query }: { ws: string; role: Role; query: URLSearchParams }) {
  const { t, locale } = useI18n();
  const qstr = query.toString();
  const key = `${ws}?${qstr}`;
  const filters = useMemo(() => {
    const f: Partial<Record<FilterKey | 'sort', string>> = {};
    for (const k of [...FILTER_KEYS, 'sort' as const]) {
      const v = query.get(k);
      if (v) f[k] = v;
    }
    return f;
  }, [qstr]);
  const facets = useFacets(ws);
  const members = useMembers(ws);

  const [paging, setPaging] = useState<{ key: string; stack: (string | null)[] }>({ key, stack: stacks.get(key) || [null] });
  const stack = paging.key === key ? paging.stack : stacks.get(key) || [null];
  const cursor = stack[stack.length - 1];
  const setStack = (s: (string | null)[]) => {
    stacks.set(key, s);
    setPaging({ key, stack: s });
    window.scrollTo(0, 0);
  };

  const [data, setData] = useState<Page<Account> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const [showFilters, setShowFilters] = useState(false);

  useEffect(() => {
    rememberList(ws, currentHash());
    document.title = `${t('accounts_title')} · ${t('app_name')}`;
  });

  useEffect(() => {
    let live = true;
    setLoading(true);
    setError(null);
    api
      .get<Page<Account>>(wsPath(ws, '/accounts'), { ...filters, sort: filters.sort || 'name', limit: PAGE_SIZE, cursor })
      .then((r) => {
        if (!live) return;
        setData(r);
        setLoading(false);
      })
      .catch((e) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      });
    return () => {
      live = false;
    };
  }, [key, cursor, tick]);

  const setFilters = (patch: Partial<Record<FilterKey | 'sort', string>>, replace = false) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(href.accounts(ws, next.toString()), { replace });
  };

  // Search box: typed text goes to the URL after a short pause.
  const [search, setSearch] = useState(filters.q || '');
  const debounced = useDebounced(search, 350);
  useEffect(() => {
    if ((debounced.trim() || '') !== (filters.q || '')) setFilters({ q: debounced.trim() }, true);
  }, [debounced]);
  useEffect(() => {
    if ((filters.q || '') !== search.trim()) setSearch(filters.q || '');
  }, [filters.q]);

  const activeFilters = FILTER_KEYS.filter((k) => k !== 'q' && filters[k]).length;
  const exportQuery = (format: string) => {
    const q: Record<string, string> = { format };
    for (const k of FILTER_KEYS) if (filters[k]) q[k] = filters[k] as string;
    return `/api/v1${wsPath(ws, '/exports/accounts')}${qs(q)}`;
  };

  const select = (k: FilterKey, label: Key, values: { value: string; label: string }[]) => {
    const current = filters[k] || '';
    const opts = current && !values.some((v) => v.value === current) ? [...values, { value: current, label: current }] : values;
    return (
      <label class="filter">
        <span>{t(label)}</span>
        <select name={`filter-${k}`} value={current} onChange={(e) => setFilters({ [k]: (e.target as HTMLSelectElement).value })}>
          <option value="">{t('filter_any')}</option>
          {opts.map((o) => (
            <option value={o.value}>{o.label}</option>
          ))}
        </select>
      </label>
    );
  };
  const plain = (xs?: string[]) => (xs || []).map((v) => ({ value: v, label: v }));
  const items = data ? data.items : [];

  return (
    <div class="page page-wide">
      <div class="page-head">
        <h1>{t('accounts_title')}</h1>
        <div class="page-actions">
          <a class="btn btn-ghost" href={exportQuery('csv')} download>
            {t('export_csv')}
          </a>
          <a class="btn btn-ghost" href={exportQuery('xlsx')} download>
            {t('export_xlsx')}
          </a>
          {role !== 'viewer' && (
            <a class="btn btn-primary" href={href.newAccount(ws)}>
              + {t('new_account')}
            </a>
          )}
        </div>
      </div>

      <div class="toolbar">
        <form
          class="search"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            setFilters({ q: search.trim() }, true);
          }}
        >
          <label class="sr-only" for="account-search">
            {t('search_label')}
          </label>
          <input
            id="account-search"
            type="search"
            name="q"
            placeholder={t('search_placeholder')}
            value={search}
            onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          />
        </form>
        <label class="filter sort">
          <span>{t('sort_label')}</span>
          <select name="sort" value={filters.sort || 'name'} onChange={(e) => setFilters({ sort: (e.target as HTMLSelectElement).value })}>
            {SORTS.map(([v, k]) => (
              <option value={v}>{t(k)}</option>
            ))}
          </select>
        </label>
        <button
          type="button"
          class={`btn btn-ghost filters-toggle${activeFilters ? ' has-filters' : ''}`}
          aria-expanded={showFilters}
          onClick={() => setShowFilters(!showFilters)}
        >
          {t('filters_toggle')}
          {activeFilters > 0 && <span class="count">{activeFilters}</span>}
        </button>
      </div>
      <div class={`filters${showFilters ? ' open' : ''}`}>
        {select(
          'status',
          'filter_status',
          STATUSES.map((s) => ({ value: s, label: t(`status_${s}` as Key) })),
        )}
        {select('segment', 'filter_segment', plain(facets.segment))}
        {select('industry', 'filter_industry', plain(facets.industry))}
        {select('region', 'filter_region', plain(facets.region))}
        {select('tag', 'filter_tag', plain(facets.tag))}
        {select(
          'owner',
          'filter_owner',
          members.map((m) => ({ value: m.email, label: m.name || m.email })),
        )}
        <label class="filter check">
          <input
            type="checkbox"
            name="archived"
            checked={filters.archived === 'true'}
            onChange={(e) => setFilters({ archived: (e.target as HTMLInputElement).checked ? 'true' : '' })}
          />
          <span>{t('filter_archived')}</span>
        </label>
        {(activeFilters > 0 || filters.q) && (
          <button
            type="button"
            class="btn btn-link"
            onClick={() => {
              setSearch('');
              navigate(href.accounts(ws, filters.sort ? `sort=${encodeURIComponent(filters.sort)}` : ''));
            }}
          >
            {t('filters_reset')}
          </button>
        )}
      </div>

      <ErrorBox error={error} onRetry={() => setTick(tick + 1)} />
      {loading && !data ? (
        <Loading />
      ) : items.length === 0 && !error ? (
        <p class="empty">{activeFilters || filters.q ? t('list_empty') : t('list_empty_all')}</p>
      ) : (
        <div class={`table-wrap${loading ? ' is-loading' : ''}`}>
          <table class="data accounts-table">
            <thead>
              <tr>
                <th>{t('field_name')}</th>
                <th>{t('field_status')}</th>
                <th>{t('field_segment')}</th>
                <th>{t('field_industry')}</th>
                <th>{t('field_region')}</th>
                <th>{t('field_owner_email')}</th>
                <th class="num">{t('field_revenue')}</th>
                <th>{t('field_updated_at')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr class={a.archived_at ? 'archived' : ''}>
                  <td class="cell-name">
                    <a href={href.account(ws, a.id)}>{a.name}</a>
                    {a.archived_at && <span class="badge badge-archived">{t('archived_badge')}</span>}
                    {a.legal_name && a.legal_name !== a.name && <div class="sub">{a.legal_name}</div>}
                    {a.inn && (
                      <div class="sub">
                        {t('field_inn')} {a.inn}
                      </div>
                    )}
                  </td>
                  <td data-label={t('field_status')}>
                    <StatusBadge status={a.status} />
                  </td>
                  <td data-label={t('field_segment')}>{a.segment || '—'}</td>
                  <td data-label={t('field_industry')}>{a.industry || '—'}</td>
                  <td data-label={t('field_region')}>{[a.region, a.city].filter(Boolean).join(', ') || '—'}</td>
                  <td data-label={t('field_owner_email')}>{a.owner_name || a.owner_email || '—'}</td>
                  <td data-label={t('field_revenue')} class="num">
                    {formatMoney(a.revenue, a.revenue_currency, locale)}
                  </td>
                  <td data-label={t('field_updated_at')} class="nowrap">
                    {formatDateTime(a.updated_at, locale)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(stack.length > 1 || (data && data.next_cursor)) && (
        <div class="pager">
          <button type="button" class="btn" disabled={stack.length <= 1 || loading} onClick={() => setStack(stack.slice(0, -1))}>
            ← {t('page_prev')}
          </button>
          <span class="muted">{t('page_n', { n: stack.length })}</span>
          <button
            type="button"
            class="btn"
            disabled={!data || !data.next_cursor || loading}
            onClick={() => data && data.next_cursor && setStack([...stack, data.next_cursor])}
          >
            {t('page_next')} →
          </button>
        </div>
      )}
    </div>
  );
}
