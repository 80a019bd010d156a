import type { EventItem, ExportOutcome, PluginContext } from "../contract";
import { call, expectStatus, failureOf, type Answer, type HubSpotApp } from "./api";
import { EMAIL_PROPERTY, emailOf } from "./contacts";
import { hubspotEventNames, type EventNameOptions } from "./event-names";

/** Events per request to the batch endpoint, kept to the 100 inputs HubSpot's CRM batches take. */
export const EVENT_BATCH_SIZE = 100;

/** HubSpot's rules for event properties: lower-case names of at most 50 characters, and at most 50 per occurrence. */
const PROPERTY_NAME = /^[a-z][a-z0-9_]{0,49}$/;
const MAX_PROPERTIES = 50;

type Outcomes = Map<string, ExportOutcome>;

/** One occurrence as `POST /events/v3/send` takes it, and as each input of the batch endpoint. */
interface Occurrence {
  eventName: string;
  objectId?: string;
  email?: string;
  occurredAt: string;
  properties: Record<string, string>;
  uuid: string;
}

type Prepared = { occurrence: Occurrence } | { refusal: string };

/** Event data as HubSpot's text properties; lists are joined by ";" as its multiple checkboxes take them, and empty values left out. */
function propertiesOf(data: Record<string, unknown>): { properties: Record<string, string> } | { refusal: string } {
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    if (!PROPERTY_NAME.test(key)) {
      return { refusal: `HubSpot has no event property "${key}": its property names start with a lower-case letter and hold only lower-case letters, digits and underscores, at most 50 characters` };
    }
    properties[key] = Array.isArray(value) ? value.filter((v) => v !== null && v !== undefined).map(String).join(";") : String(value);
  }
  const count = Object.keys(properties).length;
  return count > MAX_PROPERTIES ? { refusal: `HubSpot takes at most ${MAX_PROPERTIES} properties on one event; this one has ${count}` } : { properties };
}

/**
 * The occurrence's id, the same each time the event is sent: HubSpot keeps only the first occurrence
 * with an id, so an event sent again after a lost answer is not counted twice. Shaped as a UUID
 * (version 8, from the event's id) since HubSpot names the field so.
 */
async function occurrenceUuid(eventId: string): Promise<string> {
  const bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(eventId))).slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The contact is named by the id an earlier send learned, which outlasts a changed address, else by its mapped email. */
async function prepared(item: EventItem, hubspotName: (name: string) => string | null): Promise<Prepared> {
  const eventName = hubspotName(item.event.name);
  if (!eventName) {
    return { refusal: `No HubSpot event name for "${item.event.name}": set the Destination's event name prefix (e.g. pe12345_) or give "${item.event.name}" a name in its event name overrides` };
  }
  const email = emailOf(item);
  if (!item.remoteId && !email) {
    return { refusal: `No contact to record the event on: the Record has no HubSpot contact id yet and no ${EMAIL_PROPERTY}; map a Property to HubSpot's ${EMAIL_PROPERTY}` };
  }
  const data = propertiesOf(item.event.data);
  if ("refusal" in data) return data;
  const identity = item.remoteId ? { objectId: item.remoteId } : { email: email! };
  return { occurrence: { eventName, ...identity, occurredAt: item.event.occurredAt, properties: data.properties, uuid: await occurrenceUuid(item.event.id) } };
}

const recorded = (occurrence: Occurrence): ExportOutcome => ({ ok: true, summary: { eventName: occurrence.eventName } });
const contactInWords = (occurrence: Occurrence) => (occurrence.objectId ? `contact ${occurrence.objectId}` : occurrence.email!);

/** A single event has its own answer: HubSpot's refusal (a contact it does not have, an event it does not know) fails that event alone. */
async function sendOne(app: HubSpotApp, occurrence: Occurrence, ctx: PluginContext): Promise<ExportOutcome> {
  try {
    expectStatus(await call(app, ctx, "POST", "/events/v3/send", occurrence), [200, 204], `record ${occurrence.eventName} for ${contactInWords(occurrence)}`);
    return recorded(occurrence);
  } catch (err) {
    return failureOf(err);
  }
}

/**
 * HubSpot takes or refuses a batch whole. Refused for its content, the batch is thrown back so the
 * core splits it until the events at fault stand alone; throttled, failing or refusing the token, it
 * answers every event alike, so the batch is not split into many requests.
 */
async function sendBatch(app: HubSpotApp, ready: { item: EventItem; occurrence: Occurrence }[], ctx: PluginContext): Promise<Outcomes> {
  let answer: Answer;
  try {
    answer = await call(app, ctx, "POST", "/events/v3/send/batch", { inputs: ready.map((r) => r.occurrence) });
  } catch (err) {
    const failed = failureOf(err);
    return new Map(ready.map(({ item }) => [item.exportId, failed]));
  }
  expectStatus(answer, [200, 204], `record a batch of ${ready.length} events`);
  return new Map(ready.map(({ item, occurrence }) => [item.exportId, recorded(occurrence)]));
}

/**
 * Records events on contacts as custom event occurrences. An event HubSpot could never take (no name
 * for it there, no contact to put it on, data that cannot be its properties) fails alone before any
 * request; the rest go in one request.
 */
export async function sendContactEvents(app: HubSpotApp, options: EventNameOptions, items: EventItem[], ctx: PluginContext): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  const hubspotName = hubspotEventNames(options);
  const ready: { item: EventItem; occurrence: Occurrence }[] = [];
  for (const item of items) {
    const read = await prepared(item, hubspotName);
    if ("refusal" in read) outcomes.set(item.exportId, { ok: false, error: read.refusal, retryable: false });
    else ready.push({ item, occurrence: read.occurrence });
  }
  if (ready.length === 1) outcomes.set(ready[0]!.item.exportId, await sendOne(app, ready[0]!.occurrence, ctx));
  else if (ready.length > 1) for (const [exportId, outcome] of await sendBatch(app, ready, ctx)) outcomes.set(exportId, outcome);
  return outcomes;
}
