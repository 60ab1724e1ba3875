// leads.js - the lead workbench: the queue with its filters and export, and one lead's page
// (evidence with provenance, facts, explanation, legal basis, relation path graph, workflow
// actions, comments and history).
import { get, post, exportUrl } from './api.js';
import { t, currentLang } from './i18n.js';
import { h, field, select, table, errorBox, notice, card, sevBadge, chart, fmtTime } from './ui.js';

const STATES = ['new', 'assigned', 'verifying', 'confirmed', 'dismissed', 'rectification', 'closed'];
const PAGE = 50;

const bi = (s) => {   // "中文 / English" texts of the API: the half of the current language
  if (!s || !s.includes(' / ')) return s || '';
  const [zh, ...en] = s.split(' / ');
  return currentLang() === 'en' ? en.join(' / ') : zh;
};

export async function workbenchPage(params) {
  const f = {
    code: params.code || '', severity: params.severity || '', lead_unit: params.lead_unit || '',
    state: params.state || '', overdue: params.overdue === 'true', assignee: params.assignee || '',
    q: params.q || '',
  };
  const offset = Number(params.offset || 0);
  const q = { ...f, overdue: f.overdue || undefined, limit: PAGE, offset };
  const data = await get('/lead-queue', q);

  const search = h('input', { name: 'q', type: 'search', value: f.q, placeholder: t('search_hint'), size: 22, maxlength: 100 });
  const code = h('input', { name: 'code', value: f.code, placeholder: 'TV01 / TV', size: 8 });
  const sev = select('severity', [['', t('all')], ...[4, 3, 2, 1].map((n) => [String(n), '≥ ' + t('sev.' + n)])], f.severity);
  const unit = h('input', { name: 'lead_unit', value: f.lead_unit, placeholder: 'J61011300', size: 11 });
  const state = select('state', [['', t('all')], ...STATES.map((s) => [s, t('states.' + s)])], f.state);
  const overdue = h('input', { type: 'checkbox', name: 'overdue', checked: f.overdue || null });
  const go = (extra) => {
    const p = new URLSearchParams();
    const vals = { q: search.value.trim(), code: code.value.trim(), severity: sev.value, lead_unit: unit.value.trim(), state: state.value,
      overdue: overdue.checked ? 'true' : '', assignee: f.assignee, ...extra };
    for (const [k, v] of Object.entries(vals)) if (v !== '' && v !== undefined) p.set(k, v);
    location.hash = '#/leads' + (p.toString() ? '?' + p : '');
  };
  const form = h('form.filters', { role: 'search', onsubmit: (e) => { e.preventDefault(); go(); } },
    field(t('search'), search), field(t('detector'), code), field(t('severity'), sev), field(t('unit'), unit), field(t('state'), state),
    h('div.field.check', overdue, h('label', { for: (overdue.id = 'f-overdue') }, t('overdue'))),
    f.assignee ? h('span.chip', `${t('assignee')}: ${f.assignee}`) : null,
    h('button.primary', { type: 'submit' }, t('filter')),
    h('a.button', { href: '#/leads' }, t('reset')));
  const expFilters = { code: f.code || undefined, unit: f.lead_unit || undefined };
  const rows = data.items;
  return h('div',
    h('h1', t('workbench')),
    form,
    h('div.bar',
      h('span.count', `${t('total')} ${rows.length + offset}${rows.length === PAGE ? '+' : ''} ${t('items')}`),
      h('a.button', { href: exportUrl('leads', expFilters, 'xlsx'), download: 'leads.xlsx', id: 'export-xlsx' }, t('export_xlsx')),
      h('a.button', { href: exportUrl('leads', expFilters, 'csv'), download: 'leads.csv' }, t('export_csv')),
      h('small', t('export_note'))),
    table([
      [t('id'), (r) => String(r.lead_id)],
      [t('code'), (r) => r.code],
      [t('severity'), (r) => sevBadge(r.severity)],
      [t('title'), (r) => h('a', { href: '#/lead/' + r.lead_id }, bi(r.title))],
      [t('unit'), (r) => r.lead_unit || ''],
      [t('state'), (r) => h('span.state.st-' + r.state, t('states.' + r.state))],
      [t('assignee'), (r) => r.assignee || ''],
      [t('deadline'), (r) => h('span', { class: r.overdue_verification || r.overdue_rectification ? 'late' : '' },
        r.rectify_deadline || r.deadline || '')],
    ], rows, (r) => { location.hash = '#/lead/' + r.lead_id; }),
    h('div.pager',
      offset > 0 ? h('button', { type: 'button', onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) }, t('prev')) : null,
      rows.length === PAGE ? h('button', { type: 'button', onclick: () => go({ offset: String(offset + PAGE) }) }, t('next')) : null));
}

// The relation path "干警 X → 配偶 → 法定代表人 → 企业 Y" as a graph: each step a node along
// the chain, arrows in the path's direction; the two ends (the subject and the counterpart)
// large, the relations and roles between them small.
function pathGraph(path) {
  const parts = path.split(/\s*→\s*/).filter(Boolean);
  const last = parts.length - 1;
  // Positions in the box's proportions (about 4:1), so the view is not stretched.
  const step = parts.length > 1 ? 400 / last : 0;
  const nodes = parts.map((name, i) => ({
    id: String(i), name, x: i * step, y: i % 2 ? 100 : 0,
    symbolSize: i === 0 || i === last ? 44 : 22,
    itemStyle: { color: i === 0 ? '#b3261e' : i === last ? '#1f5fa8' : '#8d99a6' },
  }));
  const links = parts.slice(1).map((_, i) => ({ source: String(i), target: String(i + 1) }));
  return chart({
    tooltip: { formatter: (p) => (p.dataType === 'node' ? p.data.name : '') },
    series: [{
      type: 'graph', layout: 'none', roam: true, nodeScaleRatio: 0, data: nodes, links,
      top: 40, bottom: 60, left: 80, right: 80,
      label: { show: true, position: 'bottom', width: 150, overflow: 'break', formatter: (p) => p.data.name },
      edgeSymbol: ['none', 'arrow'], edgeSymbolSize: 10, lineStyle: { width: 2, color: '#888' },
    }],
  }, null, 240);
}

// The steps that make sense from each state (the server decides; a refusal shows its reason).
const NEXT = {
  new: ['assign'], assigned: ['start', 'assign'], verifying: ['confirm', 'dismiss'],
  confirmed: ['close', 'rectify'], rectification: ['close'], dismissed: ['close'], closed: ['reopen'],
};
const PERM = { assign: 'lead.assign', rectify: 'lead.rectify' };
const NEEDS = {
  assign: ['unit_code', 'assignee', 'deadline'], start: [], confirm: ['reason'], dismiss: ['reason'],
  rectify: ['deadline'], close: ['reason'], reopen: ['reason', 'deadline'], comment: ['comment'],
};

function actionForm(lead, wf, reload, ctx) {
  const msg = h('div', { 'aria-live': 'polite' });
  const verbs = (NEXT[wf.state] || []).filter((v) => !PERM[v] || ctx.may(PERM[v]));
  const inDays = (n) => new Date(Date.now() + n * 864e5).toISOString().slice(0, 10);
  const inputs = {
    unit_code: h('input', { name: 'unit_code', value: wf.unit_code || lead.unit_code || '' }),
    assignee: h('input', { name: 'assignee', value: wf.assignee || '' }),
    deadline: h('input', { name: 'deadline', type: 'date', value: inDays(30) }),
    reason: h('textarea', { name: 'reason', rows: 2 }),
  };
  const verb = select('action', verbs.map((v) => [v, t(v)]), verbs[0]);
  const fields = h('div.action-fields');
  const redraw = () => fields.replaceChildren(...(NEEDS[verb.value] || []).map((k) => field(t(k), inputs[k])));
  verb.addEventListener('change', redraw);
  redraw();
  const send = async (action, extra) => {
    msg.replaceChildren();
    const body = { action };
    for (const k of NEEDS[action] || []) {
      const v = extra && k in extra ? extra[k] : inputs[k] && inputs[k].value.trim();
      if (v) body[k] = v;
    }
    try {
      const r = await post(`/leads/${lead.id}/actions`, body);
      msg.replaceChildren(notice(`${t('action_done')}: ${t(action)} → ${t('states.' + r.to_state)}`));
      setTimeout(reload, 300);
    } catch (e) {
      msg.replaceChildren(errorBox(e));
    }
  };
  const comment = h('textarea', { name: 'comment', rows: 2 });
  return h('div.actions',
    verbs.length ? h('form.action', { onsubmit: (e) => { e.preventDefault(); send(verb.value); } },
      field(t('workflow'), verb), fields, h('button.primary', { type: 'submit', id: 'do-action' }, t('do_action'))) : null,
    h('form.comment', { onsubmit: (e) => { e.preventDefault(); send('comment', { comment: comment.value.trim() }); } },
      field(t('add_comment'), comment), h('button', { type: 'submit' }, t('comment'))),
    msg);
}

export async function leadPage(id, ctx) {
  const unmask = new URLSearchParams(location.hash.split('?')[1] || '').get('unmask') === 'true';
  const [d, hist] = await Promise.all([get('/leads/' + id, { unmask: unmask || undefined }),
    get(`/leads/${id}/history`)]);
  const lead = d.lead, wf = d.workflow || { state: 'new' };
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const comments = hist.items.filter((e) => e.comment);
  const facts = [
    [t('code'), `${lead.code} ${bi(`${lead.detector_zh || ''} / ${lead.detector_en || ''}`)}`],
    [t('severity'), sevBadge(lead.severity)],
    [t('unit'), `${lead.unit_name || ''} (${lead.unit_code || ''})`],
    [t('source'), `${lead.subject_system || ''} · ${lead.subject_table} #${lead.subject_id}`],
    [t('state'), h('span.state.st-' + wf.state, t('states.' + wf.state))],
    [t('assignee'), wf.assignee || '—'],
    [t('deadline'), (wf.rectify_deadline || wf.deadline || '—') +
      (wf.overdue_verification || wf.overdue_rectification ? ' ⚠' : '')],
    ['ID', lead.fingerprint],
  ];
  const [explZh, explEn] = (lead.explanation || '').split('\n');
  return h('div.lead',
    h('p', h('a', { href: '#/leads' }, '← ' + t('workbench'))),
    h('h1', `#${lead.id} ${bi(lead.title)}`),
    h('div.cols',
      h('div.col',
        card(t('facts'), h('dl.facts', facts.map(([k, v]) => [h('dt', k), h('dd', v)]))),
        card(t('explanation'), h('p', currentLang() === 'en' && explEn ? explEn : explZh)),
        card(t('basis'), h('p.basis', lead.basis || '—')),
        lead.path ? card(t('path'), pathGraph(lead.path), h('p.path', lead.path)) : null),
      h('div.col',
        card(t('workflow'), actionForm(lead, wf, reload, ctx)),
        card(t('history'), table([
          ['#', (e) => String(e.seq)], [t('do_action'), (e) => t(e.action)],
          [t('state'), (e) => `${t('states.' + e.from_state)} → ${t('states.' + e.to_state)}`],
          [t('username'), (e) => e.username], ['', (e) => fmtTime(e.at)],
          [t('reason'), (e) => [e.reason, e.assignee && `${t('assignee')}: ${e.assignee}`, e.deadline && `${t('deadline')}: ${e.deadline}`]
            .filter(Boolean).join(' · ')],
        ], hist.items)),
        card(t('comments'), comments.length ? h('ul.comments', comments.map((e) =>
          h('li', h('strong', e.username), ' ', h('small', fmtTime(e.at)), h('p', e.comment)))) : h('p.empty', t('none'))))),
    card(t('evidence'),
      ctx.may('unmask') && !d.unmasked ? h('a.button', { href: `#/lead/${id}?unmask=true` }, t('unmask')) : null,
      h('div.evidence', d.evidence.map((e) => h('section.ev',
        h('h3', `${e.n}. ${e.table} #${e.record_id}` + (e.role ? ` · ${e.role}` : '') + (e.note ? ` · ${e.note}` : '')),
        h('p.prov', `${t('source')}: ${e.source_system || ''} · ${t('file')}: `,
          h('code', (e.file || '').split('/').pop()), ` · ${t('line')} ${e.line} · ${t('batch')} ${e.batch_id}`),
        h('dl.fields', (e.fields || []).map((f) => [h('dt', f.label || f.column),
          h('dd', { class: f.masked ? 'masked' : '', title: f.masked ? t('masked') : null }, f.value ?? '')])))))));
}
