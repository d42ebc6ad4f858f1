// The figures of the dialog window (GET /request-figures, docs/requests.md "Figures") for a period
// and optionally one company: volumes by kind, status, loyalty component, journey stage and top
// companies as bar charts; first response and resolution times (p50, p90, p99, mean) in calendar
// and working hours; service level compliance; the clients' ratings and helpful replies. Every
// figure shows its n with a warning when the sample is small, and downloads its data as CSV.
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api';
import { loc } from '../../loyalty';
import {
  REQUEST_KINDS, REQUEST_STATUSES, reqKindKey, reqStatusKey, requestPath,
  type DurationFigure, type FigureFilters, type Percentiles, type RequestFigures,
} from '../../requests';
import { useRq, type RqT } from '../../requestStrings';
import { Chart } from '../Chart';
import { ErrorBox, Loading } from '../ui';
import { COLORS, cv, fmt, fmtPct } from '../research/DashboardPanel';
import { useComponents, useStages } from './useClassification';

const SMALL_N = 30;

type Cell = string | number | boolean | null | undefined;

/** RFC 4180 text with a byte order mark (so that spreadsheet programs read UTF-8), like the API's. */
export function toCsv(rows: Cell[][]): string {
  const esc = (v: Cell) => {
    const s = v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${rows.map((r) => r.map(esc).join(',')).join('\r\n')}\r\n`;
}

/** A download link of rows as CSV, made in the browser (a blob: URL freed when the data changes). */
function CsvLink({ rows, name }: { rows: Cell[][]; name: string }) {
  const { rq } = useRq();
  const text = useMemo(() => toCsv(rows), [rows]);
  const url = useMemo(() => URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' })), [text]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return (
    <a class="btn btn-small btn-ghost csv-link" href={url} download={name} title={rq('rq_csv_title')} data-csv="true">
      {rq('rq_csv')}
    </a>
  );
}

export function RqN({ n, small }: { n: number | null | undefined; small?: boolean }) {
  const { rq } = useRq();
  if (n === null || n === undefined) return null;
  const few = small ?? n < SMALL_N;
  return (
    <span class="ra-n" data-n={n}>
      <span class="ra-n-value">{rq('rq_n', { n })}</span>
      {few && (
        <span class="badge badge-few" title={rq('rq_few_title')} data-few="true">
          {rq('rq_few')}
        </span>
      )}
    </span>
  );
}

function Panel(props: {
  figure: string; title: string; n?: number | null; small?: boolean; csv?: { rows: Cell[][]; name: string };
  hint?: string; wide?: boolean; children: ComponentChildren;
}) {
  return (
    <section class={`panel ra-panel rq-panel${props.wide ? ' ra-wide' : ''}`} data-figure={props.figure}>
      <div class="ra-head">
        <h3>{props.title}</h3>
        <RqN n={props.n} small={props.small} />
        {props.csv && (
          <span class="ra-head-end">
            <CsvLink rows={props.csv.rows} name={props.csv.name} />
          </span>
        )}
      </div>
      {props.hint && <p class="muted small-note">{props.hint}</p>}
      {props.children}
    </section>
  );
}

interface Bar { key: string | number | null; label: string; n: number }

/** Horizontal bars, one per category, largest first when sorted. */
function Bars({ bars, kind, label, color }: { bars: Bar[]; kind: string; label: string; color?: string }) {
  const { rq } = useRq();
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 28, top: 4, bottom: 4, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: 'category', inverse: true, data: bars.map((b) => b.label),
        axisLabel: { width: 140, overflow: 'truncate' },
      },
      series: [{
        type: 'bar', name: rq('rq_requests'), data: bars.map((b) => b.n), barMaxWidth: 22,
        itemStyle: { color: color || COLORS.accent }, label: { show: true, position: 'right' },
      }],
    }),
    [bars, color, rq],
  );
  return (
    <Chart option={option} kind={kind} label={label} values={bars.map((b) => ({ key: b.key, n: b.n }))}
      height={Math.max(90, 24 + bars.length * 30)} />
  );
}

const PCTS: (keyof Percentiles)[] = ['p50', 'p90', 'p99', 'mean'];

function pctLabel(k: keyof Percentiles, rq: RqT): string {
  return k === 'mean' ? rq('rq_mean') : k === 'p50' ? rq('rq_p50') : rq(k === 'p90' ? 'rq_p90' : 'rq_p99');
}

/** One duration figure: percentiles and mean in calendar and working hours, a table and a chart. */
function Durations(props: { figure: string; title: string; d: DurationFigure; file: string }) {
  const { rq, locale } = useRq();
  const { d } = props;
  const rows: [string, string, Percentiles][] = [
    ['calendar_hours', rq('rq_calendar_hours'), d.hours],
    ['working_hours', rq('rq_working_hours'), d.working_hours],
  ];
  const csv = useMemo(
    () => [['basis', 'n', ...PCTS], ...rows.map(([k, , p]) => [k, d.n, ...PCTS.map((x) => p[x])])],
    [d],
  );
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 12, top: 28, bottom: 4, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: PCTS.map((k) => (k === 'mean' ? rq('rq_mean') : k)), axisLabel: { interval: 0 } },
      yAxis: { type: 'value' },
      series: rows.map(([k, label, p]) => ({
        type: 'bar', name: label, barMaxWidth: 26, data: PCTS.map((x) => cv(p[x], 2)),
        itemStyle: { color: k === 'calendar_hours' ? COLORS.bar : COLORS.accent },
      })),
    }),
    [d, rq],
  );
  return (
    <Panel figure={props.figure} title={props.title} n={d.n} small={d.small_sample}
      csv={{ rows: csv, name: props.file }}>
      {d.n === 0 ? (
        <p class="empty">—</p>
      ) : (
        <>
          {/* A grid of cells rather than a table: the company card counts the rows of its requests table. */}
          <div class="rq-times" role="table" aria-label={props.title}>
            <div class="rq-times-row rq-times-head" role="row">
              <span role="columnheader">{rq('rq_measure')}</span>
              {PCTS.map((k) => <span role="columnheader" class="num" title={pctLabel(k, rq)}>{k === 'p50' ? rq('rq_median') : pctLabel(k, rq)}</span>)}
            </div>
            {rows.map(([k, label, p]) => (
              <div class="rq-times-row" role="row" data-basis={k}>
                <span role="rowheader">{label}</span>
                {PCTS.map((x) => <span role="cell" class="num" data-pct={x}>{fmt(p[x], locale, 1)}</span>)}
              </div>
            ))}
          </div>
          <Chart option={option} kind={`${props.figure}-chart`} label={props.title}
            values={{ hours: d.hours, working_hours: d.working_hours }} height={200} />
        </>
      )}
    </Panel>
  );
}

export function RequestFiguresView(props: {
  ws: string;
  filters: FigureFilters;
  /** On a company's card: no "top companies" figure. */
  company?: boolean;
}) {
  const { t, rq, lang, locale } = useRq();
  const components = useComponents(props.ws);
  const stages = useStages(props.ws);
  const [state, setState] = useState<{ data: RequestFigures | null; error: unknown; loading: boolean }>(
    { data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([props.ws, props.filters, tick]);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api.get<RequestFigures>(requestPath.figures(props.ws), { ...props.filters })
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((error) => live && setState({ data: null, error, loading: false }));
    return () => { live = false; };
  }, [key]);

  const f = state.data;
  const suffix = [props.ws, props.filters.account_id && `account${props.filters.account_id}`, props.filters.from, props.filters.to]
    .filter(Boolean).join('-');
  const file = (what: string) => `requests-${what}-${suffix}.csv`;

  const bars = useMemo(() => {
    if (!f) return null;
    const unclassified = rq('rq_unclassified');
    const byN = (a: Bar, b: Bar) => b.n - a.n;
    const component = (id: number | null) => {
      if (id === null) return unclassified;
      const c = components.find((x) => x.id === id);
      return c ? loc(c.name, lang) : `#${id}`;
    };
    const stage = (id: number | null) => {
      if (id === null) return unclassified;
      const s = stages.find((x) => x.id === id);
      return s ? loc(s.name, lang) : `#${id}`;
    };
    const stageOrder = (id: number | null) => {
      const i = stages.findIndex((x) => x.id === id);
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    return {
      kind: REQUEST_KINDS.map((k) => ({ key: k, label: t(reqKindKey(k)), n: f.by_kind[k] || 0 })),
      status: REQUEST_STATUSES.map((s) => ({ key: s, label: t(reqStatusKey(s)), n: f.by_status[s] || 0 })),
      component: f.by_component.map((c) => ({ key: c.component_id, label: component(c.component_id), n: c.n })).sort(byN),
      stage: [...f.by_stage].sort((a, b) => stageOrder(a.stage_id) - stageOrder(b.stage_id))
        .map((s) => ({ key: s.stage_id, label: stage(s.stage_id), n: s.n })),
      company: f.by_company.map((c) => ({ key: c.account_id, label: c.account_name || `#${c.account_id}`, n: c.n })),
    };
  }, [f, components, stages, lang, t, rq]);

  if (!f || !bars) {
    return (
      <div class="rq-figures">
        <ErrorBox error={state.error} onRetry={() => setTick(tick + 1)} />
        {!state.error && <Loading />}
      </div>
    );
  }

  const volume = (figure: string, title: string, list: Bar[], keyName: string, color?: string) => (
    <Panel figure={figure} title={title} n={f.n} small={f.small_sample}
      csv={{ rows: [[keyName, 'label', 'n'], ...list.map((b) => [b.key, b.label, b.n])], name: file(figure.replace(/^rq-/, 'by-')) }}>
      {list.length === 0 ? <p class="empty">—</p> : <Bars bars={list} kind={figure} label={title} color={color} />}
    </Panel>
  );
  const sla = f.sla;
  const slaRows: [string, string, typeof sla.first_response][] = [
    ['first_response', rq('rq_first_response'), sla.first_response],
    ['resolution', rq('rq_resolution'), sla.resolution],
  ];
  const slaOption = {
    grid: { left: 8, right: 40, top: 4, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    yAxis: { type: 'category', inverse: true, data: slaRows.map((r) => r[1]) },
    series: [{
      type: 'bar', name: rq('rq_share_met'), barMaxWidth: 22, label: { show: true, position: 'right', formatter: '{c}%' },
      data: slaRows.map(([, , c]) => ({
        value: c.share === null ? '-' : cv(c.share * 100, 1),
        itemStyle: { color: (c.share ?? 0) >= 0.8 ? COLORS.promoter : (c.share ?? 0) >= 0.5 ? COLORS.passive : COLORS.detractor },
      })),
    }],
  };
  const r = f.ratings;
  const dist = [1, 2, 3, 4, 5].map((k) => r.distribution[String(k)] || 0);
  const ratingOption = {
    grid: { left: 8, right: 12, top: 16, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'category', data: ['1', '2', '3', '4', '5'] },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{
      type: 'bar', name: rq('rq_ratings_n'), barMaxWidth: 40, label: { show: true, position: 'top' },
      data: dist.map((v, i) => ({ value: v, itemStyle: { color: i >= 3 ? COLORS.promoter : i === 2 ? COLORS.passive : COLORS.detractor } })),
    }],
  };
  const h = f.helpful;

  return (
    <div class={`rq-figures${state.loading ? ' is-loading' : ''}`} data-n={f.n}>
      <ErrorBox error={state.error} onRetry={() => setTick(tick + 1)} />
      <div class="rq-summary" data-figure="rq-summary">
        <span class="rq-total">{rq('rq_requests_n', { n: f.n })}</span>
        <RqN n={f.n} small={f.small_sample} />
      </div>
      {f.n === 0 ? (
        <p class="empty">{rq('rq_no_data')}</p>
      ) : (
        <>
          <div class="dash-grid">
            {volume('rq-kind', rq('rq_by_kind'), bars.kind, 'kind')}
            {volume('rq-status', rq('rq_by_status'), bars.status, 'status', COLORS.bar)}
            {volume('rq-component', rq('rq_by_component'), bars.component, 'component_id')}
            {volume('rq-stage', rq('rq_by_stage'), bars.stage, 'stage_id', COLORS.bar)}
          </div>
          {!props.company && volume('rq-company', rq('rq_by_company'), bars.company, 'account_id')}
          <p class="muted small-note rq-times-hint">{rq('rq_times_hint')}</p>
          <div class="dash-grid">
            <Durations figure="rq-first-response" title={rq('rq_first_response')} d={f.first_response} file={file('first-response')} />
            <Durations figure="rq-resolution" title={rq('rq_resolution')} d={f.resolution} file={file('resolution')} />
          </div>
          <div class="dash-grid">
            <Panel figure="rq-sla" title={rq('rq_sla_title')} hint={rq('rq_sla_hint')}
              csv={{ rows: [['deadline', 'n', 'met', 'share'], ...slaRows.map(([k, , c]) => [k, c.n, c.met, c.share])], name: file('sla') }}>
              <dl class="stats rq-sla-list">
                {slaRows.map(([k, label, c]) => (
                  <div data-sla={k}>
                    <dt>{label}</dt>
                    <dd>
                      <strong class="rq-share" data-share={c.share ?? ''}>{fmtPct(c.share, locale)}</strong>{' '}
                      <span class="muted">{rq('rq_sla_met', { met: c.met, n: c.n })}</span>{' '}
                      <RqN n={c.n} />
                    </dd>
                  </div>
                ))}
              </dl>
              {(sla.first_response.n > 0 || sla.resolution.n > 0) && (
                <Chart option={slaOption} kind="rq-sla" label={rq('rq_sla_title')}
                  values={slaRows.map(([k, , c]) => ({ key: k, n: c.n, met: c.met, share: c.share }))} height={110} />
              )}
            </Panel>
            <Panel figure="rq-ratings" title={rq('rq_ratings_title')} n={r.n} small={r.small_sample}
              csv={{ rows: [['rating', 'n'], ...dist.map((v, i) => [i + 1, v])], name: file('ratings') }}>
              <dl class="stats">
                <div>
                  <dt>{rq('rq_rating_mean')}</dt>
                  <dd data-rating-mean={r.mean ?? ''}>{fmt(r.mean, locale, 2)}</dd>
                </div>
                <div>
                  <dt>{rq('rq_satisfied')}</dt>
                  <dd data-satisfied={r.satisfied_share ?? ''}>{fmtPct(r.satisfied_share, locale)}</dd>
                </div>
              </dl>
              {r.n > 0 && <Chart option={ratingOption} kind="rq-ratings" label={rq('rq_ratings_title')} values={dist} height={170} />}
            </Panel>
          </div>
          <Panel figure="rq-helpful" title={rq('rq_helpful_title')} n={h.marked}
            csv={{ rows: [['marked', 'helpful', 'share'], [h.marked, h.helpful, h.share]], name: file('helpful') }}>
            <dl class="stats">
              <div>
                <dt>{rq('rq_helpful_marked')}</dt>
                <dd>{h.marked}</dd>
              </div>
              <div>
                <dt>{rq('rq_helpful_yes')}</dt>
                <dd>{h.helpful}</dd>
              </div>
              <div>
                <dt>{rq('rq_helpful_share')}</dt>
                <dd data-helpful-share={h.share ?? ''}>{fmtPct(h.share, locale)}</dd>
              </div>
            </dl>
          </Panel>
        </>
      )}
    </div>
  );
}
