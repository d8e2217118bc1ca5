// pkauth's API keys page: a client of the keys endpoints, nothing it does is out of scripts' reach.
// No framework and no build step; served from the jar under a CSP without 'unsafe-inline'.
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const api = meta('pkauth-api');
// Every proof of origin the server asks writes to carry: pkauth's session token, and on Spring its CSRF token.
const csrf = [...document.querySelectorAll('meta[name="pkauth-csrf"]')].map((m) => [m.dataset.header, m.content]);
const $ = (id) => document.getElementById(id);
const DAY = 86400;
const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'always' });
const exact = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
let grant = { scopes: [], max_expires_in_seconds: 90 * DAY };
let next = null;

/** Calls the keys endpoint; resolves to the JSON answer, or throws an Error whose message is for people. */
async function call(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') for (const [name, value] of csrf) headers[name] = value;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(api + path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error('The service could not be reached. Check your connection and try again.');
  }
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => ({}));
  if (response.ok) return answer;
  if (response.status === 401) throw new Error('Your session has ended. Sign in again to manage your keys.');
  throw new Error(answer.error_description || `The service refused the request (${response.status}).`);
}

function relative(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const units = [['year', 365 * DAY], ['month', 30 * DAY], ['day', DAY], ['hour', 3600], ['minute', 60], ['second', 1]];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === 'second') return rtf.format(Math.trunc(seconds / size), unit);
  }
  return '';
}

function time(iso, empty) {
  const el = document.createElement('time');
  if (!iso) { el.textContent = empty; return el; }
  el.dateTime = iso;
  el.title = exact.format(new Date(iso));
  el.textContent = relative(iso);
  return el;
}

function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

function cell(label, ...children) {
  const td = document.createElement('td');
  td.dataset.label = label;
  td.append(...children);
  return td;
}

function button(label, onClick, className) {
  const b = text('button', label, className);
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

function showError(id, error) {
  const el = $(id);
  el.textContent = error ? error.message : '';
  el.hidden = !error;
}

/** Lineage in words: a key that minted it, the signed-in user, or whoever else the audit log names. */
function mintedBy(key) {
  if (key.created_by) return `minted by key ${key.created_by}`;
  if (key.created_actor === 'service') return 'by the service';
  return 'by you';
}

function row(key) {
  const tr = document.createElement('tr');
  tr.dataset.keyId = key.id;
  const name = key.name || 'Unnamed key';
  const status = key.status || (key.disabled ? 'disabled' : 'active');
  const limits = [];
  if (key.rate_limit) limits.push(`${key.rate_limit.requests} requests per ${key.rate_limit.window_seconds} s`);
  if (key.credits !== null && key.credits !== undefined) limits.push(`${key.credits} credits left`);
  const used = time(key.last_used_at, 'Never');
  const usedCell = cell('Last used', used);
  if (key.last_used_ip) usedCell.append(text('span', `from ${key.last_used_ip}`, 'pkauth-sub'));
  const expires = key.expires_at ? time(key.expires_at, '') : text('span', 'Never');
  if (key.expires_at && Date.parse(key.expires_at) <= Date.now()) expires.textContent = `Expired ${relative(key.expires_at)}`;
  else if (key.expires_at) expires.textContent = `Expires ${relative(key.expires_at)}`;
  const created = cell('Created', time(key.created_at, ''));
  created.append(text('span', mintedBy(key), 'pkauth-sub'));
  const nameCell = cell('Name', text('strong', name), text('span', key.prefix + '…', 'pkauth-prefix'));
  if (key.allowed_ips) nameCell.append(text('span', `only from ${key.allowed_ips.join(', ')}`, 'pkauth-sub'));
  const actions = document.createElement('div');
  actions.className = 'pkauth-actions';
  if (status !== 'revoked') {
    // A rotated key already has its successor; it lives out its overlap unless revoked now.
    if (status !== 'rotated') actions.append(button('Rotate', () => openRotate(key)));
    actions.append(key.disabled ? button('Enable', () => change(key, false)) : button('Disable', () => change(key, true)));
    actions.append(button('Revoke', () => openRevoke(key), 'pkauth-danger'));
  }
  tr.append(
    nameCell,
    cell('Status', text('span', status, `pkauth-status pkauth-status-${status}`)),
    cell('Scopes', text('span', key.scopes.length ? key.scopes.join(' ') : 'none')),
    created,
    usedCell,
    cell('Expires', expires),
    cell('Limits', text('span', limits.length ? limits.join(', ') : 'None')),
    cell('Actions', actions),
  );
  return tr;
}

async function load(more) {
  try {
    const page = await call('GET', more && next ? `?after=${encodeURIComponent(next)}` : '');
    if (page.grant) grant = page.grant;
    const body = $('pkauth-keys').tBodies[0];
    if (!more) body.replaceChildren();
    for (const key of page.keys) body.append(row(key));
    next = page.next;
    $('pkauth-more').hidden = !next;
    $('pkauth-empty').hidden = body.rows.length > 0;
    $('pkauth-keys').hidden = body.rows.length === 0;
    showError('pkauth-error', null);
  } catch (error) {
    showError('pkauth-error', error);
  } finally {
    $('pkauth-loading').hidden = true;
  }
}

async function change(key, disabled) {
  try {
    await call('PATCH', `/${key.id}`, { disabled });
    await load(false);
  } catch (error) {
    showError('pkauth-error', error);
  }
}

// --- create ---------------------------------------------------------------------------------------

function openCreate() {
  const scopes = $('pkauth-scopes');
  scopes.querySelectorAll('label').forEach((l) => l.remove());
  grant.scopes.forEach((scope, i) => {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.name = 'scope';
    box.value = scope;
    box.id = `pkauth-scope-${i}`;
    label.htmlFor = box.id;
    label.append(box, ` ${scope}`);
    scopes.append(label);
  });
  $('pkauth-no-scopes').hidden = grant.scopes.length > 0;
  const max = grant.max_expires_in_seconds;
  const select = $('pkauth-expires');
  select.replaceChildren();
  for (const [label, seconds] of [['7 days', 7 * DAY], ['30 days', 30 * DAY], ['90 days', 90 * DAY], ['1 year', 365 * DAY]]) {
    if (seconds <= max) select.append(new Option(label, String(seconds)));
  }
  if (![7, 30, 90, 365].some((d) => d * DAY === max)) select.append(new Option(`Longest allowed (${Math.floor(max / DAY)} days)`, String(max)));
  select.append(new Option('On a date…', 'date'));
  const date = $('pkauth-expires-date');
  date.min = new Date(Date.now() + DAY * 1000).toISOString().slice(0, 10);
  date.max = new Date(Date.now() + max * 1000).toISOString().slice(0, 10);
  $('pkauth-create-form').reset();
  syncDate();
  showError('pkauth-create-error', null);
  $('pkauth-create-dialog').showModal();
  $('pkauth-name').focus();
}

function syncDate() {
  const custom = $('pkauth-expires').value === 'date';
  $('pkauth-expires-date').hidden = !custom;
  $('pkauth-expires-date-label').hidden = !custom;
}

function expiresInSeconds() {
  const choice = $('pkauth-expires').value;
  if (choice !== 'date') return Number(choice);
  const value = $('pkauth-expires-date').value;
  if (!value) throw new Error('Choose the date the key expires on.');
  const seconds = Math.floor((Date.parse(`${value}T23:59:59`) - Date.now()) / 1000);
  if (seconds <= 0) throw new Error('The expiry date must be in the future.');
  return Math.min(seconds, grant.max_expires_in_seconds);
}

/**
 * The submit handler of dialog `name` (create, rotate, revoke): run `action`, close the dialog,
 * show the token when the answer carries one, reload the list; an error stays in the dialog.
 */
function submitting(name, action) {
  return async (event) => {
    event.preventDefault();
    try {
      const answer = await action();
      $(`pkauth-${name}-dialog`).close();
      if (answer && answer.token) showToken(answer.token);
      await load(false);
    } catch (error) {
      showError(`pkauth-${name}-error`, error);
    }
  };
}

const create = submitting('create', () => {
  const body = { name: $('pkauth-name').value.trim(), expires_in_seconds: expiresInSeconds(),
    scopes: [...document.querySelectorAll('#pkauth-scopes input:checked')].map((b) => b.value) };
  const ips = $('pkauth-ips').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (ips.length) body.allowed_ips = ips;
  return call('POST', '', body);
});

// --- the token, shown once ------------------------------------------------------------------------

function showToken(token) {
  $('pkauth-token').textContent = token;
  $('pkauth-copied').textContent = '';
  $('pkauth-token-dialog').showModal();
  $('pkauth-copy').focus();
}

function forgetToken() {
  $('pkauth-token').textContent = '';
  $('pkauth-copied').textContent = '';
}

async function copy() {
  const token = $('pkauth-token').textContent;
  try {
    await navigator.clipboard.writeText(token);
    $('pkauth-copied').textContent = 'Copied to the clipboard.';
  } catch {
    // No clipboard permission (an embedded browser, say): select it for the user to copy by hand.
    window.getSelection().selectAllChildren($('pkauth-token'));
    $('pkauth-copied').textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
}

// --- rotate and revoke ----------------------------------------------------------------------------

let target = null;

/** Opens dialog `name` (rotate, revoke) for `key`, naming it as `label`. */
function openFor(name, key, label) {
  target = key;
  $(`pkauth-${name}-name`).textContent = label;
  showError(`pkauth-${name}-error`, null);
  $(`pkauth-${name}-dialog`).showModal();
}

const openRotate = (key) => openFor('rotate', key, key.name || key.prefix);
const openRevoke = (key) => openFor('revoke', key, `${key.name || 'Unnamed key'} (${key.prefix}…)`);
const rotate = submitting('rotate', () => call('POST', `/${target.id}/rotate`, { overlap_seconds: Number($('pkauth-overlap').value) }));
const revoke = submitting('revoke', () => call('DELETE', `/${target.id}`));

$('pkauth-create').addEventListener('click', openCreate);
for (const [name, submit] of [['create', create], ['rotate', rotate], ['revoke', revoke]]) {
  $(`pkauth-${name}-form`).addEventListener('submit', submit);
  $(`pkauth-${name}-cancel`).addEventListener('click', () => $(`pkauth-${name}-dialog`).close());
}
$('pkauth-expires').addEventListener('change', syncDate);
$('pkauth-copy').addEventListener('click', copy);
$('pkauth-token-done').addEventListener('click', () => {
  forgetToken(); // at once: the dialog's close event comes a task later
  $('pkauth-token-dialog').close();
});
$('pkauth-token-dialog').addEventListener('close', forgetToken);
$('pkauth-more').addEventListener('click', () => load(true));
load(false);
