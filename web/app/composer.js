// The reply composer: the live segment counter and encoding (app/segments.js), templates
// with their variables (app/templates.js), attachments checked against the spec's types
// and sizes (app/media.js), and the consent banner that disables sending with its reason.
// Ctrl+Enter sends; t opens the templates (app/keys.js).
import { ACCEPT, checkAttachments, formatBytes, mediaType } from './media.js';
import { html, useEffect, useRef, useState } from './lib.js';
import { MAX_BODY_CHARS, countSegments, segmentSummary } from './segments.js';
import * as s from './store.js';
import { contactVars, fillTemplate } from './templates.js';

/// Why sending is not possible now, from the consent state (spec "Consent"), or ''.
export function consentBlock(state) {
  if (state === 'no') return 'This client opted out of texts (STOP). Nothing can be sent until they text START.';
  if (state === 'pending') return 'Consent requested, not confirmed: nothing can be sent until the client replies YES.';
  return '';
}

let templatesCache = null;  // {list} | {unavailable: true}

async function loadTemplates() {
  if (templatesCache?.list) return templatesCache;
  try {
    const res = await s.api.templates();
    templatesCache = { list: res.templates ?? [], businessName: res.business_name ?? '' };
  } catch (e) {
    templatesCache = { unavailable: true, code: e.code };
  }
  return templatesCache;
}

export function Composer({ name }) {
  const [body, setBody] = useState('');
  const [template, setTemplate] = useState(null);  // {template, body|null}
  const [files, setFiles] = useState([]);
  const [fileError, setFileError] = useState('');
  const [picking, setPicking] = useState(false);
  const st = s.sendState.value;
  const t = s.thread.value;
  const id = s.selected.value;
  const area = useRef(null);
  const fileInput = useRef(null);
  const shownFor = useRef(null);
  const owner = s.me.value?.staff ?? '';
  useEffect(() => {
    // Another conversation: its kept draft (app/drafts.js). The owner known only now (GET
    // /v1/me answered after the thread opened): the draft, unless something was typed.
    const fresh = shownFor.current !== id;
    shownFor.current = id;
    const saved = s.savedDraft(id);
    setBody((b) => (fresh ? saved : b || saved));
    if (!fresh) return;
    setTemplate(null);
    setFiles([]);
    setFileError('');
  }, [id, owner]);
  useEffect(() => {
    const onTemplates = () => setPicking(true);
    window.addEventListener('msgcenter:templates', onTemplates);
    return () => window.removeEventListener('msgcenter:templates', onTemplates);
  }, []);
  if (!s.allowed('send'))
    return html`<div class="composer"><p class="muted no-send" data-testid="no-send">${s.refusal('send')} You can read this conversation and act on it.</p></div>`;
  const blocked = consentBlock(t?.consent);
  const vars = { ...contactVars(t?.contact), business_name: templatesCache?.businessName ?? '' };
  const preview = template ? (template.body === null ? null : fillTemplate(template.body, vars)) : null;
  const counted = template ? (preview ? preview.text : '') : body;
  const info = countSegments(counted);
  const tooLong = info.chars > MAX_BODY_CHARS;
  const filesBlock = files.length ? 'Attachments cannot be sent yet: the server has no upload route. Remove them to send the text.' : '';
  const canSend = !blocked && !filesBlock && !st.sending && !tooLong && (template || body.trim());
  const send = async (e) => {
    e?.preventDefault();
    if (!canSend) return;
    const ok = await s.sendReply(template ? { template: template.template } : { body });
    if (ok) {
      setBody('');
      setTemplate(null);
    }
  };
  const onKeyDown = (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) send(e);
  };
  const pick = (e) => {
    const list = [...e.currentTarget.files].map((f) => ({ name: f.name, type: mediaType(f), size: f.size }));
    e.currentTarget.value = '';
    const bad = checkAttachments(files, list);
    setFileError(bad ? bad.message : '');
    if (!bad) setFiles([...files, ...list]);
  };
  const choose = (tpl) => {
    setPicking(false);
    setTemplate(tpl);
    requestAnimationFrame(() => document.getElementById('send-button')?.focus());
  };
  return html`
    <div class="composer">
    <form class="reply" onSubmit=${send}>
      ${blocked && html`<p class="consent" role="status" data-testid="consent-banner">${blocked}</p>`}
      ${t?.consent === 'unknown' && st.code === 'consent_required' && html`<p class="consent" role="status">
        This client has not agreed to texts yet. <button type="button" class="link" onClick=${() => s.api.requestConsent(t.row.phone, t.row.number).then(() => s.refreshConsent())}>Send the consent request</button></p>`}
      ${template ? html`
        <div class="template-preview" data-testid="template-preview">
          <p><strong>Template “${template.template}”</strong>${preview?.missing.length ? html` <span class="muted">(the server fills ${preview.missing.map((m) => `{${m}}`).join(', ')})</span>` : ''}</p>
          <p class="tpl-text">${preview ? preview.text : 'The server fills this template when it is sent.'}</p>
          <button type="button" class="link" onClick=${() => {
            setBody(preview ? preview.text : '');
            s.noteDraft(preview ? preview.text : '');
            setTemplate(null);
            requestAnimationFrame(() => area.current?.focus());
          }}>Edit as text</button>
          <button type="button" class="link" onClick=${() => setTemplate(null)}>Cancel template</button>
        </div>` : html`
        <label for="reply-body">Reply to ${name}</label>
        <textarea id="reply-body" ref=${area} rows="3" value=${body} disabled=${Boolean(blocked)}
          onInput=${(e) => (setBody(e.currentTarget.value), s.noteDraft(e.currentTarget.value))} onKeyDown=${onKeyDown}
          aria-describedby="reply-hint"></textarea>`}
      ${files.length > 0 && html`<ul class="files" aria-label="Attachments">
        ${files.map((f, i) => html`<li>${f.name} · ${formatBytes(f.size)}
          <button type="button" class="link" aria-label=${`Remove ${f.name}`} onClick=${() => setFiles(files.filter((_, j) => j !== i))}>Remove</button></li>`)}
      </ul>`}
      <div class="reply-bar">
        <span id="reply-hint" class=${`muted${tooLong ? ' error' : ''}`} data-testid="segments" aria-live="polite">
          ${info.chars} / ${MAX_BODY_CHARS} · ${segmentSummary(info)}</span>
        <span class="reply-tools">
          <button type="button" class="quiet" onClick=${() => setPicking(true)} disabled=${Boolean(blocked)}>Template</button>
          <label class="file-button"><span>Attach</span>
            <input type="file" ref=${fileInput} accept=${ACCEPT} multiple onChange=${pick} disabled=${Boolean(blocked)} /></label>
          <button type="submit" id="send-button" disabled=${!canSend}>${st.sending ? 'Sending…' : 'Send'}</button>
        </span>
      </div>
      ${fileError && html`<p class="error" role="alert" data-testid="file-error">${fileError}</p>`}
      ${filesBlock && html`<p class="muted">${filesBlock}</p>`}
      ${st.error && html`<p class="error" role="alert">${st.error}</p>`}
    </form>
    ${picking && html`<${TemplatePicker} choose=${choose} close=${() => {
      setPicking(false);
      requestAnimationFrame(() => area.current?.focus());
    }} />`}
    </div>`;
}

/// The business's templates (GET /v1/templates); if the list cannot be had, a template can
/// still be sent by its name.
function TemplatePicker({ choose, close }) {
  const [state, setState] = useState(templatesCache ?? { loading: true });
  const [byName, setByName] = useState('');
  const dialog = useRef(null);
  useEffect(() => {
    dialog.current?.showModal();
    loadTemplates().then(setState);
  }, []);
  return html`
    <dialog ref=${dialog} class="dialog" aria-labelledby="tpl-title" onCancel=${(e) => (e.preventDefault(), close())}>
      <h2 id="tpl-title">Templates</h2>
      ${state.loading && html`<p class="muted">Loading…</p>`}
      ${state.list && (state.list.length ? html`<ul class="tpl-list">
        ${state.list.map((tpl) => html`<li><button type="button" class="quiet tpl" onClick=${() => choose(tpl)}>
          <strong>${tpl.template}</strong><span class="muted">${tpl.body}</span></button></li>`)}
      </ul>` : html`<p class="muted">This business has no templates.</p>`)}
      ${state.unavailable && html`
        <p class="muted" data-testid="templates-unavailable">The templates cannot be listed now. Send one by its name:</p>
        <form class="tpl-name" onSubmit=${(e) => (e.preventDefault(), byName.trim() && choose({ template: byName.trim(), body: null }))}>
          <label for="tpl-name">Template name</label>
          <input id="tpl-name" value=${byName} onInput=${(e) => setByName(e.currentTarget.value)} />
          <button type="submit">Use</button>
        </form>`}
      <div class="dialog-bar"><button type="button" class="quiet" onClick=${close}>Close</button></div>
    </dialog>`;
}
