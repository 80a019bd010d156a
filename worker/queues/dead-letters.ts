import { desc, eq, isNull } from "drizzle-orm";
import { createDb } from "../db/client";
import { deadLetters } from "../db/schema";
import type { TenantScope } from "../db/tenant-scope";
import type { Env } from "../env";
import { ApiError, notFound } from "../errors";
import { derivedId } from "../ids";
import { QUEUES } from "./messages";

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
