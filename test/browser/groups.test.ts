import { describe, expect, it } from "vitest";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { logIn, newPerson } from "./support/people";
import { textOf } from "./support/text";

describe("Groups", () => {
  const browser = useBrowser();

  it("creates a manual Group, adds customers by email, skips unknown ones when asked, and removes one", async () => {
    const person = newPerson("Grouper");
    const api = await ApiSession.signUp(person);
    const { app } = await api.call<{ app: { id: string } }>("POST", "/apps", { name: "Shop data", plugin: "sample", type: "sample", options: { customers: 5 } });
    await api.call("POST", "/sources", {
      appId: app.id,
      name: "Pushed",
      type: "table",
      options: { collection: "users" },
      identity: { column: "email", propertyKey: "email", propertyType: "email" },
    });
    await api.call("POST", "/imports", [{ email: "ada@example.com" }, { email: "grace@example.com" }]);
    await expect.poll(async () => (await api.call<{ records: unknown[] }>("GET", "/records")).records.length, { timeout: 30_000, interval: 250 }).toBe(2);

    const page = await browser.newPage();
    await page.goto("/groups");
    await logIn(page, person.email, person.password);
    await page.getByLabel("Name").fill("VIPs");
    await page.getByRole("button", { name: "Create Group" }).click();
    await page.waitForURL("**/groups/grp_*");

    const change = page.getByRole("region", { name: "Add or remove members" });
    await change.getByLabel(/^Values/).fill("Ada@Example.com\nnobody@example.com");
    await change.getByRole("button", { name: "Add" }).click();
    await textOf(change.getByRole("alert")).toContain("1 of the values name no Record");
    expect(await page.getByRole("region", { name: /^Members/ }).getByRole("row").count()).toBe(0);

    await change.getByLabel(/^Values/).fill("Ada@Example.com\ngrace@example.com\nnobody@example.com");
    await change.getByLabel("Skip values that match no Record").check();
    await change.getByRole("button", { name: "Add" }).click();
    await textOf(change.getByRole("status")).toContain("Added 2; 0 already in; skipped 1");
    await textOf(page.getByRole("heading", { name: /^Members/ })).toContain("Members (2)");

    await change.getByLabel(/^Values/).fill("grace@example.com");
    await change.getByRole("button", { name: "Remove" }).click();
    await textOf(change.getByRole("status")).toContain("Removed 1");
    await textOf(page.getByRole("heading", { name: /^Members/ })).toContain("Members (1)");

    await page.getByRole("link", { name: "Groups" }).first().click();
    await textOf(page.getByRole("row", { name: /VIPs/ })).toContain("manual");
  });
});
