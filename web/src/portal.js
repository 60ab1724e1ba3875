// portal.js - the officer portal (三个规定): file an interference record, the one-click monthly
// zero report, the reminder before the month's deadline, and the officer's own history.
import { get, post } from './api.js';
import { t } from './i18n.js';
import { h, field, select, table, errorBox, notice, card, fmtTime } from './ui.js';

const CATS = ['leader_interference', 'internal_inquiry', 'improper_contact'];
const SYSTEMS = ['court', 'procuratorate', 'police'];

const thisMonth = () => new Date().toISOString().slice(0, 7);
// A month's record or zero report is due by the 5th of the next month (TR01's deadline_day in
// rules/detectors.yaml): the days left until then, negative when late.
const DEADLINE_DAY = 5;
function daysLeft(month) {
  const [y, m] = month.split('-').map(Number);
  const due = Date.UTC(y, m, DEADLINE_DAY);   // month m (1-based) is index m of the next one
  const now = new Date();
  return Math.round((due - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) / 864e5);
}
const dueDate = (month) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, DEADLINE_DAY)).toISOString().slice(0, 10);
};

function recordForm(reload) {
  const now = new Date(Date.now() - new Date().getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
  const i = {
    category: select('category', CATS.map((c) => [c, t('cat.' + c)]), CATS[0]),
    actor_name: h('input', { name: 'actor_name', required: true, maxlength: 64 }),
    actor_unit: h('input', { name: 'actor_unit', maxlength: 128 }),
    actor_position: h('input', { name: 'actor_position', maxlength: 64 }),
    case_system: select('case_system', [['', '—'], ...SYSTEMS.map((s) => [s, t('systems.' + s)])], ''),
    case_no: h('input', { name: 'case_no', placeholder: '（2021）陕0113民初123号', maxlength: 64 }),
    occurred_at: h('input', { name: 'occurred_at', type: 'datetime-local', required: true, value: now }),
    content: h('textarea', { name: 'content', rows: 3, required: true, maxlength: 4000 }),
  };
  const msg = h('div', { 'aria-live': 'polite' });
  return h('form.record', {
    onsubmit: async (e) => {
      e.preventDefault();
      const body = { kind: 'record' };
      for (const [k, el] of Object.entries(i)) if (el.value.trim()) body[k] = el.value.trim();
      if (body.occurred_at) body.occurred_at = body.occurred_at.replace('T', ' ');
      try {
        const r = await post('/records', body);
        msg.replaceChildren(notice(`${t('submitted')}: ${t('record_no')} ${r.record_no}`));
        e.target.reset();
        setTimeout(reload, 800);
      } catch (err) {
        msg.replaceChildren(errorBox(err));
      }
    },
  },
  h('div.grid2', field(t('category'), i.category), field(t('occurred_at'), i.occurred_at),
    field(t('actor_name'), i.actor_name), field(t('actor_unit'), i.actor_unit),
    field(t('actor_position'), i.actor_position), field(t('case_system'), i.case_system),
    field(t('case_no'), i.case_no)),
  field(t('content'), i.content),
  h('button.primary', { type: 'submit', id: 'file-record' }, t('submit')), msg);
}

function lastMonth() {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

export async function portalPage(params, ctx) {
  const month = thisMonth();
  const mine = ctx.user.officer_no ? { officer_no: ctx.user.officer_no } : {};
  const hist = await get('/records', { ...mine, limit: 100 });
  const filedIn = (m) => hist.items.some((r) => r.month === m || (!r.month && (r.reported_at || '').startsWith(m)));
  const reload = () => window.dispatchEvent(new HashChangeEvent('hashchange'));
  const zmsg = h('div', { 'aria-live': 'polite' });
  // The zero report is for this month by default; early in a month, last month's is still due.
  const zmonth = h('input', { name: 'month', type: 'month', value: params.month || month, max: month });
  const zero = h('button.primary.big', {
    type: 'submit', id: 'zero-report',
  }, t('zero_btn'));
  const zeroForm = h('form.zero', {
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        const r = await post('/records', { kind: 'zero', month: zmonth.value });
        zmsg.replaceChildren(notice(`${t('submitted')}: ${t('kinds.zero')} ${zmonth.value} · ${t('record_no')} ${r.record_no}`));
        setTimeout(reload, 800);
      } catch (err) {
        zmsg.replaceChildren(errorBox(err));
      }
    },
  }, field(t('month'), zmonth), zero);
  const due = [lastMonth(), month].filter((m) => !filedIn(m) && (m === month || daysLeft(m) >= -31));
  return h('div',
    h('h1', t('portal')),
    h('div', { class: due.length ? 'reminder' : 'notice', role: 'status', id: 'reminder' },
      h('strong', t('reminder') + '：'), due.length ? due.map((m) => t('remind_due', m, daysLeft(m), dueDate(m))).join(' ')
        : t('remind_done', month)),
    h('div.cols',
      h('div.col', card(t('file_record'), recordForm(reload))),
      h('div.col', card(t('zero_report'), zeroForm, zmsg),
        card(t('my_history'), table([
          [t('record_no'), (r) => r.record_no],
          [t('kind'), (r) => t('kinds.' + r.kind)],
          [t('category'), (r) => (r.category ? t('cat.' + r.category) : r.month || r.quarter || '')],
          [t('reported_at'), (r) => fmtTime(r.reported_at)],
        ], hist.items)))));
}
