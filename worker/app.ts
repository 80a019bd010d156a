import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./context";
import { ApiError, errorBody } from "./errors";
import { log } from "./log";
import { authenticate } from "./middleware/authenticate";
import { requestContext } from "./middleware/request-context";
import { apiKeyRoutes } from "./routes/api-keys";
import { appRoutes } from "./routes/apps";
import { auditLogRoutes } from "./routes/audit-log";
import { authRoutes } from "./routes/auth";
import { deadLetterRoutes } from "./routes/dead-letters";
import { fileRoutes, isFileUpload } from "./routes/files";
import { eventHookRoutes, eventRoutes } from "./routes/events";
import { importRoutes } from "./routes/imports";
import { invitationRoutes } from "./routes/invitations";
import { memberRoutes } from "./routes/members";
import { pluginRoutes } from "./routes/plugins";
import { recordRoutes } from "./routes/records";
import { exportRoutes } from "./routes/exports";
import { destinationRoutes } from "./routes/destinations";
import { groupRoutes } from "./routes/groups";
import { runRoutes } from "./routes/runs";
import { scheduleRoutes } from "./routes/schedules";
import { propertyRoutes } from "./routes/properties";
import { sourceRoutes } from "./routes/sources";
import { sourceHookRoutes, webhookSecretRoutes } from "./routes/webhooks";
import { workspaceRoutes } from "./routes/workspaces";

export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const limitJsonBody = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: () => {
    throw new ApiError("payload_too_large", `The request body is larger than ${MAX_JSON_BODY_BYTES / 1024} KiB`);
  },
});

const api = new Hono<AppEnv>()
  // File uploads stream to R2 under their own, larger limit (routes/files.ts).
  .use((c, next) => (isFileUpload(c) ? next() : limitJsonBody(c, next)))
  .use(authenticate)
  .route("/auth", authRoutes)
  .route("/", workspaceRoutes)
  .route("/members", memberRoutes)
  .route("/invitations", invitationRoutes)
  .route("/api-keys", apiKeyRoutes)
  .route("/audit-log", auditLogRoutes)
  .route("/plugins", pluginRoutes)
  .route("/apps", appRoutes)
  .route("/sources", sourceRoutes)
  .route("/sources", webhookSecretRoutes)
  .route("/properties", propertyRoutes)
  .route("/schedules", scheduleRoutes)
  .route("/runs", runRoutes)
  .route("/dead-letters", deadLetterRoutes)
  .route("/imports", importRoutes)
  .route("/events", eventRoutes)
  .route("/records", recordRoutes)
  .route("/groups", groupRoutes)
  .route("/destinations", destinationRoutes)
  .route("/exports", exportRoutes)
  .route("/files", fileRoutes);

/** Webhooks are called by other systems: no session or API key, each delivery is signed instead. */
const hooks = new Hono<AppEnv>().use(limitJsonBody).route("/sources", sourceHookRoutes).route("/events", eventHookRoutes);

export const app = new Hono<AppEnv>()
  .use(requestContext)
  .get("/health", (c) => c.json({ ok: true }))
  .route("/api/v1", api)
  .route("/hooks", hooks);

app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404));

app.onError((err, c) => {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message, err.details), err.status);
  }
  log("error", "unhandled error", { requestId: c.get("requestId"), error: err.message, stack: err.stack });
  return c.json(errorBody("internal_error", "Something went wrong on our side; the request id identifies it in our logs"), 500);
});
