// api.js - the JSON API (/api/v1) from the browser: the session cookie, the CSRF header on
// writes, and errors as thrown ApiError objects carrying the API's code, field and message.

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.field = e.field || null;
  }
}

function csrf() {
  const m = document.cookie.match(/(?:^|;\s*)zj_csrf=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : sessionStorage.getItem('zj_csrf') || '';
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {}))
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, String(v));
  const s = q.toString();
  return s ? '?' + s : '';
}

export async function api(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf();
  if (body !== undefined && body !== null) {
    if (opts.raw) {
      headers['Content-Type'] = opts.type || 'application/octet-stream';
      init.body = body;
    } else {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  const r = await fetch('/api/v1' + path, init);
  let data = null;
  try { data = await r.json(); } catch { data = null; }
  if (!r.ok) {
    const err = new ApiError(r.status, data);
    if (r.status === 401 && !opts.quiet401) window.dispatchEvent(new CustomEvent('zj-logout'));
    throw err;
  }
  return data;
}

export const get = (path, params) => api('GET', path + query(params));
export const post = (path, body, opts) => api('POST', path, body, opts);

export async function login(username, password) {
  const r = await api('POST', '/session', { username, password }, { quiet401: true });
  sessionStorage.setItem('zj_csrf', r.csrf_token);
  return r.user;
}

export async function logout() {
  try { await api('DELETE', '/session', null, { quiet401: true }); } catch { /* gone already */ }
  sessionStorage.removeItem('zj_csrf');
}

export async function whoami() {
  try {
    return (await api('GET', '/session', null, { quiet401: true })).user;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

// The address of an export file of `list` with `params` (a plain link: the cookie goes along).
export function exportUrl(list, params, format = 'xlsx') {
  return '/api/v1/exports/' + list + query({ ...params, format });
}
