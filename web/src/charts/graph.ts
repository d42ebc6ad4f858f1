// The `graph` series for the account map's org chart, on top of the shared ECharts module: a
// chunk of its own, so that only the map tab loads it.
import { use } from 'echarts/core';
import { GraphChart } from 'echarts/charts';

use([GraphChart]);

export { init, type ECharts } from './echarts';
