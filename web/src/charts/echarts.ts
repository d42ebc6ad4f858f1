// The part of ECharts the UI uses, registered once: line (trend), radar (components against the
// portfolio), bar (histogram, component means) and custom (95 % interval whiskers), on canvas.
// This module is loaded on demand (dynamic import), so pages without charts do not carry it.
import { init, use, type ECharts } from 'echarts/core';
import { BarChart, CustomChart, LineChart, RadarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, RadarComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

use([BarChart, CustomChart, LineChart, RadarChart, GridComponent, LegendComponent, RadarComponent, TooltipComponent, CanvasRenderer]);

export type { ECharts };
export { init };
