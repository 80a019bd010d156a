import type { PlatformProxy } from "wrangler";

export interface Env {
  API: Fetcher;
}

type Cloudflare = Omit<PlatformProxy<Env>, "dispose">;

declare module "@remix-run/cloudflare" {
  interface AppLoadContext {
    cloudflare: Cloudflare;
  }
}

/** One shape of context for `vite:dev` and for Pages, so loaders never care where they run. */
export function getLoadContext({ context }: { request: Request; context: { cloudflare: Cloudflare } }) {
  return { cloudflare: context.cloudflare };
}
