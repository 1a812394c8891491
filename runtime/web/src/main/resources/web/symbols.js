// What each kind of entity looks like on the map: its state (the colour) from its attributes, and the legend.

import { value } from './city.js';

/** The flood plugin's default flood level (m); a gauge within NEAR_FLOOD of it is shown as high. */
export const DEFAULT_FLOOD_LEVEL = 1.45;
const NEAR_FLOOD = 0.25;
/** The waste plugin's default fire temperature (°C). */
export const FIRE_TEMPERATURE = 60;

function binState(entity) {
  const temperature = value(entity, 'temperature');
  if (typeof temperature === 'number' && temperature >= FIRE_TEMPERATURE) {
    return 'fire';
  }
  const fill = value(entity, 'fillingLevel');
  if (value(entity, 'full') === true || (typeof fill === 'number' && fill >= 0.8)) {
    return 'full';
  }
  if (typeof fill !== 'number') {
    return 'unknown';
  }
  return fill >= 0.5 ? 'half' : 'low';
}

function lampState(entity) {
  const power = value(entity, 'powerState');
  const level = value(entity, 'illuminanceLevel');
  if (power === 'off' || level === 0) {
    return 'off';
  }
  if (typeof level === 'number') {
    return level < 0.95 ? 'dimmed' : 'on';
  }
  return power === 'on' ? 'on' : 'unknown';
}

function crowdState(entity) {
  const level = value(entity, 'crowdLevel');
  return ['normal', 'busy', 'critical'].includes(level) ? level : 'unknown';
}

/** A gauge: its own flood alert (the plugin knows each gauge's level) decides; else its level against the default. */
function gaugeState(entity, alertAbout) {
  const alert = alertAbout(entity.id);
  if (alert && alert.category === 'naturalDisaster') {
    return alert.severity === 'critical' ? 'critical' : 'flood';
  }
  const level = value(entity, 'waterLevel');
  if (typeof level !== 'number') {
    return 'unknown';
  }
  return level >= DEFAULT_FLOOD_LEVEL - NEAR_FLOOD ? 'high' : 'normal';
}

function trafficState(entity) {
  const level = value(entity, 'congestionLevel');
  return ['free', 'moderate', 'heavy', 'jammed'].includes(level) ? level : 'unknown';
}

/** The kinds drawn, bottom layer first. shape: circle (sized by area), dot, square, diamond, triangle. */
export const KINDS = {
  CrowdFlowObserved: { name: 'Crowd zone', shape: 'zone', state: crowdState },
  TrafficFlowObserved: { name: 'Traffic counter', shape: 'diamond', state: trafficState },
  PointOfInterest: { name: 'Sandbag point', shape: 'triangle', state: () => 'poi' },
  WaterObserved: { name: 'Water gauge', shape: 'gauge', state: gaugeState },
  WasteContainer: { name: 'Bin', shape: 'square', state: binState },
  Streetlight: { name: 'Streetlight', shape: 'dot', state: lampState },
};

/** The legend: one row per kind and state that has a colour of its own. */
export const LEGEND = [
  ['WasteContainer', 'low', 'Bin below half full'],
  ['WasteContainer', 'half', 'Bin half full'],
  ['WasteContainer', 'full', 'Bin full (80 % or flagged)'],
  ['WasteContainer', 'fire', `Bin at ${FIRE_TEMPERATURE} °C or more`],
  ['Streetlight', 'on', 'Streetlight on'],
  ['Streetlight', 'dimmed', 'Streetlight dimmed'],
  ['Streetlight', 'off', 'Streetlight off'],
  ['CrowdFlowObserved', 'normal', 'Crowd normal'],
  ['CrowdFlowObserved', 'busy', 'Crowd busy'],
  ['CrowdFlowObserved', 'critical', 'Crowd critical'],
  ['WaterObserved', 'normal', 'Water level normal'],
  ['WaterObserved', 'high', `Water near flood level (≥ ${(DEFAULT_FLOOD_LEVEL - NEAR_FLOOD).toFixed(2)} m)`],
  ['WaterObserved', 'flood', 'Flood alert'],
  ['WaterObserved', 'critical', 'Critical flood alert'],
  ['TrafficFlowObserved', 'free', 'Traffic free'],
  ['TrafficFlowObserved', 'moderate', 'Traffic moderate'],
  ['TrafficFlowObserved', 'jammed', 'Traffic heavy / jammed'],
  ['PointOfInterest', 'poi', 'Sandbag point'],
  ['WasteCollectionRoute', 'route', 'Waste collection route'],
  ['Streetlight', 'unknown', 'No state reported yet'],
];
