// entity.js - the person and enterprise view (every record about an entity across agencies,
// with its provenance and a relations graph, masked unless the user may unmask) and the
// filing assistant (立案辅助), which asks POST /api/v1/filing-checks.
import { get, post } from './api.js';
import { t } from './i18n.js';
import { h, field, table, errorBox, notice, card, chart } from './ui.js';

function relations(d) {
  const center = `#${d.entity_id}`;
  const tables = [...new Set(d.mentions.map((m) => m.table))];
  const nodes = [{ name: center, symbolSize: 50, itemStyle: { color: '#b3261e' } },
    ...tables.map((tb) => ({ name: tb, symbolSize: 34, itemStyle: { color: '#1f5fa8' } })),
    ...d.mentions.slice(0, 60).map((m) => ({ name: `${m.table}:${m.record_id}`, symbolSize: 14 }))];
  const links = [...tables.map((tb) => ({ source: center, target: tb })),
    ...d.mentions.slice(0, 60).map((m) => ({ source: m.table, target: `${m.table}:${m.record_id}`, value: m.role || '' }))];
  return chart({
    tooltip: {},
    series: [{ type: 'graph', layout: 'force', force: { repulsion: 160, edgeLength: 70 }, roam: true,
      label: { show: true, fontSize: 11 }, data: nodes, links, lineStyle: { color: '#999' } }],
  }, null, 320);
}

export async function entityPage(params, ctx) {
  const id = ctx.parts[1] || params.id;
  const input = h('input', { name: 'id', type: 'number', min: 1, value: id || '' });
  const form = h('form.filters', { role: 'search', onsubmit: (e) => { e.preventDefault(); location.hash = '#/entity/' + input.value; } },
    field(t('entity_id'), input), h('button.primary', { type: 'submit' }, t('open')));
  if (!id) return h('div', h('h1', t('entity')), form);
  const unmask = params.unmask === 'true';
  let d;
  try {
    d = await get('/entities/' + id, { unmask: unmask || undefined });
  } catch (e) {
    return h('div', h('h1', t('entity')), form, errorBox(e));
  }
  const first = d.mentions.find((m) => m.name) || {};
  return h('div',
    h('h1', `${t('entity')} #${d.entity_id} ${first.name || ''}`), form,
    ctx.may('unmask') && !d.unmasked ? h('a.button', { href: `#/entity/${id}?unmask=true` }, t('unmask'))
      : d.unmasked ? notice(t('unmask')) : null,
    h('div.cols',
      h('div.col', card(t('relations'), relations(d))),
      h('div.col', card(`${t('mentions')} (${d.mentions.length})`, table([
        [t('table'), (m) => m.table], [t('record'), (m) => String(m.record_id)], [t('role_in'), (m) => m.role || ''],
        [t('actor_name'), (m) => m.name || ''], ['ID', (m) => m.id_no || ''], [t('provenance'), (m) => m.id_status || ''],
      ], d.mentions)))));
}

export async function filingPage() {
  const parties = h('textarea', { name: 'parties', rows: 4, placeholder: '张三 610113198001011234\n西安某某有限公司 91610113...' });
  const cause = h('input', { name: 'cause', placeholder: '民间借贷纠纷' });
  const out = h('div#filing-result', { 'aria-live': 'polite' });
  const form = h('form.filing', {
    onsubmit: async (e) => {
      e.preventDefault();
      const list = parties.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const [name, idNo] = l.split(/\s+/);
        return idNo ? { name, id_no: idNo } : { name };
      });
      out.replaceChildren(h('p.loading', t('loading')));
      try {
        const r = await post('/filing-checks', { parties: list, cause: cause.value.trim() });
        out.replaceChildren(card(t('check'), h('pre', JSON.stringify(r, null, 2))));
      } catch (err) {
        out.replaceChildren(h('h2', t('filing_unavailable')), errorBox(err));
      }
    },
  }, field(t('parties'), parties), field(t('cause'), cause), h('button.primary', { type: 'submit', id: 'run-check' }, t('check')));
  return h('div', h('h1', t('filing')), form, out);
}
