import { recordObjectName } from "../../durable-objects/record-object";
import type { Env } from "../env";
import { log } from "../log";
import type { HandOverMembershipMessage } from "../queues/messages";
import { chunk } from "../db/chunk";
import { createDb } from "../db/client";
import { properties } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import { destinationPlans } from "../destinations/plans";
import { exportWrites } from "../exports/write";
import { nudgeDestinations } from "../exports/send";

/** Objects called at once per message: enough to overlap their wake-ups. */
const OBJECT_CONCURRENCY = 8;
/**
 * The most objects woken per second. Every object woken stays open a while; woken faster than
 * hydration wakes them (about 200 a second), the local runtime ran out of SQLite memory, which its
 * objects and D1 share (decision 006). Messages are consumed one at a time, so this paces them all.
 */
const OBJECTS_PER_SECOND = 200;
/** Export decisions written per D1 batch (two statements each). */
const WRITES_PER_BATCH = 100;
/** Records named per message when they are listed rather than found through a Run's history. */
const RECORDS_PER_MESSAGE = 250;

type Selection = HandOverMembershipMessage["selection"];

/** Queues the hand-over of Records whose calculated Groups D1 just changed. */
export async function queueHandOver(env: Env, tenantId: string, selection: { runId: string; after: string; through: string } | { recordIds: string[] }) {
  if ("runId" in selection) return env.MEMBERSHIPS.send({ kind: "hand-over-membership", tenantId, selection });
  const messages = [];
  for (let i = 0; i < selection.recordIds.length; i += RECORDS_PER_MESSAGE) {
    messages.push({ body: { kind: "hand-over-membership" as const, tenantId, selection: { recordIds: selection.recordIds.slice(i, i + RECORDS_PER_MESSAGE) } } });
  }
  if (messages.length) await env.MEMBERSHIPS.sendBatch(messages);
}

interface Moved {
  id: string;
  revision: number;
  calculated: string;
  manual: string;
}

/** The moved Records with the revision D1 holds and every Group D1 has them in, read in one statement. */
async function movedRecords(d1: D1Database, tenantId: string, selection: Selection) {
  const moved =
    "runId" in selection
      ? // The Run's history names every Record it moved; a page's Records lie in its id range.
        "select record_id from group_membership_changes where run_id = ?2 and tenant_id = ?1 and record_id > ?3 and record_id <= ?4"
      : "select value from json_each(?2) where ?3 is null and ?4 is null";
  const params = "runId" in selection ? [selection.runId, selection.after, selection.through] : [JSON.stringify(selection.recordIds), null, null];
  const { results } = await d1
    .prepare(
      `select r.id, r.revision,
         (select json_group_array(gm.group_id) from group_members gm join groups g on g.id = gm.group_id and g.type = 'calculated' where gm.record_id = r.id) as calculated,
         (select json_group_array(gm.group_id) from group_members gm join groups g on g.id = gm.group_id and g.type = 'manual' where gm.record_id = r.id) as manual
       from records r where r.tenant_id = ?1 and r.id in (${moved})`,
    )
    .bind(tenantId, ...params)
    .all<Moved>();
  return results;
}

/**
 * Hands Records whose calculated Groups changed in D1 to their objects, each with the Groups D1 now
 * has it in, and stores the Exports the objects decide. D1 is read at the time of the hand-over, so a
 * late or repeated message carries what is true now, and an object that settled newer work keeps its
 * own judgement.
 */
export async function handOverMembership(env: Env, message: HandOverMembershipMessage) {
  const started = Date.now();
  const { records, taken } = await handOverRecords(env, message.tenantId, message.selection);
  log("debug", "handed over membership", { tenantId: message.tenantId, records, taken, ms: Date.now() - started });
}

/**
 * Hands Records to their objects with the Groups D1 holds them in, stores the Exports the objects
 * decide and queues their sending; then waits out the pace objects may be woken at. Says how many
 * Records there were, how many objects took their calculated Groups, and how many new Exports each
 * Destination got.
 */
export async function handOverRecords(env: Env, tenantId: string, selection: Selection) {
  const started = Date.now();
  const scope = new TenantScope(createDb(env.DB), tenantId);
  const [moved, plans] = await Promise.all([movedRecords(env.DB, tenantId, selection), scope.select(properties).then((props) => destinationPlans(scope, props))]);
  const queue = [...moved];
  let taken = 0;
  const writes: Awaited<ReturnType<typeof exportWrites>> = [];
  await Promise.all(
    Array.from({ length: Math.min(OBJECT_CONCURRENCY, queue.length) }, async () => {
      for (let record = queue.shift(); record; record = queue.shift()) {
        const stub = env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, record.id)));
        const held = { calculated: JSON.parse(record.calculated) as string[], manual: JSON.parse(record.manual) as string[], storedRevision: record.revision };
        const outcome = await stub.takeMembership(held, plans);
        if (!outcome) continue;
        if (outcome.taken) taken += 1;
        // Guarded by the revision the object decided at: a Record settled since has decided again itself.
        writes.push(...(await exportWrites(env.DB, tenantId, record.id, outcome.exports, outcome.revision + 1, Date.now())));
      }
    }),
  );
  // Objects give their latest decisions again in case an earlier write was lost; only Exports that are new count.
  const created = new Map<string, number>();
  for (const part of chunk(writes, WRITES_PER_BATCH)) {
    const results = await env.DB.batch(part.flatMap((w) => [w.supersede, w.insert]));
    part.forEach((w, i) => {
      if (results[2 * i + 1]!.meta.changes) created.set(w.destinationId, (created.get(w.destinationId) ?? 0) + 1);
    });
  }
  await nudgeDestinations(env, tenantId, created.keys());
  const paced = (moved.length * 1000) / OBJECTS_PER_SECOND - (Date.now() - started);
  if (paced > 0) await new Promise((resolve) => setTimeout(resolve, paced));
  return { records: moved.length, taken, created };
}
