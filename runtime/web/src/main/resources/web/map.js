// The map: an SVG drawn from the entities' coordinates (no tiles), fitted to the bounding box of everything located,
// equirectangular with the longitude scaled by cos(latitude). Zoom and pan: zoom.js.

import { localId, position, value } from './city.js';
import { markRemote } from './federation.js';
import { KINDS, LEGEND } from './symbols.js';
import { ZoomPan } from './zoom.js';

const SVG = 'http://www.w3.org/2000/svg';
/** The map is WIDTH units wide; its height follows the svg's own shape on screen. */
const WIDTH = 1000;
const MARGIN = 30;
const METRES_PER_DEGREE = 111320;
const ROUTE = 'WasteCollectionRoute';

function element(name, attributes = {}) {
  const node = document.createElementNS(SVG, name);
  Object.entries(attributes).forEach(([key, val]) => node.setAttribute(key, val));
  return node;
}

/** Draws the city's entities into an svg and keeps them current. */
export class CityMap {
  /**
   * @param svg       the svg element
   * @param city      the entity store
   * @param alertAbout id -> the most severe active alert about that entity, or undefined
   * @param onSelect  called with an entity id when a marker is chosen
   */
  constructor(svg, city, alertAbout, onSelect) {
    this.svg = svg;
    this.city = city;
    this.alertAbout = alertAbout;
    this.onSelect = onSelect;
    this.markers = new Map();
    this.pending = new Set();
    this.frame = 0;
    this.layers = {};
    for (const name of ['route', ...Object.keys(KINDS)]) {
      this.layers[name] = svg.appendChild(element('g', { class: `layer layer-${name}` }));
    }
    this.height = 700;
    this.counted = new Set();
    this.fit();
    this.zoom = new ZoomPan(svg, () => ({ w: WIDTH, h: this.height }));
    new ResizeObserver(() => this.resized()).observe(svg);
    svg.addEventListener('click', (event) => this.choose(event));
    svg.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        this.choose(event);
      }
    });
  }

  /** The svg changed shape: the map fills it again. */
  resized() {
    const { width, height } = this.svg.getBoundingClientRect();
    const next = width > 0 && height > 0 ? Math.round((WIDTH * height) / width) : this.height;
    if (Math.abs(next - this.height) > 2) {
      this.height = next;
      this.resetView();
      this.redrawAll();
    }
  }

  choose(event) {
    const marker = event.target.closest('[data-id]');
    if (marker && !this.zoom.dragged) {
      event.preventDefault();
      this.onSelect(marker.dataset.id);
    }
  }

  /** Redraws everything: after a reload, or when an entity lies outside the fitted box. */
  redrawAll() {
    this.fit();
    // Markers stay the same elements (focus and references survive); those of entities gone are removed.
    this.markers.forEach((marker, id) => {
      if (!this.city.get(id)) {
        marker.remove();
        this.markers.delete(id);
      }
    });
    for (const entity of this.city.all()) {
      this.draw(entity);
    }
    this.drawRoute();
    this.summarise();
  }

  /** Marks entities changed; they are redrawn in the next animation frame, together. */
  changed(ids) {
    if (ids === null) {
      this.redrawAll();
      return;
    }
    ids.forEach((id) => this.pending.add(id));
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => this.flush());
    }
  }

  /** Every marker again (alerts changed, which colours gauges and rings alerting entities). */
  restyle() {
    this.markers.forEach((_, id) => this.pending.add(id));
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => this.flush());
    }
  }

  flush() {
    this.frame = 0;
    const ids = [...this.pending];
    this.pending.clear();
    if (ids.some((id) => this.outside(this.city.get(id)))) {
      this.redrawAll();
      return;
    }
    let routeChanged = false;
    for (const id of ids) {
      const entity = this.city.get(id);
      if (entity?.type === ROUTE) {
        routeChanged = true;
      } else if (entity) {
        this.draw(entity);
      }
    }
    if (routeChanged) {
      this.drawRoute();
    }
    if (ids.some((id) => !this.counted.has(id))) {
      this.summarise();
    }
  }

  /** The bounding box of every drawn kind (and the route's depot), and the scale that fits it. */
  fit() {
    let west = Infinity; let east = -Infinity; let south = Infinity; let north = -Infinity;
    for (const entity of this.city.all()) {
      const at = position(entity);
      if (at && (KINDS[entity.type] || entity.type === ROUTE)) {
        west = Math.min(west, at[0]); east = Math.max(east, at[0]);
        south = Math.min(south, at[1]); north = Math.max(north, at[1]);
      }
    }
    if (!Number.isFinite(west)) {
      west = 0; east = 0.01; south = 0; north = 0.01;
    }
    const kx = Math.cos(((south + north) / 2) * Math.PI / 180);
    const spanX = Math.max((east - west) * kx, 1e-6);
    const spanY = Math.max(north - south, 1e-6);
    const scale = Math.min((WIDTH - 2 * MARGIN) / spanX, (this.height - 2 * MARGIN) / spanY);
    this.box = { west, east, south, north };
    this.projection = {
      kx, scale,
      x0: MARGIN + ((WIDTH - 2 * MARGIN) - spanX * scale) / 2,
      y0: MARGIN + ((this.height - 2 * MARGIN) - spanY * scale) / 2,
    };
  }

  outside(entity) {
    const at = position(entity);
    if (!at || !this.box || !(KINDS[entity.type] || entity.type === ROUTE)) {
      return false;
    }
    const { west, east, south, north } = this.box;
    return at[0] < west || at[0] > east || at[1] < south || at[1] > north;
  }

  project([lon, lat]) {
    const p = this.projection;
    return [p.x0 + (lon - this.box.west) * p.kx * p.scale, p.y0 + (this.box.north - lat) * p.scale];
  }

  /** Metres on the ground as map units. */
  metres(m) {
    return (m / METRES_PER_DEGREE) * this.projection.scale;
  }

  draw(entity) {
    const kind = KINDS[entity.type];
    const at = position(entity);
    if (!kind || !at) {
      return;
    }
    const state = kind.state(entity, this.alertAbout);
    const alert = this.alertAbout(entity.id);
    let marker = this.markers.get(entity.id);
    if (!marker) {
      marker = this.shape(kind.shape, entity);
      marker.setAttribute('data-testid', 'entity');
      marker.setAttribute('data-type', entity.type);
      marker.setAttribute('data-id', entity.id);
      marker.setAttribute('tabindex', '0');
      marker.setAttribute('role', 'button');
      marker.appendChild(element('title'));
      this.layers[entity.type].appendChild(marker);
      this.markers.set(entity.id, marker);
    }
    this.place(marker, kind.shape, entity, at);
    marker.setAttribute('data-state', state);
    marker.setAttribute('class', `marker kind-${entity.type} s-${state}${alert ? ` alerting sev-${alert.severity}` : ''}`);
    const from = markRemote(marker, entity);
    const label = `${kind.name} ${localId(entity.id)}: ${state}${from}${alert ? `, alert: ${alert.description}` : ''}`;
    marker.setAttribute('aria-label', label);
    marker.querySelector('title').textContent = label;
  }

  shape(shape) {
    if (shape === 'zone' || shape === 'dot' || shape === 'gauge') {
      return element('circle');
    }
    if (shape === 'square') {
      return element('rect', { width: 8, height: 8 });
    }
    return element('polygon');
  }

  place(marker, shape, entity, at) {
    const [x, y] = this.project(at);
    if (shape === 'zone') {
      const area = value(entity, 'area');
      const radius = typeof area === 'number' && area > 0 ? Math.sqrt(area / Math.PI) : 60;
      setAll(marker, { cx: x, cy: y, r: Math.max(8, this.metres(radius)) });
    } else if (shape === 'dot') {
      setAll(marker, { cx: x, cy: y, r: 3.5 });
    } else if (shape === 'gauge') {
      setAll(marker, { cx: x, cy: y, r: 6 });
    } else if (shape === 'square') {
      setAll(marker, { x: x - 4, y: y - 4 });
    } else if (shape === 'diamond') {
      marker.setAttribute('points', `${x},${y - 6} ${x + 6},${y} ${x},${y + 6} ${x - 6},${y}`);
    } else {
      marker.setAttribute('points', `${x},${y - 7} ${x + 7},${y + 6} ${x - 7},${y + 6}`);
    }
  }

  /** The route: depot, the stops in visiting order, back to the depot. */
  drawRoute() {
    this.layers.route.replaceChildren();
    for (const route of this.city.all()) {
      if (route.type !== ROUTE || !position(route)) {
        continue;
      }
      let stops;
      try {
        stops = JSON.parse(value(route, 'stops') ?? '[]');
      } catch {
        continue;
      }
      const points = [position(route), ...stops.map((id) => position(this.city.get(id))).filter(Boolean), position(route)];
      const depot = this.project(position(route));
      const group = element('g', { 'data-testid': 'route', 'data-id': route.id, 'data-stops': stops.length });
      if (points.length > 2) {
        group.appendChild(element('polyline', { class: 'route', points: points.map((p) => this.project(p).join(',')).join(' ') }));
      }
      const mark = element('rect', { class: 'depot', x: depot[0] - 6, y: depot[1] - 6, width: 12, height: 12, tabindex: 0, role: 'button',
        'data-id': route.id, 'aria-label': `Depot of ${localId(route.id)}: ${stops.length} stops` });
      mark.appendChild(element('title')).textContent = `Depot ${localId(route.id)}, route of ${stops.length} stops`;
      group.appendChild(mark);
      this.layers.route.appendChild(group);
    }
  }

  summarise() {
    const counts = {};
    this.counted = new Set(this.markers.keys());
    this.markers.forEach((marker) => {
      counts[marker.dataset.type] = (counts[marker.dataset.type] || 0) + 1;
    });
    const text = Object.entries(KINDS).map(([type, kind]) => `${counts[type] || 0} ${kind.name.toLowerCase()}s`).join(', ');
    document.getElementById('map-summary').textContent = text;
  }

  /** The legend as a list of swatches, drawn with the map's own classes. */
  static legend(list) {
    list.replaceChildren();
    for (const [type, state, text] of LEGEND) {
      const item = document.createElement('li');
      const swatch = element('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true' });
      if (type === ROUTE) {
        swatch.appendChild(element('polyline', { class: 'route', points: '1,12 6,4 10,10 15,3' }));
      } else {
        const shape = KINDS[type].shape;
        const mark = shape === 'square' ? element('rect', { x: 3, y: 3, width: 10, height: 10 })
          : shape === 'diamond' ? element('polygon', { points: '8,1 15,8 8,15 1,8' })
            : shape === 'triangle' ? element('polygon', { points: '8,1 15,14 1,14' })
              : element('circle', { cx: 8, cy: 8, r: shape === 'dot' ? 4 : 6 });
        mark.setAttribute('class', `marker kind-${type} s-${state}`);
        swatch.appendChild(mark);
      }
      item.append(swatch, document.createTextNode(` ${text}`));
      list.appendChild(item);
    }
  }

  resetView() {
    this.zoom.reset();
  }
}

function setAll(node, attributes) {
  Object.entries(attributes).forEach(([key, val]) => node.setAttribute(key, val));
}
