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
