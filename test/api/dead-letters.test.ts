import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";
import { describe, expect, it } from "vitest";
import { recordObjectName } from "../../durable-objects/record-object";
import { MAX_ATTEMPTS, QUEUES } from "../../worker/queues/messages";
import { emptyCounters } from "../../worker/runs/states";
import { addMember, api, createKey, waitForRun } from "../support/api";
import { importPeople } from "../support/import-people";
import { pushWorkspace } from "../support/push-workspace";

/** Delivers one message to the Worker's real queue handler, as the platform does on its `attempts`-th try. */
async function deliver(queue: string, body: unknown, attempts: number, id = `msg-${crypto.randomUUID()}`) {
  const batch = createMessageBatch(queue, [{ id, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/**
 * A workspace with one Record and a Destination that holds it, and a sync Run of that Destination
 * stored but never queued, so only the messages a test delivers walk it.
 */
async function destinationSync(label: string) {
  const { ws, as } = await pushWorkspace(label);
  const tenantId = ws.workspace.id;
  const recordOf = new Map<string, string>();
  await importPeople((await createKey(as, ["write:imports"])).secret, [{ external_id: "d1", plan: "pro" }], recordOf);
  const app = (await api("POST", "/apps", { as, body: { name: "Outbox", plugin: "inspector", type: "inspector" } })).body.app;
  const created = await api("POST", "/destinations", { as, body: { appId: app.id, type: "inspector", name: "Everyone", mapping: [{ remote: "plan", property: "plan" }] } });
  expect(await waitForRun(as, created.body.run.id)).toMatchObject({ state: "complete" });
  const runId = `run_${label}${"x".repeat(24)}`.slice(0, 28);
  const now = Date.now();
  await env.DB.prepare(
    `insert into runs (id, tenant_id, destination_id, state, trigger, incremental, cursor, page, read_complete, counters, percent_complete, created_at, updated_at)
     values (?, ?, ?, 'draft', 'destination', 0, '', 0, 0, ?, 0, ?, ?)`,
  )
    .bind(runId, tenantId, created.body.destination.id, JSON.stringify(emptyCounters()), now, now)
    .run();
  const message = { kind: "destination-page", tenantId, runId, page: 0 };
  return { as, tenantId, recordId: recordOf.get("d1")!, runId, message };
}

describe("dead letters", () => {
  it("settles an Import that can't be matched as failed with the reason, without retrying it", async () => {
    const { ws, as } = await pushWorkspace("unmatched");
    const importId = "imp_unmatchedunmatchedunmatc";
    await env.DB.prepare(`insert into imports (id, tenant_id, via, data, state, created_at) values (?, ?, 'api', ?, 'pending', ?)`)
      .bind(importId, ws.workspace.id, JSON.stringify({ plan: "pro" }), Date.now())
      .run();
    const result = await deliver(QUEUES.liveHydration, { kind: "hydrate", tenantId: ws.workspace.id, importIds: [importId] }, 1);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    const failed = (await api("GET", `/imports/${importId}`, { as })).body.import;
    expect(failed).toMatchObject({ state: "failed", error: expect.stringMatching(/no valid value for a unique Property/) });
    expect((await api("GET", "/dead-letters", { as })).body.deadLetters).toEqual([]);
  });

  it("lists a workspace's dead letters for admins and replays hydration messages onto their queue", async () => {
    const { ws, as } = await pushWorkspace("replay");
    const tenantId = ws.workspace.id;
    // A message the consumer cannot handle (no Imports named) fails every attempt; on the last one it is kept with the error.
    const body = { kind: "hydrate", tenantId, importIds: [] };
    const early = await deliver(QUEUES.liveHydration, body, 1);
    expect(early.retryMessages).toHaveLength(1);
    expect((await api("GET", "/dead-letters", { as })).body.deadLetters).toEqual([]);
    const result = await deliver(QUEUES.liveHydration, body, MAX_ATTEMPTS, "msg-last-attempt");
    expect(result.retryMessages).toHaveLength(1);
    const kept = (await api("GET", "/dead-letters", { as })).body.deadLetters;
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ queue: QUEUES.liveHydration, replayedAt: null, error: expect.stringMatching(/importIds/) });

    // The platform then moves it to the dead-letter queue under the same id: it is not stored twice.
    await deliver(QUEUES.deadLetters, kept[0].body, 1, "msg-last-attempt");
    expect((await api("GET", "/dead-letters", { as })).body.deadLetters).toHaveLength(1);

    const viewer = await addMember(ws, "viewer");
    expect((await api("POST", `/dead-letters/${kept[0].id}/replay`, { as: viewer.as })).status).toBe(403);
    const replayed = await api("POST", `/dead-letters/${kept[0].id}/replay`, { as });
    expect(replayed.status).toBe(200);
    expect(replayed.body.deadLetter.replayedAt).not.toBeNull();
    expect((await api("GET", "/dead-letters?pending=true", { as })).body.deadLetters).toEqual([]);
    const audit = (await api("GET", "/audit-log", { as })).body.entries.map((e: { action: string }) => e.action);
    expect(audit).toContain("dead_letter.replay");
  });

  it("fails a Destination's sync Run with the reason when a page fails its last attempt, and keeps the message", async () => {
    const { as, tenantId, recordId, runId, message } = await destinationSync("deadpage");
    // The Record's object cannot take its Groups: every attempt at the page fails.
    const object = env.RECORDS.get(env.RECORDS.idFromName(recordObjectName(tenantId, recordId)));
    await runInDurableObject(object, (_instance, state) => state.storage.kv.put("state", { revision: 1 }));

    const early = await deliver(QUEUES.runPages, message, 1);
    expect(early.retryMessages).toHaveLength(1);
    expect((await api("GET", `/runs/${runId}`, { as })).body.run).toMatchObject({ state: "running", reason: null });

    const last = await deliver(QUEUES.runPages, message, MAX_ATTEMPTS, "msg-last-page");
    expect(last.retryMessages).toHaveLength(1);
    const failed = (await api("GET", `/runs/${runId}`, { as })).body.run;
    expect(failed).toMatchObject({ state: "failed", reason: expect.stringMatching(/^Page 0 failed: .+/) });
    expect(failed.finishedAt).not.toBeNull();
    const kept = (await api("GET", "/dead-letters", { as })).body.deadLetters;
    expect(kept).toEqual([expect.objectContaining({ queue: QUEUES.runPages, body: message, error: expect.any(String) })]);
    // Arriving on the dead-letter queue changes nothing more: the Run keeps the reason its page failed with.
    await deliver(QUEUES.deadLetters, message, 1, "msg-last-page");
    expect((await api("GET", `/runs/${runId}`, { as })).body.run.reason).toBe(failed.reason);
    expect((await api("GET", "/dead-letters", { as })).body.deadLetters).toHaveLength(1);
  });

  it("fails a sync Run whose page reached the dead-letter queue without its consumer seeing the last failure", async () => {
    const { as, runId, message } = await destinationSync("lostpage");
    // A consumer stopped by the platform mid-page never reaches its own error handling.
    const result = await deliver(QUEUES.deadLetters, message, 1);
    expect(result.explicitAcks).toHaveLength(1);
    expect((await api("GET", `/runs/${runId}`, { as })).body.run).toMatchObject({
      state: "failed",
      reason: `Page 0 was given up after ${MAX_ATTEMPTS} attempts`,
    });
    expect((await api("GET", "/dead-letters", { as })).body.deadLetters).toEqual([expect.objectContaining({ queue: QUEUES.runPages, error: null })]);
  });
});
