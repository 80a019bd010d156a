import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("answers health checks with a request id", async () => {
  const res = await exports.default.fetch("http://localhost/health");
  expect(res.status).toBe(200);
  expect(res.headers.get("x-request-id")).toMatch(/.{8,}/);
});
