// app.js -- the EPFIOT web console: login, the tenant's dashboard (VMs, USB
// devices, things, quotas) and the admin pages (users, all VMs, host).
//
// One page, two hash routes (#/ and #/admin). State is whatever the last
// GraphQL poll returned: the page asks every POLL_MS (and at once after each
// action or when the tab comes back into view) and stops asking while the
// tab is hidden, so VM power states and thing bootstrap states follow the
// server without a reload. A section is redrawn only when its data changed,
// so a half-typed value in a row is not wiped by a poll that changed nothing.
//
// Errors: each form and each row has an error slot keyed by what caused it
// ("create-vm", "vm:12", "dev:3", ...); an API error lands in that slot with
// its message and code and stays until the next attempt of the same action.
import { gql, login, logout, uploadImage, ApiError, AuthError } from './api.js';
import { h, clear, formValues, fmtMiB, fmtTime } from './dom.js';

const POLL_MS = 3000;

const DASH_QUERY = `query Dashboard {
  me { id name role quota { vms vcpus memory devices } usage { vms vcpus memory devices }
       deviceQuota { maxHeld hoursPerDay usedSecondsToday } }
  getVms { id name base state ip vcpu memory pendingChanges configUser hostname sshKeys firmware owner { id name }
           dev { id info vendorId productId } things { id name state } }
  getUsb { id bus device info vendorId productId serial port present inUse vm { id name owner { name } }
           profile reserved reservedFor { name } holder { mine since leaseEnd vm { id name owner { name } } }
           queue { position mine profile vm { id name } } }
  deviceProfiles { name usbIDs info builtin }
  getThings { id name info state endpoint lastBootstrapAt lastError vm { id name }
              security pskIdentity serverSecurity serverPskIdentity shortServerId lifetime binding }
  images { name format capacity }
}`;

const ADMIN_QUERY = `query Admin {
  host { virtualization cpus memory freeMemory warning }
  getUsers { id name role createdAt quota { vms vcpus memory devices } usage { vms vcpus memory devices }
             deviceQuota { maxHeld hoursPerDay usedSecondsToday } }
}`;

const st = {
  me: null,
  dash: null,
  admin: null,
  drawn: {}, // section -> JSON of the data it was last drawn from
  errors: new Map(),
  timer: null,
  busy: false,
};

const $ = (id) => document.getElementById(id);

/* ---------------------------------------------------------------- errors */

function errText(e) {
  return e.code && !['LOGIN', 'NETWORK', 'HTTP'].includes(e.code) ? `${e.message} (${e.code})` : e.message;
}

function errSlot(key) {
  return h('p', { class: 'err', role: 'alert', dataset: { err: key } }, st.errors.get(key) || '');
}

// Shows the errors of the static forms (the rows carry their own slots).
function showFormErrors() {
  for (const el of document.querySelectorAll('form [data-err]')) {
    el.textContent = st.errors.get(el.dataset.err) || '';
  }
}

function banner(msg) {
  const b = $('banner');
  b.textContent = msg || '';
  b.hidden = !msg;
}

// Runs one user action; its error goes to slot `key`, then the page refreshes.
async function act(key, fn) {
  st.errors.delete(key);
  try {
    await fn();
  } catch (e) {
    if (e instanceof AuthError) return showLogin(e.message);
    st.errors.set(key, e instanceof ApiError ? errText(e) : String(e));
  }
  st.drawn = {};
  showFormErrors();
  await refresh();
}

/* ----------------------------------------------------------------- login */

function showLogin(msg) {
  stopPolling();
  st.me = null;
  st.dash = st.admin = null;
  st.drawn = {};
  for (const id of ['dash-view', 'admin-view', 'nav', 'logout']) $(id).hidden = true;
  $('who').textContent = '';
  $('login-view').hidden = false;
  if (msg && msg !== 'not logged in') st.errors.set('login', msg);
  showFormErrors();
}

async function onLogin(ev) {
  ev.preventDefault();
  const f = formValues(ev.target);
  st.errors.delete('login');
  try {
    await login(f.name, f.password);
  } catch (e) {
    st.errors.set('login', errText(e));
    showFormErrors();
    return;
  }
  ev.target.reset();
  showFormErrors();
  $('login-view').hidden = true;
  await start();
}

async function onLogout() {
  await logout().catch(() => {});
  showLogin();
}

/* ---------------------------------------------------------------- routing */

function route() {
  const admin = location.hash === '#/admin' && st.me && st.me.role === 'ADMIN';
  $('dash-view').hidden = admin;
  $('admin-view').hidden = !admin;
  $('nav-dash').classList.toggle('active', !admin);
  $('nav-admin').classList.toggle('active', admin);
  return admin ? 'admin' : 'dash';
}

/* ---------------------------------------------------------------- polling */

async function refresh() {
  if (!st.me || st.busy) return;
  st.busy = true;
  try {
    st.dash = await gql(DASH_QUERY);
    st.me = st.dash.me;
    if (route() === 'admin') st.admin = await gql(ADMIN_QUERY);
    banner('');
    draw();
    $('live').textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch (e) {
    if (e instanceof AuthError) { st.busy = false; return showLogin(e.message); }
    banner(`cannot refresh: ${errText(e)}`);
  } finally {
    st.busy = false;
  }
}

function startPolling() {
  stopPolling();
  st.timer = setInterval(() => { if (!document.hidden) refresh(); }, POLL_MS);
}

function stopPolling() {
  if (st.timer) clearInterval(st.timer);
  st.timer = null;
}

async function start() {
  try {
    const d = await gql('{ me { id name role } }');
    st.me = d.me;
  } catch (e) {
    if (e instanceof AuthError) return showLogin();
    banner(`cannot reach the API: ${errText(e)}`);
    return;
  }
  $('login-view').hidden = true;
  $('nav').hidden = false;
  $('logout').hidden = false;
  $('nav-admin').hidden = st.me.role !== 'ADMIN';
  $('who').textContent = `${st.me.name}${st.me.role === 'ADMIN' ? ' (admin)' : ''}`;
  st.drawn = {};
  route();
  await refresh();
  startPolling();
}

/* ---------------------------------------------------------------- drawing */

// Redraws section `name` with fn(data) only when data changed.
function section(name, data, fn) {
  const key = JSON.stringify(data) + JSON.stringify([...st.errors]);
  if (st.drawn[name] === key) return;
  st.drawn[name] = key;
  fn(data);
}

function draw() {
  const d = st.dash;
  const mine = d.getVms.filter((v) => v && v.owner && v.owner.id === d.me.id);
  section('quota', d.me, drawQuota);
  section('images', d.images, drawImages);
  section('servers', mine, drawServerChoice);
  section('vms', { mine, things: d.getThings }, drawVms);
  section('devices', { usb: d.getUsb, mine, admin: d.me.role === 'ADMIN' }, drawDevices);
  section('acquire', { profiles: d.deviceProfiles, mine }, drawAcquire);
  section('things', { things: d.getThings, mine }, drawThings);
  if (st.admin && route() === 'admin') {
    section('host', { host: st.admin.host, vms: d.getVms }, drawHost);
    section('users', st.admin.getUsers, drawUsers);
    section('accel-admin', { usb: d.getUsb, profiles: d.deviceProfiles, users: st.admin.getUsers }, drawAccelAdmin);
    section('all-vms', d.getVms, drawAllVms);
    section('admin-images', { images: d.images, vms: d.getVms }, drawAdminImages);
  }
  showFormErrors();
}

function bar(label, used, limit, fmt = (x) => x) {
  const unlimited = limit === null || limit === undefined || limit < 0;
  const pct = unlimited ? 0 : limit === 0 ? 100 : Math.min(100, Math.round((100 * used) / limit));
  return h('div', { class: 'bar-row', dataset: { bar: label } },
    h('span', { class: 'bar-label' }, label),
    h('div', { class: `bar${pct >= 90 ? ' hot' : ''}`, role: 'meter', 'aria-valuenow': used, 'aria-valuemax': unlimited ? null : limit },
      h('div', { class: 'fill', style: `width:${pct}%` })),
    h('span', { class: 'bar-value' }, unlimited ? `${fmt(used)} (no limit)` : `${fmt(used)} of ${fmt(limit)}`));
}

function drawQuota(me) {
  const q = me.quota || {};
  const u = me.usage || { vms: 0, vcpus: 0, memory: 0, devices: 0 };
  clear($('quota')).append(
    bar('VMs', u.vms, q.vms), bar('vCPUs', u.vcpus, q.vcpus),
    bar('Memory', u.memory, q.memory, fmtMiB), bar('USB devices', u.devices, q.devices));
  const dq = me.deviceQuota;
  if (dq && dq.hoursPerDay !== null && dq.hoursPerDay >= 0) {
    const fmtH = (x) => `${Math.round(x * 10) / 10} h`;
    $('quota').append(bar('Accelerator hours today', dq.usedSecondsToday / 3600, dq.hoursPerDay, fmtH));
  }
}

// Replaces a select's options only when they differ (keeps the selection).
function setOptions(sel, opts) {
  const now = [...sel.options].map((o) => `${o.value}=${o.textContent}`).join('|');
  if (now === opts.map(([v, t]) => `${v}=${t}`).join('|')) return;
  const keep = sel.value;
  clear(sel).append(...opts.map(([v, t]) => h('option', { value: v }, t)));
  if (opts.some(([v]) => v === keep)) sel.value = keep;
}

function drawImages(images) {
  setOptions($('base-select'), images.map((i) => [i.name, `${i.name}${i.capacity ? ` (${fmtMiB(Math.round(i.capacity / 1048576))})` : ''}`]));
}

function drawServerChoice(mine) {
  setOptions($('thing-server'), mine.map((v) => [v.id, v.name]));
}

const vmChoice = (mine, name) => h('select', { name, 'aria-label': 'VM' }, mine.map((v) => h('option', { value: v.id }, v.name)));

function stateBadge(s) {
  return h('span', { class: `state s-${(s || 'unknown').toLowerCase()}`, dataset: { state: s || '' } }, s || '?');
}

// SSH keys by type and comment (the base64 body says nothing to a person).
function keyNames(keys) {
  if (!keys || !keys.length) return 'none';
  return keys.map((k) => {
    const [type, , ...comment] = k.split(/\s+/);
    return comment.length ? `${type} ${comment.join(' ')}` : type;
  }).join(', ');
}

function vmCard(v) {
  const key = `vm:${v.id}`;
  const running = v.state === 'RUNNING';
  const paused = v.state === 'PAUSED';
  const btn = (label, fn, enabled = true) =>
    h('button', { type: 'button', disabled: !enabled, onclick: () => act(key, fn) }, label);
  const resize = h('form', {
    class: 'inline-form',
    onsubmit: (ev) => {
      ev.preventDefault();
      const f = formValues(ev.target);
      act(key, () => gql('mutation($vm:VmInput!){updateVm(vm:$vm){id}}',
        { vm: { id: v.id, name: v.name, base: v.base, vcpu: Number(f.vcpu), memory: Number(f.memory) } }));
    },
  },
  h('label', {}, 'vCPUs ', h('input', { name: 'vcpu', type: 'number', min: 1, value: v.vcpu, required: true })),
  h('label', {}, 'MiB ', h('input', { name: 'memory', type: 'number', min: 64, step: 64, value: v.memory, required: true })),
  h('button', { type: 'submit' }, 'Resize'));
  return h('article', { class: 'vm', dataset: { vm: v.name, id: v.id } },
    h('header', {}, h('h3', {}, v.name), stateBadge(v.state)),
    h('dl', {},
      h('dt', {}, 'IP'), h('dd', { class: 'ip' }, v.ip || '—'),
      h('dt', {}, 'Image'), h('dd', {}, v.base),
      h('dt', {}, 'vCPUs'), h('dd', { class: 'vcpu' }, v.vcpu),
      h('dt', {}, 'Memory'), h('dd', { class: 'memory' }, fmtMiB(v.memory)),
      h('dt', {}, 'Devices'), h('dd', { class: 'devs' }, v.dev && v.dev.length ? v.dev.map((x) => x.info || `${x.vendorId}:${x.productId}`).join(', ') : 'none'),
      h('dt', {}, 'Things'), h('dd', { class: 'vm-things' }, v.things && v.things.length ? v.things.map((t) => t.name).join(', ') : 'none'),
      h('dt', {}, 'Hostname'), h('dd', { class: 'hostname' }, v.hostname || '—'),
      v.configUser ? [h('dt', {}, 'Guest user'), h('dd', { class: 'guest-user' }, v.configUser)] : null,
      h('dt', {}, 'SSH keys'), h('dd', { class: 'ssh-keys' }, keyNames(v.sshKeys)),
      h('dt', {}, 'Firmware'), h('dd', { class: 'firmware' }, v.firmware || '—'),
      v.pendingChanges && v.pendingChanges.length
        ? [h('dt', {}, 'Pending'), h('dd', { class: 'pending' }, `${v.pendingChanges.join(', ')} (next boot)`)] : null),
    h('div', { class: 'actions' },
      btn('Power on', () => gql('mutation($id:ID!){powerON(vmID:$id){id state}}', { id: v.id }), !running && !paused),
      btn('Power off', () => gql('mutation($id:ID!){powerOFF(vmID:$id){id state}}', { id: v.id }), running),
      paused
        ? btn('Resume', () => gql('mutation($id:ID!){resumeVM(vmID:$id){id state}}', { id: v.id }))
        : btn('Pause', () => gql('mutation($id:ID!){pauseVM(vmID:$id){id state}}', { id: v.id }), running),
      btn('Force off', () => gql('mutation($id:ID!){forceOFF(vmID:$id)}', { id: v.id }), v.state !== 'POWEROFF'),
      h('button', {
        type: 'button',
        class: 'danger',
        onclick: () => {
          if (!confirm(`Destroy VM ${v.name} and its disk?`)) return;
          act(key, () => gql(`mutation($id:ID!){${running ? 'forceDestroyVM' : 'destroyVM'}(vmID:$id)}`, { id: v.id }));
        },
      }, 'Destroy')),
    resize,
    guestEdit(v, key),
    errSlot(key));
}

// The guest settings of an existing VM (updateVm config): only what changed
// is sent; empty password and user-data fields leave them as they are
// (both are write-only). The guest gets the change at its next boot.
function guestEdit(v, key) {
  const keysNow = (v.sshKeys || []).join('\n');
  return h('details', { class: 'edit guest-edit' },
    h('summary', {}, 'Guest settings'),
    h('form', {
      class: 'grid-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        const f = formValues(ev.target);
        const config = {};
        if (f.user !== (v.configUser || '')) config.user = f.user || null;
        if (f.password) config.password = f.password;
        if (f.hostname !== (v.hostname || '')) config.hostname = f.hostname || null;
        const keys = (f.sshKeys || '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
        if (keys.join('\n') !== keysNow) config.sshKeys = keys.length ? keys : null;
        const pkgs = (f.packages || '').split(/[\s,]+/).filter(Boolean);
        if (pkgs.length) config.packages = pkgs;
        const ud = ev.target.querySelector('[name=userData]').value;
        if (ud.trim()) config.userData = ud;
        if (!Object.keys(config).length) {
          st.errors.set(key, 'nothing changed');
          st.drawn = {};
          draw();
          return;
        }
        act(key, () => gql('mutation($vm:VmInput!){updateVm(vm:$vm){id pendingChanges}}',
          { vm: { id: v.id, name: v.name, base: '', config } }));
      },
    },
    h('label', {}, 'Guest user ', h('input', { name: 'user', value: v.configUser || '', autocomplete: 'off' })),
    h('label', {}, 'New password ', h('input', { name: 'password', type: 'password', placeholder: 'unchanged', autocomplete: 'new-password' })),
    h('label', {}, 'Hostname ', h('input', { name: 'hostname', value: v.hostname || '', autocomplete: 'off' })),
    h('label', {}, 'Packages ', h('input', { name: 'packages', placeholder: 'unchanged', autocomplete: 'off' })),
    h('label', { class: 'wide' }, 'SSH public keys ', h('textarea', { name: 'sshKeys', rows: 3, spellcheck: 'false' }, keysNow)),
    h('label', { class: 'wide' }, 'User-data ', h('textarea', { name: 'userData', rows: 3, spellcheck: 'false', placeholder: 'unchanged' })),
    h('button', { type: 'submit' }, 'Save for next boot')));
}

function drawVms({ mine }) {
  const box = clear($('vms'));
  if (!mine.length) box.append(h('p', { class: 'empty' }, 'No VMs yet.'));
  box.append(...mine.map(vmCard));
}

// A lease length from a form's minutes field (empty: until released).
const leaseSeconds = (min) => (min ? Math.round(Number(min) * 60) : 0);

// The holder of a device: a lease (holder) or a plain attachment (vm). A
// VM the caller may not see (another tenant's) is only "in use".
function holderText(d) {
  if (d.holder) {
    const who = d.holder.vm ? `${d.holder.vm.name}${d.holder.mine ? '' : d.holder.vm.owner ? ` (${d.holder.vm.owner.name})` : ''}` : 'in use';
    return d.holder.leaseEnd ? `${who}, until ${fmtTime(d.holder.leaseEnd)}` : who;
  }
  if (d.vm) return `${d.vm.name}${d.vm.owner ? ` (${d.vm.owner.name})` : ''}`;
  return d.inUse ? 'in use' : 'free';
}

function queueText(q) {
  if (!q || !q.length) return '—';
  const me = q.filter((w) => w.mine).map((w) => `#${w.position}${w.vm ? ` ${w.vm.name}` : ''}`);
  return `${q.length} waiting${me.length ? ` (yours: ${me.join(', ')})` : ''}`;
}

function drawDevices({ usb, mine, admin }) {
  const t = clear($('devices'));
  t.append(h('thead', {}, h('tr', {}, ['Device', 'ID', 'Port', 'Profile', 'Held by', 'Queue', ''].map((x) => h('th', {}, x)))));
  const rows = usb.filter(Boolean).map((d) => {
    const key = `dev:${d.id}`;
    const held = d.vm;
    const mineHeld = held && mine.some((v) => v.id === held.id);
    const lease = d.holder;
    // Held by a VM the caller cannot see (another tenant's): in use, no
    // attach button, and nothing about whose it is.
    const elsewhere = !held && d.inUse;
    const myWait = (d.queue || []).find((w) => w.mine && w.vm);
    const buttons = [];
    if (lease && lease.mine) {
      buttons.push(h('button', { type: 'button', onclick: () => act(key, () => gql('mutation($d:ID!){releaseDevice(devID:$d)}', { d: d.id })) }, 'Release'));
    } else if (!lease && mineHeld) {
      buttons.push(h('button', { type: 'button', onclick: () => act(key, () => gql('mutation($d:ID!,$v:ID!){detachDevice(devID:$d,vmID:$v)}', { d: d.id, v: held.id })) }, 'Detach'));
    }
    if (lease && admin) {
      buttons.push(h('button', {
        type: 'button',
        class: 'danger',
        onclick: () => { if (confirm(`Revoke the lease on ${d.info || d.id}?`)) act(key, () => gql('mutation($d:ID!){revokeDevice(devID:$d)}', { d: d.id })); },
      }, 'Revoke'));
    }
    if (myWait) {
      buttons.push(h('button', { type: 'button', onclick: () => act(key, () => gql('mutation($v:ID!){leaveDeviceQueue(vmID:$v)}', { v: myWait.vm.id })) }, 'Leave queue'));
    }
    // A form with a VM: Attach (plain pass-through, free devices only) and,
    // for an accelerator (a device with a profile), Acquire: at once when
    // free, else a place in its queue; minutes of lease optional.
    const canAttach = !held && !elsewhere && !lease;
    const canAcquire = d.profile && !(lease && lease.mine) && !myWait && !mineHeld;
    const form = mine.length && (canAttach || canAcquire) ? h('form', {
      class: 'inline-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        const f = formValues(ev.target);
        if (ev.submitter && ev.submitter.value === 'acquire') {
          act(key, () => gql('mutation($v:ID!,$d:ID,$l:Int){acquireDevice(vmID:$v,devID:$d,leaseSeconds:$l){status position}}',
            { v: f.vm, d: d.id, l: leaseSeconds(f.lease) }));
        } else {
          act(key, () => gql('mutation($d:ID!,$v:ID!){attachDevice(devID:$d,vmID:$v)}', { d: d.id, v: f.vm }));
        }
      },
    }, vmChoice(mine, 'vm'),
    canAcquire ? h('label', {}, 'min ', h('input', { name: 'lease', type: 'number', min: 1, placeholder: '∞', 'aria-label': 'lease minutes' })) : null,
    canAttach ? h('button', { type: 'submit', value: 'attach' }, 'Attach') : null,
    canAcquire ? h('button', { type: 'submit', value: 'acquire' }, lease || elsewhere ? 'Queue' : 'Acquire') : null) : null;
    return h('tr', { dataset: { dev: d.id } },
      h('td', { 'data-label': 'Device' }, d.info || d.device, d.present === false ? h('span', { class: 'muted' }, ' (unplugged)') : null,
        d.reserved ? h('div', { class: 'muted reserved' }, `reserved${d.reservedFor ? ` for ${d.reservedFor.name}` : ''}`) : null),
      h('td', { 'data-label': 'ID' }, `${d.vendorId || '?'}:${d.productId || '?'}`),
      h('td', { 'data-label': 'Port' }, d.port || '—'),
      h('td', { 'data-label': 'Profile', class: 'profile' }, d.profile || '—'),
      h('td', { 'data-label': 'Held by', class: 'holder' }, holderText(d)),
      h('td', { 'data-label': 'Queue', class: 'queue' }, queueText(d.queue)),
      h('td', {}, buttons.length ? h('div', { class: 'actions' }, buttons) : null, form, errSlot(key)));
  });
  t.append(h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No USB devices on this host.'))));
}

// Requests any accelerator of a profile for a VM (queued when none is free).
function drawAcquire({ profiles, mine }) {
  setOptions($('acquire-profile'), profiles.map((p) => [p.name, p.info ? `${p.name} (${p.info})` : p.name]));
  setOptions($('acquire-vm'), mine.map((v) => [v.id, v.name]));
}

function onAcquire(ev) {
  ev.preventDefault();
  const f = formValues(ev.target);
  act('acquire', async () => {
    const r = await gql('mutation($v:ID!,$p:String,$l:Int){acquireDevice(vmID:$v,profile:$p,leaseSeconds:$l){status position device { id info }}}',
      { v: f.vm, p: f.profile, l: leaseSeconds(f.lease) });
    const a = r.acquireDevice;
    $('acquire-result').textContent = a.status === 'ATTACHED'
      ? `attached ${a.device ? a.device.info || a.device.id : ''}`.trim() : `queued, position ${a.position}`;
  });
}

// The LwM2M fields of a thing form (register and edit): endpoint, how the
// thing authenticates to the bootstrap server, and the account it gets on
// its VM's LwM2M server. Keys are write-only: an edit form starts empty and
// an empty key field leaves the stored key as it is.
function lwm2mFields(th = {}) {
  const sec = (name, value) => h('select', { name },
    ['NOSEC', 'PSK'].map((x) => h('option', { value: x, selected: (value || 'NOSEC') === x }, x)));
  const keyHint = th.id ? 'unchanged' : 'hex';
  return [
    h('label', {}, 'Endpoint ', h('input', { name: 'endpoint', value: th.endpoint || '', placeholder: th.id ? '' : 'default: the name', autocomplete: 'off' })),
    h('label', {}, 'Bootstrap security ', sec('security', th.security)),
    h('label', {}, 'PSK identity ', h('input', { name: 'pskIdentity', value: th.pskIdentity || '', autocomplete: 'off' })),
    h('label', {}, 'PSK key ', h('input', { name: 'pskKey', type: 'password', placeholder: keyHint, autocomplete: 'new-password' })),
    h('label', {}, 'Server security ', sec('serverSecurity', th.serverSecurity)),
    h('label', {}, 'Server PSK identity ', h('input', { name: 'serverPskIdentity', value: th.serverPskIdentity || '', autocomplete: 'off' })),
    h('label', {}, 'Server PSK key ', h('input', { name: 'serverPskKey', type: 'password', placeholder: keyHint, autocomplete: 'new-password' })),
    h('label', {}, 'Short server ID ', h('input', { name: 'shortServerId', type: 'number', min: 1, max: 65534, value: th.shortServerId ?? '', placeholder: '1' })),
    h('label', {}, 'Lifetime (s) ', h('input', { name: 'lifetime', type: 'number', min: 1, value: th.lifetime ?? '', placeholder: '300' })),
    h('label', {}, 'Binding ', h('input', { name: 'binding', value: th.binding || '', placeholder: 'U', autocomplete: 'off' })),
  ];
}

// Form values -> the LwM2M part of a ThingInput/ThingUpdate: only what was
// filled in (so the API's defaults apply, and blank keys stay unchanged).
// An identity or key with NOSEC is dropped (the API refuses the pair: the
// fields may still hold what was there before switching to NOSEC).
function lwm2mInput(f) {
  const out = {};
  for (const k of ['endpoint', 'binding', 'security', 'serverSecurity']) if (f[k]) out[k] = f[k];
  if (f.security !== 'NOSEC') for (const k of ['pskIdentity', 'pskKey']) if (f[k]) out[k] = f[k];
  if (f.serverSecurity !== 'NOSEC') for (const k of ['serverPskIdentity', 'serverPskKey']) if (f[k]) out[k] = f[k];
  for (const k of ['shortServerId', 'lifetime']) if (f[k]) out[k] = Number(f[k]);
  return out;
}

function thingEdit(th, key) {
  return h('details', { class: 'edit' },
    h('summary', {}, 'Edit'),
    h('form', {
      class: 'grid-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        const f = formValues(ev.target);
        const t = { name: f.name, info: f.info, ...lwm2mInput(f) };
        act(key, () => gql('mutation($id:ID!,$t:ThingUpdate!){updateThing(id:$id,thing:$t){id}}', { id: th.id, t }));
      },
    },
    h('label', {}, 'Name ', h('input', { name: 'name', value: th.name, required: true })),
    h('label', {}, 'Info ', h('input', { name: 'info', value: th.info || '' })),
    lwm2mFields(th),
    h('button', { type: 'submit' }, 'Save')));
}

function drawThings({ things, mine }) {
  const t = clear($('things'));
  t.append(h('thead', {}, h('tr', {}, ['Thing', 'State', 'VM', 'Endpoint', 'Last bootstrap', 'Error', ''].map((x) => h('th', {}, x)))));
  const rows = things.filter(Boolean).map((th) => {
    const key = `thing:${th.id}`;
    const link = mine.length ? h('form', {
      class: 'inline-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        const vm = formValues(ev.target).vm;
        act(key, () => gql('mutation($t:ID!,$v:ID!){attachThing(thingID:$t,vmID:$v)}', { t: th.id, v: vm }));
      },
    }, vmChoice(mine, 'vm'), h('button', { type: 'submit' }, 'Link')) : null;
    const unlink = th.vm ? h('button', {
      type: 'button',
      onclick: () => act(key, () => gql('mutation($id:ID!){updateThing(id:$id,thing:{server:""}){id}}', { id: th.id })),
    }, 'Unlink') : null;
    const del = h('button', {
      type: 'button',
      class: 'danger',
      onclick: () => {
        if (!confirm(`Delete thing ${th.name}?`)) return;
        act(key, () => gql('mutation($id:ID!){deleteThing(id:$id)}', { id: th.id }));
      },
    }, 'Delete');
    const sec = th.security === 'PSK' ? `PSK ${th.pskIdentity || ''}`.trim() : 'no security';
    return h('tr', { dataset: { thing: th.name } },
      h('td', { 'data-label': 'Thing' }, h('strong', {}, th.name), th.info ? h('div', { class: 'muted' }, th.info) : null),
      h('td', { 'data-label': 'State' }, stateBadge(th.state)),
      h('td', { 'data-label': 'VM' }, th.vm ? th.vm.name : '—'),
      h('td', { 'data-label': 'Endpoint', class: 'endpoint' }, th.endpoint || '—', h('div', { class: 'muted sec' }, sec)),
      h('td', { 'data-label': 'Last bootstrap' }, fmtTime(th.lastBootstrapAt)),
      h('td', { 'data-label': 'Error', class: th.lastError ? 'err-cell' : '' }, th.lastError || '—'),
      h('td', {}, h('div', { class: 'actions' }, link, unlink, del), thingEdit(th, key), errSlot(key)));
  });
  t.append(h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No things yet.'))));
}

/* ------------------------------------------------------------------ admin */

function drawHost({ host, vms }) {
  const vcpus = vms.reduce((a, v) => a + (v ? v.vcpu : 0), 0);
  const mem = vms.reduce((a, v) => a + (v ? v.memory : 0), 0);
  const running = vms.filter((v) => v && v.state === 'RUNNING');
  // h() drops null children; Element.append would print them as "null".
  clear($('host')).append(h('div', {},
    h('p', {}, `${host.virtualization} · ${host.cpus} CPUs · ${fmtMiB(host.memory)} memory, ${fmtMiB(Math.round(host.freeMemory))} free`),
    host.warning ? h('p', { class: 'warn' }, host.warning) : null,
    h('div', { class: 'bars' },
      bar('vCPUs allocated', vcpus, host.cpus),
      bar('Memory allocated', mem, Math.round(host.memory), fmtMiB),
      bar('Memory in use', Math.round(host.memory - host.freeMemory), Math.round(host.memory), fmtMiB),
      bar('VMs running', running.length, vms.length))));
}

const quotaNum = (s) => (s === '' || s === undefined ? null : Number(s));

function userRow(u) {
  const key = `user:${u.id}`;
  const q = u.quota || {};
  const us = u.usage || {};
  const qfield = (name, label) => h('label', {}, `${label} `,
    h('input', { name, type: 'number', min: -1, value: q[name] ?? '', placeholder: '∞' }),
    h('span', { class: 'muted' }, ` uses ${name === 'memory' ? fmtMiB(us[name] || 0) : us[name] || 0}`));
  return h('article', { class: 'user', dataset: { user: u.name } },
    h('header', {}, h('h3', {}, u.name), h('span', { class: 'role' }, u.role)),
    h('form', {
      class: 'inline-form quota-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        const f = formValues(ev.target);
        act(key, () => gql('mutation($u:ID!,$q:QuotaInput!){setQuota(userID:$u,quota:$q){vms}}', {
          u: u.id, q: { vms: quotaNum(f.vms), vcpus: quotaNum(f.vcpus), memory: quotaNum(f.memory), devices: quotaNum(f.devices) },
        }));
      },
    }, qfield('vms', 'VMs'), qfield('vcpus', 'vCPUs'), qfield('memory', 'MiB'), qfield('devices', 'USB'),
    h('button', { type: 'submit' }, 'Save quotas')),
    h('form', {
      class: 'inline-form quota-form device-quota',
      onsubmit: (ev) => {
        ev.preventDefault();
        const f = formValues(ev.target);
        act(key, () => gql('mutation($u:ID!,$m:Int,$h:Int){setDeviceQuota(userID:$u,maxHeld:$m,hoursPerDay:$h){maxHeld}}',
          { u: u.id, m: quotaNum(f.maxHeld), h: quotaNum(f.hoursPerDay) }));
      },
    },
    h('label', {}, 'Accel. ', h('input', { name: 'maxHeld', type: 'number', min: -1, value: (u.deviceQuota || {}).maxHeld ?? '', placeholder: '∞' }),
      h('span', { class: 'muted' }, ' held at once')),
    h('label', {}, 'Hours ', h('input', { name: 'hoursPerDay', type: 'number', min: -1, value: (u.deviceQuota || {}).hoursPerDay ?? '', placeholder: '∞' }),
      h('span', { class: 'muted' }, ` a day, ${Math.round(((u.deviceQuota || {}).usedSecondsToday || 0) / 360) / 10} h today`)),
    h('button', { type: 'submit' }, 'Save accelerator quota')),
    h('form', {
      class: 'inline-form',
      onsubmit: (ev) => {
        ev.preventDefault();
        const pw = formValues(ev.target).password;
        act(key, () => gql('mutation($u:ID!,$p:String!){setPassword(userID:$u,newPassword:$p)}', { u: u.id, p: pw }));
      },
    }, h('label', {}, 'New password ', h('input', { name: 'password', type: 'password', required: true, autocomplete: 'new-password' })),
    h('button', { type: 'submit' }, 'Reset password')),
    u.id === st.me.id ? null : h('button', {
      type: 'button',
      class: 'danger',
      onclick: () => {
        if (!confirm(`Delete user ${u.name} with all their VMs and things?`)) return;
        act(key, () => gql('mutation($u:ID!){deleteUser(id:$u)}', { u: u.id }));
      },
    }, 'Delete user'),
    errSlot(key));
}

// Admin: the device profiles (and a form for a new one) and, per
// accelerator, who it is reserved for.
function drawAccelAdmin({ usb, profiles, users }) {
  const t = clear($('profiles'));
  t.append(h('thead', {}, h('tr', {}, ['Profile', 'USB IDs', 'Info', ''].map((x) => h('th', {}, x)))));
  t.append(h('tbody', {}, profiles.map((p) => h('tr', { dataset: { profile: p.name } },
    h('td', { 'data-label': 'Profile' }, p.name),
    h('td', { 'data-label': 'USB IDs' }, p.usbIDs.join(', ')),
    h('td', { 'data-label': 'Info' }, p.info || '—'),
    h('td', { class: 'muted' }, p.builtin ? 'shipped' : '')))));
  const r = clear($('reservations'));
  r.append(h('thead', {}, h('tr', {}, ['Device', 'Profile', 'Reserved for', ''].map((x) => h('th', {}, x)))));
  r.append(h('tbody', {}, usb.filter((x) => x && x.profile).map((x) => {
    const key = `reserve:${x.id}`;
    return h('tr', { dataset: { dev: x.id } },
      h('td', { 'data-label': 'Device' }, `${x.info || x.id} (${x.vendorId}:${x.productId}, port ${x.port || '?'})`),
      h('td', { 'data-label': 'Profile' }, x.profile),
      h('td', { 'data-label': 'Reserved for', class: 'reserved-for' }, x.reserved ? (x.reservedFor ? x.reservedFor.name : 'someone') : 'anyone'),
      h('td', {}, h('form', {
        class: 'inline-form',
        onsubmit: (ev) => {
          ev.preventDefault();
          const u = formValues(ev.target).user;
          act(key, () => gql('mutation($d:ID!,$u:ID){reserveDevice(devID:$d,userID:$u)}', { d: x.id, u: u || null }));
        },
      }, h('select', { name: 'user', 'aria-label': 'user' },
        h('option', { value: '' }, 'anyone'),
        users.filter(Boolean).map((u) => h('option', { value: u.id, selected: x.reservedFor && x.reservedFor.name === u.name }, u.name))),
      h('button', { type: 'submit' }, 'Reserve')), errSlot(key)));
  })));
}

function onCreateProfile(ev) {
  ev.preventDefault();
  const f = formValues(ev.target);
  const ids = f.usbIDs.split(/[\s,]+/).filter(Boolean);
  act('create-profile', async () => {
    await gql('mutation($n:String!,$ids:[String!]!,$i:String){createDeviceProfile(name:$n,usbIDs:$ids,info:$i){id}}',
      { n: f.name, ids, i: f.info || null });
    ev.target.reset();
  });
}

function drawUsers(users) {
  clear($('users')).append(...users.filter(Boolean).map(userRow));
}

function drawAllVms(vms) {
  const t = clear($('all-vms'));
  t.append(h('thead', {}, h('tr', {}, ['VM', 'Owner', 'State', 'IP', 'vCPUs', 'Memory', ''].map((x) => h('th', {}, x)))));
  t.append(h('tbody', {}, vms.filter(Boolean).map((v) => {
    const key = `admin-vm:${v.id}`;
    return h('tr', { dataset: { vm: v.name } },
      h('td', { 'data-label': 'VM' }, v.name),
      h('td', { 'data-label': 'Owner' }, v.owner ? v.owner.name : '?'),
      h('td', { 'data-label': 'State' }, stateBadge(v.state)),
      h('td', { 'data-label': 'IP' }, v.ip || '—'),
      h('td', { 'data-label': 'vCPUs' }, v.vcpu),
      h('td', { 'data-label': 'Memory' }, fmtMiB(v.memory)),
      h('td', {}, h('button', {
        type: 'button',
        class: 'danger',
        onclick: () => {
          if (!confirm(`Delete VM ${v.name} of ${v.owner ? v.owner.name : '?'}?`)) return;
          act(key, () => gql('mutation($u:ID!,$v:ID!){deleteVm(userID:$u,vmID:$v)}', { u: v.owner.id, v: v.id }));
        },
      }, 'Delete'), errSlot(key)));
  })));
}

const fmtBytes = (n) => (n === null || n === undefined ? '—'
  : n >= 1073741824 ? `${(n / 1073741824).toFixed(1)} GiB` : n >= 1048576 ? `${(n / 1048576).toFixed(1)} MiB` : `${n} B`);

function drawAdminImages({ images, vms }) {
  const t = clear($('admin-images'));
  t.append(h('thead', {}, h('tr', {}, ['Image', 'Format', 'Size', 'Used by', ''].map((x) => h('th', {}, x)))));
  const rows = images.map((img) => {
    const key = `image:${img.name}`;
    const users = vms.filter((v) => v && v.base === img.name);
    return h('tr', { dataset: { image: img.name } },
      h('td', { 'data-label': 'Image' }, img.name),
      h('td', { 'data-label': 'Format' }, img.format || '?'),
      h('td', { 'data-label': 'Size' }, fmtBytes(img.capacity)),
      h('td', { 'data-label': 'Used by', class: 'used-by' }, users.length ? users.map((v) => v.name).join(', ') : '—'),
      h('td', {}, h('button', {
        type: 'button',
        class: 'danger',
        onclick: () => {
          if (!confirm(`Delete base image ${img.name}?`)) return;
          act(key, () => gql('mutation($n:String!){deleteImage(name:$n)}', { n: img.name }));
        },
      }, 'Delete'), errSlot(key)));
  });
  t.append(h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No base images.'))));
}

// Uploads the chosen file as a base image, showing the progress; the form
// is disabled meanwhile (the poll goes on: the rest of the page stays live).
function onUploadImage(ev) {
  ev.preventDefault();
  const form = ev.target;
  const file = form.querySelector('[name=file]').files[0];
  const name = form.querySelector('[name=name]').value.trim() || (file && file.name);
  const bar = $('upload-progress');
  const label = $('upload-status');
  if (!file) return;
  const fields = [...form.elements];
  act('upload-image', async () => {
    fields.forEach((el) => { el.disabled = true; });
    bar.hidden = false;
    bar.value = 0;
    bar.max = file.size || 1;
    label.textContent = `uploading ${name}…`;
    try {
      await uploadImage(name, file, (sent, total) => {
        bar.max = total || 1;
        bar.value = sent;
        label.textContent = `uploading ${name}: ${Math.floor((100 * sent) / (total || 1))}%`;
      });
      label.textContent = `uploaded ${name}`;
      form.reset();
    } catch (e) {
      label.textContent = '';
      throw e;
    } finally {
      bar.hidden = true;
      fields.forEach((el) => { el.disabled = false; });
    }
  });
}

/* ------------------------------------------------------------------ forms */

function onCreateVm(ev) {
  ev.preventDefault();
  const f = formValues(ev.target);
  const vm = { name: f.name, base: f.base, vcpu: Number(f.vcpu), memory: Number(f.memory) };
  if (f.firmware) vm.firmware = f.firmware;
  const config = {};
  if (f.user) config.user = f.user;
  if (f.password) config.password = f.password;
  // One authorized_keys line per key; blank lines and # comments skipped.
  const keys = (f.sshKeys || '').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (keys.length) config.sshKeys = keys;
  if (f.hostname) config.hostname = f.hostname;
  const pkgs = (f.packages || '').split(/[\s,]+/).filter(Boolean);
  if (pkgs.length) config.packages = pkgs;
  // Not trimmed: a script's first line must stay "#!...".
  const ud = ev.target.querySelector('[name=userData]').value;
  if (ud.trim()) config.userData = ud;
  if (Object.keys(config).length) vm.config = config;
  act('create-vm', async () => {
    await gql('mutation($vm:VmInput!){createVm(vm:$vm){id}}', { vm });
    ev.target.reset();
  });
}

function onCreateThing(ev) {
  ev.preventDefault();
  const f = formValues(ev.target);
  act('create-thing', async () => {
    const t = { name: f.name, info: f.info || '', server: f.server, ...lwm2mInput(f) };
    await gql('mutation($t:ThingInput!){createThing(thing:$t){id}}', { t });
    ev.target.reset();
  });
}

function onCreateUser(ev) {
  ev.preventDefault();
  const f = formValues(ev.target);
  act('create-user', async () => {
    await gql('mutation($n:String!,$p:String!,$r:Role){createUser(name:$n,password:$p,role:$r){id}}', { n: f.name, p: f.password, r: f.role });
    ev.target.reset();
  });
}

function init() {
  $('login-form').addEventListener('submit', onLogin);
  $('logout').addEventListener('click', onLogout);
  $('create-vm').addEventListener('submit', onCreateVm);
  $('create-thing').addEventListener('submit', onCreateThing);
  $('thing-lwm2m').append(...lwm2mFields());
  $('create-user').addEventListener('submit', onCreateUser);
  $('acquire-form').addEventListener('submit', onAcquire);
  $('create-profile').addEventListener('submit', onCreateProfile);
  $('upload-image').addEventListener('submit', onUploadImage);
  window.addEventListener('hashchange', () => { st.drawn = {}; route(); refresh(); });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
  start();
}

init();
