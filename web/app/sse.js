// A Server-Sent Events parser (the WHATWG "event stream" format) for streams read with
// fetch(): EventSource cannot send the Authorization header the API needs (docs/web.md).
// Pure: no DOM, no network; tests/sse.test.mjs runs it under node.

/// Feed it decoded text with push(); it calls onEvent({id, event, data}) for every complete
/// event and onComment(text) for every comment line (": heartbeat", ": subscribed after 7").
export class SseParser {
  constructor({ onEvent, onComment = () => {} }) {
    this.onEvent = onEvent;
    this.onComment = onComment;
    this.buffer = '';
    this.pendingCr = false;
    this.reset();
  }

  reset() {
    this.data = [];
    this.event = '';
    this.id = null;
    this.retry = null;
  }

  push(text) {
    let start = 0;
    let i = 0;
    // A CR that ended the previous chunk may be the first half of a CRLF.
    if (this.pendingCr && text.startsWith('\n')) start = i = 1;
    this.pendingCr = false;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      this.line(this.buffer + text.slice(start, i));
      this.buffer = '';
      if (c === 13) {
        if (i + 1 === text.length) this.pendingCr = true;
        else if (text.charCodeAt(i + 1) === 10) i++;
      }
      start = i + 1;
    }
    this.buffer += text.slice(start);
  }

  line(line) {
    if (line === '') return this.dispatch();
    if (line[0] === ':') return this.onComment(line.slice(1).replace(/^ /, ''));
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  dispatch() {
    const { data, event, id, retry } = this;
    this.reset();
    if (data.length === 0) {
      if (id !== null || retry !== null) this.onEvent({ id, event: null, data: null, retry });
      return;
    }
    this.onEvent({ id, event: event || 'message', data: data.join('\n'), retry });
  }
}

/// The resume bookkeeping of one staff member's stream: which event ids were seen, what a
/// (re)subscription point means, and when the page must refetch everything because events
/// were lost (a gap beyond the server's replay window, or a server that restarted).
export class ResumePoint {
  constructor(lastSeq = 0) {
    this.lastSeq = lastSeq;
    this.replayUntil = 0;
  }

  /// The Last-Event-ID header to send, or '' on a first connection.
  header() {
    return this.lastSeq > 0 ? String(this.lastSeq) : '';
  }

  /// The server's `: subscribed after S`. Returns the reason to refetch, or null.
  subscribed(startSeq) {
    if (this.lastSeq === 0) {
      this.lastSeq = startSeq;
      return 'initial';
    }
    if (startSeq < this.lastSeq) {
      this.lastSeq = startSeq;  // the server's sequence started again (a restart)
      return 'restart';
    }
    this.replayUntil = startSeq;  // the server replays what came after lastSeq up to here
    return null;
  }

  /// Called a moment after a resumed subscription: if the replay did not bring everything up
  /// to the subscription point (the server no longer had it), the events are lost: 'gap'.
  replayChecked() {
    if (this.lastSeq >= this.replayUntil) return null;
    this.lastSeq = this.replayUntil;
    return 'gap';
  }

  /// An event with sequence number `seq`: 'duplicate' (seen already: drop it), 'gap' (events
  /// before it were lost: apply it and refetch), or 'next'.
  event(seq) {
    if (!(seq > this.lastSeq)) return 'duplicate';
    const verdict = seq === this.lastSeq + 1 ? 'next' : 'gap';
    this.lastSeq = seq;
    return verdict;
  }
}
