// api.js -- the console's only door to epfiotd: GraphQL over HTTP at
// /graphql with the browser's session cookie (same origin, HttpOnly, so no
// token ever lives in JavaScript), plus POST /login and POST /logout.
//
// Errors come back as ApiError with the server's message and its
// extensions.code (BAD_USER_INPUT, CONFLICT, QUOTA_EXCEEDED, ...), so that the
// page can show them next to the form or button that caused them.

export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code || null;
    this.status = status || 0;
  }
}

// A 401: the session is gone (expired, logged out elsewhere, password reset).
export class AuthError extends ApiError {}

export async function gql(query, variables) {
  let res;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      credentials: 'same-origin',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json;q=0.9',
      },
      body: JSON.stringify(variables ? { query, variables } : { query }),
    });
  } catch (e) {
    throw new ApiError(`cannot reach the server (${e.message})`, 'NETWORK');
  }
  let body = null;
  try { body = await res.json(); } catch { /* not JSON: reported below */ }
  if (res.status === 401) {
    throw new AuthError((body && body.errors && body.errors[0].message) || 'not logged in', 'UNAUTHENTICATED', 401);
  }
  if (!body) throw new ApiError(`the server answered HTTP ${res.status}`, 'HTTP', res.status);
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    throw new ApiError(e.message, e.extensions && e.extensions.code, res.status);
  }
  return body.data;
}

// POST /login as JSON: the server sets the session cookie.
export async function login(name, password) {
  let res;
  try {
    res = await fetch('/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name, password }),
    });
  } catch (e) {
    throw new ApiError(`cannot reach the server (${e.message})`, 'NETWORK');
  }
  let body = null;
  try { body = await res.json(); } catch { /* ignored */ }
  if (!res.ok) {
    throw new ApiError((body && body.error) || `login failed (HTTP ${res.status})`, 'LOGIN', res.status);
  }
}

export async function logout() {
  await fetch('/logout', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
}

// PUT /images/NAME with the file's bytes as the body (admins): the daemon
// streams them into a new volume of the image pool. XMLHttpRequest rather
// than fetch() because only it reports upload progress: onprogress(sent,
// total) is called as the bytes leave. Resolves when the image exists;
// rejects with an ApiError carrying the server's message and code
// ({"error": {"code", "message"}}, or a plain text answer).
export function uploadImage(name, file, onprogress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('PUT', `/images/${encodeURIComponent(name)}`);
    x.withCredentials = true;
    x.setRequestHeader('content-type', 'application/octet-stream');
    x.setRequestHeader('accept', 'application/json');
    x.upload.onprogress = (ev) => { if (onprogress) onprogress(ev.loaded, ev.lengthComputable ? ev.total : file.size); };
    x.onerror = () => reject(new ApiError('cannot reach the server (upload failed)', 'NETWORK'));
    x.onabort = () => reject(new ApiError('upload aborted', 'NETWORK'));
    x.onload = () => {
      let body = null;
      try { body = JSON.parse(x.responseText); } catch { /* text */ }
      const e = body && (body.error || (body.errors && body.errors[0]));
      const message = e ? (typeof e === 'string' ? e : e.message) : (x.responseText || '').trim();
      const code = e && typeof e === 'object' ? e.code || (e.extensions && e.extensions.code) : null;
      if (x.status === 401) return reject(new AuthError(message || 'not logged in', 'UNAUTHENTICATED', 401));
      if (x.status >= 200 && x.status < 300) return resolve(body);
      reject(new ApiError(message || `upload failed (HTTP ${x.status})`, code || 'HTTP', x.status));
    };
    x.send(file);
  });
}
