import type { Env } from "../env";
import { log } from "../log";
import { giveUpOnImports, hydrateImports } from "../pipeline/hydrate";
import { importRunPage } from "../pipeline/run-pages";
import { handOverMembership } from "../groups/hand-over";
import { recalculatePage } from "../groups/recalculate";
import { createDb } from "../db/client";
import { TenantScope } from "../db/tenant-scope";
import { finishRunIfDone, moveRun } from "../runs/lifecycle";
import { failRunOfGivenUpPage, keepDeadLetter } from "./dead-letters";
import { handOverMembershipMessageSchema, hydrationMessageSchema, MAX_ATTEMPTS, QUEUES, runMessageSchema, sendExportsMessageSchema } from "./messages";
import { sendExports } from "../exports/send";
import { syncDestinationPage } from "../destinations/sync-run";

/** Seconds before a failed message is tried again: 2, 4, 8… so a Source that blips has time to come back. */
const backoffSeconds = (attempts: number) => Math.min(2 ** attempts, 300);

async function handle(env: Env, queue: string, message: Message<unknown>) {
  const final = message.attempts >= MAX_ATTEMPTS;
  if (queue === QUEUES.runPages) {
    const body = runMessageSchema.parse(message.body);
    if (body.kind === "run-page") await importRunPage(env, body, { final });
    else if (body.kind === "recalculate-page" || body.kind === "destination-page") {
      try {
        await (body.kind === "recalculate-page" ? recalculatePage(env, body) : syncDestinationPage(env, body));
      } catch (err) {
        // The page's last attempt: the Run ends failed with the reason, rather than waiting forever.
        if (final) await moveRun(new TenantScope(createDb(env.DB), body.tenantId), body.runId, "failed", { reason: `Page ${body.page} failed: ${err instanceof Error ? err.message : String(err)}` });
        throw err;
      }
    }
    else await finishRunIfDone(env, new TenantScope(createDb(env.DB), body.tenantId), body.runId);
  } else if (queue === QUEUES.hydration || queue === QUEUES.liveHydration) {
    const body = hydrationMessageSchema.parse(message.body);
    try {
      await hydrateImports(env, body.tenantId, body.importIds);
    } catch (err) {
      if (final) await giveUpOnImports(env, body.tenantId, body.importIds, err instanceof Error ? err.message : String(err));
      throw err;
    }
  } else if (queue === QUEUES.memberships) {
    await handOverMembership(env, handOverMembershipMessageSchema.parse(message.body));
  } else if (queue === QUEUES.exports) {
    const body = sendExportsMessageSchema.parse(message.body);
    await sendExports(env, body.tenantId, body.destinationId);
  } else if (queue === QUEUES.deadLetters) {
    // The dead-letter queue mixes every kind; the message's kind says which queue it failed on.
    const kind = (message.body as { kind?: unknown } | null)?.kind;
    const from = ({ hydrate: QUEUES.hydration, "hand-over-membership": QUEUES.memberships, "send-exports": QUEUES.exports } as Record<string, string>)[String(kind)] ?? QUEUES.runPages;
    await keepDeadLetter(env, from, message.id, message.body, null);
    if (from === QUEUES.runPages) await failRunOfGivenUpPage(env, message.body);
  } else {
    throw new Error(`No consumer for queue "${queue}"`);
  }
}

/**
 * The Worker's queue handler. Messages are handled one after another: each hydration message
 * already reads every Source for a hundred Records, and running ten at once only makes them
 * compete for the same customer databases until their reads time out. Each message is acknowledged
 * or retried on its own; one that fails its last attempt is kept as a dead letter with its error
 * before the platform moves it to the dead-letter queue.
 */
export async function consumeQueue(batch: MessageBatch<unknown>, env: Env) {
  const queue = batch.queue;
  for (const message of batch.messages) {
    const watch = watchSlowMessage(queue, message);
    try {
      await handle(env, queue, message);
      message.ack();
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      log("warn", "queue message failed", { queue, messageId: message.id, attempts: message.attempts, error });
      if (message.attempts >= MAX_ATTEMPTS) await keepDeadLetter(env, queue, message.id, message.body, error);
      message.retry({ delaySeconds: backoffSeconds(message.attempts) });
    } finally {
      clearInterval(watch);
    }
  }
}

/** How long a message may take before the log says it is still being handled, and again each time as long. */
const SLOW_MESSAGE_MS = 30_000;

/**
 * A batch holds up the messages behind it on its queue until every message in it is handled, so
 * one that hangs (an outside system that never answers, a call that never returns) stalls the
 * queue: the log says which message, of which kind and workspace, and for how long.
 */
function watchSlowMessage(queue: string, message: Message<unknown>) {
  const started = Date.now();
  const body = (message.body ?? {}) as { kind?: unknown; tenantId?: unknown; runId?: unknown; destinationId?: unknown };
  return setInterval(() => {
    log("warn", "queue message still being handled", {
      queue,
      messageId: message.id,
      kind: body.kind,
      tenantId: body.tenantId,
      runId: body.runId,
      destinationId: body.destinationId,
      attempts: message.attempts,
      elapsedMs: Date.now() - started,
    });
  }, SLOW_MESSAGE_MS);
}
