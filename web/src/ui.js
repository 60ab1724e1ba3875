// ui.js - small DOM helpers: elements, tables, labelled fields, errors and charts.
import { t } from './i18n.js';

// h('div.cls#id', {attrs}, ...children): an element; strings become text (never HTML).
export function h(spec, attrs, ...kids) {
  const m = spec.match(/^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i);
  const el = document.createElement((m && m[1]) || 'div');
  for (const part of ((m && m[2]) || '').match(/[.#][\w-]+/g) || [])
    if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    kids.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  const add = (c) => {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) c.forEach(add);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  };
  kids.forEach(add);
  return el;
}

let nextId = 0;
// A labelled form field: the label names the input (for screen readers and clicks).
export function field(label, input, hint) {
  const id = input.id || 'f' + ++nextId;
  input.id = id;
  return h('div.field', h('label', { for: id }, label), input, hint ? h('small', hint) : null);
}

export function select(name, options, value) {
  return h('select', { name },
    options.map(([v, text]) => h('option', { value: v, selected: v === value ? true : null }, text)));
}

// A table of rows; columns are [header, row => cell content]. Rows may be clickable.
export function table(columns, rows, onRow) {
  if (!rows || rows.length === 0) return h('p.empty', t('none'));
  return h('table.grid',
    h('thead', h('tr', columns.map(([head]) => h('th', { scope: 'col' }, head)))),
    h('tbody', rows.map((r) => {
      const tr = h('tr', columns.map(([, cell]) => h('td', cell(r))));
      if (onRow) {
        tr.classList.add('link');
        tr.tabIndex = 0;
        tr.addEventListener('click', () => onRow(r));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') onRow(r); });
      }
      return tr;
    })));
}

// The API's error as people read it: code, the field at fault and the message.
export function errorBox(e) {
  return h('div.error', { role: 'alert' },
    h('strong', t('error') + (e.status ? ` ${e.status}` : '') + (e.code ? ` (${e.code})` : '')),
    e.field ? h('div', t('field') + ': ', h('code', e.field)) : null,
    h('div.msg', e.message || String(e)));
}

export function notice(text) {
  return h('div.notice', { role: 'status' }, text);
}

// A titled box; a chart inside it is named by the title (ECharts adds a description of the data).
export function card(title, ...body) {
  const sec = h('section.card', h('h2', title), ...body);
  for (const c of sec.querySelectorAll('.chart:not([aria-label])')) c.setAttribute('aria-label', title);
  return sec;
}

export function sevBadge(n) {
  return h('span.sev.sev' + n, t('sev.' + n));
}

// An ECharts chart in a fresh box; click(params) when a part is clicked. Resizes with the page;
// disposeCharts() (on every page change) releases the charts of the page left.
const live = new Set();
export function chart(option, click, height = 260) {
  const box = h('div.chart', { style: `height:${height}px`, role: 'img' });
  requestAnimationFrame(() => {
    if (!window.echarts || !box.isConnected) return;
    const c = window.echarts.init(box, null, { renderer: 'canvas' });
    c.setOption({ animation: false, aria: { enabled: true }, ...option });
    if (click) c.on('click', click);
    const ro = new ResizeObserver(() => { if (box.isConnected && !c.isDisposed()) c.resize(); });
    ro.observe(box);
    live.add({ c, ro });
  });
  return box;
}

export function disposeCharts() {
  for (const x of live) {
    x.ro.disconnect();
    x.c.dispose();
  }
  live.clear();
}

export function fmtTime(s) {
  return s ? String(s).replace('T', ' ').replace(/\.\d+Z?$|Z$/, '') : '';
}
