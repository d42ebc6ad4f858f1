// The figures of the dialog window («Показатели», #/w/{ws}/requests/figures?from&to&account_id):
// the period (dates, or a recent number of days) and the company kept in the URL, so that a view
// can be linked and reloaded; the figures themselves are RequestFiguresView.
import { useEffect, useMemo } from 'preact/hooks';
import { href, navigate } from '../router';
import { figureFiltersOf, type FigureFilter } from '../requests';
import { useRq } from '../requestStrings';
import { AccountPicker } from '../components/research/ClientPicker';
import { RequestsNav } from '../components/requests/RequestsNav';
import { RequestFiguresView } from '../components/requests/RequestFiguresView';
import { useAccountRef } from '../components/requests/RequestFilters';

/** The local date n days before today, YYYY-MM-DD. */
function daysAgo(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() - n);
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

const PRESETS = [30, 90, 365];

export function RequestFiguresPage({ ws, query }: { ws: string; query: URLSearchParams }) {
  const { t, rq } = useRq();
  const qstr = query.toString();
  const filters = useMemo(() => figureFiltersOf(query), [qstr]);
  const account = useAccountRef(ws, filters.account_id);
  useEffect(() => {
    document.title = `${rq('rq_figures_title')} · ${t('app_name')}`;
  }, [rq, t]);

  const set = (patch: Partial<Record<FigureFilter, string>>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    navigate(href.requestFigures(ws, next.toString()), { replace: true });
  };
  const preset = PRESETS.find((n) => filters.from === daysAgo(n) && !filters.to);
  const all = !filters.from && !filters.to;

  return (
    <div class="page page-wide request-figures-page">
      <RequestsNav ws={ws} current="figures" />
      <div class="page-head">
        <h1>{rq('rq_figures_title')}</h1>
      </div>
      <p class="muted">{rq('rq_figures_intro')}</p>
      <div class="filters open rq-figure-filters">
        <label class="filter">
          <span>{rq('rq_from')}</span>
          <input type="date" name="filter-from" value={filters.from || ''}
            onChange={(e) => set({ from: (e.target as HTMLInputElement).value })} />
        </label>
        <label class="filter">
          <span>{rq('rq_to')}</span>
          <input type="date" name="filter-to" value={filters.to || ''}
            onChange={(e) => set({ to: (e.target as HTMLInputElement).value })} />
        </label>
        <span class="seg-switch rq-presets" role="group">
          {PRESETS.map((n) => (
            <button type="button" class={`btn btn-small${preset === n ? ' active' : ''}`} aria-pressed={preset === n}
              data-period={n} onClick={() => set({ from: daysAgo(n), to: '' })}>
              {n === 365 ? rq('rq_period_year') : rq('rq_period_days', { n })}
            </button>
          ))}
          <button type="button" class={`btn btn-small${all ? ' active' : ''}`} aria-pressed={all} data-period="all"
            onClick={() => set({ from: '', to: '' })}>
            {rq('rq_period_all')}
          </button>
        </span>
        <div class="filter company-filter">
          <label for="f-figures_account">{rq('rq_company')}</label>
          <AccountPicker ws={ws} name="figures_account" value={account} typeFirst
            onChange={(a) => set({ account_id: a ? String(a.id) : '' })} />
        </div>
        {Object.keys(filters).length > 0 && (
          <button type="button" class="btn btn-link" data-action="reset-figures"
            onClick={() => navigate(href.requestFigures(ws), { replace: true })}>
            {rq('rq_reset')}
          </button>
        )}
      </div>
      <RequestFiguresView ws={ws} filters={filters} company={!!filters.account_id} />
    </div>
  );
}
