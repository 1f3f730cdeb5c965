// The parts of ECharts the leader's dashboard uses (static/js/charts.js): bar and line charts on
// a grid with a tooltip and a legend, drawn as SVG. Anything else must be added here first.
import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);
window.echarts = echarts;
