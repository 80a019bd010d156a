// The Worker's bindings, declared on the platform's global types so `env` and `exports` are typed everywhere.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    FILES: R2Bucket;
    RUN_PAGES: Queue<import("./queues/messages").RunMessage>;
    HYDRATION: Queue<import("./queues/messages").HydrationMessage>;
    LIVE_HYDRATION: Queue<import("./queues/messages").HydrationMessage>;
    MEMBERSHIPS: Queue<import("./queues/messages").HandOverMembershipMessage>;
    EXPORTS: Queue<import("./queues/messages").SendExportsMessage>;
    DEAD_LETTERS: Queue<unknown>;
    RECORDS: DurableObjectNamespace<import("../durable-objects/record-object").RecordObject>;
    DESTINATIONS: DurableObjectNamespace<import("../durable-objects/destination-object").DestinationObject>;
    /** 32 random bytes, base64: the key App secrets are sealed with. Set with `wrangler secret put`. */
    APP_SECRETS_KEY?: string;
    APP_ENV: string;
    LOG_LEVEL?: string;
    /** How long a failed Export waits before its first retry, in ms (3 minutes unless set); each next retry waits twice as long. */
    EXPORT_FIRST_RETRY_MS?: string;
  }
  interface GlobalProps {
    mainModule: typeof import("./index");
  }
}
