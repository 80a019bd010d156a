import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { TEST_MIGRATIONS: migrations, LOG_LEVEL: "warn" } },
          }),
        ],
        test: {
          name: "api",
          include: ["test/api/**/*.test.ts"],
          setupFiles: ["./test/support/apply-migrations.ts"],
          globalSetup: ["./test/support/load-customer-databases.ts", "./test/support/fake-receivers.ts"],
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          globalSetup: ["./test/browser/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          // A real browser against a whole local stack on two cores now and then stalls for a minute
          // (the stack's log, printed after the run, shows where). A test that fails twice is a failure.
          retry: 1,
        },
      },
    ],
  },
});
