import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { logIn, newPerson } from "./support/people";
import { textOf } from "./support/text";

const CHANGES = [
  ["link", "New App"],
  ["link", "New Source"],
  ["link", "New Property"],
  ["link", "Add a Property"],
  ["button", "Test connection"],
  ["button", "Save changes"],
  ["button", "Delete App"],
  ["button", "Delete Source"],
] as const;

/** Shows the page, waits until it says `expected`, and checks that nothing on it offers a change. */
async function readOnly(page: Page, path: string, expected: string) {
  await page.goto(path);
  await textOf(page.locator("#content")).toContain(expected);
  for (const [role, name] of CHANGES) expect(await page.getByRole(role, { name }).count(), `"${name}" on ${path}`).toBe(0);
}

describe("a viewer", () => {
  const browser = useBrowser();

  it("sees the workspace's Apps, Sources and Properties but no way to create or change them", async () => {
    const owner = await ApiSession.signUp(newPerson("Owner"));
    const { app } = await owner.call<{ app: { id: string } }>("POST", "/apps", { name: "Shop data", plugin: "sample", type: "sample", options: {} });
    const { source } = await owner.call<{ source: { id: string } }>("POST", "/sources", {
      appId: app.id,
      name: "Shop customers",
      type: "table",
      options: { collection: "users" },
      identity: { column: "email", propertyKey: "email", propertyType: "email" },
    });
    const viewer = newPerson("Viewer");
    await owner.addTeammate(viewer, "viewer");

    const page = await browser.newPage();
    await page.goto("/login");
    await logIn(page, viewer.email, viewer.password);
    await page.waitForURL("**/home");

    await readOnly(page, "/apps", "Shop data");
    await readOnly(page, `/apps/${app.id}`, "Shop customers");
    await textOf(page.getByRole("region", { name: "Settings" })).toContain("Customers1000");
    await readOnly(page, "/sources", "Shop customers");
    await readOnly(page, `/sources/${source.id}`, "user1@example.com");
    await readOnly(page, "/properties", "email");
    await readOnly(page, "/apps/new", "Your role can view Apps but not connect new ones.");
    await readOnly(page, "/sources/new", "Your role can view Sources but not create them.");
  });
});
