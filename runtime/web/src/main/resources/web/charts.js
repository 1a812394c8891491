// Charts of an entity's numeric attributes over the last day, from the history (GET /api/entities/{id}/history).

import { apiJson } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 260;
const HEIGHT = 56;
const DAY_MILLIS = 24 * 60 * 60 * 1000;
/** Five-minute buckets: 288 points a day per attribute, well under the API's 50,000-point limit for 20 attributes. */
const BUCKET = '5m';
const MAX_ATTRIBUTES = 20;

function svg(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  return node;
}

function paragraph(text, className) {
  const node = document.createElement('p');
  node.textContent = text;
  node.className = className;
  return node;
}

function round(value) {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 1000) / 1000);
}

/**
 * The day the charts cover: it ends at the entity's newest observation, not at the browser's clock, so that a city
 * whose devices run on another clock (the simulator runs ahead of the wall clock) still shows its last day.
 */
export function chartRange(entity, nowMillis = Date.now()) {
  let newest = 0;
  for (const attribute of Object.values(entity.attributes || {})) {
    const at = Date.parse(attribute.observedAt);
    if (Number.isFinite(at) && at > newest) {
      newest = at;
    }
  }
  const to = (newest > 0 ? newest : nowMillis) + 1000;
  return { from: to - DAY_MILLIS, to };
}

/** One chart: the buckets' averages as a line over the day, with the lowest, highest and last value. */
function chart(name, unit, points, range) {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  figure.dataset.testid = 'history-chart';
  figure.dataset.attribute = name;
  figure.dataset.points = String(points.length);
  const values = points.map(([, value]) => value);
  const low = Math.min(...values);
  const high = Math.max(...values);
  const span = high - low || 1;
  const x = (time) => ((Date.parse(time) - range.from) / (range.to - range.from)) * WIDTH;
  const y = (value) => HEIGHT - 4 - ((value - low) / span) * (HEIGHT - 8);
  const drawing = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, width: WIDTH, height: HEIGHT, role: 'img' });
  drawing.appendChild(svg('title', {})).textContent = `${name} over the last day`;
  const line = points.map(([time, value]) => `${x(time).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
  drawing.appendChild(svg('polyline', { points: line, class: 'chart-line' }));
  if (points.length === 1) {
    const [[time, value]] = points;
    drawing.appendChild(svg('circle', { cx: x(time).toFixed(1), cy: y(value).toFixed(1), r: 2, class: 'chart-dot' }));
  }
  const caption = document.createElement('figcaption');
  const suffix = unit ? ` ${unit}` : '';
  caption.textContent = `${name}: ${round(low)} to ${round(high)}${suffix}, last ${round(values[values.length - 1])}${suffix}`;
  figure.append(drawing, caption);
  return figure;
}

/**
 * A section with a chart per numeric attribute of the entity over its last day; a note instead when there is no
 * history (the runtime runs without it, or nothing was kept yet) or the caller may not see it.
 */
export async function historyCharts(entity) {
  const section = document.createElement('section');
  section.className = 'charts';
  section.dataset.testid = 'history';
  const numeric = Object.entries(entity.attributes || {})
    .filter(([, attribute]) => typeof attribute.value === 'number')
    .map(([name]) => name)
    .sort()
    .slice(0, MAX_ATTRIBUTES);
  if (numeric.length === 0) {
    return section;
  }
  const heading = document.createElement('h4');
  heading.textContent = 'Last day';
  section.appendChild(heading);
  const range = chartRange(entity);
  const query = new URLSearchParams({
    from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), bucket: BUCKET,
    aggregate: 'avg', attrs: numeric.join(','),
  });
  let answer;
  try {
    answer = await apiJson(`/api/entities/${encodeURIComponent(entity.id)}/history?${query}`);
  } catch (error) {
    section.appendChild(paragraph(error.status === 404 ? 'No history is kept for it.'
      : `No history: ${error.message}`, 'note'));
    return section;
  }
  // An attribute reported by two sources comes as two series: the chart shows the one with the most points.
  const byName = new Map();
  for (const series of answer.attributes || []) {
    const kept = byName.get(series.name);
    if ((series.points || []).length > 0 && (!kept || series.points.length > kept.points.length)) {
      byName.set(series.name, series);
    }
  }
  for (const name of numeric) {
    const series = byName.get(name);
    if (series) {
      section.appendChild(chart(name, series.unit, series.points, range));
    }
  }
  if (byName.size === 0) {
    section.appendChild(paragraph('Nothing kept for the last day yet.', 'note'));
  }
  return section;
}
