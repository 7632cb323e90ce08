// The REST API of msgcenter serve (docs/api.md), called with the staff member's bearer token.
// A 429 closes the page's gate (app/backoff.js): nothing goes out until the wait is over,
// and a read is sent again then; a write is not (its answer says it was not done).
import { MAX_RETRIES, createGate, retryDelay } from './backoff.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

/// token(): the bearer token; onUnauthorized(): called on any 401 (a revoked token);
/// onBusy({until} | null): the server asked the page to wait (429), or the wait is over.
export function createApi({ token, onUnauthorized = () => {}, onBusy = () => {}, fetch: fetchFn, gate: given } = {}) {
  const doFetch = fetchFn ?? globalThis.fetch.bind(globalThis);
  const gate = given ?? createGate({ onChange: onBusy });

  async function send(method, path, body, raw) {
    const bearer = token();
    const headers = { Authorization: `Bearer ${bearer}`, Accept: raw ? 'text/csv' : 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      await gate.wait();
      // Signed out (or in as someone else) while it waited: it is no one's request now.
      if (token() !== bearer) throw new ApiError(0, 'cancelled', 'Signed out.');
      let res;
      try {
        res = await doFetch(path, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: 'no-store',
        });
      } catch {
        throw new ApiError(0, 'unavailable', 'The server cannot be reached.');
      }
      if (res.status !== 429) {
        gate.passed();
        return res;
      }
      gate.hold(retryDelay(res.headers.get('Retry-After'), attempt));
      if (method !== 'GET' || attempt >= MAX_RETRIES) return res;
      await res.text().catch(() => '');  // read to its end: the connection is reused
    }
  }

  async function call(method, path, body, { raw = false } = {}) {
    const res = await send(method, path, body, raw);
    if (raw) {
      if (res.status === 401) onUnauthorized();
      if (res.ok) return res.text();
      const e = (await res.json().catch(() => null))?.error ?? {};
      throw new ApiError(res.status, e.code || 'unavailable', e.message || `HTTP ${res.status}`);
    }
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (res.status === 401) onUnauthorized();
    if (!res.ok || !data || data.ok === false) {
      const e = data && data.error ? data.error : {};
      throw new ApiError(res.status, e.code || 'unavailable', e.message || `HTTP ${res.status}`);
    }
    return data;
  }

  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    return s ? `?${s}` : '';
  };
  const id = encodeURIComponent;

  return {
    badge: () => call('GET', '/v1/badge'),
    list: (params = {}) => call('GET', `/v1/conversations${query(params)}`),
    conversation: (c) => call('GET', `/v1/conversations/${id(c)}`),
    messages: (c, params = {}) => call('GET', `/v1/conversations/${id(c)}/messages${query(params)}`),
    send: (body) => call('POST', '/v1/messages', body),
    action: (c, action, extra = {}) =>
      call('POST', `/v1/conversations/${id(c)}/actions`, { action, ...extra }),
    bulk: (conversations, action) => call('POST', '/v1/conversations/bulk', { conversations, action }),
    history: (contact, params = {}) => call('GET', `/v1/contacts/${id(contact)}/history${query(params)}`),
    consent: (phone, number) => call('GET', `/v1/consent${query({ phone, number })}`),
    requestConsent: (phone, number) => call('POST', '/v1/consent/requests', { phone, number }),
    templates: () => call('GET', '/v1/templates'),
    me: () => call('GET', '/v1/me'),
    staff: () => call('GET', '/v1/staff'),
    counts: (params = {}) => call('GET', `/v1/counts${query(params)}`),
    exportCsv: (c) => call('GET', `/v1/conversations/${id(c)}/export.csv`, undefined, { raw: true }),
    alerts: (params = {}) => call('GET', `/v1/alerts${query(params)}`),
    ackAlert: (a) => call('POST', `/v1/alerts/${id(a)}/ack`, {}),
    presence: (conversation, state) => call('POST', '/v1/presence', { conversation, state }),
  };
}
