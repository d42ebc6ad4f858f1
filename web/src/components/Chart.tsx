// One ECharts chart in a box: loads the chart module on first use, applies the option on every
// change (so new data redraws without a reload), follows the box's size, and disposes on unmount.
// Tooltips are drawn on the canvas (richText), because the CSP forbids inline style attributes.
// `values` is written to data-values so that tests and assistive tools can read what is drawn.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EChartsCoreOption } from 'echarts/core';
import type { ECharts } from '../charts/echarts';
import { useI18n } from '../i18n';

type Loader = Promise<typeof import('../charts/echarts')>;
let loader: Loader | null = null;
function loadCharts(): Loader {
  if (!loader) {
    loader = import('../charts/echarts');
    loader.catch(() => { loader = null; });
  }
  return loader;
}

export function Chart(props: {
  option: EChartsCoreOption;
  label: string;
  kind: string;
  values?: unknown;
  height?: number;
}) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    let observer: ResizeObserver | null = null;
    loadCharts()
      .then((m) => {
        if (!live || !box.current) return;
        chart.current = m.init(box.current, undefined, { renderer: 'canvas' });
        apply(chart.current, props.option);
        observer = new ResizeObserver(() => chart.current && chart.current.resize());
        observer.observe(box.current);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
      if (observer) observer.disconnect();
      if (chart.current) chart.current.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (chart.current) apply(chart.current, props.option);
  }, [props.option]);

  return (
    <div class="chart-wrap">
      <div
        ref={box}
        class="chart"
        role="img"
        aria-label={props.label}
        data-chart={props.kind}
        data-values={props.values === undefined ? undefined : JSON.stringify(props.values)}
        style={{ height: `${props.height || 260}px` }}
      />
      {failed && <p class="muted">{t('chart_failed')}</p>}
    </div>
  );
}

function apply(c: ECharts, option: EChartsCoreOption): void {
  const o = option as Record<string, unknown>;
  const tooltip = o.tooltip ? { ...(o.tooltip as object), renderMode: 'richText' } : undefined;
  c.setOption({ animationDuration: 300, ...o, ...(tooltip ? { tooltip } : {}) }, { notMerge: true });
}
