// cockpit-bench.mjs - the cockpit's page weight and time to first render, measured in Debian's
// chromium (headless, through playwright-core) with the browser's own performance timing:
// RUNS fresh loads (no cache), each logged in as a leader; prints a Markdown table of medians.
//
//   BASE=http://127.0.0.1:PORT USER=leader PASSWORD=... RUNS=5 node web/tests/cockpit-bench.mjs
// SHOT=FILE.png also saves the last load's whole page (how the README's picture is made).
import { chromium } from 'playwright-core';

const BASE = process.env.BASE, RUNS = Number(process.env.RUNS || 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
const runs = [];
for (let i = 0; i < RUNS; i++) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await ctx.newPage();
  await page.goto(BASE + '/');
  await page.getByLabel('用户名').fill(process.env.USER_NAME || 'leader');
  await page.getByLabel('密码').fill(process.env.PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('.who').waitFor();
  await page.goto('about:blank');
  await page.goto(BASE + '/#/cockpit');   // a fresh document: timings start at this navigation
  await page.waitForFunction(() => document.querySelectorAll('.cockpit canvas').length >= 6);
  runs.push(await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const paint = (n) => (performance.getEntriesByName(n)[0] || {}).startTime;
    const api = res.filter((r) => r.name.includes('/api/'));
    return {
      requests: 1 + res.length,
      kib: (nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0)) / 1024,
      apiKib: api.reduce((s, r) => s + r.transferSize, 0) / 1024,
      fcp: paint('first-contentful-paint'),
      dcl: nav.domContentLoadedEventEnd,
      charts: performance.now(),
    };
  }));
  if (process.env.SHOT && i === RUNS - 1) {
    await page.waitForTimeout(500);   // the charts' entry animations
    await page.screenshot({ path: process.env.SHOT, fullPage: true });
  }
  await ctx.close();
}
await browser.close();
const med = (k) => { const v = runs.map((r) => r[k]).sort((a, b) => a - b); return v[Math.floor(v.length / 2)]; };
console.log(`| measure (median of ${RUNS} cold loads, 1366×768) | value |`);
console.log('|---|---:|');
console.log(`| requests | ${med('requests')} |`);
console.log(`| page weight, transferred (KiB) | ${med('kib').toFixed(0)} |`);
console.log(`| of which API answers (KiB) | ${med('apiKib').toFixed(0)} |`);
console.log(`| first contentful paint (ms) | ${med('fcp').toFixed(0)} |`);
console.log(`| DOMContentLoaded (ms) | ${med('dcl').toFixed(0)} |`);
console.log(`| all six charts drawn (ms) | ${med('charts').toFixed(0)} |`);
