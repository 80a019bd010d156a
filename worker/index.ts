import { app } from "./app";
import { runScheduledWork } from "./cron";
import type { Env } from "./env";
import { consumeQueue } from "./queues/consume";

export { RecordObject } from "../durable-objects/record-object";

export default {
  fetch: app.fetch,
  queue: consumeQueue,
  scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledWork(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
