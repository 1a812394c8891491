// Federation on the page: what came from another site is marked on the map and named in the details panel, and a
// small panel shows this site's link to the shared broker from GET /api/federation (state, rates, lag, last error,
// refusals), read again every few seconds. The panel stays hidden when the runtime has no federation (404), when it
// has no shared broker, or when the token may not read it.

import { apiFetch } from './api.js';
import { formatTime } from './alerts.js';

const REFRESH_MILLIS = 3000;
/** While the runtime has no federation: look again now and then (the part may be added). */
const ABSENT_REFRESH_MILLIS = 30000;
/** The source of an imported reading: {site}:{party}/{source there} (ImportedSource in the runtime). */
const IMPORTED = /^([a-z][a-z0-9_-]{0,63}):([a-z][a-z0-9_-]{0,63})\/./;

/** The remote owners of an entity's attributes ({site, party, owner}, each once), empty for a local entity. */
export function origins(entity) {
  const found = new Map();
  for (const attribute of Object.values(entity?.attributes || {})) {
    const match = IMPORTED.exec(attribute?.source || '');
    if (match && !found.has(`${match[1]}:${match[2]}`)) {
      found.set(`${match[1]}:${match[2]}`, { site: match[1], party: match[2], owner: `${match[1]}:${match[2]}` });
    }
  }
  return [...found.values()];
}

/**
 * Marks a map marker as remote (class "remote", data-remote with the sites) or local; returns what its label should
 * add (", from roeselare") or ''.
 */
export function markRemote(marker, entity) {
  const sites = [...new Set(origins(entity).map((o) => o.site))];
  marker.classList.toggle('remote', sites.length > 0);
  if (sites.length > 0) {
    marker.setAttribute('data-remote', sites.join(' '));
    return `, from ${sites.join(', ')}`;
  }
  marker.removeAttribute('data-remote');
  return '';
}

/** The details panel's line naming where an imported entity came from, or null for a local one. */
export function originNote(entity) {
  const from = origins(entity);
  if (from.length === 0) {
    return null;
  }
  const note = document.createElement('p');
  note.className = 'origin-note';
  note.dataset.testid = 'details-origin';
  note.dataset.site = [...new Set(from.map((o) => o.site))].join(' ');
  note.textContent = `From another site: ${from.map((o) => `site ${o.site} (owned there by ${o.party})`).join(', ')}`;
  return note;
}

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) {
    node.className = className;
  }
  return node;
}

function rate(perSecond) {
  return `${Math.round(perSecond * 10) / 10}/s`;
}

function lag(millis) {
  if (millis === null || millis === undefined) {
    return 'none yet';
  }
  return millis < 1000 ? `${millis} ms` : `${Math.round(millis / 100) / 10} s`;
}

/** The links panel: one block per link, then what was refused, dropped, and carried per rule. */
export class FederationPanel {
  constructor(section, body, legend) {
    this.section = section;
    this.body = body;
    this.legend = legend;
    this.timer = 0;
  }

  start() {
    this.refresh();
  }

  schedule(millis) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), millis);
  }

  async refresh() {
    if (document.hidden) {
      this.schedule(REFRESH_MILLIS);
      return;
    }
    try {
      const response = await apiFetch('/api/federation', { headers: { Accept: 'application/json' } });
      if (!response.ok) {
        // 404: no federation in this runtime; 403: this token may not see it. Neither is an error of the page.
        this.hide();
        this.schedule(ABSENT_REFRESH_MILLIS);
        return;
      }
      const federation = await response.json();
      if (federation.enabled) {
        this.render(federation);
      } else {
        this.hide();
      }
    } catch (error) {
      if (error.status === 401) {
        // No token (the prompt was cancelled): the page's token button tries again.
        this.hide();
      } else {
        this.section.hidden = false;
        this.body.replaceChildren(text('p', `Cannot read the links: ${error.message}`, 'error'));
      }
    }
    this.schedule(REFRESH_MILLIS);
  }

  hide() {
    this.section.hidden = true;
    this.body.replaceChildren();
  }

  render(federation) {
    this.section.hidden = false;
    this.section.dataset.site = federation.site;
    const parts = [text('p', `This site: ${federation.site}, policy v${federation.policyVersion}`, 'federation-site')];
    for (const link of federation.links) {
      parts.push(this.link(link));
    }
    parts.push(this.refusals(federation));
    const dropped = Object.entries(federation.dropped || {}).filter(([, count]) => count > 0);
    if (dropped.length > 0) {
      const line = text('p', `Could not leave: ${dropped.map(([reason, count]) => `${reason} ${count}`).join(', ')}`,
        'bad');
      line.dataset.testid = 'federation-dropped';
      parts.push(line);
    }
    parts.push(this.rules('Exported', federation.exports, 'exported'), this.rules('Imported', federation.imports, 'imported'));
    this.body.replaceChildren(...parts);
    this.addLegend();
  }

  link(link) {
    const block = document.createElement('div');
    block.className = `federation-link state-${link.state}`;
    block.dataset.testid = 'federation-link';
    block.dataset.state = link.state;
    const state = text('p', '', 'link-state');
    state.append(text('span', '', 'dot'), document.createTextNode(` ${link.broker}: ${link.state}`
      + (link.since ? ` since ${formatTime(link.since)}` : '')));
    const list = document.createElement('dl');
    const rows = [
      ['Sent', `${link.sent} (${rate(link.sentPerSecond)})`, 'sent'],
      ['Received', `${link.received} (${rate(link.receivedPerSecond)})`, 'received'],
      ['Lag', lag(link.lagMillis), 'lag'],
      ['Waiting to leave', `${link.queued} of ${link.queueCapacity}`, 'queued'],
    ];
    if (link.connectionsRefused) {
      rows.push(['Connections refused', String(link.connectionsRefused), 'connections-refused']);
    }
    if (link.lastError) {
      rows.push(['Last error', link.lastError, 'last-error']);
    }
    for (const [name, value, id] of rows) {
      const dd = text('dd', value);
      dd.dataset.testid = `federation-${id}`;
      list.append(text('dt', name), dd);
    }
    block.append(state, list);
    return block;
  }

  refusals(federation) {
    const box = document.createElement('div');
    box.dataset.testid = 'federation-refusals';
    const counted = Object.entries(federation.refused || {});
    const total = counted.reduce((sum, [, count]) => sum + count, 0);
    box.append(text('h3', `Refused from other sites: ${total}`));
    if (total > 0) {
      const list = document.createElement('ul');
      list.className = 'refusals';
      for (const [reason, count] of counted.filter(([, n]) => n > 0)) {
        const item = text('li', `${reason}: ${count}`);
        item.dataset.reason = reason;
        item.dataset.count = count;
        list.appendChild(item);
      }
      box.appendChild(list);
    }
    const last = federation.lastRefusal;
    if (last) {
      const line = text('p', `Last: ${formatTime(last.time)} from ${last.site || '(unknown site)'}, ${last.reason}: `
        + `${last.detail} (${last.topic})`, 'last-refusal');
      line.dataset.testid = 'federation-last-refusal';
      box.appendChild(line);
    }
    return box;
  }

  rules(title, rows, field) {
    const box = document.createElement('div');
    box.dataset.testid = `federation-${field}`;
    box.append(text('h3', title));
    if (!rows || rows.length === 0) {
      box.append(text('p', 'nothing yet', 'empty'));
      return box;
    }
    const list = document.createElement('ul');
    list.className = 'rules';
    for (const row of rows) {
      const item = text('li', `${row.rule}: ${row[field]}`);
      item.dataset.rule = row.rule;
      list.appendChild(item);
    }
    box.appendChild(list);
    return box;
  }

  /** The legend's entry for the mark of remote entities, once the page knows this site shares. */
  addLegend() {
    if (!this.legend || this.legend.querySelector('[data-testid="legend-remote"]')) {
      return;
    }
    const item = document.createElement('li');
    item.dataset.testid = 'legend-remote';
    const swatch = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    swatch.setAttribute('viewBox', '0 0 16 16');
    swatch.setAttribute('width', '16');
    swatch.setAttribute('height', '16');
    swatch.setAttribute('aria-hidden', 'true');
    const mark = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    mark.setAttribute('cx', '8');
    mark.setAttribute('cy', '8');
    mark.setAttribute('r', '6');
    mark.setAttribute('class', 'marker remote s-unknown');
    swatch.appendChild(mark);
    item.append(swatch, document.createTextNode(' from another site'));
    this.legend.appendChild(item);
  }
}
