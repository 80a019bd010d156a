import { fileURLToPath } from "node:url";
import { cloudflareDevProxyVitePlugin, vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Plugin } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * The project has one package.json, at the repository root, and Remix reads it from Vite's root.
 * The CLI always sets the root to the directory it runs in, so the root is moved back here,
 * before the Remix plugin reads it; the app's own paths below are absolute.
 */
const repositoryRoot: Plugin = { name: "groupflow-repository-root", config: () => ({ root: here("..") }) };

export default defineConfig({
  publicDir: here("public"),
  plugins: [
    repositoryRoot,
    cloudflareDevProxyVitePlugin({ configPath: here("wrangler.toml") }),
    remix({
      appDirectory: here("app"),
      buildDirectory: here("build"),
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        // Finds the routes' dependencies when the dev server starts, instead of on the first page
        // view, which would otherwise reload the browser once they are bundled.
        unstable_optimizeDeps: true,
      },
    }),
  ],
});
