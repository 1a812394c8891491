// The details panel: one entity (every attribute with value, unit, observedAt and source) or one alert.

import { apiJson } from './api.js';
import { localId, position } from './city.js';
import { formatTime } from './alerts.js';
import { historyCharts } from './charts.js';
import { originNote } from './federation.js';

function cell(tag, text, className) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (className) {
    node.className = className;
  }
  return node;
}

function show(value) {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export class Details {
  constructor(panel, city, alerts) {
    this.panel = panel;
    this.city = city;
    this.alerts = alerts;
    this.shown = null;
    /** The charts of the entity shown, fetched once each time it is chosen: {id, section}. */
    this.charts = null;
  }

  /** Shows an entity from the store at once, then as the API has it now. */
  async showEntity(id) {
    // This choice, compared by identity: an answer that comes after the user chose again (the same entity included)
    // is dropped, so that a slow earlier answer never adds its charts to a later choice.
    const shown = { entity: id };
    this.shown = shown;
    const known = this.city.get(id);
    if (known) {
      this.renderEntity(known);
    }
    try {
      // While the time slider replays an earlier time, the entity as it was then (the store holds it).
      const fresh = this.city.replayTime && known ? known : await apiJson(`/api/entities/${encodeURIComponent(id)}`);
      if (this.shown === shown) {
        this.charts = null;
        this.renderEntity(fresh);
        const section = await historyCharts(fresh);
        if (this.shown === shown) {
          this.charts = { id, section };
          this.panel.appendChild(section);
        }
      }
    } catch (error) {
      if (this.shown === shown && !known) {
        this.panel.replaceChildren(cell('p', `Cannot show ${id}: ${error.message}`, 'error'));
      }
    }
  }

  showAlert(alert) {
    this.shown = { alert: alert.key };
    this.renderAlert(alert);
  }

  /** Entities changed in the store: the one shown is drawn again. */
  changed(ids) {
    if (this.shown?.entity && (ids === null || ids.includes(this.shown.entity))) {
      const entity = this.city.get(this.shown.entity);
      if (entity) {
        this.renderEntity(entity);
      }
    }
  }

  /** The alert list changed: the alert shown is drawn again (or said to be over). */
  alertsChanged() {
    if (this.shown?.alert) {
      const alert = this.alerts.byKey(this.shown.alert);
      if (alert) {
        this.renderAlert(alert);
      } else {
        const note = this.panel.querySelector('[data-testid="details-state"]');
        if (note) {
          note.textContent = 'No longer active';
        }
      }
    }
  }

  renderEntity(entity) {
    const heading = cell('h3', `${entity.type} ${localId(entity.id)}`);
    const id = cell('p', entity.id, 'urn');
    const at = position(entity);
    const where = cell('p', at ? `Location: ${at[1].toFixed(5)} N, ${at[0].toFixed(5)} E` : 'No location', 'where');
    const table = document.createElement('table');
    table.className = 'attributes';
    table.dataset.testid = 'details-attributes';
    const head = document.createElement('tr');
    ['Attribute', 'Value', 'Unit', 'Observed at', 'Source'].forEach((name) => {
      const th = cell('th', name);
      th.scope = 'col';
      head.appendChild(th);
    });
    table.appendChild(document.createElement('thead')).appendChild(head);
    const body = table.appendChild(document.createElement('tbody'));
    for (const [name, attribute] of Object.entries(entity.attributes || {}).sort(([a], [b]) => a.localeCompare(b))) {
      const row = document.createElement('tr');
      row.dataset.attribute = name;
      const th = cell('th', name);
      th.scope = 'row';
      // A stale value: the plugin that published it was removed, and nothing will update it.
      const source = attribute.stale ? `${attribute.source || ''} (removed: stale)` : attribute.source || '';
      row.append(th, cell('td', show(attribute.value)), cell('td', attribute.unit || ''),
        cell('td', formatTime(attribute.observedAt)), cell('td', source));
      if (attribute.stale) {
        row.className = 'stale';
        row.title = 'The plugin that published this value was removed: nothing will update it';
      }
      body.appendChild(row);
    }
    const parts = [heading, id, where];
    const origin = originNote(entity);
    if (origin) {
      parts.push(origin);
    }
    if (entity.stale) {
      const note = cell('p', 'Stale: the plugin that published this entity was removed', 'stale-note');
      note.dataset.testid = 'details-stale';
      parts.push(note);
    }
    this.panel.replaceChildren(...parts, table);
    if (this.charts?.id === entity.id) {
      this.panel.appendChild(this.charts.section);
    }
    this.panel.dataset.shown = entity.id;
  }

  renderAlert(alert) {
    const heading = cell('h3', `Alert ${alert.key}`);
    const state = cell('p', alert.active ? 'Active' : 'Resolved', 'state');
    state.dataset.testid = 'details-state';
    const list = document.createElement('dl');
    const rows = [['Severity', alert.severity], ['Category', `${alert.category} / ${alert.subCategory}`],
      ['Description', alert.description], ['Source', alert.source], ['Since', formatTime(alert.validFrom)],
      ['Until', formatTime(alert.validTo)], ['Updated', formatTime(alert.updatedAt)]];
    for (const [name, text] of rows) {
      list.append(cell('dt', name), cell('dd', text || ''));
    }
    const parts = [heading, state, list];
    if (alert.about) {
      const button = cell('button', `Show ${localId(alert.about)}`);
      button.type = 'button';
      button.addEventListener('click', () => this.showEntity(alert.about));
      parts.push(button);
    }
    this.panel.replaceChildren(...parts);
    this.panel.dataset.shown = alert.id || alert.key;
  }
}
