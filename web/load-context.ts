import type { PlatformProxy } from "wrangler";

interface Env {
  API: Fetcher;
}

// Both `vite:dev` (through the platform proxy) and Pages hand loaders `context.cloudflare` in this shape.
declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: Omit<PlatformProxy<Env>, "dispose">;
  }
}
