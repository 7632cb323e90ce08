// The REST API of msgcenter serve (docs/api.md), called with the staff member's bearer token.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

/// token(): the bearer token; onUnauthorized(): called on any 401 (a revoked token).
export function createApi({ token, onUnauthorized = () => {}, fetch: fetchFn } = {}) {
  const doFetch = fetchFn ?? globalThis.fetch.bind(globalThis);

  async function call(method, path, body, { raw = false } = {}) {
    const headers = { Authorization: `Bearer ${token()}`, Accept: raw ? 'text/csv' : 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
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
