import { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// echarts-for-react 3.0.6's esm build imports `tslib` without declaring it as a dependency,
// so npm does not hoist one; use the copy echarts itself depends on (same helpers).
const require = createRequire(import.meta.url);
const tslib = path.join(path.dirname(require.resolve('echarts/package.json')), 'node_modules/tslib/tslib.es6.js');

// Long-lived vendor chunks that every page needs are split out so a deploy that only
// changes our code leaves them cached; everything route-specific (ECharts, big antd
// components) stays in the lazy route chunks that import it.
const VENDOR_GROUPS: { name: string; test: RegExp; priority: number }[] = [
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser)[\\/]/, priority: 30 },
  { name: 'query', test: /node_modules[\\/]@tanstack[\\/]/, priority: 30 },
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender|echarts-for-react|size-sensor)[\\/]/, priority: 30 },
];

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { tslib } },
  // `npm run dev -w @fupin/web` (and `vite preview`) talk to a server on :8080, or to
  // FUPIN_DEV_API when set (e.g. http://127.0.0.1:8091).
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.FUPIN_DEV_API ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  preview: {
    port: 4173,
    proxy: { '/api': { target: process.env.FUPIN_DEV_API ?? 'http://127.0.0.1:8080', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 900,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: VENDOR_GROUPS },
      },
    },
  },
});
