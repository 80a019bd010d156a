import { desc, eq, isNull } from "drizzle-orm";
import { createDb } from "../db/client";
import { deadLetters, runs } from "../db/schema";
import { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { derivedId } from "../ids";
import { moveRun } from "../runs/lifecycle";
import { UNFINISHED } from "../runs/states";
import { MAX_ATTEMPTS, QUEUES, runMessageSchema } from "./messages";

const tenantOf = (body: unknown) =>
  typeof body === "object" && body !== null && typeof (body as { tenantId?: unknown }).tenantId === "string" ? (body as { tenantId: string }).tenantId : null;

/**
 * Keeps a message that failed every attempt, with the last error. The consumer writes it just before
 * giving the message up and the dead-letter queue's consumer writes it again on arrival; both use an
 * id derived from the message id, so it is stored once, with the error when the consumer saw one.
 */
export async function keepDeadLetter(env: Env, queue: string, messageId: string, body: unknown, error: string | null) {
  const tenantId = tenantOf(body);
  if (!tenantId) return;
  await createDb(env.DB)
    .insert(deadLetters)
    .values({ id: await derivedId("dlq", messageId), tenantId, queue, body: body as Record<string, unknown>, error, createdAt: new Date(), replayedAt: null })
    .onConflictDoNothing();
}

/**
 * Fails the Run of a page given up, when the Run is still waiting on that page. Its consumer does
 * that itself on the last attempt; one the platform stopped mid-page never got there, and the sweep
 * would otherwise queue the page again for ever.
 */
export async function failRunOfGivenUpPage(env: Env, body: unknown) {
  const message = runMessageSchema.safeParse(body);
  if (!message.success || message.data.kind === "finish-run") return;
  const { tenantId, runId, page } = message.data;
  const scope = new TenantScope(createDb(env.DB), tenantId);
  const run = await scope.findOne(runs, eq(runs.id, runId));
  if (!run || !UNFINISHED.includes(run.state) || run.page !== page) return;
  await moveRun(scope, runId, "failed", { reason: `Page ${page} was given up after ${MAX_ATTEMPTS} attempts` });
}

export const publicDeadLetter = (d: typeof deadLetters.$inferSelect) => ({
  id: d.id,
  queue: d.queue,
  body: d.body,
  error: d.error,
  createdAt: d.createdAt,
  replayedAt: d.replayedAt,
});

export const listDeadLetters = (scope: TenantScope, pendingOnly: boolean, limit: number) =>
  scope.select(deadLetters, pendingOnly ? isNull(deadLetters.replayedAt) : undefined).orderBy(desc(deadLetters.createdAt)).limit(limit);

/** Sends a dead letter's message to its queue again; consumers are idempotent, so a replay only does what was left undone. */
export async function replayDeadLetter(scope: TenantScope, env: Env, id: string) {
  const letter = await scope.findOne(deadLetters, eq(deadLetters.id, id));
  if (!letter) throw notFound("Dead letter");
  if (letter.queue === QUEUES.runPages) {
    // The Run already failed with its reason; a new Run resumes from the Schedule's stored high-water mark.
    throw new ApiError("conflict", "A Run's page is not replayed: start the Schedule again and it resumes from its last stored high-water mark");
  }
  if (letter.queue === QUEUES.hydration) await env.HYDRATION.send(letter.body as never);
  else if (letter.queue === QUEUES.liveHydration) await env.LIVE_HYDRATION.send(letter.body as never);
  else if (letter.queue === QUEUES.memberships) await env.MEMBERSHIPS.send(letter.body as never);
  else if (letter.queue === QUEUES.exports) await env.EXPORTS.send(letter.body as never);
  else throw new ApiError("conflict", `Messages of queue "${letter.queue}" cannot be replayed`);
  const replayedAt = new Date();
  await scope.update(deadLetters, { replayedAt }, eq(deadLetters.id, id));
  return { ...letter, replayedAt };
}
