// The live stream: GET /api/stream read with fetch (so that an Authorization header can go with it), parsed as
// Server-Sent Events here, reconnected with a growing delay when it ends, and resumed where it stopped: the id of the
// last event seen goes along as Last-Event-ID, as a browser's EventSource would send it, and the server replays what
// was missed (or sends a reset event when it no longer can).

import { authHeaders, promptForToken, readProblem } from './api.js';

/**
 * Splits a text stream into Server-Sent Events (the WHATWG rules: lines end in CR, LF or CRLF; a blank line
 * dispatches; "field: value" with one optional space; comments start with ':').
 */
export class SseParser {
  constructor(onEvent, onRetry = () => {}) {
    this.onEvent = onEvent;
    this.onRetry = onRetry;
    this.buffer = '';
    this.reset();
  }

  reset() {
    this.event = '';
    this.data = [];
    this.id = null;
  }

  push(text) {
    this.buffer += text;
    let end;
    while ((end = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) {
        break;
      }
      const line = this.buffer.slice(0, end);
      const width = this.buffer.startsWith('\r\n', end) ? 2 : 1;
      this.buffer = this.buffer.slice(end + width);
      this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      if (this.data.length > 0) {
        this.onEvent({ type: this.event || 'message', data: this.data.join('\n'), id: this.id });
      }
      this.reset();
      return;
    }
    if (line.startsWith(':')) {
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) {
      value = value.slice(1);
    }
    if (field === 'event') {
      this.event = value;
    } else if (field === 'data') {
      this.data.push(value);
    } else if (field === 'id') {
      this.id = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) {
      this.onRetry(Number(value));
    }
  }
}

/**
 * Keeps a connection to /api/stream. handlers: onOpen(resumed) (connected; resumed is true when the connection
 * carried the id of the last event seen, so the server replays what was missed, and false when a fresh picture
 * should be loaded), onEvent({type, data, id}), onStatus(state, text) with state connecting, live, reconnecting or
 * unauthorized.
 */
export class LiveStream {
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.retryMillis = 3000;
    this.failures = 0;
    this.stopped = false;
    this.lastEventId = null;
  }

  start() {
    this.connect();
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }

  async connect() {
    const { onOpen, onEvent, onStatus } = this.handlers;
    onStatus(this.failures === 0 ? 'connecting' : 'reconnecting', 'Connecting');
    this.controller = new AbortController();
    try {
      const resuming = this.lastEventId;
      const headers = { Accept: 'text/event-stream' };
      if (resuming) {
        headers['Last-Event-ID'] = resuming;
      }
      const response = await fetch(this.url, {
        headers: authHeaders(headers),
        cache: 'no-store',
        signal: this.controller.signal,
      });
      if (response.status === 401) {
        const problem = await readProblem(response);
        onStatus('unauthorized', 'Token needed');
        if (await promptForToken(problem?.detail)) {
          return this.connect();
        }
        return;
      }
      if (response.status === 400 && resuming) {
        // The server does not take the id (it never gives such ids): start afresh rather than fail for ever.
        this.lastEventId = null;
        throw new Error('the stream refused the last event id; reloading');
      }
      if (!response.ok || !response.body) {
        const problem = await readProblem(response);
        throw new Error(problem?.detail || `HTTP ${response.status}`);
      }
      this.failures = 0;
      onStatus('live', 'Live');
      onOpen(Boolean(resuming));
      const parser = new SseParser((event) => {
        if (event.id) {
          this.lastEventId = event.id;
        }
        onEvent(event);
      }, (millis) => { this.retryMillis = millis; });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          break;
        }
        parser.push(value);
      }
      this.scheduleReconnect('The server closed the stream');
    } catch (error) {
      if (this.stopped || error.name === 'AbortError') {
        return;
      }
      this.scheduleReconnect(error.message);
    }
  }

  scheduleReconnect(why) {
    if (this.stopped) {
      return;
    }
    this.failures += 1;
    const delay = Math.min(30000, this.retryMillis * Math.min(this.failures, 5));
    this.handlers.onStatus('reconnecting', `Reconnecting in ${Math.round(delay / 1000)} s (${why})`);
    setTimeout(() => this.connect(), delay);
  }
}
