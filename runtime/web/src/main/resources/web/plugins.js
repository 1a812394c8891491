// The plugin panel: each plugin's name, version, state, health and last outcome from /api/plugins, with an update
// (upload a jar: PUT /api/plugins/{name}) and a rollback (POST /api/plugins/{name}/rollback).

import { apiFetch, apiJson, readProblem } from './api.js';

const REFRESH_MILLIS = 5000;

function text(tag, content, className) {
  const node = document.createElement(tag);
  node.textContent = content;
  if (className) {
    node.className = className;
  }
  return node;
}

/** An outcome in a few words: "UPDATE PROMOTED 1.0.0 → 2.0.0". */
export function describeOutcome(outcome) {
  if (!outcome) {
    return '';
  }
  const versions = [outcome.fromVersion, outcome.toVersion].filter(Boolean).join(' → ');
  return `${outcome.operation} ${outcome.result}${versions ? ` ${versions}` : ''}${outcome.reason ? `: ${outcome.reason}` : ''}`;
}

export class PluginPanel {
  constructor(table, result) {
    this.body = table.tBodies[0];
    this.result = result;
    this.busy = false;
    this.timer = 0;
  }

  start() {
    this.refresh();
    this.timer = setInterval(() => {
      if (!this.busy && !document.hidden) {
        this.refresh();
      }
    }, REFRESH_MILLIS);
  }

  async refresh() {
    try {
      const answer = await apiJson('/api/plugins');
      this.render(answer.plugins);
      if (this.result.dataset.kind === 'list-error') {
        this.say('', '');
      }
    } catch (error) {
      this.say(`Cannot list the plugins: ${error.message}`, 'list-error');
    }
  }

  render(plugins) {
    // A row whose file input holds a chosen jar keeps it: only its cells are replaced.
    const rows = plugins.map((plugin) => this.row(plugin));
    this.body.replaceChildren(...rows);
  }

  row(plugin) {
    const name = plugin.symbolicName;
    const existing = this.body.querySelector(`tr[data-plugin="${CSS.escape(name)}"]`);
    const row = document.createElement('tr');
    row.dataset.plugin = name;
    row.dataset.testid = 'plugin';
    const health = plugin.healthy ? 'healthy' : `unhealthy${plugin.problems?.length ? `: ${plugin.problems.join('; ')}` : ''}`;
    const version = text('td', plugin.version);
    version.dataset.testid = 'plugin-version';
    const state = text('td', plugin.state);
    state.dataset.testid = 'plugin-state';
    const healthCell = text('td', health, plugin.healthy ? 'ok' : 'bad');
    healthCell.dataset.testid = 'plugin-health';
    const outcome = text('td', describeOutcome(plugin.lastOutcome));
    outcome.dataset.testid = 'plugin-outcome';
    const nameCell = text('th', name);
    nameCell.scope = 'row';
    row.append(nameCell, version, state, healthCell, outcome, this.actions(plugin, existing));
    return row;
  }

  actions(plugin, existing) {
    const name = plugin.symbolicName;
    const keptInput = existing?.querySelector('input[type=file]');
    const cell = document.createElement('td');
    cell.className = 'actions';
    const id = `jar-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const label = text('label', 'New jar');
    label.htmlFor = id;
    label.className = 'visually-hidden';
    let input = keptInput;
    if (!input) {
      input = document.createElement('input');
      input.type = 'file';
      input.accept = '.jar,application/java-archive';
      input.id = id;
      input.dataset.testid = 'plugin-jar';
    }
    const update = text('button', 'Update');
    update.type = 'button';
    update.dataset.testid = 'plugin-update';
    update.addEventListener('click', () => this.update(name, input));
    const rollback = text('button', plugin.previousVersion ? `Roll back to ${plugin.previousVersion}` : 'Roll back');
    rollback.type = 'button';
    rollback.dataset.testid = 'plugin-rollback';
    rollback.disabled = !plugin.previousVersion || plugin.busy;
    rollback.title = plugin.previousVersion ? `Back to ${plugin.previousVersion}` : 'No earlier version to go back to';
    rollback.addEventListener('click', () => this.rollback(name));
    cell.append(label, input, update, rollback);
    return cell;
  }

  async update(name, input) {
    const file = input.files?.[0];
    if (!file) {
      this.say(`Choose the new jar of ${name} first.`, 'error');
      return;
    }
    await this.run(`Updating ${name} from ${file.name}`, `/api/plugins/${encodeURIComponent(name)}`,
      { method: 'PUT', headers: { 'Content-Type': 'application/java-archive' }, body: file });
    input.value = '';
  }

  rollback(name) {
    return this.run(`Rolling back ${name}`, `/api/plugins/${encodeURIComponent(name)}/rollback`, { method: 'POST' });
  }

  /** One operation: says it started, then its outcome or the problem's detail, then lists the plugins again. */
  async run(doing, path, options) {
    this.busy = true;
    this.say(`${doing}…`, 'pending');
    this.result.closest('section').setAttribute('aria-busy', 'true');
    try {
      const response = await apiFetch(path, options);
      const body = response.ok ? await response.json() : await readProblem(response);
      const outcome = body?.outcome ?? (body?.operation ? body : null);
      if (response.ok) {
        this.say(`Done: ${describeOutcome(outcome) || response.status}`, 'ok');
      } else {
        const rest = body?.outcome ? ` (${describeOutcome(body.outcome)})` : '';
        this.say(`Refused (${response.status}): ${body?.detail || response.statusText}${rest}`, 'error');
      }
    } catch (error) {
      this.say(`Failed: ${error.message}`, 'error');
    } finally {
      this.busy = false;
      this.result.closest('section').removeAttribute('aria-busy');
      await this.refresh();
    }
  }

  say(message, kind) {
    this.result.textContent = message;
    this.result.dataset.kind = kind;
  }
}
