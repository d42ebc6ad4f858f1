// What the research dashboard draws beyond the shared chart module (charts/echarts.ts): the
// scatter of the importance–performance quadrants, and mark lines and areas (the quadrants'
// split lines and labelled areas, reference lines). Registered once when the research pages load;
// ECharts keeps registrations globally, so the shared Chart component can draw them.
import { use } from 'echarts/core';
import { ScatterChart } from 'echarts/charts';
import { MarkAreaComponent, MarkLineComponent } from 'echarts/components';

use([ScatterChart, MarkAreaComponent, MarkLineComponent]);

export const researchChartsReady = true;
