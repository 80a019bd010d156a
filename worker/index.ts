import { app } from "./app";
import type { Env } from "./env";

export { RecordObject } from "../durable-objects/record-object";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
