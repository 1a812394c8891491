// The time slider: replays the map (entities and alerts) over the city's last day, from the history
// (GET /api/history/at). Moving it pauses the live picture and shows the city as it was; Live resumes the stream.

import { apiJson } from './api.js';
import { formatTime } from './alerts.js';
import { KINDS } from './symbols.js';

const STEP_MINUTES = 5;
const STEP_MILLIS = STEP_MINUTES * 60 * 1000;
/** A day in steps: the slider runs from STEPS steps before the city's newest observation (left) to Live (right). */
const STEPS = (24 * 60) / STEP_MINUTES;
/** What the map draws: the kinds and the waste collection route. */
const TYPES = [...Object.keys(KINDS), 'WasteCollectionRoute'];
/** How far back from the time a value still counts (the devices report every few minutes). */
const LOOK_BACK = '1h';
/** Play: one step a second. */
const PLAY_EVERY_MILLIS = 1000;
/** Moving the slider by hand: the city is asked for once it rests this long. */
const SETTLE_MILLIS = 150;

function html(tag, attributes = {}, text = '') {
  const node = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
  node.textContent = text;
  return node;
}

function twoDigits(n) {
  return String(n).padStart(2, '0');
}

/** HH:MM in the browser's time zone. */
export function clock(millis) {
  const date = new Date(millis);
  return `${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}`;
}

/**
 * The right end of the slider: the newest observation in the city, not the browser's clock, so that a city whose
 * devices run ahead of the wall clock (the simulator) still replays its last day (as the details' charts do).
 */
export function newestObservation(entities, nowMillis = Date.now()) {
  let newest = 0;
  for (const entity of entities) {
    for (const attribute of Object.values(entity.attributes || {})) {
      const at = Date.parse(attribute.observedAt);
      if (Number.isFinite(at) && at > newest) {
        newest = at;
      }
    }
  }
  return newest > 0 ? newest : nowMillis;
}

export class Replay {
  /**
   * @param root   the element the slider is drawn into
   * @param city   the page's entity store: replaced by the city at the chosen time while replaying
   * @param alerts the alert list: shows the alerts open at the chosen time while replaying
   * @param pause  called when replaying starts: the page stops applying the live stream
   * @param live   called when Live is chosen again: the page reloads the live picture and applies the stream
   */
  constructor(root, city, alerts, { pause, live }) {
    this.root = root;
    this.city = city;
    this.alerts = alerts;
    this.onPause = pause;
    this.onLive = live;
    this.end = 0;
    this.request = 0;
    this.timer = 0;
    this.player = 0;
    /** Where each entity of the live picture was, for those the history has no value of within the look-back. */
    this.places = new Map();

    this.play = html('button', { type: 'button', class: 'replay-play', 'data-testid': 'replay-play' }, 'Play');
    this.slider = html('input', {
      type: 'range', min: String(-STEPS), max: '0', step: '1', value: '0', class: 'replay-slider',
      'data-testid': 'replay-slider', 'aria-label': `Time, the last 24 hours in ${STEP_MINUTES}-minute steps`,
      'aria-valuetext': 'Live',
    });
    this.mark = html('span', { class: 'replay-mark', role: 'status', 'data-testid': 'replay-mark' }, 'Live');
    this.live = html('button', { type: 'button', class: 'replay-live', 'data-testid': 'replay-live' }, 'Live');
    this.live.disabled = true;
    root.replaceChildren(this.play, this.slider, this.mark, this.live);
    root.dataset.state = 'live';

    this.slider.addEventListener('input', () => this.moved());
    this.live.addEventListener('click', () => this.goLive());
    this.play.addEventListener('click', () => (this.player ? this.stop() : this.start()));
  }

  /** Whether the page shows an earlier time rather than the live picture. */
  get active() {
    return this.end > 0;
  }

  /** The time a slider position stands for. */
  timeAt(step) {
    return this.end + step * STEP_MILLIS;
  }

  /** The slider moved (by hand or by play): Live at the right end, else the city at that time, once it rests. */
  moved() {
    const step = Number(this.slider.value);
    clearTimeout(this.timer);
    if (step >= 0) {
      this.goLive();
      return;
    }
    this.pause();
    this.label(this.timeAt(step));
    this.timer = setTimeout(() => this.show(this.timeAt(step)), this.player ? 0 : SETTLE_MILLIS);
  }

  /** Leaves the live picture: the slider's day ends at the city's newest observation, fixed until Live. */
  pause() {
    if (this.active) {
      return;
    }
    const entities = [...this.city.all()];
    this.end = newestObservation(entities);
    this.places = new Map(entities.filter((e) => TYPES.includes(e.type) && e.location)
      .map((e) => [e.id, { id: e.id, type: e.type, location: e.location }]));
    clearTimeout(this.alerts.timer);
    this.slider.dataset.end = new Date(this.end).toISOString();
    this.root.dataset.state = 'replaying';
    document.body.classList.add('replaying');
    this.live.disabled = false;
    this.onPause();
  }

  label(time) {
    const text = `Replaying ${clock(time)}`;
    this.mark.textContent = text;
    this.mark.title = formatTime(new Date(time).toISOString());
    this.mark.dataset.time = new Date(time).toISOString();
    this.slider.setAttribute('aria-valuetext', text);
  }

  /** The city at a time: the entities as the history has them, the alerts open then. A later move wins. */
  async show(time) {
    const mine = ++this.request;
    this.root.dataset.loading = 'true';
    const iso = new Date(time).toISOString();
    try {
      const answer = await apiJson(`/api/history/at?time=${encodeURIComponent(iso)}&type=${TYPES.join(',')}`
        + `&lookBack=${LOOK_BACK}`);
      if (mine !== this.request || !this.active) {
        return;
      }
      const entities = new Map(answer.entities.map((entity) => [entity.id, entity]));
      // An entity with no value within the look-back stays where it is, with no state (grey).
      for (const [id, place] of this.places) {
        const entity = entities.get(id);
        if (!entity) {
          entities.set(id, { ...place, attributes: {} });
        } else if (!entity.location) {
          entity.location = place.location;
        }
      }
      this.city.replayTime = iso;
      this.city.load([...entities.values()]);
      this.alerts.show(answer.alerts);
      this.root.dataset.shown = iso;
      this.mark.classList.remove('error');
    } catch (error) {
      if (mine === this.request) {
        this.mark.textContent = `Cannot replay ${clock(time)}: ${error.message}`;
        this.mark.classList.add('error');
        this.stop();
      }
    } finally {
      if (mine === this.request) {
        delete this.root.dataset.loading;
      }
    }
  }

  /** Play: a step forward each second, from the slider's place (the start of the day when Live); Live at the end. */
  start() {
    if (Number(this.slider.value) >= 0) {
      this.slider.value = String(-STEPS);
    }
    this.play.textContent = 'Pause';
    this.play.setAttribute('aria-pressed', 'true');
    this.player = setInterval(() => {
      if (this.root.dataset.loading) {
        return; // the previous step is still on its way: wait for it
      }
      this.slider.value = String(Number(this.slider.value) + 1);
      this.moved();
    }, PLAY_EVERY_MILLIS);
    this.moved();
  }

  stop() {
    clearInterval(this.player);
    this.player = 0;
    this.play.textContent = 'Play';
    this.play.setAttribute('aria-pressed', 'false');
  }

  /** Back to the live picture: the page reloads it and applies the stream again. */
  goLive() {
    this.stop();
    clearTimeout(this.timer);
    this.request++;
    this.slider.value = '0';
    this.slider.setAttribute('aria-valuetext', 'Live');
    this.mark.textContent = 'Live';
    this.mark.classList.remove('error');
    delete this.mark.dataset.time;
    delete this.root.dataset.shown;
    delete this.root.dataset.loading;
    if (!this.active) {
      return;
    }
    this.end = 0;
    this.city.replayTime = null;
    this.root.dataset.state = 'live';
    document.body.classList.remove('replaying');
    this.live.disabled = true;
    this.onLive();
  }
}
