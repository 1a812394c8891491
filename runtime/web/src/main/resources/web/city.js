// The city as the page knows it: every entity from /api/entities, kept current by the stream's change events.

/** The value of an attribute, or undefined. */
export function value(entity, attribute) {
  return entity?.attributes?.[attribute]?.value;
}

/** [lon, lat] of an entity, or null. */
export function position(entity) {
  const coordinates = entity?.location?.coordinates;
  return Array.isArray(coordinates) && coordinates.length === 2 ? coordinates : null;
}

/** The part of a URN after the type: urn:ngsi-ld:WasteContainer:bin-001 -> bin-001. */
export function localId(id) {
  const parts = String(id).split(':');
  return parts.length >= 4 ? parts.slice(3).join(':') : String(id);
}

/** The entity store; listeners hear which entity ids changed (or null after a full reload). */
export class City {
  constructor() {
    this.entities = new Map();
    this.listeners = [];
  }

  onChange(listener) {
    this.listeners.push(listener);
  }

  /** Replaces everything with a fresh list from /api/entities. */
  load(list) {
    this.entities = new Map(list.map((entity) => [entity.id, entity]));
    this.listeners.forEach((listener) => listener(null));
  }

  get(id) {
    return this.entities.get(id);
  }

  all() {
    return this.entities.values();
  }

  /**
   * One delete event's data: {id, type, attribute, source}: the attribute goes (or, with a null attribute, every
   * attribute the source published); the entity goes when nothing is left. Rare, so everything is drawn again.
   */
  remove(deletion) {
    const entity = this.entities.get(deletion.id);
    if (!entity) {
      return;
    }
    for (const [name, attribute] of Object.entries(entity.attributes || {})) {
      if ((deletion.attribute === null || deletion.attribute === name) && attribute.source === deletion.source) {
        delete entity.attributes[name];
      }
    }
    if (Object.keys(entity.attributes || {}).length === 0) {
      this.entities.delete(deletion.id);
    }
    this.listeners.forEach((listener) => listener(null));
  }

  /** One stream event's data: {id, type, attribute, value, unit, observedAt, location}. */
  apply(change) {
    let entity = this.entities.get(change.id);
    if (!entity) {
      entity = { id: change.id, type: change.type, attributes: {} };
      this.entities.set(change.id, entity);
    }
    const known = entity.attributes[change.attribute];
    // A reading older than what is shown changes nothing (the server's city state keeps the newest too).
    if (known && known.observedAt && change.observedAt && Date.parse(change.observedAt) < Date.parse(known.observedAt)) {
      return;
    }
    // The stream's changes name no source: the attribute's last known source stays (the API's answer has it).
    entity.attributes[change.attribute] = {
      value: change.value, unit: change.unit, observedAt: change.observedAt, source: change.source ?? known?.source,
    };
    if (Array.isArray(change.location)) {
      entity.location = { type: 'Point', coordinates: change.location };
    }
    entity.updatedAt = new Date().toISOString();
    delete entity.stale; // a new value: the entity has a live publisher again
    this.listeners.forEach((listener) => listener([change.id]));
  }
}
