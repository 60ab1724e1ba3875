// admin.js - the administrators' pages: import a file through a mapping and read its reject
// report; the audit trail's verification status.
import { get, post, query } from './api.js';
import { t } from './i18n.js';
import { h, field, table, errorBox, card } from './ui.js';

function report(r) {
  return h('div#import-report',
    h('dl.facts', [['batch', r.batch_id ?? (r.skipped_as ? '= ' + r.skipped_as : '—')], ['rows_read', r.rows_read],
      ['inserted', r.inserted], ['updated', r.updated], ['unchanged', r.unchanged], ['rejected', r.rejected],
      ['seconds', r.seconds]].map(([k, v]) => [h('dt', t(k)), h('dd', String(v))])),
    r.rejected ? card(t('rejects'), table([[t('line'), (x) => String(x.line)], [t('field'), (x) => x.field || ''],
      [t('reason'), (x) => x.reason]], r.rejects)) : null);
}

export async function dataPage(params) {
  const mapping = h('input', { name: 'mapping', required: true, placeholder: 'court_hr', value: params.mapping || '' });
  const file = h('input', { name: 'file', type: 'file', required: true, accept: '.csv,.jsonl,.txt' });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form.filters', {
    onsubmit: async (e) => {
      e.preventDefault();
      const f = file.files[0];
      if (!f) return;
      out.replaceChildren(h('p.loading', t('loading')));
      try {
        const path = '/imports' + query({ mapping: mapping.value.trim(), file_name: f.name, max_errors: -1 });
        const r = await post(path, await f.arrayBuffer(), { raw: true, type: f.name.endsWith('.jsonl') ? 'application/x-ndjson' : 'text/csv' });
        out.replaceChildren(report(r));
      } catch (err) {
        out.replaceChildren(errorBox(err));
      }
    },
  }, field(t('mapping'), mapping), field(t('choose_file'), file), h('button.primary', { type: 'submit', id: 'upload' }, t('upload')));
  let rejects = null;
  if (params.batch) {
    try {
      const r = await get(`/imports/${params.batch}/rejects`, { limit: 200 });
      rejects = card(`${t('rejects')} · ${t('batch')} ${params.batch}`, table([[t('line'), (x) => String(x.line)],
        [t('field'), (x) => x.field || ''], [t('reason'), (x) => x.reason]], r.items));
    } catch (e) {
      rejects = errorBox(e);
    }
  }
  const batch = h('input', { name: 'batch', type: 'number', min: 1, value: params.batch || '' });
  return h('div', h('h1', t('data')), card(t('upload'), form, out),
    card(t('rejects'), h('form.filters', { onsubmit: (e) => { e.preventDefault(); location.hash = '#/data?batch=' + batch.value; } },
      field(t('batch'), batch), h('button', { type: 'submit' }, t('open'))), rejects));
}

export async function auditPage() {
  const s = await get('/audit/status');
  return h('div', h('h1', t('audit')),
    h('div', { class: s.ok ? 'notice big' : 'error big', role: 'status', id: 'audit-status' },
      h('strong', s.ok ? t('audit_ok') : t('audit_bad')), h('p', s.message)),
    h('dl.facts', [['entries', s.entries], ['checkpoints', s.checkpoints], ['seconds', s.seconds]]
      .map(([k, v]) => [h('dt', t(k)), h('dd', String(v))])),
    h('a.button', { href: '#/audit?again=' + Date.now() }, t('verify_now')));
}
