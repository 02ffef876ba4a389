import ReactEChartsCore from 'echarts-for-react/esm/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsOption } from 'echarts';

// Modular ECharts (stack-notes.md): only these charts and components are bundled, and only
// into the chunks of pages that render a chart. A module needing another chart type
// registers it with `echarts.use([...])` next to its page.
echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export { echarts };
// Pages load this file lazily (`lazy(() => import('…/charts/Chart'))`) so the figures
// around a chart show before ECharts (≈ 150 kB gzip) has arrived.
export type { EChartsOption };

/** The house palette: calm blues first, red kept for problems. */
export const CHART_COLORS = ['#1f5fbf', '#36a3a0', '#f0a020', '#8a63d2', '#5b8ff9', '#9aa5b1', '#e8684a'];

export default function Chart({ option, height = 320, ariaLabel }: { option: EChartsOption; height?: number; ariaLabel: string }) {
  return (
    <div role="img" aria-label={ariaLabel}>
      <ReactEChartsCore echarts={echarts} option={{ color: CHART_COLORS, ...option }} style={{ height }} notMerge lazyUpdate />
    </div>
  );
}
