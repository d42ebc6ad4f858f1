// The account map's org chart: the company's people laid out as a tree by reports_to (positions
// computed here: leaves in slots left to right, a manager centred over its reports, one row per
// level), drawn by ECharts as a `graph` series with layout 'none'. Nodes are coloured by
// attitude (the legend), sized by influence, labelled with the buying role, greyed when the
// person left; reporting lines are solid, influence links dashed arrows (green supports, red
// opposes). Clicking a person selects it; dragging a person onto another asks to make the
// second the first's manager (onDrop); a drop elsewhere, or a refused one, puts the chart back.
//
// For tests and assistive tools the chart box carries:
//   data-nodes  {"<contact id>": [x, y], …}  node centres in CSS pixels from the box's top-left,
//               removed when a new render starts and written when it has finished
//   data-values {"<contact id>": <reports_to_id or null>, …}  the reporting lines drawn
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ECharts } from '../../charts/echarts';
import {
  ATTITUDES, ATTITUDE_COLOR, attitudeKey, influenceKey, LEFT_COLOR, OPPOSES_COLOR, roleKey, roleShortKey, signKey,
  SUPPORTS_COLOR, type Contact, type ContactLink,
} from '../../accountMap';
import { useI18n } from '../../i18n';

const SLOT_PX = 140; // the least horizontal room per leaf, so that labels do not overlap
const LEVEL_PX = 120;
const PAD_X = 70;
const PAD_TOP = 40;
const PAD_BOTTOM = 90; // the last row's labels and the legend
const SIZE = { high: 54, medium: 40, low: 28 } as const;

/**
 * Node centres in pixels of a box `width` wide: leaves spread over the width (at least SLOT_PX
 * apart), rows LEVEL_PX apart. The series' box is then set to exactly the points' bounding box,
 * so ECharts maps them 1:1 (a stretched view would squash the round nodes into ellipses).
 */
function placePx(layout: Layout, width: number): { pos: Map<number, [number, number]>; box: { left: number; top: number; width: number; height: number } } {
  const usable = Math.max(width - 2 * PAD_X, (layout.slots - 1) * SLOT_PX);
  const step = layout.slots > 1 ? usable / (layout.slots - 1) : 0;
  const pos = new Map<number, [number, number]>();
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  layout.pos.forEach((p, id) => {
    const x = layout.slots > 1 ? PAD_X + p.x * step : Math.max(width, 2 * PAD_X) / 2;
    const y = PAD_TOP + p.y * LEVEL_PX;
    pos.set(id, [x, y]);
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  });
  if (!pos.size) return { pos, box: { left: 0, top: 0, width: 2, height: 2 } };
  // ECharts widens a flat bounding box by one unit each side; the series' box follows.
  const bw = maxX - minX;
  const bh = maxY - minY;
  return {
    pos,
    box: {
      left: bw > 0 ? minX : minX - 1,
      top: bh > 0 ? minY : minY - 1,
      width: bw > 0 ? bw : 2,
      height: bh > 0 ? bh : 2,
    },
  };
}

export interface Layout {
  pos: Map<number, { x: number; y: number }>;
  slots: number;
  levels: number;
}

/** Tree positions by reports_to: x in leaf slots, y in levels (0 = the top). */
export function layoutTree(contacts: Contact[]): Layout {
  const ids = new Set(contacts.map((c) => c.id));
  const kids = new Map<number, Contact[]>();
  const roots: Contact[] = [];
  for (const c of contacts) {
    if (c.reports_to_id !== null && ids.has(c.reports_to_id) && c.reports_to_id !== c.id) {
      const l = kids.get(c.reports_to_id) || [];
      l.push(c);
      kids.set(c.reports_to_id, l);
    } else roots.push(c);
  }
  const pos = new Map<number, { x: number; y: number }>();
  let next = 0;
  let levels = 0;
  const place = (c: Contact, depth: number): number => {
    pos.set(c.id, { x: 0, y: depth }); // marks it placed before its reports (cycle guard)
    levels = Math.max(levels, depth + 1);
    const below = (kids.get(c.id) || []).filter((k) => !pos.has(k.id));
    let x: number;
    if (below.length === 0) x = next++;
    else {
      const xs = below.map((k) => place(k, depth + 1));
      x = (xs[0] + xs[xs.length - 1]) / 2;
    }
    pos.set(c.id, { x, y: depth });
    return x;
  };
  for (const r of roots) place(r, 0);
  // People in a reporting cycle (never produced by the API) still get a place.
  for (const c of contacts) if (!pos.has(c.id)) place(c, 0);
  return { pos, slots: Math.max(next, 1), levels: Math.max(levels, 1) };
}

export interface OrgChartProps {
  contacts: Contact[];
  links: ContactLink[];
  selectedId: number | null;
  editable: boolean;
  onSelect: (id: number) => void;
  /** The person `from` was dropped on `to`; resolves false when the change was refused. */
  onDrop: (from: number, to: number) => Promise<boolean>;
  /** The chart instance once drawn (null when gone), for saving it as a picture. */
  onChart?: (c: ECharts | null) => void;
}

type Charts = typeof import('../../charts/graph');

export function OrgChart(props: OrgChartProps) {
  const { t, lang } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);
  const nodes = useRef<Map<number, { x: number; y: number; r: number }>>(new Map());
  const drag = useRef<{ id: number; x: number; y: number } | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;

  const [boxWidth, setBoxWidth] = useState(0);
  const layout = useMemo(() => layoutTree(props.contacts), [props.contacts]);
  const placed = useMemo(() => placePx(layout, boxWidth), [layout, boxWidth]);
  const byId = useMemo(() => new Map(props.contacts.map((c) => [c.id, c])), [props.contacts]);

  const option = useMemo(() => {
    const cats = ATTITUDES.map((a) => ({ name: t(attitudeKey(a)), itemStyle: { color: ATTITUDE_COLOR[a] } }));
    const data = props.contacts.map((c) => {
      const p = placed.pos.get(c.id) || [0, 0];
      const left = !!c.left_on;
      const selected = c.id === props.selectedId;
      const role = c.buying_role ? `{role|${t(roleShortKey(c.buying_role))}}` : '';
      const gone = left ? `{left|${t('map_left_short')}}` : '';
      const badges = [role, gone].filter(Boolean).join(' ');
      return {
        id: String(c.id),
        name: c.name,
        x: p[0],
        y: p[1],
        category: ATTITUDES.indexOf(c.attitude),
        symbolSize: SIZE[c.influence] || SIZE.medium,
        itemStyle: {
          ...(left ? { color: LEFT_COLOR, opacity: 0.85 } : {}),
          borderColor: selected ? '#1f2a44' : left ? ATTITUDE_COLOR[c.attitude] : '#ffffff',
          borderWidth: selected ? 4 : 2,
          borderType: left ? 'dashed' : 'solid',
        },
        label: {
          formatter: `{${left ? 'gone' : 'name'}|${labelSafe(c.name)}}${badges ? `\n${badges}` : ''}`,
        },
      };
    });
    const edges: Record<string, unknown>[] = [];
    for (const c of props.contacts) {
      if (c.reports_to_id === null || !byId.has(c.reports_to_id)) continue;
      edges.push({
        source: String(c.reports_to_id),
        target: String(c.id),
        symbol: ['none', 'none'],
        lineStyle: { color: '#8a94a6', width: 1.6, type: 'solid', curveness: 0, opacity: 0.9 },
        tooltip: { show: false },
      });
    }
    for (const l of props.links) {
      if (!byId.has(l.from_contact_id) || !byId.has(l.to_contact_id)) continue;
      const color = l.sign === 'supports' ? SUPPORTS_COLOR : OPPOSES_COLOR;
      edges.push({
        source: String(l.from_contact_id),
        target: String(l.to_contact_id),
        symbol: ['none', 'arrow'],
        symbolSize: 9,
        lineStyle: { color, width: 2, type: 'dashed', curveness: 0.3, opacity: 0.95 },
        linkKind: l.sign,
        note: l.note,
      });
    }
    return {
      animationDuration: 250,
      animationDurationUpdate: 250,
      tooltip: {
        trigger: 'item',
        renderMode: 'richText',
        formatter: (p: { dataType?: string; data?: { id?: string; source?: string; target?: string; linkKind?: string; note?: string | null } }) => {
          if (p.dataType === 'edge' && p.data && p.data.linkKind) {
            const a = byId.get(Number(p.data.source));
            const b = byId.get(Number(p.data.target));
            const verb = t(signKey(p.data.linkKind as 'supports' | 'opposes'));
            return `${a ? a.name : ''} → ${b ? b.name : ''}: ${verb}${p.data.note ? `\n${p.data.note}` : ''}`;
          }
          const c = p.data && p.data.id ? byId.get(Number(p.data.id)) : undefined;
          if (!c) return '';
          const lines = [c.name];
          if (c.position) lines.push(c.position);
          if (c.buying_role) lines.push(t(roleKey(c.buying_role)));
          lines.push(`${t('contact_attitude')}: ${t(attitudeKey(c.attitude))}`);
          lines.push(`${t('contact_influence')}: ${t(influenceKey(c.influence))}`);
          if (c.left_on) lines.push(t('map_left_on', { date: c.left_on }));
          return lines.join('\n');
        },
      },
      legend: [
        {
          bottom: 4,
          left: 'center',
          selectedMode: false,
          itemWidth: 14,
          itemHeight: 14,
          data: cats.map((c) => ({ name: c.name, icon: 'circle' })),
          textStyle: { color: '#3a4458' },
        },
      ],
      series: [
        {
          type: 'graph',
          layout: 'none',
          ...placed.box,
          roam: false,
          draggable: props.editable,
          cursor: props.editable ? 'move' : 'pointer',
          categories: cats,
          data,
          links: edges,
          label: {
            show: true,
            position: 'bottom',
            distance: 6,
            lineHeight: 16,
            rich: {
              name: { fontSize: 12, fontWeight: 600, color: '#1d2330', width: SLOT_PX - 16, overflow: 'truncate', align: 'center' },
              gone: { fontSize: 12, fontWeight: 600, color: '#8a94a6', width: SLOT_PX - 16, overflow: 'truncate', align: 'center' },
              role: { fontSize: 10, fontWeight: 700, color: '#fff', backgroundColor: '#2f5bd3', borderRadius: 3, padding: [2, 4] },
              left: { fontSize: 10, fontWeight: 700, color: '#4b5563', backgroundColor: '#e5e7eb', borderRadius: 3, padding: [2, 4] },
            },
          },
          emphasis: { scale: 1.08, label: { show: true } },
          lineStyle: { opacity: 0.9 },
        },
      ],
    };
  }, [props.contacts, props.links, props.selectedId, props.editable, placed, lang, t]);
  const optionRef = useRef(option);
  optionRef.current = option;

  const values = useMemo(() => {
    const v: Record<string, number | null> = {};
    for (const c of props.contacts) v[String(c.id)] = c.reports_to_id;
    return JSON.stringify(v);
  }, [props.contacts]);

  /** Draws the current option from scratch (also puts a dragged node back). */
  const redraw = () => {
    const c = chart.current;
    if (!c) return;
    // Positions are written again once this render has finished.
    if (box.current) delete box.current.dataset.nodes;
    c.setOption(optionRef.current as never, { notMerge: true });
  };

  /** Node centres in pixels, written to data-nodes after each render. */
  const measure = () => {
    const c = chart.current;
    const el = box.current;
    if (!c || !el) return;
    const m = new Map<number, { x: number; y: number; r: number }>();
    const out: Record<string, [number, number]> = {};
    for (const k of propsRef.current.contacts) {
      const p = placedRef.current.pos.get(k.id);
      if (!p) continue;
      let px: number[] | null = null;
      try {
        px = c.convertToPixel({ seriesIndex: 0 }, p) as number[];
      } catch {
        px = null;
      }
      if (!px || !Number.isFinite(px[0]) || !Number.isFinite(px[1])) continue;
      m.set(k.id, { x: px[0], y: px[1], r: (SIZE[k.influence] || SIZE.medium) / 2 });
      out[String(k.id)] = [Math.round(px[0]), Math.round(px[1])];
    }
    nodes.current = m;
    el.dataset.nodes = JSON.stringify(out);
  };
  const placedRef = useRef(placed);
  placedRef.current = placed;

  useEffect(() => {
    let live = true;
    let observer: ResizeObserver | null = null;
    import('../../charts/graph')
      .then((m: Charts) => {
        if (!live || !box.current) return;
        const c = m.init(box.current, undefined, { renderer: 'canvas' });
        chart.current = c;
        c.on('finished', measure);
        c.on('click', (p: { dataType?: string; data?: unknown }) => {
          const d = p.data as { id?: string } | undefined;
          if (p.dataType === 'node' && d && d.id) propsRef.current.onSelect(Number(d.id));
        });
        c.on('mousedown', (p: { dataType?: string; data?: unknown; event?: { offsetX: number; offsetY: number } }) => {
          const d = p.data as { id?: string } | undefined;
          if (p.dataType === 'node' && d && d.id && p.event && propsRef.current.editable) {
            drag.current = { id: Number(d.id), x: p.event.offsetX, y: p.event.offsetY };
          }
        });
        c.getZr().on('mouseup', (e: { offsetX: number; offsetY: number }) => {
          const from = drag.current;
          drag.current = null;
          if (!from) return;
          if (Math.hypot(e.offsetX - from.x, e.offsetY - from.y) < 6) return; // a click
          const target = hit(e.offsetX, e.offsetY, from.id);
          if (target === null) {
            redraw();
            return;
          }
          propsRef.current.onDrop(from.id, target).then((ok) => {
            if (!ok) redraw();
          });
        });
        propsRef.current.onChart?.(c);
        setBoxWidth(box.current.clientWidth);
        setReady(true);
        observer = new ResizeObserver(() => {
          if (!chart.current || !box.current) return;
          chart.current.resize();
          setBoxWidth(box.current.clientWidth);
        });
        observer.observe(box.current);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (observer) observer.disconnect();
      propsRef.current.onChart?.(null);
      if (chart.current) chart.current.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (ready && boxWidth > 0) redraw();
  }, [option, ready, boxWidth]);

  /** The person whose node is under (x, y), other than `except`; null when none. */
  const hit = (x: number, y: number, except: number): number | null => {
    let best: number | null = null;
    let bestD = Infinity;
    nodes.current.forEach((n, id) => {
      if (id === except) return;
      const d = Math.hypot(n.x - x, n.y - y);
      if (d <= n.r + 14 && d < bestD) {
        best = id;
        bestD = d;
      }
    });
    return best;
  };

  const width = PAD_X * 2 + layout.slots * SLOT_PX;
  const height = PAD_TOP + PAD_BOTTOM + Math.max(layout.levels - 1, 0) * LEVEL_PX + 40;
  return (
    <div class="org-chart-scroll">
      <div
        ref={box}
        class="chart org-chart"
        role="img"
        aria-label={t('map_chart_label')}
        data-chart="account-map"
        data-values={values}
        style={{ height: `${Math.max(height, 260)}px`, minWidth: `${width}px` }}
      />
      {failed && <p class="muted">{t('chart_failed')}</p>}
    </div>
  );
}

/** A name inside ECharts rich text: its markup characters would break the label. */
function labelSafe(s: string): string {
  return s.replace(/[{}|]/g, ' ');
}
