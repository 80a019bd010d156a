import { app } from "./app";
import { runScheduledWork } from "./cron";
import type { Env } from "./env";
import { configureLogging } from "./log";
import { consumeQueue } from "./queues/consume";

export { RecordObject } from "../durable-objects/record-object";

export default {
  fetch: app.fetch,
  queue(batch, env) {
    configureLogging(env.LOG_LEVEL);
    return consumeQueue(batch, env);
  },
  scheduled(controller, env, ctx) {
    configureLogging(env.LOG_LEVEL);
    ctx.waitUntil(runScheduledWork(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
