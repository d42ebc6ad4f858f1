// One figure of the research analytics in a panel: its title, its n with the "few responses"
// warning under n = 30, the CSV download of its data with the page's filters, and what it draws.
// Also the pieces the charts share: 95 % interval whiskers for ECharts, number formatting, the
// note shown when a figure could not be computed.
import type { ComponentChildren } from 'preact';
import { ErrorBox, formatNumber, Loading } from '../ui';
import { useRa, type RaT } from '../../researchAnalytics';

export const SMALL_N = 30;

export function NBadge({ n, small }: { n: number | null | undefined; small?: boolean }) {
  const { ra } = useRa();
  if (n === null || n === undefined) return null;
  const few = small ?? n < SMALL_N;
  return (
    <span class="ra-n" data-n={n}>
      <span class="ra-n-value">{ra('ra_n', { n })}</span>
      {few && (
        <span class="badge badge-few" title={ra('ra_few_title')} data-few="true">
          {ra('ra_few')}
        </span>
      )}
    </span>
  );
}

export function CsvLink({ href }: { href: string }) {
  const { ra } = useRa();
  return (
    <a class="btn btn-small btn-ghost csv-link" href={href} download title={ra('ra_csv_title')} data-csv="true">
      {ra('ra_csv')}
    </a>
  );
}

export function FigurePanel(props: {
  figure: string;
  title: string;
  n?: number | null;
  small?: boolean;
  csv: string;
  loading: boolean;
  error: unknown;
  onRetry?: () => void;
  controls?: ComponentChildren;
  wide?: boolean;
  children?: ComponentChildren;
}) {
  return (
    <section class={`panel ra-panel${props.wide ? ' ra-wide' : ''}${props.loading ? ' is-loading' : ''}`} data-figure={props.figure}>
      <div class="ra-head">
        <h3>{props.title}</h3>
        <NBadge n={props.n} small={props.small} />
        <span class="ra-head-end">
          {props.controls}
          <CsvLink href={props.csv} />
        </span>
      </div>
      <ErrorBox error={props.error} onRetry={props.onRetry} />
      {props.children === undefined || props.children === null ? !props.error && <Loading /> : props.children}
    </section>
  );
}

/** Why a figure is missing, from the analytics status ("empty", "too_few", …). */
export function statusText(status: string | null | undefined, ra: RaT): string | null {
  switch (status) {
    case undefined:
    case null:
    case 'ok':
      return null;
    case 'empty':
      return ra('ra_status_empty');
    case 'too_few':
      return ra('ra_status_too_few');
    case 'no_variance':
      return ra('ra_status_no_variance');
    case 'zero_weight':
      return ra('ra_status_zero_weight');
    case 'singular':
      return ra('ra_status_singular');
    default:
      return status;
  }
}

export function StatusNote({ status }: { status: string | null | undefined }) {
  const { ra } = useRa();
  const why = statusText(status, ra);
  if (!why) return null;
  return <p class="muted ra-status" data-status={status || ''}>{ra('ra_not_computed', { why })}</p>;
}

/** A number for a table cell: a dash for null/NaN. */
export function fmt(v: number | null | undefined, locale: string, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return formatNumber(v, locale, digits);
}

/** A p-value: "< 0.001" below that, else three digits. */
export function fmtP(p: number | null | undefined, locale: string): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  if (p < 0.001) return `< ${formatNumber(0.001, locale, 3)}`;
  return formatNumber(p, locale, 3);
}

export function fmtPct(v: number | null | undefined, locale: string, digits = 0): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${formatNumber(v * 100, locale, digits)}%`;
}

/** A value rounded for a chart (ECharts' "-" is a gap). */
export function cv(v: number | null | undefined, digits = 3): number | '-' {
  if (v === null || v === undefined || !Number.isFinite(v)) return '-';
  return Number(v.toFixed(digits));
}

interface WhiskerApi {
  value: (dim: number) => number;
  coord: (p: number[]) => number[];
  size: (p: number[]) => number[];
}

/**
 * A custom series drawing 95 % interval whiskers over a category axis: data rows are
 * [category index, low, high]. horizontal: the categories are on the y axis.
 */
export function whiskerSeries(name: string, rows: (number | '-')[][], opts: { horizontal?: boolean; color?: string } = {}) {
  const style = { stroke: opts.color || '#1d2330', lineWidth: 1.5 };
  return {
    type: 'custom',
    name,
    data: rows,
    encode: opts.horizontal ? { y: 0, x: [1, 2] } : { x: 0, y: [1, 2] },
    clip: true,
    z: 3,
    renderItem: (_params: unknown, api: WhiskerApi) => {
      const lo = api.value(1);
      const hi = api.value(2);
      if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
      const c = api.value(0);
      const a = opts.horizontal ? api.coord([lo, c]) : api.coord([c, lo]);
      const b = opts.horizontal ? api.coord([hi, c]) : api.coord([c, hi]);
      const band = opts.horizontal ? api.size([0, 1])[1] : api.size([1, 0])[0];
      const w = Math.min(10, band * 0.15);
      const cap = (p: number[]) =>
        opts.horizontal
          ? { type: 'line', shape: { x1: p[0], y1: p[1] - w, x2: p[0], y2: p[1] + w }, style }
          : { type: 'line', shape: { x1: p[0] - w, y1: p[1], x2: p[0] + w, y2: p[1] }, style };
      return {
        type: 'group',
        children: [{ type: 'line', shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style }, cap(a), cap(b)],
      };
    },
  };
}

export const COLORS = {
  detractor: '#d64545',
  passive: '#e0a526',
  promoter: '#2e9e5b',
  bar: '#9db3ea',
  accent: '#2f5bd3',
  churned: '#d64545',
  retained: '#2e9e5b',
  muted: '#8a93a6',
};
