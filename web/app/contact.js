// The contact panel beside the thread: the account overview of the linked contact
// (conversation.get), its history across conversations (GET /v1/contacts/{id}/history),
// and, for a phone that is no contact, link it to one or create a lead (actions
// link_contact and create_lead).
import { displayPhone, fullTime } from './format.js';
import { html, useEffect, useRef, useState } from './lib.js';
import * as s from './store.js';

export function ContactPanel() {
  const t = s.thread.value;
  const c = t?.contact;
  const head = useRef(null);
  useEffect(() => head.current?.focus(), []);
  return html`
    <aside id="contact-panel" class="contact-panel" aria-labelledby="contact-title">
      <header class="panel-head">
        <h2 id="contact-title" tabindex="-1" ref=${head}>${c ? c.name : 'Not a contact'}</h2>
        <button type="button" class="quiet" onClick=${() => (s.panel.value = false)} aria-label="Close the contact panel">×</button>
      </header>
      ${c ? html`<${Overview} c=${c} consent=${t.consent} /><${History} contact=${c.contact} />` : html`<${Unlinked} />`}
    </aside>`;
}

const CONSENT = { yes: 'agreed', no: 'opted out (STOP)', pending: 'requested, not confirmed', unknown: 'not asked' };

function Overview({ c, consent }) {
  const rows = [
    ['Kind', c.kind],
    ['Phones', c.phones.map(displayPhone).join(', ')],
    ['Email', c.email],
    ['Client id', c.uid],
    ['Client type', c.client_type],
    ['Groups', c.groups.join(', ')],
    ['Home location', c.home_location],
    ['Sales owner', c.sales_owner],
    ['Service owner', c.service_owner],
    ['Texts', CONSENT[consent ?? c.consent] ?? c.consent],
    ['Conversations', String(c.conversations)],
  ].filter(([, v]) => v);
  return html`
    <dl class="overview" aria-label="Account overview">
      ${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}
    </dl>`;
}

function History({ contact }) {
  const [h, setH] = useState({ loading: true, messages: [] });
  useEffect(() => {
    let live = true;
    setH({ loading: true, messages: [] });
    s.api.history(contact, { limit: 20 })
      .then((r) => live && setH({ loading: false, messages: r.messages.filter((m) => m.kind !== 'system') }))
      .catch((e) => live && setH({ loading: false, messages: [], error: e.message }));
    return () => (live = false);
  }, [contact, s.thread.value?.messages.length]);
  return html`
    <section class="history" aria-labelledby="history-title">
      <h3 id="history-title">History</h3>
      ${h.loading && html`<p class="muted">Loading…</p>`}
      ${h.error && html`<p class="error">${h.error}</p>`}
      <ol class="history-list" data-testid="history">
        ${h.messages.map((m) => html`<li class=${m.direction}>
          <span class="muted">${fullTime(m.at)} · ${m.direction === 'in' ? 'received' : `sent${m.author ? ` by ${m.author}` : ''}`}${m.conversation !== s.selected.value ? ` · ${m.conversation}` : ''}</span>
          <span>${m.body}</span></li>`)}
      </ol>
    </section>`;
}

function Unlinked() {
  const [link, setLink] = useState('');
  const [lead, setLead] = useState({ first_name: '', last_name: '', email: '' });
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = s.selected.value;
  const run = async (action, extra) => {
    setBusy(true);
    setError('');
    try {
      const res = await s.api.action(id, action, extra);
      s.applyRow(res.conversation);
      await s.loadThread(id, false);
    } catch (e) {
      setError(e.code === 'permission_denied' ? 'You may not change contacts (right manage_messages).'
        : e.code === 'not_found' ? 'No such contact.' : e.message);
    } finally {
      setBusy(false);
    }
  };
  const field = (k, label, type = 'text') => html`<label>${label}
    <input type=${type} value=${lead[k]} onInput=${(e) => setLead({ ...lead, [k]: e.currentTarget.value })} /></label>`;
  if (!s.allowed('link_contact'))
    return html`<p class="muted">This phone is not linked to a contact.</p>
      <p class="muted" data-testid="no-link">${s.refusal('link_contact')} A colleague who may can link it or create a lead.</p>`;
  return html`
    <p class="muted">This phone is not linked to a contact.</p>
    <${ContactSearch} busy=${busy} choose=${(c) => run('link_contact', { contact: c.contact })} />
    <form class="panel-form" aria-label="Link to a contact by id" onSubmit=${(e) => (e.preventDefault(), link.trim() && run('link_contact', { contact: link.trim() }))}>
      <label>Or a contact id<input value=${link} onInput=${(e) => setLink(e.currentTarget.value)} /></label>
      <button type="submit" disabled=${busy || !link.trim()}>Link</button>
    </form>
    <form class="panel-form" aria-label="Create a lead" onSubmit=${(e) => (e.preventDefault(), run('create_lead', lead))}>
      <h3>Create a lead</h3>
      ${field('first_name', 'First name')}
      ${field('last_name', 'Last name')}
      ${field('email', 'Email', 'email')}
      <button type="submit" disabled=${busy || !(lead.first_name.trim() || lead.last_name.trim())}>Create lead</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}`;
}

/// Finds contacts to link through the conversation search (`GET /v1/conversations?folder=all&q=`:
/// name, phone, email or id, as the list's search): each contact of a matching row once.
/// A contact who never texted has no conversation to find: the id box below takes it.
export function contactsOf(rows) {
  const seen = new Map();
  for (const r of rows) if (r.contact && !seen.has(r.contact.contact)) seen.set(r.contact.contact, r.contact);
  return [...seen.values()];
}

function ContactSearch({ busy, choose }) {
  const [q, setQ] = useState('');
  const [found, setFound] = useState(null);  // null: not searched; [] none
  const [error, setError] = useState('');
  const search = async (e) => {
    e.preventDefault();
    if (!q.trim()) return;
    setError('');
    try {
      const page = await s.api.list({ folder: 'all', q: q.trim(), limit: 50 });
      setFound(contactsOf(page.rows));
    } catch (err) {
      setFound(null);
      setError(err.message);
    }
  };
  return html`
    <form class="panel-form" role="search" aria-label="Find a contact to link" onSubmit=${search}>
      <h3>Link to a contact</h3>
      <label>Find a contact<input type="search" value=${q} placeholder="name, phone, email" onInput=${(e) => setQ(e.currentTarget.value)} /></label>
      <button type="submit" disabled=${!q.trim()}>Find</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${found && (found.length
      ? html`<ul class="contact-results" aria-label="Contacts found">${found.map((c) => html`<li>
          <button type="button" class="quiet" disabled=${busy} onClick=${() => choose(c)}>Link to ${c.name} <span class="muted">(${c.kind})</span></button></li>`)}</ul>`
      : html`<p class="muted" role="status">No contact found for “${q.trim()}”.</p>`)}`;
}
