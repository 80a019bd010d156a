import { SendError, type ExportItem, type ExportOutcome, type PluginContext } from "../contract";
import { call, expectStatus, failureOf, readBatch, type BatchAnswer, type HubSpotApp } from "./api";

/** The property HubSpot finds contacts by, and that every Destination must map. */
export const EMAIL_PROPERTY = "email";

/** HubSpot's batch endpoints take at most 100 inputs. */
export const BATCH_SIZE = 100;

const NOT_IN_HUBSPOT = "not in HubSpot";

type Outcomes = Map<string, ExportOutcome>;

/** The mapped address a contact is found by, as HubSpot keeps it: trimmed and lower-cased. */
export const emailOf = (item: Pick<ExportItem, "fields">) => {
  const value = item.fields[EMAIL_PROPERTY];
  return typeof value === "string" && value.trim() ? value.trim().toLowerCase() : null;
};

/** How the core writes a date Property at midnight UTC; HubSpot's date properties take the day alone. */
const MIDNIGHT_UTC = /^(\d{4}-\d{2}-\d{2})T00:00:00\.000Z$/;

/** A value as HubSpot takes it: text, where "" clears the property and multiple checkboxes are joined by ";". */
function propertyValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map(String).join(";");
  const text = String(value);
  return MIDNIGHT_UTC.exec(text)?.[1] ?? text;
}

function propertiesOf(item: ExportItem): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const [name, value] of Object.entries(item.fields)) properties[name] = propertyValue(value);
  // Sent along with the id, so each result carries the address it answers for: HubSpot does not keep the inputs' order.
  properties[EMAIL_PROPERTY] = emailOf(item)!;
  return properties;
}

/** The rows a 207 refused, by the id each was sent with (an address, or a contact id). */
function refusedRows(answer: BatchAnswer): Map<string, { category: string; message: string }> {
  const refused = new Map<string, { category: string; message: string }>();
  for (const error of answer.errors) {
    for (const id of error.context?.ids ?? []) refused.set(id.toLowerCase(), { category: error.category ?? "UNKNOWN", message: error.message ?? "no explanation given" });
  }
  return refused;
}

const byEmail = (answer: BatchAnswer) => new Map(answer.results.map((r) => [(r.properties[EMAIL_PROPERTY] ?? "").toLowerCase(), r]));

/**
 * Creates or updates the contacts in one batch; enrich (action `update`) only updates those HubSpot
 * has. Returns each written Export's contact id, for list memberships.
 */
async function writeContacts(app: HubSpotApp, items: ExportItem[], ctx: PluginContext, outcomes: Outcomes): Promise<Map<string, string>> {
  const enrich = items[0]!.action === "update";
  const inputs = items.map((item) => ({ idProperty: EMAIL_PROPERTY, id: emailOf(item)!, properties: propertiesOf(item) }));
  const path = enrich ? "/crm/v3/objects/contacts/batch/update" : "/crm/v3/objects/contacts/batch/upsert";
  const answer = readBatch(expectStatus(await call(app, ctx, "POST", path, { inputs }), [200, 201, 207], enrich ? "update the contacts" : "create or update the contacts"));
  const written = byEmail(answer);
  const refused = refusedRows(answer);
  const contactIds = new Map<string, string>();
  for (const item of items) {
    const email = emailOf(item)!;
    const contact = written.get(email);
    const refusal = refused.get(email);
    if (contact) {
      contactIds.set(item.exportId, contact.id);
      outcomes.set(item.exportId, { ok: true, remoteId: contact.id, summary: { created: contact.new ?? false } });
    } else if (enrich && refusal?.category === "OBJECT_NOT_FOUND") {
      outcomes.set(item.exportId, { ok: true, remoteId: null, skipped: NOT_IN_HUBSPOT });
    } else if (refusal) {
      outcomes.set(item.exportId, { ok: false, error: `HubSpot refused this contact (${refusal.category}): ${refusal.message}`, retryable: false });
    } else {
      outcomes.set(item.exportId, { ok: false, error: "HubSpot gave no result for this contact", retryable: true });
    }
  }
  return contactIds;
}

/**
 * Adds and removes the written contacts to and from static lists, one request per list and
 * direction. A list HubSpot refuses fails only the Exports that touch it; once HubSpot throttles or
 * fails, the changes left wait with the one that failed.
 */
async function changeMemberships(app: HubSpotApp, items: ExportItem[], contactIds: Map<string, string>, ctx: PluginContext, outcomes: Outcomes) {
  const changes = new Map<string, { listId: string; direction: "add" | "remove"; items: ExportItem[] }>();
  for (const item of items) {
    if (!contactIds.has(item.exportId)) continue;
    for (const direction of ["add", "remove"] as const) {
      for (const listId of item.lists[direction]) {
        const key = `${direction}:${listId}`;
        const change = changes.get(key) ?? { listId, direction, items: [] };
        change.items.push(item);
        changes.set(key, change);
      }
    }
  }
  let halted: ExportOutcome | null = null;
  for (const { listId, direction, items: touched } of changes.values()) {
    if (halted) {
      for (const item of touched) outcomes.set(item.exportId, halted);
      continue;
    }
    const ids = [...new Set(touched.map((item) => contactIds.get(item.exportId)!))];
    try {
      const doing = direction === "add" ? `add contacts to list ${listId}` : `remove contacts from list ${listId}`;
      const answer = expectStatus(await call(app, ctx, "PUT", `/crm/v3/lists/${encodeURIComponent(listId)}/memberships/${direction}`, ids), [200], doing);
      if (direction === "add") {
        // A contact just written may not have reached the lists yet; trying again later finds it.
        const missing = new Set((answer.body?.recordIdsMissing ?? []).map(String));
        for (const item of touched) {
          if (missing.has(contactIds.get(item.exportId)!)) outcomes.set(item.exportId, { ok: false, error: `HubSpot did not find the contact to add to list ${listId}`, retryable: true });
        }
      }
    } catch (err) {
      const failed = failureOf(err);
      for (const item of touched) outcomes.set(item.exportId, failed);
      if (failed.retryable) halted = failed;
    }
  }
}

/**
 * Archives the contacts of Records that left a `sync` collection (HubSpot can restore them).
 * Archiving takes a contact off every list, so list removals need no requests of their own. An
 * Export without the contact id learned when it was written finds it by address first.
 */
async function archiveContacts(app: HubSpotApp, items: ExportItem[], ctx: PluginContext, outcomes: Outcomes) {
  const contactIds = new Map(items.filter((item) => item.remoteId).map((item) => [item.exportId, item.remoteId!]));
  const unknown = items.filter((item) => !item.remoteId);
  if (unknown.length) {
    const lookup = { idProperty: EMAIL_PROPERTY, properties: [EMAIL_PROPERTY], inputs: unknown.map((item) => ({ id: emailOf(item)! })) };
    const answer = readBatch(expectStatus(await call(app, ctx, "POST", "/crm/v3/objects/contacts/batch/read", lookup), [200, 207], "look up the contacts to archive"));
    const found = byEmail(answer);
    const refused = refusedRows(answer);
    for (const item of unknown) {
      const email = emailOf(item)!;
      const contact = found.get(email);
      const refusal = refused.get(email);
      if (contact) contactIds.set(item.exportId, contact.id);
      else if (refusal && refusal.category !== "OBJECT_NOT_FOUND") outcomes.set(item.exportId, { ok: false, error: `HubSpot refused to look up this contact (${refusal.category}): ${refusal.message}`, retryable: false });
      else outcomes.set(item.exportId, { ok: true, remoteId: null, skipped: NOT_IN_HUBSPOT });
    }
  }
  if (!contactIds.size) return;
  const inputs = [...new Set(contactIds.values())].map((id) => ({ id }));
  expectStatus(await call(app, ctx, "POST", "/crm/v3/objects/contacts/batch/archive", { inputs }), [200, 204], "archive the contacts");
  for (const exportId of contactIds.keys()) outcomes.set(exportId, { ok: true, remoteId: null, summary: { archived: true } });
}

/**
 * Sends one batch: writes (with their list changes), then archives. Until HubSpot has changed
 * anything, a batch it refuses for its content (400) is thrown back whole, so the core splits it to
 * find the rows at fault; any other failure answers each Export, so a refused token or a throttled
 * account is not split into many requests. Once something changed, failures only reach the Exports
 * they concern.
 */
export async function sendContacts(app: HubSpotApp, items: ExportItem[], ctx: PluginContext): Promise<Outcomes> {
  const outcomes: Outcomes = new Map();
  const addressed = items.filter((item) => {
    if (emailOf(item) || (item.action === "delete" && item.remoteId)) return true;
    outcomes.set(item.exportId, { ok: false, error: `No ${EMAIL_PROPERTY} to find the contact by: map a Property to HubSpot's ${EMAIL_PROPERTY}`, retryable: false });
    return false;
  });
  let changed = false;
  let halted: ExportOutcome | null = null;
  const step = async (part: ExportItem[], run: () => Promise<void>) => {
    if (!part.length) return;
    if (halted) {
      for (const item of part) outcomes.set(item.exportId, halted);
      return;
    }
    try {
      await run();
      changed = true;
    } catch (err) {
      if (!changed && err instanceof SendError && err.details.status === 400) throw err;
      const failed = failureOf(err);
      for (const item of part) outcomes.set(item.exportId, failed);
      if (failed.retryable) halted = failed;
    }
  };
  const writes = addressed.filter((item) => item.action !== "delete");
  const archives = addressed.filter((item) => item.action === "delete");
  await step(writes, async () => changeMemberships(app, writes, await writeContacts(app, writes, ctx, outcomes), ctx, outcomes));
  await step(archives, () => archiveContacts(app, archives, ctx, outcomes));
  return outcomes;
}
