import { describe, expect, inject, it } from "vitest";
import { DEMO_RECEIVER_SECRET } from "../../scripts/demo/receiver.mjs";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { hydrated } from "./support/forms";
import { logIn, newPerson } from "./support/people";
import { textOf } from "./support/text";

type Event = { id: string; recordId: string | null };
type Forwarded = { type?: string; event_id?: string; name?: string; data?: Record<string, unknown>; record?: Record<string, unknown> };

describe("Events", () => {
  const browser = useBrowser();

  it("show on their customer's Record, with the Properties computed from them", { timeout: 120_000 }, async () => {
    const person = newPerson("Eventful");
    const api = await ApiSession.signUp(person);
    const { app: pushApp } = await api.call<{ app: { id: string } }>("POST", "/apps", { name: "Our backend", plugin: "push", type: "push" });
    const { source: pushed } = await api.call<{ source: { id: string } }>("POST", "/sources", { appId: pushApp.id, name: "Pushed", type: "push" });
    await api.call("POST", "/properties", { key: "external_id", type: "string", unique: true, sourceId: pushed.id, column: "external_id" });
    // The events Source lists the data keys that have arrived, so an event carrying `cart_value` comes first.
    await api.call("POST", "/events", { name: "cart_abandoned", identity: { external_id: "someone-else" }, data: { cart_value: 1 } });
    const { app: eventsApp } = await api.call<{ app: { id: string } }>("POST", "/apps", { name: "Our events", plugin: "events", type: "events" });
    const { source: events } = await api.call<{ source: { id: string } }>("POST", "/sources", { appId: eventsApp.id, name: "Events", type: "events" });
    const abandoned = [{ column: "name", op: "eq", value: "cart_abandoned" }];
    await api.call("POST", "/properties", { key: "abandoned_carts", type: "integer", sourceId: events.id, column: "name", aggregation: "count", filters: abandoned });
    await api.call("POST", "/properties", {
      key: "last_cart_value",
      type: "float",
      sourceId: events.id,
      column: "data.cart_value",
      aggregation: "most_recent",
      sortColumn: "occurred_at",
      filters: abandoned,
    });

    const sent = await api.call<{ eventIds: string[] }>("POST", "/events", {
      name: "cart_abandoned",
      identity: { external_id: "shopper-1" },
      data: { cart_value: 42.5, cart_items: ["red shirt", "blue socks"] },
    });
    const matched = async () => (await api.call<{ event: Event }>("GET", `/events/${sent.eventIds[0]}`)).event.recordId;
    await expect.poll(matched, { timeout: 30_000, interval: 250 }).not.toBeNull();
    const recordId = (await matched())!;

    const page = await browser.newPage();
    await page.goto(`/records/${recordId}`);
    await logIn(page, person.email, person.password);
    const properties = page.getByRole("region", { name: /^Properties/ });
    await textOf(properties.getByRole("row", { name: /abandoned_carts/ })).toContain("1");
    await textOf(properties.getByRole("row", { name: /last_cart_value/ })).toContain("42.5");
    const timeline = page.getByRole("region", { name: /Timeline/ });
    const entry = timeline.getByTestId("timeline-entry").filter({ hasText: "cart_abandoned" });
    await textOf(entry).toContain("red shirt");
    await textOf(entry).toContain("cart_value: 42.5");

    // A Destination forwarding cart events, and only them, to the team's own receiver.
    await api.call("PATCH", "/workspace", { allowPrivateDestinations: true });
    await api.call("POST", "/apps", { name: "Our receiver", plugin: "webhook", type: "webhook", options: { url: inject("receiverUrl"), secret: DEMO_RECEIVER_SECRET } });
    await page.goto("/destinations/new");
    await page.getByRole("link", { name: /Our receiver/ }).click();
    await hydrated(page);
    await page.getByLabel("Name").fill("Carts to our receiver");
    await page.getByLabel("Events to forward").fill("cart_*");
    await page.getByLabel("Also sync the Records themselves").uncheck();
    await page.getByRole("button", { name: "Add a field" }).click();
    await page.getByLabel("Field 1", { exact: true }).fill("customer");
    await page.getByLabel("Property for customer").selectOption("external_id");
    await page.getByRole("button", { name: "Create Destination" }).click();
    await page.waitForURL("**/destinations/dst_*");
    await textOf(page.getByRole("region", { name: "Definition" })).toContain("events only");

    const forwarded = await api.call<{ eventIds: string[] }>("POST", "/events", { name: "cart_abandoned", identity: { external_id: "shopper-1" }, data: { cart_items: ["green hat"] } });
    const destinationId = page.url().match(/dst_[a-z0-9]+/)![0];
    const forwardState = async () => (await api.call<{ exports: { kind: string; state: string }[] }>("GET", `/exports?destinationId=${destinationId}`)).exports.map((e) => `${e.kind} ${e.state}`);
    await expect.poll(forwardState, { timeout: 30_000, interval: 250 }).toEqual(["event complete"]);
    // The page follows Exports while some are on their way; this one arrived in the meantime, so a person looks again.
    await page.reload();
    const row = page.getByRole("region", { name: "Latest Exports" }).getByRole("row").filter({ hasText: "event cart_abandoned" });
    await expect(row.getAttribute("data-state")).resolves.toBe("complete");
    await row.getByText("event cart_abandoned").click();
    await textOf(row).toContain("green hat");
    await textOf(row).toContain("shopper-1");
    const { deliveries } = (await (await fetch(`${inject("receiverUrl")}/deliveries`)).json()) as { deliveries: Forwarded[] };
    expect(deliveries.filter((d) => d.event_id === forwarded.eventIds[0])).toEqual([
      expect.objectContaining({ type: "event", name: "cart_abandoned", data: { cart_items: ["green hat"] }, record: { customer: "shopper-1" } }),
    ]);
  });
});
