import type { Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { DEMO_RECEIVER_SECRET } from "../../scripts/demo/receiver.mjs";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { logIn, newPerson } from "./support/people";
import { textOf } from "./support/text";

const CUSTOMERS = 5;

type Delivery = { record_id: string; action: string; fields: Record<string, unknown>; lists: { all: string[]; add: string[]; remove: string[] } };

/** A workspace whose five sample customers are Records, with a manual Group "VIPs" holding one of them, and a webhook App. */
async function sendingWorkspace(api: ApiSession, webhookSecret: string) {
  await api.call("PATCH", "/workspace", { allowPrivateDestinations: true });
  const { app } = await api.call<{ app: { id: string } }>("POST", "/apps", { name: "Shop data", plugin: "sample", type: "sample", options: { customers: CUSTOMERS } });
  const { source } = await api.call<{ source: { id: string } }>("POST", "/sources", {
    appId: app.id,
    name: "Customers",
    type: "table",
    options: { collection: "users" },
    identity: { column: "email", propertyKey: "email", propertyType: "email" },
  });
  await api.call("POST", "/properties", { sourceId: source.id, key: "first_name", type: "string", column: "first_name" });
  const { schedule } = await api.call<{ schedule: { id: string } }>("POST", "/schedules", { sourceId: source.id, name: "Hourly", everyMinutes: 60 });
  const { run } = await api.call<{ run: { id: string } }>("POST", `/schedules/${schedule.id}/runs`);
  // Complete once every Record is hydrated: a Destination's sync skips a Record its object has not settled yet.
  await expect.poll(async () => (await api.call<{ run: { state: string } }>("GET", `/runs/${run.id}`)).run.state, { timeout: 60_000, interval: 250 }).toBe("complete");
  const { records } = await api.call<{ records: { id: string }[] }>("GET", "/records");
  const { group } = await api.call<{ group: { id: string } }>("POST", "/groups", { name: "VIPs", type: "manual" });
  await api.call("POST", `/groups/${group.id}/members`, { recordIds: [records[0]!.id] });
  const receiver = await api.call<{ app: { id: string } }>("POST", "/apps", {
    name: "Our receiver",
    plugin: "webhook",
    type: "webhook",
    options: { url: hookUrl(), secret: webhookSecret },
  });
  return { webhookAppId: receiver.app.id };
}

const hookUrl = () => `${inject("receiverUrl")}/hooks/destinations-test`;

const exportStates = (page: Page) => page.getByRole("region", { name: "Exports", exact: true }).getByRole("figure", { name: /^Exports:/ });

/**
 * Waits until the page's bar says `expected`. When it never does, what the API holds is printed
 * first: the page only follows counts while Exports are on their way, so the two tell apart a page
 * that stopped looking from Exports that ended otherwise.
 */
async function statesBecome(page: Page, api: ApiSession, expected: string, timeout: number) {
  try {
    await expect.poll(() => exportStates(page).getAttribute("aria-label"), { timeout }).toBe(expected);
  } catch (err) {
    const id = page.url().match(/dst_[a-z0-9]+/)?.[0];
    const { exports } = await api.call<{ exports: { state: string; attempts: number; error: string | null; reason: string | null }[] }>("GET", `/exports?destinationId=${id}&limit=50`);
    console.log(`Exports of ${id} as the API holds them:`, JSON.stringify(exports.map((e) => [e.state, e.attempts, e.reason ?? e.error])));
    throw err;
  }
}

describe("Destinations in the UI", () => {
  const browser = useBrowser();

  it("are defined on a form whose fields come from the Destination, show why Exports failed, and send them again when retried", { timeout: 180_000 }, async () => {
    const person = newPerson("Sender");
    const api = await ApiSession.signUp(person);
    // The receiver checks signatures: under the wrong secret it refuses every delivery.
    const { webhookAppId } = await sendingWorkspace(api, "a-secret-the-receiver-does-not-know");

    const page = await browser.newPage();
    await page.goto("/destinations");
    await logIn(page, person.email, person.password);
    await page.getByRole("link", { name: "New Destination" }).click();
    await page.getByRole("link", { name: /Our receiver/ }).click();
    await page.getByLabel("Name").fill("Everyone to our receiver");

    // A field without a Property is refused beside its row, and nothing is created.
    await page.getByRole("button", { name: "Add a field" }).click();
    await page.getByLabel("Field 1", { exact: true }).fill("email");
    await page.getByRole("button", { name: "Create Destination" }).click();
    await textOf(page.getByRole("alert").first()).toMatch(/mapping\.0\.property|is required|Required/i);
    expect((await api.call<{ destinations: unknown[] }>("GET", "/destinations")).destinations).toHaveLength(0);

    await page.getByLabel("Property for email").selectOption("email");
    await page.getByRole("button", { name: "Add a field" }).click();
    await page.getByLabel("Field 2", { exact: true }).fill("name");
    await page.getByLabel("Property for name").selectOption("first_name");
    await page.getByRole("button", { name: "Add a Group" }).click();
    await page.getByLabel("Group 1", { exact: true }).selectOption({ label: "VIPs" });
    await page.getByLabel("Lists for Group 1").fill("vip");
    await page.getByRole("button", { name: "Create Destination" }).click();
    await page.waitForURL("**/destinations/dst_*");

    // The sync walks every Record; each delivery is refused, and the page says so and why.
    await statesBecome(page, api, `Exports: ${CUSTOMERS} failed`, 60_000);
    const latest = page.getByRole("region", { name: "Latest Exports" });
    await textOf(latest.getByRole("row").nth(1)).toContain("The receiver refused the delivery with 401");
    await expect(page.getByTestId("export-timeline").getAttribute("aria-label")).resolves.toContain(`Exports made in the last 24 hours: ${CUSTOMERS}`);

    // Retrying one Export while the secret is still wrong: it is sent again, and fails again.
    const firstRow = latest.getByRole("row").nth(1);
    const retriedId = (await firstRow.getAttribute("data-export-id"))!;
    await firstRow.getByRole("button", { name: /^Retry Export/ }).click();
    await textOf(page.getByRole("status").first()).toContain("1 failed Export will be sent again now.");
    await expect
      .poll(async () => (await api.call<{ export: { state: string; attempts: number } }>("GET", `/exports/${retriedId}`)).export, { timeout: 30_000 })
      .toMatchObject({ state: "failed", attempts: 1 });

    // With the right secret, one Record's failed Export is retried first, then all the rest.
    await api.call("PATCH", `/apps/${webhookAppId}`, { options: { url: hookUrl(), secret: DEMO_RECEIVER_SECRET } });
    const firstRecord = (await latest.getByRole("row").nth(1).getByRole("link").first().textContent())!.trim();
    await latest.getByLabel("Record id").fill(firstRecord);
    await latest.getByRole("button", { name: "Show" }).click();
    await page.getByRole("button", { name: "Retry this Record's failed Exports" }).click();
    await textOf(page.getByRole("status").first()).toContain("1 failed Export will be sent again now.");
    await statesBecome(page, api, `Exports: 1 complete, ${CUSTOMERS - 1} failed`, 30_000);
    await page.getByRole("button", { name: `Retry all ${CUSTOMERS - 1} failed` }).click();
    await statesBecome(page, api, `Exports: ${CUSTOMERS} complete`, 30_000);

    const { deliveries } = (await (await fetch(`${inject("receiverUrl")}/deliveries`)).json()) as { deliveries: Delivery[] };
    const { records } = await api.call<{ records: { id: string }[] }>("GET", "/records");
    const ours = deliveries.filter((d) => records.some((r) => r.id === d.record_id));
    expect(new Set(ours.map((d) => d.record_id)).size).toBe(CUSTOMERS);
    expect(ours.every((d) => Object.keys(d.fields).sort().join() === "email,name")).toBe(true);
    expect(new Set(ours.filter((d) => d.lists.all.includes("vip")).map((d) => d.record_id)).size).toBe(1);

    // What it holds now is what was sent; a dry run finds nothing left to do.
    const held = page.getByRole("region", { name: "What it holds" });
    await expect.poll(() => held.getByRole("row").count(), { timeout: 10_000 }).toBe(CUSTOMERS + 1);
    await textOf(held).toContain("vip");
    const dryRun = page.getByRole("region", { name: "Dry run" });
    await dryRun.getByRole("button", { name: "Show what a sync would do" }).click();
    await textOf(dryRun.getByRole("list", { name: "What a sync would do" })).toContain(`${CUSTOMERS} already as they should be`);
    await textOf(dryRun.getByRole("status")).toContain("Nothing to do");

    // Editing the mapping brings every Record in line: each gets an update without the removed field.
    await page.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL("**/edit");
    const nameRow = page.locator('tr[data-mapping-row="name"]');
    await nameRow.getByRole("button", { name: "Remove" }).click();
    await page.getByRole("button", { name: "Save Destination" }).click();
    await page.waitForURL(/\/destinations\/dst_[^/]+$/);
    await statesBecome(page, api, `Exports: ${CUSTOMERS * 2} complete`, 60_000);
    await expect(page.getByTestId("sync-status").textContent()).resolves.toContain("sync complete");
    const update = latest.getByRole("row").nth(1);
    await update.getByText("update").click();
    await textOf(update).toMatch(/name.*removed|name.*→/);
  });
});
