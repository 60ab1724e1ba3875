// e2e.mjs - end-to-end browser tests of the web app: Debian's chromium driven by playwright-core
// against a real `zhijian serve` (started by tests/integration/web.sh on a generated store).
// Each step asserts what the page shows and saves a screenshot to $SCREENSHOTS; the cockpit's
// page weight and time to first render are printed (docs/benchmarks.md quotes them).
//
//   BASE=http://127.0.0.1:PORT PASSWORD=... SCREENSHOTS=DIR UPLOAD=FILE node web/tests/e2e.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE;
const PW = process.env.PASSWORD;
const SHOTS = process.env.SCREENSHOTS || 'screenshots';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
fs.mkdirSync(SHOTS, { recursive: true });

let passed = 0, failed = 0, shot = 0;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update',
    '--disable-default-apps', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage',
    '--disable-gpu', '--metrics-recording-only', '--mute-audio'],
});

async function newPage() {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true, locale: 'zh-CN' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);   // a step that cannot find what it waits for fails in 15 s
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  return page;
}

async function snap(page, name) {
  shot++;
  await page.screenshot({ path: path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
}

async function step(name, fn) {
  const page = await newPage();
  const t0 = Date.now();
  try {
    await fn(page);
    assert.deepEqual(page.errors.filter((e) => !/the server responded with a status of (4|5)\d\d/.test(e)), [],
      'no script errors on the page');
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
    await snap(page, 'FAILED-' + name.replace(/\W+/g, '-')).catch(() => {});
  } finally {
    await page.context().close();
  }
}

async function login(page, user) {
  await page.goto(BASE + '/');
  await page.getByLabel('用户名').fill(user);
  await page.getByLabel('密码').fill(PW);
  await page.keyboard.press('Enter');   // keyboard only: the form submits on Enter
  await page.locator('.who .user').waitFor();
}

const text = (page, sel) => page.locator(sel).first().innerText();

// ---- log in as each role, see that role's home page -----------------------------------------
const roles = [
  ['admin', '系统管理员', ['审计校验', '线索工作台', '领导驾驶舱', '数据导入']],
  ['insp', '纪检监察员', ['线索工作台']],
  ['leader', '领导', ['领导驾驶舱']],
  ['off', '干警', ['三个规定填报']],
  ['judge', '立案法官', ['立案辅助']],
  ['steward', '数据管理员', ['数据导入']],
];
for (const [user, label, tiles] of roles) {
  await step(`login as ${user}`, async (page) => {
    await login(page, user);
    assert.match(await text(page, '.who .user'), new RegExp(`${user} · ${label}`));
    await page.locator('.tiles .tile.main').waitFor();   // the home page has loaded
    const shown = await page.locator('.tiles .tile').allInnerTexts();
    for (const tile of tiles) assert.ok(shown.includes(tile), `${user} sees ${tile} (has ${shown})`);
    assert.equal(await text(page, '.tiles .tile.main'), tiles[0], `${user}'s own page comes first`);
    if (user === 'insp') assert.match(await text(page, '.figures.home'), /分派给我的待办线索/);
    await snap(page, `home-${user}`);
    await page.click('#logout');
    await page.getByLabel('用户名').waitFor();
  });
}

await step('a wrong password is refused with the API message', async (page) => {
  await page.goto(BASE + '/');
  await page.getByLabel('用户名').fill('off');
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('.error').waitFor();
  assert.match(await text(page, '.error'), /401.*invalid_credentials/s);
  await snap(page, 'login-refused');
});

await step('English switch', async (page) => {
  await login(page, 'leader');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('link', { name: 'Cockpit' }).first().waitFor();
  assert.match(await text(page, '.who .user'), /leader · Leader/);
  await snap(page, 'home-english');
});

// ---- officer: file a record and the zero report -------------------------------------------
await step('officer files a record and a zero report', async (page) => {
  await login(page, 'off');
  await page.goto(BASE + '/#/portal');
  await page.locator('#reminder').waitFor();
  assert.match(await text(page, '#reminder'), /尚未填报.*截止|尚未填报.*逾期/);
  await page.getByLabel('类型').selectOption('internal_inquiry');
  await page.getByLabel('干预/过问人姓名').fill('王某某');
  await page.getByLabel('其单位').fill('某区人民法院');
  await page.getByLabel('其职务').fill('副庭长');
  await page.getByLabel('案件所属').selectOption('court');
  await page.getByLabel('案号').fill('（2021）陕0113民初123号');
  await page.getByLabel('具体情况及处理').fill('电话询问案件进展，已告知不便透露并登记。');
  await page.click('#file-record');
  await page.locator('.notice').first().waitFor();
  assert.match(await text(page, '.record .notice'), /已提交.*记录编号/);
  await snap(page, 'portal-record-filed');
  await page.locator('table.grid tbody tr').first().waitFor();
  // A zero report is for a month with nothing to record: last month's, still due by the 5th.
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  const last = d.toISOString().slice(0, 7);
  await page.getByLabel('月份').fill(last);
  await page.click('#zero-report');
  await page.getByText(new RegExp('已提交: 零报告 ' + last)).waitFor();
  await page.waitForTimeout(1000);
  await page.locator('#reminder').waitFor();
  const hist = await page.locator('table.grid tbody').innerText();
  assert.match(hist, /干预过问记录/);
  assert.match(hist, /零报告/);
  assert.match(await text(page, '#reminder'), /已填报/);
  await snap(page, 'portal-history');
});

// ---- filing judge: the filing check ------------------------------------------------------------
await step('filing judge runs a filing check', async (page) => {
  await login(page, 'judge');
  await page.goto(BASE + '/#/filing');
  const partiesBox = page.getByLabel(/^当事人（每行一名/);
  // a party without a name: the API's 400 names the field, and the page shows it
  await partiesBox.fill('原告');
  await page.click('#run-check');
  await page.locator('#filing-result h2').first().waitFor();
  assert.match(await text(page, '#filing-result'), /parties\[0\]\.name/);
  await partiesBox.fill('原告 张三 610113198001011234\n被告 西安某某有限公司');
  await page.getByLabel('案由').fill('民间借贷纠纷');
  await page.click('#run-check');
  await page.locator('#filing-result .prompt').first().waitFor();
  const result = await text(page, '#filing-result');
  // the four prompts, each with its score against its threshold, and both parties resolved
  for (const code of ['FL01', 'FL02', 'FL03', 'FL04']) assert.match(result, new RegExp(code));
  assert.match(result, /分值: [\d.]+ \/ [\d.]+/);
  assert.match(result, /原告 张\*/, 'party names are masked');
  assert.match(result, /识别方式/);
  await snap(page, 'filing-check');
});

// ---- inspector: work a lead from new to closed, and export ------------------------------------
await step('inspector works a lead from new to closed', async (page) => {
  await login(page, 'insp');
  await page.goto(BASE + '/#/leads');
  await page.getByLabel('单位').fill(process.env.LEAD_UNIT);
  await page.getByLabel('处置状态').selectOption('new');
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/lead_unit=/);
  await page.locator('table.grid tbody tr').first().waitFor();
  assert.match(await page.locator('table.grid tbody').innerText(), /新线索/);
  await snap(page, 'workbench');
  await page.locator('table.grid tbody tr').first().focus();
  await page.keyboard.press('Enter');   // rows open from the keyboard
  await page.locator('.lead h1').waitFor();
  const ev = await text(page, '.evidence');
  assert.match(ev, /文件: \S+\.(csv|jsonl) · 行 \d+/, 'evidence names its source file and line');
  assert.ok(await page.locator('.lead canvas').count() >= 1, 'the relation path is drawn');
  assert.match(await text(page, '.basis'), /《/);
  await snap(page, 'lead-new');
  const act = async (verb, fill) => {
    await page.getByLabel('处置流程').selectOption(verb);
    if (fill) await fill();
    await page.click('#do-action');
    await page.getByText(/已完成/).waitFor();
    await page.waitForTimeout(400);
    await page.locator('#do-action, .actions .comment').first().waitFor();
  };
  await act('assign', async () => { await page.getByLabel('承办人').fill('insp'); });
  await act('start');
  await act('confirm', async () => { await page.getByLabel('理由').fill('经核查属实'); });
  await page.getByLabel('批注').fill('已约谈本人，责令退出持股');
  await page.getByRole('button', { name: '批注', exact: true }).click();
  await page.getByText(/已完成/).waitFor();
  await page.waitForTimeout(400);
  await act('close', async () => { await page.getByLabel('理由').fill('已责令退出持股，移送纪检处理'); });
  await page.waitForTimeout(300);
  assert.match(await text(page, '.facts'), /已办结/);
  const hist = await page.locator('.card:has(h2:text("处置记录")) tbody').innerText();
  for (const s of ['分派', '开始核查', '认定属实', '批注', '办结']) assert.match(hist, new RegExp(s));
  assert.match(await text(page, '.comments'), /已约谈本人/);
  await snap(page, 'lead-closed');
});

await step('inspector searches the queue by unit and finds nothing for a stranger', async (page) => {
  await login(page, 'insp');
  await page.goto(BASE + '/#/leads');
  await page.getByLabel('查找').fill(process.env.LEAD_UNIT);
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/[?&]q=/);
  await page.locator('table.grid tbody tr').first().waitFor();
  const units = await page.locator('table.grid tbody tr td:nth-child(5)').allInnerTexts();
  assert.ok(units.includes(process.env.LEAD_UNIT), 'the leads of the unit are found');
  await snap(page, 'workbench-search');
  await page.getByLabel('查找').fill('查无此人');
  await page.getByRole('button', { name: '筛选' }).click();
  await page.waitForURL(/q=%E6%9F%A5/);
  await page.locator('p.empty').waitFor();
  assert.equal(await page.locator('table.grid tbody tr').count(), 0);
});

await step('export the lead list to Excel', async (page) => {
  await login(page, 'insp');
  await page.goto(BASE + '/#/leads');
  await page.locator('#export-xlsx').waitFor();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#export-xlsx')]);
  const file = await dl.path();
  const head = fs.readFileSync(file).subarray(0, 2).toString();
  assert.equal(head, 'PK', 'an XLSX file (a zip)');
  assert.ok(fs.statSync(file).size > 2000);
  await snap(page, 'export');
});

// ---- leader: the cockpit and its drill-downs ----------------------------------------------------
await step('leader opens the cockpit and drills down', async (page) => {
  await login(page, 'leader');
  const t0 = Date.now();
  await page.goto(BASE + '/#/cockpit');
  await page.locator('.figures').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.cockpit canvas').length >= 6);
  const weight = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = performance.getEntriesByType('resource');
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return {
      bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
      decoded: nav.decodedBodySize + res.reduce((s, r) => s + r.decodedBodySize, 0),
      requests: 1 + res.length,
      echarts: res.filter((r) => r.name.endsWith('/vendor/echarts.min.js'))
        .map((r) => ({ sent: r.transferSize, size: r.decodedBodySize }))[0],
      fcp: fcp ? fcp.startTime : null,
      charts: performance.now(),
    };
  });
  console.log(`cockpit: ${weight.requests} requests, ${(weight.bytes / 1024).toFixed(0)} KiB transferred ` +
    `(${(weight.decoded / 1024).toFixed(0)} KiB decoded), first contentful paint ${weight.fcp?.toFixed(0)} ms, ` +
    `charts drawn at ${weight.charts.toFixed(0)} ms (${Date.now() - t0} ms wall)`);
  assert.ok(weight.echarts, 'ECharts is loaded');
  assert.ok(weight.echarts.size < 800 * 1024, `ECharts trimmed to the parts the app uses (${weight.echarts.size} B)`);
  assert.ok(weight.echarts.sent < weight.echarts.size * 0.5, `ECharts sent gzipped (${weight.echarts.sent} B)`);
  const total = Number(await text(page, '#fig-total .v'));
  assert.ok(total > 0, 'leads counted');
  await page.waitForTimeout(300);
  await snap(page, 'cockpit');
  // Click the biggest bar of "leads by type": the workbench opens filtered to that detector.
  const box = page.locator('#chart-type .chart');
  const pos = await box.evaluate((el) => {
    const c = window.echarts.getInstanceByDom(el);
    const data = c.getOption().series[0].data;
    const i = data.length - 1;
    const [x, y] = c.convertToPixel({ seriesIndex: 0 }, [data[i].value / 2, i]);
    return { x, y, code: data[i].code };
  });
  const bb = await box.boundingBox();
  await page.mouse.click(bb.x + pos.x, bb.y + pos.y);
  await page.waitForURL(new RegExp('#/leads\\?code=' + pos.code));
  await page.locator('table.grid tbody tr').first().waitFor();
  const codes = await page.locator('table.grid tbody tr td:nth-child(2)').allInnerTexts();
  assert.ok(codes.length > 0 && codes.every((c) => c === pos.code), `only ${pos.code} leads listed`);
  await snap(page, 'cockpit-drill-type');
  // The region map drills to the region's list.
  await page.goto(BASE + '/#/cockpit');
  await page.waitForFunction(() => document.querySelectorAll('.cockpit canvas').length >= 6);
  await page.locator('.figures').waitFor();
  const map = page.locator('.card:has(h2:text("区域分布")) .chart');
  // The store holds the counties' boundaries (行政区划边界): the map is drawn from them, one
  // shape per county, and a click inside a county (its cells are convex: the mean of its
  // corners lies inside) lists that county.
  const counties = await page.evaluate(async () => {
    const r = await fetch('/api/v1/regions', { credentials: 'same-origin' });
    const fc = await r.json();
    return fc.features.filter((f) => f.properties.level === 'county' && f.geometry).length;
  });
  assert.ok(counties > 0, 'the store holds county boundaries');
  const cell = await map.evaluate((el) => {
    const c = window.echarts.getInstanceByDom(el);
    const s = c.getOption().series[0];
    if (s.type !== 'map') return { type: s.type };
    const m = window.echarts.getMap(s.map);
    const fc = m.geoJSON || m.geoJson;
    const f = fc.features[0];
    const ring = f.geometry.type === 'Polygon' ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
    const pts = ring.slice(0, -1);
    const mid = [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length];
    const [x, y] = c.convertToPixel({ seriesIndex: 0 }, mid);
    return { type: s.type, shapes: fc.features.length, data: s.data.length, x, y, code: f.properties.code };
  });
  assert.equal(cell.type, 'map', 'the region card draws a map series');
  assert.equal(cell.shapes, counties, `one shape per county (${counties})`);
  assert.equal(cell.data, counties, 'every county coloured');
  const mb = await map.boundingBox();
  await page.mouse.click(mb.x + cell.x, mb.y + cell.y);
  await page.waitForURL(new RegExp('region=' + cell.code));
  await page.getByRole('heading', { name: new RegExp(cell.code) }).waitFor();
  await snap(page, 'cockpit-drill-region');
  // From the keyboard: the chart's data table, its first row's link, Enter.
  await page.goto(BASE + '/#/cockpit');
  await page.locator('.figures').waitFor();
  const summary = page.locator('.card:has(h2:text("线索按处置状态")) details summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  await page.locator('.card:has(h2:text("线索按处置状态")) details a').first().focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/leads\?state=/);
  await page.locator('table.grid tbody tr').first().waitFor();
  // A headline figure drills too.
  await page.goto(BASE + '/#/cockpit');
  await page.click('#fig-overdue');
  await page.waitForURL(/overdue=true/);
  assert.ok(await page.getByLabel('仅超期').isChecked());
});

// ---- person / enterprise view: records across agencies, masked, with a relations graph --------
await step('inspector opens a person across agencies, masked', async (page) => {
  await login(page, 'insp');
  await page.goto(BASE + '/#/entity');
  await page.getByLabel('实体编号').fill(process.env.ENTITY_ID);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/entity\/\d+/);
  await page.locator('table.grid tbody tr').first().waitFor();
  const rows = await page.locator('table.grid tbody tr').count();
  assert.ok(rows >= 2, `several records (${rows})`);
  const ids = await page.locator('table.grid tbody tr td:nth-child(5)').allInnerTexts();
  assert.ok(ids.filter(Boolean).every((x) => x.includes('*')), 'ID numbers masked: ' + ids.join(' '));
  await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 1);
  await snap(page, 'entity');
});

// ---- administrators: import with a mapping and read its rejects; audit status -----------------
await step('data steward imports a file and reads its rejects', async (page) => {
  await login(page, 'steward');
  await page.goto(BASE + '/#/data');
  await page.getByLabel('映射').fill(process.env.UPLOAD_MAPPING);
  await page.getByLabel('选择文件').setInputFiles(process.env.UPLOAD);
  await page.click('#upload');
  await page.locator('#import-report').waitFor();
  const rep = await text(page, '#import-report');
  assert.match(rep, /拒收\s*1\b/);
  assert.match(rep, /行/);
  await snap(page, 'data-import');
});

await step('admin sees the audit trail verified', async (page) => {
  await login(page, 'admin');
  await page.goto(BASE + '/#/audit');
  await page.locator('#audit-status').waitFor();
  assert.match(await text(page, '#audit-status'), /审计链完整/);
  await snap(page, 'audit');
});

await browser.close();
console.log(`web: ${passed} passed, ${failed} failed; screenshots in ${SHOTS}`);
process.exit(failed ? 1 : 0);
