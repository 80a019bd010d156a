import { describe, expect, it } from "vitest";
import { user } from "../../plugins/sample/dataset";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { logIn, newPerson, type Person } from "./support/people";
import { textOf } from "./support/text";

/** A workspace with 50 sample customers behind a users Source that identifies Records by email, and a first_name Property. */
async function sampleWorkspace(person: Person) {
  const api = await ApiSession.signUp(person);
  const { app } = await api.call<{ app: { id: string } }>("POST", "/apps", { name: "Shop data", plugin: "sample", type: "sample", options: { customers: 50 } });
  const { source } = await api.call<{ source: { id: string } }>("POST", "/sources", {
    appId: app.id,
    name: "Shop customers",
    type: "table",
    options: { collection: "users" },
    identity: { column: "email", propertyKey: "email", propertyType: "email" },
  });
  await api.call("POST", "/properties", { key: "first_name", type: "string", sourceId: source.id, column: "first_name" });
  return { api, appId: app.id, sourceId: source.id };
}

async function runToEnd(api: ApiSession, scheduleId: string) {
  const { run } = await api.call<{ run: { id: string } }>("POST", `/schedules/${scheduleId}/runs`);
  await expect
    .poll(async () => (await api.call<{ run: { state: string } }>("GET", `/runs/${run.id}`)).run.state, { timeout: 60_000, interval: 250 })
    .toBe("complete");
}

describe("Schedules, Runs and Records", () => {
  const browser = useBrowser();

  it("runs a Schedule by hand, follows the Run to the end and finds a customer's Record", async () => {
    const person = newPerson("Runner");
    const { sourceId } = await sampleWorkspace(person);
    const page = await browser.newPage();
    await page.goto(`/sources/${sourceId}`);
    await logIn(page, person.email, person.password);

    const schedules = page.getByRole("region", { name: /^Schedules/ });
    // Confirming Records is for Schedules that read every row; removing needs confirming.
    const confirm = schedules.getByLabel("Confirm Records");
    const remove = schedules.getByLabel("Remove missing Records");
    expect(await remove.isDisabled()).toBe(true);
    await schedules.getByLabel("Incremental column").selectOption("updated_at");
    expect(await confirm.isDisabled()).toBe(true);
    await schedules.getByLabel("Incremental column").selectOption("");
    await confirm.check();
    await remove.check();
    await schedules.getByLabel("Schedule name").fill("By hand");
    await schedules.getByRole("button", { name: "Add Schedule" }).click();
    await textOf(schedules.getByRole("row", { name: /^By hand/ })).toContain("by hand");
    await textOf(schedules.getByRole("row", { name: /^By hand/ })).toContain("marked missing, then removed");
    await schedules.getByRole("button", { name: "Run By hand now" }).click();
    await schedules.getByRole("link", { name: "Follow it on the Runs page" }).click();
    await page.waitForURL("**/runs");

    // The page reloads itself while the Run goes, so the finished Run shows without a reload here.
    const run = page.getByTestId("run-row").first();
    await expect.poll(() => run.getByTestId("run-state").textContent(), { timeout: 60_000 }).toBe("complete");
    await textOf(run.getByTestId("run-records")).toContain("50 created");
    await textOf(run).toContain("By hand");
    expect(await page.getByTestId("run-chart").getAttribute("aria-label")).toContain("50 created");
    expect(await run.getByRole("button", { name: "Stop" }).count()).toBe(0);

    const customer = user(7);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Records" }).click();
    await page.getByLabel("Unique value starts with").fill(String(customer.email));
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/q=user7/);
    const found = page.getByRole("region", { name: "Matching Records" });
    await textOf(found).toContain(String(customer.first_name));
    expect(await found.getByRole("row").count()).toBe(2);
    await found.getByRole("link", { name: /^rec_/ }).click();
    await page.waitForURL(/\/records\/rec_/);

    await textOf(page.getByRole("row", { name: /^first_name/ })).toContain(String(customer.first_name));
    await textOf(page.getByRole("region", { name: "Identities" })).toContain("user7@example.com");
    await textOf(page.getByTestId("timeline-entry").first()).toMatch(/Imported|Changed/);
  });

  it("marks a Record whose row is gone as missing, in the Records list and on its page", async () => {
    const person = newPerson("Confirmer");
    const { api, appId, sourceId } = await sampleWorkspace(person);
    const { schedule } = await api.call<{ schedule: { id: string } }>("POST", "/schedules", { sourceId, name: "Confirming", confirmRecords: true });
    await runToEnd(api, schedule.id);
    // The sample App now holds 49 customers: the 50th customer's row is gone.
    await api.call("PATCH", `/apps/${appId}`, { options: { customers: 49 } });
    await runToEnd(api, schedule.id);

    const page = await browser.newPage();
    await page.goto(`/records?q=${encodeURIComponent(String(user(50).email))}`);
    await logIn(page, person.email, person.password);
    const found = page.getByRole("region", { name: "Matching Records" });
    await textOf(found.getByRole("row").nth(1)).toContain("missing");
    await found.getByRole("link", { name: /^rec_/ }).click();
    await page.waitForURL(/\/records\/rec_/);
    await textOf(page.getByRole("status").filter({ hasText: "Missing from its Source" })).toMatch(/since .+ UTC/);

    await page.goto(`/records?q=${encodeURIComponent(String(user(49).email))}`);
    await textOf(page.getByRole("region", { name: "Matching Records" }).getByRole("row").nth(1)).not.toContain("missing");
  });

  it("shows a viewer Schedules and Runs without Run now, Stop, add or delete", async () => {
    const owner = newPerson("Scheduler");
    const { api, sourceId } = await sampleWorkspace(owner);
    const { schedule } = await api.call<{ schedule: { id: string } }>("POST", "/schedules", { sourceId, name: "Nightly", everyMinutes: 1440 });
    // Started so /runs has a Run to show; while it is still going it is the one that would offer Stop to a writer.
    await api.call("POST", `/schedules/${schedule.id}/runs`);
    const viewer = newPerson("Watcher");
    await api.addTeammate(viewer, "viewer");

    const page = await browser.newPage();
    await page.goto(`/sources/${sourceId}`);
    await logIn(page, viewer.email, viewer.password);
    const schedules = page.getByRole("region", { name: /^Schedules/ });
    await textOf(schedules.getByRole("row", { name: /^Nightly/ })).toContain("every 1440 minutes");
    expect(await page.getByRole("button", { name: /now$/ }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Add Schedule" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Delete/ }).count()).toBe(0);

    await page.goto("/runs");
    await textOf(page.getByTestId("run-row").first()).toContain("Nightly");
    expect(await page.getByRole("button", { name: "Stop" }).count()).toBe(0);
  });
});
