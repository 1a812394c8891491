// The alert list: the active alerts from /api/alerts, newest first, fetched again whenever the stream says an
// alert changed (a few changes in a row cause one fetch).

import { apiJson } from './api.js';

const SEVERITY_RANK = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function severityRank(severity) {
  return SEVERITY_RANK[severity] ?? -1;
}

export function formatTime(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

export class AlertList {
  constructor(list, count, empty, onSelect, onChange) {
    this.list = list;
    this.count = count;
    this.empty = empty;
    this.onSelect = onSelect;
    this.onChange = onChange;
    this.alerts = [];
    this.byEntity = new Map();
    this.timer = 0;
    this.loading = null;
    this.again = false;
  }

  /** The most severe active alert about an entity, or undefined. */
  about(entityId) {
    return this.byEntity.get(entityId);
  }

  byKey(key) {
    return this.alerts.find((alert) => alert.key === key);
  }

  /** A refresh soon, once for a burst of alert events. */
  changed() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), 250);
  }

  async refresh() {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      try {
        const page = await apiJson('/api/alerts?state=active&limit=10000');
        this.show(page.alerts);
      } finally {
        this.loading = null;
        if (this.again) {
          this.again = false;
          this.changed();
        }
      }
    })();
    return this.loading;
  }

  show(alerts) {
    this.alerts = [...alerts].sort((a, b) => Date.parse(b.validFrom || b.updatedAt || 0) - Date.parse(a.validFrom || a.updatedAt || 0));
    this.byEntity = new Map();
    for (const alert of this.alerts) {
      const known = this.byEntity.get(alert.about);
      if (alert.about && (!known || severityRank(alert.severity) > severityRank(known.severity))) {
        this.byEntity.set(alert.about, alert);
      }
    }
    this.render();
    this.onChange();
  }

  render() {
    const items = this.alerts.map((alert) => {
      const item = document.createElement('li');
      item.dataset.testid = 'alert';
      item.dataset.key = alert.key;
      item.dataset.severity = alert.severity;
      item.className = `alert sev-${alert.severity}`;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'alert-button';
      const severity = document.createElement('span');
      severity.className = 'severity';
      severity.textContent = alert.severity;
      const text = document.createElement('span');
      text.className = 'description';
      text.textContent = alert.description || alert.key;
      const meta = document.createElement('span');
      meta.className = 'meta';
      meta.textContent = `${alert.category}/${alert.subCategory} · ${alert.source || ''} · ${formatTime(alert.validFrom)}`;
      button.append(severity, text, meta);
      button.addEventListener('click', () => this.onSelect(alert));
      item.appendChild(button);
      return item;
    });
    // Items that did not change stay in place, so a screen reader announces only the new ones.
    const old = new Map([...this.list.children].map((li) => [li.dataset.key, li]));
    const next = items.map((item) => {
      const same = old.get(item.dataset.key);
      return same && same.textContent === item.textContent && same.className === item.className ? same : item;
    });
    this.list.replaceChildren(...next);
    this.count.textContent = String(this.alerts.length);
    this.empty.hidden = this.alerts.length > 0;
  }
}
