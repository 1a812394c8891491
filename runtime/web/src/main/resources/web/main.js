// The page: loads the city and the alerts, draws them, and keeps them current from the live stream.

import { allEntities, allowTokenPrompt } from './api.js';
import { AlertList } from './alerts.js';
import { City } from './city.js';
import { Details } from './details.js';
import { FederationPanel } from './federation.js';
import { CityMap } from './map.js';
import { PluginPanel } from './plugins.js';
import { Replay } from './replay.js';
import { LiveStream } from './stream.js';

const city = new City();
const byId = (id) => document.getElementById(id);

let details;
const alerts = new AlertList(byId('alerts'), byId('alert-count'), byId('alerts-empty'),
  (alert) => details.showAlert(alert), () => {
    map.restyle();
    details.alertsChanged();
  });
const map = new CityMap(byId('map'), city, (id) => alerts.about(id), (id) => details.showEntity(id));
details = new Details(byId('details'), city, alerts);
const plugins = new PluginPanel(byId('plugins'), byId('plugin-result'));
const federation = new FederationPanel(byId('federation-panel'), byId('federation'), byId('legend'));

CityMap.legend(byId('legend'));
byId('map-reset').addEventListener('click', () => map.resetView());
city.onChange((ids) => {
  map.changed(ids);
  details.changed(ids);
});

function status(state, text) {
  const indicator = byId('connection');
  indicator.dataset.state = state;
  indicator.querySelector('.label').textContent = text;
  byId('token-button').hidden = state !== 'unauthorized';
}

// While the picture is (re)loaded, stream events wait; afterwards they are applied over it (older readings than
// the loaded ones change nothing), so nothing that happened during the load is lost.
let waiting = null;
let generation = 0;

// While the time slider replays an earlier time, the stream's events are dropped (and a load under way is
// forgotten): Live loads the picture afresh.
const replay = new Replay(byId('replay'), city, alerts, {
  pause: () => {
    generation++;
    waiting = null;
  },
  live: () => resync(),
});

async function resync() {
  if (replay.active) {
    return;
  }
  const mine = ++generation;
  waiting = waiting ?? [];
  try {
    const [entities] = await Promise.all([allEntities(), alerts.refresh()]);
    if (mine !== generation) {
      return;
    }
    city.load(entities);
    const held = waiting;
    waiting = null;
    held.forEach(handle);
  } catch (error) {
    if (mine === generation) {
      waiting = null;
      status('error', `Cannot load the city: ${error.message}`);
    }
  }
}

// A reconnection that resumed (Last-Event-ID) gets what it missed replayed: the picture stays. A first connection,
// or one the server cannot resume, loads it afresh.
function opened(resumed) {
  if (!resumed) {
    resync();
  }
}

function handle(event) {
  if (replay.active) {
    return;
  }
  // resync: this client fell behind; reset: the stream cannot replay what it missed. Either way: reload.
  const reload = event.type === 'resync' || event.type === 'reset';
  if (waiting && !reload) {
    waiting.push(event);
    return;
  }
  if (reload) {
    resync();
    return;
  }
  if (event.type !== 'change' && event.type !== 'alert' && event.type !== 'delete') {
    return;
  }
  let change;
  try {
    change = JSON.parse(event.data);
  } catch {
    return;
  }
  if (event.type === 'delete') {
    city.remove(change);
    return;
  }
  city.apply(change);
  if (event.type === 'alert') {
    alerts.changed();
  }
}

const stream = new LiveStream('/api/stream', { onOpen: opened, onEvent: handle, onStatus: status });
stream.start();
plugins.start();
federation.start();

// After the token prompt was cancelled: the way to try again.
byId('token-button').addEventListener('click', () => {
  allowTokenPrompt();
  stream.connect();
  plugins.refresh();
  federation.refresh();
});
