import { describe, expect, it } from "vitest";
import { createSecretBox } from "../../worker/crypto/secret-box";
import { api, signUp, tableCounts } from "../support/api";

const sampleApp = (customers = 50) => ({ name: "Demo data", plugin: "sample", type: "sample", options: { customers } });

describe("plugins", () => {
  it("lists installed plugins with what a form needs", async () => {
    const ws = await signUp("plugins");
    const res = await api("GET", "/plugins", { as: ws.owner });
    expect(res.status).toBe(200);
    const sample = res.body.plugins.find((p: { name: string }) => p.name === "sample");
    expect(sample.icon).toMatch(/^<svg/);
    expect(sample.apps[0]).toMatchObject({ type: "sample", options: [{ key: "customers", kind: "number" }] });
    expect(sample.apps[0].sources[0]).toMatchObject({ type: "table", keyedBy: "identity_column", bulkImport: true });
  });
});

describe("Apps", () => {
  it("creates, reads, renames, tests and deletes an App, auditing each write", async () => {
    const ws = await signUp("apps");
    const created = await api("POST", "/apps", { as: ws.owner, body: sampleApp() });
    expect(created.status).toBe(201);
    const app = created.body.app;
    expect(app).toMatchObject({ name: "Demo data", plugin: "sample", type: "sample", options: { customers: 50 }, lastTest: null });
    expect(app.id).toMatch(/^app_/);

    const tested = await api("POST", `/apps/${app.id}/test`, { as: ws.owner });
    expect(tested.body.test).toMatchObject({ ok: true, message: "Sample data with 50 customers is ready" });
    const read = await api("GET", `/apps/${app.id}`, { as: ws.owner });
    expect(read.body.app.lastTest).toMatchObject({ ok: true, message: "Sample data with 50 customers is ready" });

    const renamed = await api("PATCH", `/apps/${app.id}`, { as: ws.owner, body: { name: "Demo", options: { customers: 10 } } });
    expect(renamed.body.app).toMatchObject({ name: "Demo", options: { customers: 10 } });
    expect((await api("GET", "/apps", { as: ws.owner })).body.apps).toHaveLength(1);

    expect((await api("DELETE", `/apps/${app.id}`, { as: ws.owner })).status).toBe(204);
    expect((await api("GET", `/apps/${app.id}`, { as: ws.owner })).status).toBe(404);
    const log = await api("GET", "/audit-log", { as: ws.owner });
    expect(log.body.entries.map((e: { action: string }) => e.action).slice(0, 3)).toEqual(["app.delete", "app.update", "app.create"]);
  });

  it("tests options before saving them", async () => {
    const ws = await signUp("draftapp");
    const res = await api("POST", "/apps/test", { as: ws.owner, body: { plugin: "sample", type: "sample", options: { customers: 3 } } });
    expect(res.body.test).toMatchObject({ ok: true, message: "Sample data with 3 customers is ready" });
    expect(res.body.test.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("refuses unknown plugins and bad options, naming them, and creates nothing", async () => {
    const ws = await signUp("badapp");
    const before = await tableCounts();
    const unknown = await api("POST", "/apps", { as: ws.owner, body: { ...sampleApp(), plugin: "oracle" } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/Unknown plugin "oracle".*sample/);
    const wrongType = await api("POST", "/apps", { as: ws.owner, body: { ...sampleApp(), type: "nope" } });
    expect(wrongType.status).toBe(400);
    const badOption = await api("POST", "/apps", { as: ws.owner, body: { ...sampleApp(), options: { customers: "lots" } } });
    expect(badOption.status).toBe(400);
    expect(badOption.body.error.message).toMatch(/customers/);
    const extraOption = await api("POST", "/apps", { as: ws.owner, body: { ...sampleApp(), options: { customers: 5, colour: "red" } } });
    expect(extraOption.status).toBe(400);
    expect(await tableCounts()).toEqual(before);
  });

  it("keeps an App that Sources still use", async () => {
    const ws = await signUp("appinuse");
    const app = (await api("POST", "/apps", { as: ws.owner, body: sampleApp() })).body.app;
    await api("POST", "/sources", {
      as: ws.owner,
      body: { appId: app.id, name: "Users", type: "table", options: { collection: "users" }, identity: { column: "email", propertyKey: "email", propertyType: "email" } },
    });
    const res = await api("DELETE", `/apps/${app.id}`, { as: ws.owner });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/Users/);
  });

  it("lets viewers read Apps but not change them", async () => {
    const ws = await signUp("appviewer");
    const { addMember } = await import("../support/api");
    const viewer = await addMember(ws, "viewer");
    const app = (await api("POST", "/apps", { as: ws.owner, body: sampleApp() })).body.app;
    expect((await api("GET", `/apps/${app.id}`, { as: viewer.as })).status).toBe(200);
    expect((await api("PATCH", `/apps/${app.id}`, { as: viewer.as, body: { name: "x" } })).status).toBe(403);
    expect((await api("POST", `/apps/${app.id}/test`, { as: viewer.as })).status).toBe(403);
  });
});

describe("App secrets at rest", () => {
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

  it("seals with a fresh IV each time and opens only for the same workspace", async () => {
    const box = await createSecretBox(key);
    const a = await box.seal("hunter2-password", "ten_a");
    const b = await box.seal("hunter2-password", "ten_a");
    expect(a).not.toBe(b);
    expect(a).not.toContain("hunter2");
    expect(await box.open(a, "ten_a")).toBe("hunter2-password");
    await expect(box.open(a, "ten_b")).rejects.toThrow();
  });

  it("refuses a key of the wrong size", async () => {
    await expect(createSecretBox(btoa("short"))).rejects.toThrow(/32 bytes/);
  });
});
