import { app } from "./app";
import { runScheduledWork } from "./cron";
import type { Env } from "./env";
import { configureLogging } from "./log";
import { withTimedDatabase } from "./db/timed-d1";
import { consumeQueue } from "./queues/consume";

export { RecordObject } from "../durable-objects/record-object";
export { DestinationObject } from "../durable-objects/destination-object";

export default {
  fetch: (request, env, ctx) => app.fetch(request, withTimedDatabase(env), ctx),
  queue(batch, env) {
    configureLogging(env.LOG_LEVEL);
    return consumeQueue(batch, withTimedDatabase(env));
  },
  scheduled(controller, env, ctx) {
    configureLogging(env.LOG_LEVEL);
    ctx.waitUntil(runScheduledWork(withTimedDatabase(env), new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
