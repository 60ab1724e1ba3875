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

// One party a line: "原告 张三 610113198001011234 13800000000" (role, name, then an ID or credit
// code and a phone, both optional; a token of 11 digits starting with 1 reads as a phone).
function parseParties(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
    const [role, name, ...rest] = l.split(/\s+/);
    const p = { role, name };
    for (const x of rest) {
      if (/^1\d{10}$/.test(x)) p.phone = x;
      else p.id_no = x;
    }
    return p;
  });
}

const FL_NAMES = { FL01: '虚假诉讼风险 False litigation', FL02: '滥诉 Abusive litigation',
  FL03: '涉众型 Mass involvement', FL04: '可能影响立案 May affect filing' };

function filingResult(r) {
  const prompts = (r.prompts || []).map((p) => h('div.card.prompt' + (p.warn ? '.warn' : ''),
    h('h3', `${p.code} ${FL_NAMES[p.code] || ''} · ${p.warn ? t('warn_yes') : t('warn_no')}`),
    h('p', `${t('score')}: ${p.score} / ${p.threshold}` +
      (p.cluster_size ? ` · ${p.place} / ${p.cluster_size}` : '')),
    p.factors.length ? table([[t('factors'), (f) => f.name], [t('score'), (f) => String(f.weight)],
      ['', (f) => f.detail || '']], p.factors) : null,
    p.cases.length ? h('p', `${t('supporting')}: ` + p.cases.map((c) => c.case_no).join('，')) : null));
  const parties = table([
    [t('party'), (p) => `${p.role} ${p.name || ''}`],
    ['ID', (p) => p.id_no || ''],
    [t('method'), (p) => p.identity.method],
    [t('confidence'), (p) => String(p.identity.confidence)],
    [t('why_linked'), (p) => (p.identity.comparators || []).filter((c) => c.weight !== undefined)
      .map((c) => `${c.field} ${c.level} ${c.weight > 0 ? '+' : ''}${c.weight}`).join('，')],
    [t('same_name'), (p) => String(p.identity.same_name_holders)],
    [t('cases_n'), (p) => String(p.history.cases)],
  ], r.parties || []);
  return h('div', h('h2', t('prompts')), ...prompts, h('h2', t('identity') + ' · ' + t('history_l')), parties);
}

export async function filingPage() {
  const parties = h('textarea', { name: 'parties', rows: 4, placeholder: '原告 张三 610113198001011234\n被告 西安某某有限公司 91610113...' });
  const cause = h('input', { name: 'cause', placeholder: '民间借贷纠纷' });
  const type = h('input', { name: 'case_type', value: '民初', size: 6 });
  const claim = h('input', { name: 'claim_amount', type: 'number', min: 0, step: '0.01' });
  const claims = h('textarea', { name: 'claims', rows: 2, placeholder: '判令被告偿还借款本金…' });
  const out = h('div#filing-result', { 'aria-live': 'polite' });
  const form = h('form.filing', {
    onsubmit: async (e) => {
      e.preventDefault();
      const body = { case_type: type.value.trim(), cause: cause.value.trim(), parties: parseParties(parties.value) };
      if (claim.value !== '') body.claim_amount = Number(claim.value);
      if (claims.value.trim() !== '') body.claims = claims.value.trim();
      out.replaceChildren(h('p.loading', t('loading')));
      try {
        out.replaceChildren(filingResult(await post('/filing-checks', body)));
      } catch (err) {
        out.replaceChildren(h('h2', t('filing_unavailable')), errorBox(err));
      }
    },
  }, field(t('parties'), parties), field(t('case_type_l'), type), field(t('cause'), cause),
  field(t('claim'), claim), field(t('claims_l'), claims), h('button.primary', { type: 'submit', id: 'run-check' }, t('check')));
  return h('div', h('h1', t('filing')), form, out);
}
