// The Worker's bindings, declared on the platform's global types so `env` and `exports` are typed everywhere.
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    APP_ENV: string;
    LOG_LEVEL?: string;
  }
  interface GlobalProps {
    mainModule: typeof import("./index");
  }
}
