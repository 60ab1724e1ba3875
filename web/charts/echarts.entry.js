// echarts.entry.js - the parts of Apache ECharts the app draws with, and nothing else: the
// build (scripts/build-web.sh) bundles this with esbuild into dist/vendor/echarts.min.js,
// which sets window.echarts as the full build did. A page that needs another chart type or
// component adds it here (the cockpit's county map is MapChart and GeoComponent, see
// cockpit.js, regionShapes).
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart, HeatmapChart, GraphChart, MapChart } from 'echarts/charts';
import {
  TooltipComponent, GridComponent, LegendComponent, VisualMapContinuousComponent, AriaComponent, GeoComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, PieChart, HeatmapChart, GraphChart, MapChart, TooltipComponent, GridComponent,
  LegendComponent, VisualMapContinuousComponent, AriaComponent, GeoComponent, CanvasRenderer]);
window.echarts = echarts;
