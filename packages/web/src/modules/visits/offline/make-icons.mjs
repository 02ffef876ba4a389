// Renders the phone app's icons (packages/web/public/visits-icon-*.png) from an SVG with
// Chromium, so no image library is needed: `node packages/web/src/modules/visits/offline/make-icons.mjs`.
import { chromium } from 'playwright-core';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../public');
const svg = (size) => `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 100 100">
  <rect width="100" height="100" fill="#1f5fbf"/>
  <text x="50" y="64" font-size="46" text-anchor="middle" fill="#fff" font-family="WenQuanYi Zen Hei, sans-serif">走访</text>
  <rect x="22" y="74" width="56" height="4" rx="2" fill="#f0a020"/>
</svg>`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const size of [192, 512]) {
  const page = await browser.newPage({ viewport: { width: size, height: size } });
  await page.setContent(`<html><body style="margin:0">${svg(size)}</body></html>`);
  await page.screenshot({ path: path.join(out, `visits-icon-${size}.png`), omitBackground: false });
  await page.close();
}
await browser.close();
console.log('icons written to', out);
