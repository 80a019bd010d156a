import { describe, expect, inject, it } from "vitest";
import { DEMO } from "../../scripts/demo/workspace.mjs";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { logIn } from "./support/people";
import { textOf } from "./support/text";

type Destination = { id: string; name: string; groupId: string; exports: Record<string, number> };
type Delivery = { action: string; fields: Record<string, unknown> };

describe("the local demo", () => {
  const browser = useBrowser();

  it("starts with the sample customers flowing through Properties and Groups into the Inspector and a signed webhook", async () => {
    const page = await browser.newPage();
    await page.goto("/groups");
    await logIn(page, DEMO.email, DEMO.password);
    const usBig = page.getByRole("row", { name: /US customers with ltv > 100/ });
    const loyal = page.getByRole("row", { name: /Loyal customers/ });
    await textOf(usBig).toMatch(/calculated\s*\d+/);
    const membersOf = async (row: typeof usBig) => Number((await row.getByRole("cell").nth(2).textContent())!.replace(/,/g, ""));
    const [usBigMembers, loyalMembers] = [await membersOf(usBig), await membersOf(loyal)];
    expect(usBigMembers).toBeGreaterThan(0);
    expect(loyalMembers).toBeGreaterThan(0);

    const api = await ApiSession.logIn(DEMO.email, DEMO.password);
    const { destinations } = await api.call<{ destinations: Destination[] }>("GET", "/destinations");
    expect(destinations.map((d) => d.name).sort()).toEqual(["Loyal customers to the demo receiver", "US big spenders, as a sync would send them"]);
    for (const d of destinations) expect(d.exports).toMatchObject({ pending: 0, sending: 0, failed: 0 });

    const inspector = destinations.find((d) => d.name.startsWith("US big spenders"))!;
    const { records } = await api.call<{ records: { payload: { fields: Record<string, unknown> } }[] }>("GET", `/destinations/${inspector.id}/records?limit=200`);
    expect(records).toHaveLength(usBigMembers);
    expect(Object.keys(records[0]!.payload.fields).sort()).toEqual(["email", "first_name", "ltv"]);
    expect(records.every((r) => Number(r.payload.fields.ltv) > 100)).toBe(true);

    // The Destinations page shows each one's Exports by state.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Destinations" }).click();
    const inspectorRow = page.getByRole("row", { name: /US big spenders, as a sync would send them/ });
    await textOf(inspectorRow).toContain("US customers with ltv > 100");
    await expect(inspectorRow.getByRole("figure").getAttribute("aria-label")).resolves.toBe(`Exports: ${usBigMembers} complete`);
    await textOf(page.getByRole("row", { name: /Loyal customers to the demo receiver/ })).toContain(`${loyalMembers} complete`);

    // The receiver only keeps deliveries whose signature it checked.
    const { deliveries } = (await (await fetch(`${inject("receiverUrl")}/deliveries`)).json()) as { deliveries: Delivery[] };
    // Other tests post to the same receiver; the demo's deliveries are those carrying its mapped fields.
    const emails = new Set(deliveries.filter((d) => d.action === "upsert" && "purchases" in d.fields).map((d) => d.fields.email));
    expect(emails.size).toBe(loyalMembers);
  });
});
