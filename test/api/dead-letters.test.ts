import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";
import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, QUEUES } from "../../worker/queues/messages";
import { addMember, api } from "../support/api";
import { pushWorkspace } from "../support/push-workspace";

/** Delivers one message to the Worker's real queue handler, as the platform does on its `attempts`-th try. */
async function deliver(queue: string, body: unknown, attempts: number, id = `msg-${crypto.randomUUID()}`) {
  const batch = createMessageBatch(queue, [{ id, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
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
});
