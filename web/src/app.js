// app.js - the web app's shell: who is logged in, the navigation for the role, the language
// switch and the routes (#/leads, #/lead/12, ...), each drawn by one page module.
import { get, login, logout, whoami } from './api.js';
import { t, toggleLang } from './i18n.js';
import { h, field, errorBox, disposeCharts } from './ui.js';
import { workbenchPage, leadPage } from './leads.js';
import { portalPage } from './portal.js';
import { cockpitPage } from './cockpit.js';
import { entityPage, filingPage } from './entity.js';
import { dataPage, auditPage } from './admin.js';

let user = null;

// The pages, in the navigation's order; `perm` is the permission a page needs.
const pages = [
  { key: 'workbench', route: 'leads', perm: 'lead.read', draw: workbenchPage },
  { key: 'portal', route: 'portal', perm: 'record.file', draw: portalPage },
  { key: 'cockpit', route: 'cockpit', perm: 'stats.read', draw: cockpitPage },
  { key: 'filing', route: 'filing', perm: 'filing.check', draw: filingPage },
  { key: 'entity', route: 'entity', perm: 'entity.read', draw: entityPage },
  { key: 'data', route: 'data', perm: 'import', draw: dataPage },
  { key: 'audit', route: 'audit', perm: 'audit.read', draw: auditPage },
];

// The page each role starts on.
const homeOf = { officer: 'portal', filing_judge: 'filing', leader: 'cockpit', data_steward: 'data', admin: 'audit',
  inspector: 'leads', unit_supervisor: 'leads', sc_prison: 'leads', sc_procurator: 'leads', sc_court: 'leads' };

const may = (perm) => user && user.permissions.includes(perm);
const main = () => document.getElementById('main');

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const parts = path.split('/').filter(Boolean);
  return { parts, params: Object.fromEntries(new URLSearchParams(qs || '')) };
}

function drawTop(active) {
  const top = document.getElementById('top');
  top.hidden = false;
  top.replaceChildren(
    h('div.brand', h('a', { href: '#/' }, t('app')), h('span', t('app_sub'))),
    h('nav', { 'aria-label': 'main' }, h('ul',
      h('li', h('a', { href: '#/', 'aria-current': active === 'home' ? 'page' : null }, t('home'))),
      pages.filter((p) => may(p.perm)).map((p) => h('li', h('a',
        { href: '#/' + p.route, 'aria-current': active === p.route ? 'page' : null }, t(p.key)))))),
    h('div.who', h('span.user', `${user.username} · ${t('roles.' + user.role)}`),
      h('button.link', { type: 'button', onclick: () => { toggleLang(); route(); } }, t('lang_switch')),
      h('button.link', { type: 'button', id: 'logout', onclick: async () => { await logout(); user = null; route(); } },
        t('logout'))));
}

function loginPage() {
  document.getElementById('top').hidden = true;
  const u = h('input', { name: 'username', autocomplete: 'username', required: true });
  const p = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const msg = h('div', { 'aria-live': 'polite' });
  const form = h('form.login', {
    onsubmit: async (e) => {
      e.preventDefault();
      msg.replaceChildren();
      try {
        user = await login(u.value.trim(), p.value);
        location.hash = '#/';
        route();
      } catch (err) {
        msg.replaceChildren(errorBox(err));
      }
    },
  },
  h('h1', t('app')), h('p.sub', t('app_sub')),
  field(t('username'), u), field(t('password'), p),
  h('button.primary', { type: 'submit' }, t('login')),
  h('button.link', { type: 'button', onclick: () => { toggleLang(); loginPage(); } }, t('lang_switch')),
  msg);
  main().replaceChildren(h('div.login-wrap', form));
  u.focus();
}

// The home page: the role's own pages, its main one first, and what waits for this user.
async function homePage() {
  const mine = pages.filter((p) => may(p.perm));
  const first = homeOf[user.role];
  mine.sort((a, b) => (b.route === first) - (a.route === first));
  const todo = [];
  if (may('lead.read')) {
    const [assigned, overdue] = await Promise.all([
      get('/lead-queue', { assignee: user.username, limit: 500 }),
      get('/lead-queue', { overdue: true, limit: 500 })]);
    const open = assigned.items.filter((q) => !['closed', 'dismissed'].includes(q.state));
    todo.push(h('a.figure', { href: '#/leads?assignee=' + encodeURIComponent(user.username) },
      h('span.v', String(open.length)), h('span.l', t('my_leads'))));
    todo.push(h('a.figure', { href: '#/leads?overdue=true' }, h('span.v', String(overdue.items.length)),
      h('span.l', t('overdue_n'))));
  }
  return h('div',
    h('h1', `${t('welcome')}，${user.username}`),
    h('p', `${t('role')}: ${t('roles.' + user.role)}` + (user.unit_code ? ` · ${t('unit')}: ${user.unit_code}` : '') +
      (user.officer_no ? ` · ${t('officer_no')}: ${user.officer_no}` : '')),
    todo.length ? h('div.figures.home', todo) : null,
    h('h2', t('roles_home')),
    h('div.tiles', mine.map((p) => h('a.tile', { href: '#/' + p.route, class: p.route === first ? 'tile main' : 'tile' },
      t(p.key)))));
}

async function route() {
  if (!user) user = await whoami().catch(() => null);
  if (!user) return loginPage();
  const { parts, params } = parseHash();
  const head = parts[0] || '';
  const page = pages.find((p) => p.route === head || (head === 'lead' && p.route === 'leads'));
  drawTop(page ? page.route : 'home');
  const box = main();
  box.replaceChildren(h('p.loading', t('loading')));
  try {
    let view;
    if (!head) view = await homePage();
    else if (head === 'lead' && parts[1]) view = await leadPage(parts[1], { user, may });
    else if (page && may(page.perm)) view = await page.draw(params, { user, may, parts });
    else view = await homePage();
    disposeCharts();
    box.replaceChildren(view);
    box.focus({ preventScroll: true });
  } catch (e) {
    box.replaceChildren(errorBox(e));
  }
}

window.addEventListener('hashchange', route);
window.addEventListener('zj-logout', () => { user = null; loginPage(); });
route();
