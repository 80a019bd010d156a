// A local stand-in for HubSpot's CRM API v3 and its custom events API, mounted under `/hubspot`. It
// keeps contacts, the contact property catalog, static lists and the event occurrences it received in
// memory and answers the endpoints the hubspot plugin calls as HubSpot documents them: private app
// tokens sent as Bearer, errors as `{ status: "error", message, category }`, batches validated whole
// (one bad value refuses the batch with 400), multi-status (207) answers naming the contacts it does
// not have, 204 for event occurrences it took and 404 for those whose contact it does not have, and
// 429s naming their limit's policy, or 5xx, on demand.
import { answer, FailurePlan, fakeHandler } from "./http.mjs";

export const HUBSPOT_FAKE_TOKEN = "pat-na1-3c5e7a90-12b4-4d6f-8e1a-5b7c9d0e2f46";
/** The static lists the fake starts with, by id. */
export const HUBSPOT_FAKE_LISTS = { bigSpenders: "101", trial: "102" };

const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
const MAX_INPUTS = 100;
/** Where the APIs the fake stands in for start. */
const API_ROOTS = ["/crm/v3/", "/events/v3/"];

/** The account id the fake answers as: its custom events' internal names start with `pe<id>_`. */
export const HUBSPOT_FAKE_PORTAL_ID = "4815162";
const EVENT_PREFIX = `pe${HUBSPOT_FAKE_PORTAL_ID}_`;
const MAX_EVENT_INPUTS = 500;
const MAX_EVENT_PROPERTIES = 50;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The custom events defined in the fake's account, by fully qualified name, with the properties each takes. */
const EVENT_DEFINITIONS = {
  [`${EVENT_PREFIX}cart_abandoned`]: ["cart_value", "currency", "item_count", "items"],
  [`${EVENT_PREFIX}order_placed`]: ["order_id", "total", "currency"],
};

/**
 * @typedef {{ in: string; code: string; message: string }} InputProblem
 * @typedef {{ eventName: string; contactId: string; email: string | null; occurredAt: string; properties: Record<string, string>; uuid: string | null; receivedAt: string }} Occurrence
 */

/** Why HubSpot would refuse one occurrence as sent, before looking for its contact. @returns {InputProblem[]} */
function occurrenceProblems(/** @type {any} */ input) {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return [{ in: "", code: "INVALID_INPUT", message: "An occurrence must be a JSON object" }];
  /** @type {InputProblem[]} */
  const problems = [];
  const properties = EVENT_DEFINITIONS[/** @type {keyof typeof EVENT_DEFINITIONS} */ (input.eventName)];
  if (typeof input.eventName !== "string" || !input.eventName) problems.push({ in: "eventName", code: "REQUIRED", message: "eventName is required" });
  else if (!properties) problems.push({ in: "eventName", code: "EVENT_NOT_DEFINED", message: `No event named ${input.eventName} is defined in this account` });
  if (![input.objectId, input.email, input.utk].some((id) => typeof id === "string" && id !== "")) {
    problems.push({ in: "objectId", code: "REQUIRED", message: "One of objectId, email or utk is required to link the occurrence to a record" });
  }
  const at = input.occurredAt;
  if (at !== undefined && !(typeof at === "number" && Number.isInteger(at)) && !(typeof at === "string" && ISO_TIME.test(at) && !Number.isNaN(Date.parse(at)))) {
    problems.push({ in: "occurredAt", code: "INVALID_DATE", message: `${JSON.stringify(at)} is neither an ISO 8601 time nor milliseconds since the epoch` });
  }
  if (typeof input.properties !== "object" || input.properties === null || Array.isArray(input.properties)) {
    problems.push({ in: "properties", code: "REQUIRED", message: "properties must be an object of property names to text values" });
    return problems;
  }
  const entries = Object.entries(input.properties);
  if (entries.length > MAX_EVENT_PROPERTIES) problems.push({ in: "properties", code: "TOO_MANY_PROPERTIES", message: `An occurrence may set at most ${MAX_EVENT_PROPERTIES} properties; ${entries.length} were sent` });
  for (const [name, value] of entries) {
    if (properties && !properties.includes(name)) problems.push({ in: `properties.${name}`, code: "PROPERTY_DOESNT_EXIST", message: `Property ${name} is not defined on event ${input.eventName}` });
    else if (typeof value !== "string") problems.push({ in: `properties.${name}`, code: "INVALID_TYPE", message: `${name} must be a string, not ${JSON.stringify(value)}` });
  }
  return problems;
}

/**
 * @typedef {{ name: string; label: string; type: "string" | "number" | "date"; fieldType: string; custom?: boolean; readOnly?: boolean }} PropertyDefinition
 * @typedef {{ id: string; properties: Record<string, string>; createdAt: string; updatedAt: string; archived: boolean }} Contact
 * @typedef {{ listId: string; name: string; members: Set<string> }} StaticList
 * @typedef {{ isValid: false; message: string; error: string; name: string }} PropertyProblem
 */

/** @type {PropertyDefinition[]} */
const CATALOG = [
  { name: "email", label: "Email", type: "string", fieldType: "text" },
  { name: "firstname", label: "First Name", type: "string", fieldType: "text" },
  { name: "lastname", label: "Last Name", type: "string", fieldType: "text" },
  { name: "country", label: "Country/Region", type: "string", fieldType: "text" },
  { name: "ltv", label: "Lifetime value", type: "number", fieldType: "number", custom: true },
  { name: "signup_date", label: "Signup date", type: "date", fieldType: "date", custom: true },
  { name: "hs_object_id", label: "Record ID", type: "number", fieldType: "number", readOnly: true },
];

const propertyView = (/** @type {PropertyDefinition} */ p, /** @type {number} */ order) => ({
  name: p.name,
  label: p.label,
  type: p.type,
  fieldType: p.fieldType,
  description: "",
  groupName: "contactinformation",
  options: [],
  displayOrder: order,
  calculated: false,
  externalOptions: false,
  hasUniqueValue: false,
  hidden: false,
  hubspotDefined: !p.custom,
  formField: !p.readOnly,
  modificationMetadata: { archivable: Boolean(p.custom), readOnlyDefinition: !p.custom, readOnlyValue: Boolean(p.readOnly) },
});

const error = (/** @type {string} */ category, /** @type {string} */ message, /** @type {Record<string, unknown>} */ extra = {}) => ({
  status: "error",
  message,
  correlationId: crypto.randomUUID(),
  category,
  ...extra,
});

/** Why HubSpot would refuse one property value, or null. "" (or null) clears any writable property. */
function propertyProblem(/** @type {string} */ name, /** @type {unknown} */ value) {
  const definition = CATALOG.find((p) => p.name === name);
  /** @returns {PropertyProblem} */
  const problem = (/** @type {string} */ code, /** @type {string} */ message) => ({ isValid: false, message, error: code, name });
  if (!definition) return problem("PROPERTY_DOESNT_EXIST", `Property "${name}" does not exist`);
  if (definition.readOnly) return problem("READ_ONLY_VALUE", `"${name}" is a read-only property; its value cannot be set`);
  if (value === "" || value === null) return null;
  const text = String(value);
  if (name === "email" && !EMAIL.test(text)) return problem("INVALID_EMAIL", `Email address ${text} is invalid`);
  if (definition.type === "number" && (text.trim() === "" || !Number.isFinite(Number(text)))) return problem("INVALID_NUMBER", `${text} is not a valid number`);
  if (definition.type === "date") {
    const midnight = ISO_DAY.test(text) ? Date.parse(`${text}T00:00:00Z`) : /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isNaN(midnight) || midnight % DAY_MS !== 0) return problem("INVALID_DATE", `${text} is not a date at midnight UTC (YYYY-MM-DD or milliseconds)`);
  }
  return null;
}

/**
 * A batch's inputs, or the 400 HubSpot gives for the whole request: not a list, too many, ids twice, or any bad value.
 * @returns {{ refused: [number, unknown]; inputs?: undefined; ids?: undefined } | { refused?: undefined; inputs: any[]; ids: string[] }}
 */
function checkedInputs(/** @type {any} */ body, /** @type {{ emailIds: boolean; properties: boolean }} */ expect) {
  const inputs = body?.inputs;
  if (!Array.isArray(inputs)) return { refused: [400, error("VALIDATION_ERROR", "Invalid input JSON: inputs must be a list")] };
  if (inputs.length > MAX_INPUTS) return { refused: [400, error("VALIDATION_ERROR", `Batch of ${inputs.length} inputs is over the limit of ${MAX_INPUTS}`)] };
  const ids = inputs.map((/** @type {any} */ input) => String(input?.id ?? "").toLowerCase());
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length) return { refused: [400, error("VALIDATION_ERROR", `Duplicate IDs found in batch input: [${[...new Set(repeated)].join(", ")}]. IDs must be unique`)] };
  /** Keyed by input and property, so an address sent both as the id and as the email property is reported once. @type {Map<string, PropertyProblem>} */
  const problems = new Map();
  for (const [i, input] of inputs.entries()) {
    const values = { ...(expect.properties ? input?.properties : {}), ...(expect.emailIds ? { email: ids[i] } : {}) };
    for (const [name, value] of Object.entries(values)) {
      const bad = propertyProblem(name, value);
      if (bad) problems.set(`${i}:${name}`, bad);
    }
  }
  if (problems.size) return { refused: [400, error("VALIDATION_ERROR", `Property values were not valid: ${JSON.stringify([...problems.values()])}`)] };
  return { inputs: /** @type {any[]} */ (inputs), ids };
}

export function createHubspotFake() {
  /** @type {Map<string, Contact>} */
  const contacts = new Map();
  /** Live contacts by lower-cased address. @type {Map<string, string>} */
  const byEmail = new Map();
  /** @type {Map<string, StaticList>} */
  const lists = new Map();
  const failures = new FailurePlan();
  /** Every change the fake applied, in order: what a test checks to see nothing was sent twice. @type {{ at: number; op: string; email: string }[]} */
  const applied = [];
  /** Every event occurrence taken, in order. @type {Occurrence[]} */
  const occurrences = [];
  let requests = 0;
  let nextId = 1001;

  const reset = () => {
    contacts.clear();
    byEmail.clear();
    lists.clear();
    lists.set(HUBSPOT_FAKE_LISTS.bigSpenders, { listId: HUBSPOT_FAKE_LISTS.bigSpenders, name: "US big spenders", members: new Set() });
    lists.set(HUBSPOT_FAKE_LISTS.trial, { listId: HUBSPOT_FAKE_LISTS.trial, name: "Trial users", members: new Set() });
    failures.set({});
    applied.length = 0;
    occurrences.length = 0;
    requests = 0;
  };
  reset();

  const emailOf = (/** @type {Contact} */ c) => c.properties.email ?? "";
  const live = (/** @type {string} */ id) => {
    const contact = contacts.get(id);
    return contact && !contact.archived ? contact : undefined;
  };
  const findContact = (/** @type {string} */ id, /** @type {boolean} */ byAddress) => live((byAddress ? byEmail.get(id.toLowerCase()) : id) ?? "");

  const contactView = (/** @type {Contact} */ c, /** @type {string[] | undefined} */ only = undefined) => {
    const all = { ...c.properties, hs_object_id: c.id, createdate: c.createdAt, lastmodifieddate: c.updatedAt };
    const properties = only ? Object.fromEntries(only.map((name) => [name, all[/** @type {keyof typeof all} */ (name)] ?? null])) : all;
    return { id: c.id, properties, createdAt: c.createdAt, updatedAt: c.updatedAt, archived: c.archived };
  };

  /** Sets properties ("" clears one), keeping the address index in step with the email property. */
  function setProperties(/** @type {Contact} */ contact, /** @type {Record<string, unknown>} */ properties) {
    byEmail.delete(emailOf(contact).toLowerCase());
    for (const [name, value] of Object.entries(properties ?? {})) {
      if (value === "" || value === null) delete contact.properties[name];
      else contact.properties[name] = name === "email" ? String(value).toLowerCase() : String(value);
    }
    contact.updatedAt = new Date().toISOString();
    if (emailOf(contact)) byEmail.set(emailOf(contact), contact.id);
  }

  /** The 207 part of a batch answer: HubSpot groups the rows it could not find under one error with their ids. */
  const notFound = (/** @type {string[]} */ ids) =>
    ids.length ? { numErrors: 1, errors: [error("OBJECT_NOT_FOUND", "Could not find some contacts; they may have been archived or never existed", { context: { ids } })] } : {};
  /** @returns {[number, unknown]} */
  const batchDone = (/** @type {unknown[]} */ results, /** @type {string[]} */ missing, /** @type {string} */ startedAt) => [
    missing.length ? 207 : 200,
    { status: "COMPLETE", results, startedAt, completedAt: new Date().toISOString(), ...notFound(missing) },
  ];

  /** POST batch/upsert: creates contacts it does not have by address, updates those it has. @returns {[number, unknown?]} */
  function upsert(/** @type {any} */ body) {
    const startedAt = new Date().toISOString();
    const checked = checkedInputs(body, { emailIds: true, properties: true });
    if (checked.refused) return checked.refused;
    if (checked.inputs.some((input) => input?.idProperty !== "email")) return [400, error("VALIDATION_ERROR", "Contacts are upserted by idProperty email")];
    const results = checked.inputs.map((input, i) => {
      const email = checked.ids[i];
      const existing = findContact(email, true);
      const now = new Date().toISOString();
      /** @type {Contact} */
      const contact = existing ?? { id: String(nextId++), properties: { email }, createdAt: now, updatedAt: now, archived: false };
      contacts.set(contact.id, contact);
      setProperties(contact, input.properties);
      applied.push({ at: Date.now(), op: existing ? "update" : "create", email });
      return { ...contactView(contact), new: !existing };
    });
    return [200, { status: "COMPLETE", results, startedAt, completedAt: new Date().toISOString() }];
  }

  /** POST batch/update: updates contacts it has (by address with idProperty email, else by id); the rest are a 207. @returns {[number, unknown?]} */
  function update(/** @type {any} */ body) {
    const startedAt = new Date().toISOString();
    const byAddress = Array.isArray(body?.inputs) && body.inputs.some((/** @type {any} */ input) => input?.idProperty === "email");
    const checked = checkedInputs(body, { emailIds: byAddress, properties: true });
    if (checked.refused) return checked.refused;
    const results = [];
    const missing = [];
    for (const [i, input] of checked.inputs.entries()) {
      const contact = findContact(checked.ids[i], byAddress);
      if (!contact) {
        missing.push(String(input.id));
        continue;
      }
      setProperties(contact, input.properties);
      applied.push({ at: Date.now(), op: "update", email: emailOf(contact) });
      results.push(contactView(contact));
    }
    return batchDone(results, missing, startedAt);
  }

  /** POST batch/read: the contacts asked for, with the properties asked for; those it does not have are a 207. @returns {[number, unknown?]} */
  function read(/** @type {any} */ body) {
    const startedAt = new Date().toISOString();
    const byAddress = body?.idProperty === "email";
    const checked = checkedInputs(body, { emailIds: false, properties: false });
    if (checked.refused) return checked.refused;
    const only = Array.isArray(body?.properties) && body.properties.length ? body.properties.map(String) : ["email", "firstname", "lastname"];
    const results = [];
    const missing = [];
    for (const [i, input] of checked.inputs.entries()) {
      const contact = findContact(checked.ids[i], byAddress);
      if (contact) results.push(contactView(contact, only));
      else missing.push(String(input.id));
    }
    return batchDone(results, missing, startedAt);
  }

  /** POST batch/archive: archives contacts by id, leaving their lists; ids it does not have are ignored. @returns {[number, unknown?]} */
  function archive(/** @type {any} */ body) {
    const checked = checkedInputs(body, { emailIds: false, properties: false });
    if (checked.refused) return checked.refused;
    for (const id of checked.ids) {
      const contact = live(id);
      if (!contact) continue;
      contact.archived = true;
      contact.updatedAt = new Date().toISOString();
      byEmail.delete(emailOf(contact).toLowerCase());
      for (const list of lists.values()) list.members.delete(id);
      applied.push({ at: Date.now(), op: "archive", email: emailOf(contact) });
    }
    return [204];
  }

  /**
   * PUT lists/{id}/memberships/add|remove with a list of contact ids; contacts it does not have (or,
   * removing, not on the list) are "missing". @returns {[number, unknown?]}
   */
  function changeMemberships(/** @type {string} */ listId, /** @type {string} */ direction, /** @type {unknown} */ body) {
    const list = lists.get(listId);
    if (!list) return [404, error("OBJECT_NOT_FOUND", `List ${listId} does not exist`)];
    if (!Array.isArray(body)) return [400, error("VALIDATION_ERROR", "Invalid input JSON: the body must be a list of record ids")];
    const done = [];
    const missing = [];
    for (const id of body.map(String)) {
      const contact = live(id);
      if (!contact || (direction === "remove" && !list.members.has(id))) {
        missing.push(id);
        continue;
      }
      if (direction === "add" && list.members.has(id)) continue;
      if (direction === "add") list.members.add(id);
      else list.members.delete(id);
      applied.push({ at: Date.now(), op: `list-${direction}:${listId}`, email: emailOf(contact) });
      done.push(id);
    }
    return [200, direction === "add" ? { recordIdsAdded: done, recordIdsMissing: missing } : { recordIdsRemoved: done, recordIdsMissing: missing }];
  }

  /** The contact an occurrence names: by record id first, then by address; the fake has no visitor tokens. */
  const contactOfOccurrence = (/** @type {any} */ input) => (input.objectId ? live(String(input.objectId)) : input.email ? findContact(String(input.email), true) : undefined);
  const unknownContact = (/** @type {any} */ input) =>
    input.objectId ? `Could not find a contact with id ${input.objectId}` : input.email ? `Could not find a contact with email ${input.email}` : `Could not find a contact with utk ${input.utk}`;

  /** Keeps an occurrence; one whose uuid the event already has is dropped, as HubSpot keeps only the first. */
  function take(/** @type {any} */ input, /** @type {Contact} */ contact) {
    const uuid = typeof input.uuid === "string" ? input.uuid : null;
    if (uuid && occurrences.some((o) => o.eventName === input.eventName && o.uuid === uuid)) return;
    const occurredAt = input.occurredAt === undefined ? new Date().toISOString() : new Date(input.occurredAt).toISOString();
    occurrences.push({ eventName: input.eventName, contactId: contact.id, email: contact.properties.email ?? null, occurredAt, properties: input.properties, uuid, receivedAt: new Date().toISOString() });
  }

  const invalid = (/** @type {InputProblem[]} */ problems) => error("VALIDATION_ERROR", `Invalid event occurrence: ${problems.map((p) => p.message).join("; ")}`, { errors: problems });

  /** POST /events/v3/send: one occurrence, taken with 204. @returns {[number, unknown?]} */
  function sendOccurrence(/** @type {any} */ body) {
    const problems = occurrenceProblems(body);
    if (problems.length) return [400, invalid(problems)];
    const contact = contactOfOccurrence(body);
    if (!contact) return [404, error("OBJECT_NOT_FOUND", unknownContact(body))];
    take(body, contact);
    return [204];
  }

  /** POST /events/v3/send/batch: every input taken with 204, or none, with the problems of each input named by its place. @returns {[number, unknown?]} */
  function sendOccurrences(/** @type {any} */ body) {
    const inputs = body?.inputs;
    if (!Array.isArray(inputs) || !inputs.length) return [400, error("VALIDATION_ERROR", "Invalid input JSON: inputs must be a list of occurrences")];
    if (inputs.length > MAX_EVENT_INPUTS) return [400, error("VALIDATION_ERROR", `Batch of ${inputs.length} occurrences is over the limit of ${MAX_EVENT_INPUTS}`)];
    const problems = inputs.flatMap((input, i) => occurrenceProblems(input).map((p) => ({ ...p, in: `inputs[${i}]${p.in ? `.${p.in}` : ""}` })));
    if (problems.length) return [400, invalid(problems)];
    const found = inputs.map(contactOfOccurrence);
    const missing = inputs.flatMap((input, i) => (found[i] ? [] : [{ in: `inputs[${i}]`, code: "OBJECT_NOT_FOUND", message: unknownContact(input) }]));
    if (missing.length) return [404, error("OBJECT_NOT_FOUND", missing.map((m) => m.message).join("; "), { errors: missing })];
    for (const [i, input] of inputs.entries()) take(input, /** @type {Contact} */ (found[i]));
    return [204];
  }

  /** The custom events API under /events/v3. @returns {[number, unknown?]} */
  function eventRoute(/** @type {string} */ method, /** @type {string[]} */ parts, /** @type {any} */ body) {
    if (method === "POST" && parts.join("/") === "send") return sendOccurrence(body);
    if (method === "POST" && parts.join("/") === "send/batch") return sendOccurrences(body);
    return [404, error("OBJECT_NOT_FOUND", `No endpoint ${method} /events/v3/${parts.join("/")}`)];
  }

  /** The API's routes under /crm/v3, once authenticated and past any failure asked for. @returns {[number, unknown?]} */
  function route(/** @type {string} */ method, /** @type {string[]} */ parts, /** @type {URLSearchParams} */ query, /** @type {any} */ body) {
    const [area, kind, third, fourth, fifth] = parts;
    if (area === "properties" && kind === "contacts" && !third && method === "GET") return [200, { results: CATALOG.map(propertyView) }];
    if (area === "objects" && kind === "contacts") {
      if (!third && method === "GET") {
        const limit = Math.min(Math.max(Number(query.get("limit") ?? 10) || 10, 1), 100);
        return [200, { results: [...contacts.values()].filter((c) => !c.archived).slice(0, limit).map((c) => contactView(c, ["email", "firstname", "lastname"])) }];
      }
      if (third === "batch" && method === "POST" && !fifth) {
        if (fourth === "upsert") return upsert(body);
        if (fourth === "update") return update(body);
        if (fourth === "read") return read(body);
        if (fourth === "archive") return archive(body);
      }
    }
    if (area === "lists" && kind && third === "memberships" && (fourth === "add" || fourth === "remove") && !fifth && method === "PUT") {
      return changeMemberships(kind, fourth, body);
    }
    return [404, error("OBJECT_NOT_FOUND", `No endpoint ${method} /crm/v3/${parts.join("/")}`)];
  }

  /** HubSpot's answer to a scripted failure; a 429 names its policy (TEN_SECONDLY_ROLLING unless the script says DAILY). */
  function failureBody(/** @type {{ status: number; body?: any }} */ failure) {
    if (failure.status !== 429) return { ...error("INTERNAL_ERROR", "An internal error occurred"), ...failure.body };
    const policyName = failure.body?.policyName ?? "TEN_SECONDLY_ROLLING";
    const message = policyName === "DAILY" ? "This account has used up its daily allowance of API calls." : "This account made too many calls in the last ten seconds.";
    return { status: "error", message, errorType: "RATE_LIMIT", correlationId: crypto.randomUUID(), policyName, groupName: "api-calls", ...failure.body };
  }

  return {
    handle: fakeHandler({
      control(/** @type {any} */ plan) {
        if (plan.reset) reset();
        failures.set(plan);
      },
      state() {
        const shownLists = [...lists.values()].map((l) => ({ listId: l.listId, name: l.name, members: [...l.members].map((id) => ({ id, email: contacts.get(id)?.properties.email ?? null })) }));
        return { contacts: [...contacts.values()].map((c) => contactView(c)), lists: shownLists, applied, occurrences, requests, failures: failures.given };
      },
      api(req, res, path, query, text) {
        const method = req.method ?? "GET";
        const root = API_ROOTS.find((r) => path.startsWith(r));
        if (!root) return answer(res, 404, error("OBJECT_NOT_FOUND", `No endpoint ${method} ${path}`));
        requests += 1;
        const auth = req.headers.authorization ?? "";
        if (!auth.startsWith("Bearer ")) return answer(res, 401, error("INVALID_AUTHENTICATION", "No access token was sent; send a private app's token as a Bearer token"));
        if (auth.slice("Bearer ".length) !== HUBSPOT_FAKE_TOKEN) return answer(res, 401, error("INVALID_AUTHENTICATION", "The access token is not valid for this account"));
        const failure = failures.next();
        if (failure) return answer(res, failure.status, failureBody(failure), failure.retryAfter ? { "retry-after": failure.retryAfter } : {});
        let body;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          return answer(res, 400, error("VALIDATION_ERROR", "Invalid input JSON: the body could not be read"));
        }
        const parts = path.slice(root.length).split("/").filter(Boolean);
        const [status, payload] = root === "/events/v3/" ? eventRoute(method, parts, body) : route(method, parts, query, body);
        answer(res, status, payload);
      },
    }),
  };
}
