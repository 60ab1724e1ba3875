// cockpit.js - the leaders' cockpit (领导驾驶舱): headline figures, leads by type and state, a
// map of the province's counties (or a schematic one laid out by region code), trends by month and unit rankings. Every
// chart drills down to the list behind it (the workbench with its filter, or a table here).
import { get } from './api.js';
import { t, currentLang } from './i18n.js';
import { h, table, card, chart } from './ui.js';

const STATES = ['new', 'assigned', 'verifying', 'confirmed', 'dismissed', 'rectification', 'closed'];
const go = (hash) => { location.hash = hash; };

// The last part of a region's name: 陕西省西安市雁塔区 -> 雁塔区.
function shortName(label) {
  const s = (label || '').replace(/^.*?省/, '');
  const m = s.match(/^[^市]+市(.+)$/);
  return (m ? m[1] : s || label).slice(0, 4);
}

// The map of regions: the county polygons where the store holds them (GET /api/v1/regions,
// the boundaries as GeoJSON), else the schematic map. regionShapes() answers the counties as a
// FeatureCollection whose features carry properties.code (the 6-digit region code), or null
// when the store holds no boundaries or the caller may not read them; fetched once a page load.
let shapesOnce = null;
export function regionShapes() {
  if (!shapesOnce) {
    shapesOnce = get('/regions').then((fc) => {
      const all = (fc && Array.isArray(fc.features) ? fc.features : []).filter((f) => f.geometry && f.properties?.code);
      const counties = all.filter((f) => f.properties.level === 'county');
      const features = counties.length ? counties : all;
      return features.length ? { type: 'FeatureCollection', features } : null;
    }, () => { shapesOnce = null; return null; });
  }
  return shapesOnce;
}

// Drawn as series type 'map' on echarts.registerMap('zj-regions', shapes): every county,
// coloured by the rate of its row; a click lists the region.
export function regionMapOf(rows, shapes) {
  if (shapes && Array.isArray(shapes.features) && shapes.features.length > 0 && window.echarts?.registerMap) {
    window.echarts.registerMap('zj-regions', shapes);
    const byCode = new Map(rows.map((r) => [r.value, r]));
    // A county without a figure of its own (its units are counted at the prefecture) takes
    // its parent's, and the tooltip names whose figure it is.
    const data = shapes.features.map((f) => {
      const own = byCode.get(f.properties.code), r = own || byCode.get(f.properties.parent);
      const label = f.properties.name + (!own && r ? ` · ${r.label || r.value}` : '');
      return { name: f.properties.code, value: r ? rate(r) : 0, label };
    });
    return chart({
      tooltip: { formatter: (p) => `${p.data?.label || p.name} (${p.name})<br>${p.value || 0} ‰` },
      visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d.value)), show: false, inRange: { color: ['#fff1e6', '#fd8d3c', '#a63603'] } },
      series: [{ type: 'map', map: 'zj-regions', nameProperty: 'code', roam: false, selectedMode: false,
        itemStyle: { borderColor: '#fff', borderWidth: 1 }, emphasis: { label: { show: false } }, data }],
    }, (p) => go('#/cockpit?region=' + p.name), 360);
  }
  return regionMap(rows);
}

// Regions laid out by their code (when the store holds no boundary polygons): with county rows,
// one row per prefecture (digits 3-4) and one column per county (digits 5-6); with prefectures
// only, tiles in code order, four to a row. Coloured by the rate; a click lists the region.
function regionMap(rows) {
  let cells = rows.filter((r) => /^\d{6}$/.test(r.value) && !r.value.endsWith('0000'));
  if (cells.length === 0) cells = rows.filter((r) => /^\d{6}$/.test(r.value));
  cells.sort((a, b) => a.value.localeCompare(b.value));
  const counties = cells.some((r) => !r.value.endsWith('00'));
  if (counties) cells = cells.filter((r) => !r.value.endsWith('00'));
  const cols = counties ? [...new Set(cells.map((r) => r.value.slice(4, 6)))].sort() : ['', '', '', ''];
  const rowsY = counties ? [...new Set(cells.map((r) => r.value.slice(0, 4)))].sort()
    : [...Array(Math.ceil(cells.length / 4)).keys()].map(String);
  const data = cells.map((r, i) => ({
    value: counties ? [cols.indexOf(r.value.slice(4, 6)), rowsY.indexOf(r.value.slice(0, 4)), rate(r)]
      : [i % 4, rowsY.length - 1 - Math.floor(i / 4), rate(r)],
    code: r.value, label: r.label || r.value,
  }));
  const max = Math.max(1, ...data.map((d) => d.value[2]));
  return chart({
    tooltip: { formatter: (p) => `${p.data.label} (${p.data.code})<br>${p.data.value[2]} ‰` },
    grid: { left: counties ? 50 : 8, right: 8, top: 8, bottom: counties ? 30 : 8 },
    xAxis: { type: 'category', data: cols, show: counties },
    yAxis: { type: 'category', data: counties ? rowsY : rowsY.slice().reverse(), show: counties },
    visualMap: { min: 0, max, show: false, inRange: { color: ['#fff1e6', '#fd8d3c', '#a63603'] } },
    series: [{ type: 'heatmap', data, itemStyle: { borderColor: '#fff', borderWidth: 3 },
      label: { show: true, fontSize: 11, formatter: (p) => `${shortName(p.data.label)}\n${p.data.value[2]}‰` } }],
  }, (p) => go('#/cockpit?region=' + p.data.code), 300);
}

const rate = (r) => Math.round((r.rate || 0) * 10) / 10;

// The numbers behind a chart as a table of links, for the keyboard and screen readers: every
// row opens the same list a click on the chart opens.
function dataTable(rows) {
  return h('details.data', h('summary', t('as_table')),
    h('table.grid', h('tbody', rows.map(([label, value, hash]) =>
      h('tr', h('td', hash ? h('a', { href: hash }, label) : label), h('td', String(value)))))));
}

function figure(label, value, hash, id) {
  return h('a.figure', { href: hash, id }, h('span.v', String(value)), h('span.l', label));
}

export async function cockpitPage(params) {
  if (params.region) return regionList(params.region);
  // The leads are counted by the server over every lead in the leader's scope
  // (GET /api/v1/statistics/leads); the page downloads figures, never the leads themselves.
  const [sum, stats, shapes] = await Promise.all([get('/statistics/leads'), get('/statistics'), regionShapes()]);
  const head = sum.headline || {};
  const of = (dim) => sum.items.filter((r) => r.dimension === dim);
  const open = head.open || 0, overdue = head.overdue || 0, warnings = head.this_month || 0;
  const comp = stats.items.filter((r) => r.measure === 'report_compliance' && r.dimension === 'agency');
  const num = comp.reduce((s, r) => s + r.numerator, 0), den = comp.reduce((s, r) => s + r.denominator, 0);
  const compliance = den ? (100 * num / den).toFixed(1) + '%' : '—';

  const byCode = of('code').map((r) => [r.key, r.count]).sort((a, b) => b[1] - a[1]);
  const names = Object.fromEntries(of('code').map((r) =>
    [r.key, (currentLang() === 'en' ? r.label_en : r.label) || r.key]));
  const byState = new Map(of('state').map((r) => [r.key, r.count]));
  const byMonth = of('month').filter((r) => r.key).map((r) => [r.key, r.count]);
  const units = stats.items.filter((r) => r.measure === 'officers_with_leads' && r.dimension === 'unit' && r.code === '*')
    .sort((a, b) => b.rate - a.rate).slice(0, 10).reverse();
  const unitRows = units.length ? units : stats.items.filter((r) => r.measure === 'officers_with_leads' && r.dimension === 'unit')
    .sort((a, b) => b.rate - a.rate).slice(0, 10).reverse();
  const worst = stats.items.filter((r) => r.measure === 'report_compliance' && r.dimension === 'unit')
    .sort((a, b) => a.rate - b.rate).slice(0, 10).reverse();
  const regions = stats.items.filter((r) => r.measure === 'officers_with_leads' && r.dimension === 'region' &&
    (r.code === '*' || !stats.items.some((x) => x.dimension === 'region' && x.code === '*')));

  return h('div.cockpit',
    h('h1', t('cockpit')), h('p.hint', t('drill_hint')),
    h('div.figures', { 'aria-label': t('headline') },
      figure(t('leads_total'), head.total || 0, '#/leads', 'fig-total'),
      figure(t('leads_open'), open, '#/leads', 'fig-open'),
      figure(t('overdue_n'), overdue, '#/leads?overdue=true', 'fig-overdue'),
      figure(t('month_warnings'), warnings, '#/leads', 'fig-month'),
      figure(t('compliance'), compliance, '#/cockpit?compliance=1', 'fig-compliance')),
    params.compliance ? card(t('compliance'), table([
      [t('unit'), (r) => r.label || r.value], ['', (r) => `${r.numerator} / ${r.denominator}`],
      ['%', (r) => r.rate == null ? '—' : r.rate.toFixed(1)]], worst.slice().reverse())) : null,
    h('div.charts',
      card(t('by_type'), h('div#chart-type', chart({
        tooltip: {}, grid: { left: 150, right: 20, top: 10, bottom: 20 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', data: byCode.map(([c]) => `${c} ${names[c]}`.slice(0, 14)).reverse() },
        series: [{ type: 'bar', data: byCode.map(([c, n]) => ({ value: n, code: c })).reverse(), itemStyle: { color: '#b3261e' } }],
      }, (p) => go('#/leads?code=' + p.data.code))),
      dataTable(byCode.map(([c, n]) => [`${c} ${names[c]}`, n, '#/leads?code=' + c]))),
      card(t('by_state'), chart({
        tooltip: {}, legend: { bottom: 0 },
        series: [{ type: 'pie', radius: ['35%', '65%'], data: STATES.filter((s) => byState.get(s))
          .map((s) => ({ name: t('states.' + s), value: byState.get(s), state: s })) }],
      }, (p) => go('#/leads?state=' + p.data.state)),
      dataTable(STATES.filter((st) => byState.get(st)).map((st) => [t('states.' + st), byState.get(st), '#/leads?state=' + st]))),
      card(t('by_region') + (shapes ? '' : t('by_region_schematic')), regionMapOf(regions, shapes),
        dataTable(regions.map((r) => [r.label || r.value, `${rate(r)} ‰`, '#/cockpit?region=' + r.value]))),
      card(t('trend'), chart({
        tooltip: {}, grid: { left: 40, right: 20, top: 20, bottom: 30 },
        xAxis: { type: 'category', data: byMonth.map(([m]) => m) }, yAxis: { type: 'value' },
        series: [{ type: 'line', data: byMonth.map(([, n]) => n), areaStyle: {}, symbolSize: 8 }],
      }, () => go('#/leads'))),
      card(t('ranking') + ' · ‰', chart({
        tooltip: {}, grid: { left: 150, right: 20, top: 10, bottom: 20 },
        xAxis: { type: 'value' }, yAxis: { type: 'category', data: unitRows.map((r) => (r.label || r.value).slice(0, 12)) },
        series: [{ type: 'bar', data: unitRows.map((r) => ({ value: Math.round(r.rate), unit: r.value })), itemStyle: { color: '#1f5fa8' } }],
      }, (p) => go('#/leads?lead_unit=' + p.data.unit)),
      dataTable(unitRows.slice().reverse().map((r) => [r.label || r.value, `${Math.round(r.rate)} ‰`, '#/leads?lead_unit=' + r.value]))),
      card(t('compliance') + ' · %', chart({
        tooltip: {}, grid: { left: 150, right: 20, top: 10, bottom: 20 },
        xAxis: { type: 'value', min: (v) => Math.max(0, Math.floor(v.min - 5)), max: 100 },
        yAxis: { type: 'category', data: worst.map((r) => (r.label || r.value).slice(0, 12)) },
        series: [{ type: 'bar', data: worst.map((r) => ({ value: Math.round(r.rate * 10) / 10 })), itemStyle: { color: '#2e7d32' } }],
      }, () => go('#/cockpit?compliance=1')),
      dataTable(worst.slice().reverse().map((r) => [r.label || r.value, `${rate(r)} %`, '#/cockpit?compliance=1'])))));
}

// The list behind one region of the map: its figures and the leads of its units (the server
// picks them: GET /api/v1/leads?region=, the first 500 with the total).
async function regionList(code) {
  const [stats, list] = await Promise.all([get('/statistics', { dimension: 'region' }),
    get('/leads', { region: code, limit: 500 })]);
  const own = stats.items.filter((r) => r.value === code);
  const rows = own.length ? own : stats.items.filter((r) => r.value === code.slice(0, 4) + '00');
  const shapes = await regionShapes();
  const shape = shapes?.features.find((f) => f.properties.code === code);
  const name = shape?.properties.name || (rows[0] || {}).label || code;
  const measure = (r) => `${t('measures.' + r.measure)} · ${r.code === '*' ? t('all_codes') : r.code}`;
  return h('div',
    h('p', h('a', { href: '#/cockpit' }, '← ' + t('cockpit'))),
    h('h1', `${t('list_behind')}: ${name} (${code})`),
    card(t('headline') + (own.length || !rows.length ? '' : ` · ${rows[0].label || rows[0].value}`),
      table([[t('measure'), measure], [t('figure'), (r) => `${r.numerator} / ${r.denominator}`],
        [t('rate_col'), (r) => (r.rate == null ? '—' : r.rate.toFixed(1))]], rows)),
    card(`${t('title')} · ${list.total}`, table([
      [t('id'), (l) => String(l.id)], [t('code'), (l) => l.code], [t('title'), (l) => h('a', { href: '#/lead/' + l.id }, l.title.split(' / ')[0])],
      [t('unit'), (l) => l.unit_name || l.unit_code]], list.items, (l) => go('#/lead/' + l.id))));
}
