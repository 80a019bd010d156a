import { describe, expect, it } from "vitest";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { logIn, newPerson } from "./support/people";
import { textOf } from "./support/text";

type Event = { id: string; recordId: string | null };

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
  });
});
