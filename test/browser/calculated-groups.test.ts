import { describe, expect, it } from "vitest";
import { purchasesOf, user } from "../../plugins/sample/dataset";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { logIn, newPerson, type Person } from "./support/people";
import { textOf } from "./support/text";

const CUSTOMERS = 60;

/** 60 sample customers with their country, first name and lifetime value (the sum of their purchases), all imported. */
async function sampleWorkspace(person: Person) {
  const api = await ApiSession.signUp(person);
  const { app } = await api.call<{ app: { id: string } }>("POST", "/apps", { name: "Shop data", plugin: "sample", type: "sample", options: { customers: CUSTOMERS } });
  const source = (appId: string, body: Record<string, unknown>) => api.call<{ source: { id: string } }>("POST", "/sources", { appId, type: "table", ...body });
  const property = (sourceId: string, body: Record<string, unknown>) => api.call("POST", "/properties", { type: "string", sourceId, ...body });
  const users = (await source(app.id, { name: "Customers", options: { collection: "users" }, identity: { column: "email", propertyKey: "email", propertyType: "email" } })).source;
  await property(users.id, { key: "user_id", type: "integer", unique: true, column: "id" });
  await property(users.id, { key: "first_name", column: "first_name" });
  await property(users.id, { key: "country", column: "country" });
  const purchases = (await source(app.id, { name: "Purchases", role: "enrich", options: { collection: "purchases" }, identity: { column: "user_id", propertyKey: "user_id" } })).source;
  await property(purchases.id, { key: "ltv", type: "float", column: "amount", aggregation: "sum" });
  const { schedule } = await api.call<{ schedule: { id: string } }>("POST", "/schedules", { sourceId: users.id, name: "By hand" });
  const { run } = await api.call<{ run: { id: string } }>("POST", `/schedules/${schedule.id}/runs`);
  await expect
    .poll(async () => (await api.call<{ run: { state: string } }>("GET", `/runs/${run.id}`)).run.state, { timeout: 90_000, interval: 250 })
    .toBe("complete");
  return api;
}

const ltv = (g: number) => purchasesOf(g).reduce((cents, p) => cents + Math.round(Number(p.amount) * 100), 0) / 100;

/** The rules the test builds: customers in the US who spent over 150 or whose first name starts with a J. */
const RULES = {
  match: "all",
  rules: [
    { property: "country", operator: "equals", value: "US" },
    {
      match: "any",
      rules: [
        { property: "ltv", operator: "gt", value: "150" },
        { property: "first_name", operator: "starts_with_ci", value: "j" },
      ],
    },
  ],
};
const inGroup = (g: number, country = "US") => user(g).country === country && (ltv(g) > 150 || String(user(g).first_name).toLowerCase().startsWith("j"));
const customers = Array.from({ length: CUSTOMERS }, (_, i) => i + 1);

describe("calculated Groups", () => {
  const browser = useBrowser();

  it("builds rules with a live preview, shows a wrong value at its rule, fills the Group, explains a Record rule by rule and edits the rules", { timeout: 240_000 }, async () => {
    const expected = customers.filter((g) => inGroup(g)).length;
    // The rules must split the customers for the counts below to mean anything.
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(CUSTOMERS);

    const person = newPerson("Calculator");
    const api = await sampleWorkspace(person);
    const page = await browser.newPage();
    await page.goto("/groups");
    await logIn(page, person.email, person.password);

    await page.getByLabel("Calculated").check();
    await page.getByLabel("Name", { exact: true }).fill("US big spenders");
    const rule = (n: string) => page.getByRole("group", { name: `Rule ${n}`, exact: true });
    await rule("1").getByLabel("Property").selectOption("country");
    await rule("1").getByLabel("Comparison").selectOption("equals");
    await rule("1").getByLabel("Value").fill("US");

    await page.getByRole("button", { name: "Add block", exact: true }).click();
    await page.getByLabel("Block 2: match").selectOption("any");
    await rule("2.1").getByLabel("Property").selectOption("ltv");
    // Text comparisons are not offered for a number.
    expect(await rule("2.1").getByLabel("Comparison").locator("option", { hasText: "contains" }).count()).toBe(0);
    await rule("2.1").getByLabel("Comparison").selectOption("gt");
    await rule("2.1").getByLabel("Value").fill("lots");

    // The preview checks the draft as it is typed, and says what is wrong at the rule that is wrong.
    await textOf(rule("2.1")).toContain('Value: "lots" is not a number');
    expect(await rule("2.1").getByLabel("Value").getAttribute("aria-invalid")).toBe("true");
    expect(await rule("1").textContent()).not.toContain("is not a number");
    const preview = page.getByRole("region", { name: /^Preview/ });
    await textOf(preview).toContain("1 problem needs fixing");

    await rule("2.1").getByLabel("Value").fill("150");
    await page.getByRole("button", { name: "Add rule to block 2" }).click();
    await rule("2.2").getByLabel("Property").selectOption("first_name");
    await rule("2.2").getByLabel("Comparison").selectOption({ label: "starts with (ignoring case)" });
    await rule("2.2").getByLabel("Value").fill("j");

    const { count } = await api.call<{ count: number }>("POST", "/groups/preview", { rules: RULES });
    expect(count).toBe(expected);
    await textOf(preview.getByTestId("preview-count")).toBe(`${expected} matching Records`);
    expect(await rule("2.1").textContent()).not.toContain("is not a number");
    // The sample shows the values the rules look at.
    await textOf(preview.getByRole("table")).toContain("US");

    await page.getByRole("button", { name: "Create Group" }).click();
    await page.waitForURL("**/groups/grp_*");
    await textOf(page.getByTestId("rules-in-words")).toBe("Records where country equals US AND (ltv is greater than 150 OR first_name starts with (ignoring case) j)");
    // The page refreshes itself while the recalculation goes.
    await expect.poll(() => page.getByTestId("recalculation-state").textContent(), { timeout: 60_000 }).toBe("complete");
    await textOf(page.getByTestId("recalculation")).toContain(`${expected} joined, 0 left`);
    await textOf(page.getByRole("heading", { name: /^Members/ })).toContain(`Members (${expected})`);
    expect(await page.getByRole("region", { name: /^Members/ }).getByRole("link", { name: /^Explain/ }).count()).toBe(expected);
    // Calculated Groups take no members by hand.
    expect(await page.getByRole("region", { name: "Add or remove members" }).count()).toBe(0);

    // A member: every rule that let it in is ticked.
    await page.getByRole("region", { name: /^Members/ }).getByRole("link", { name: /^Explain/ }).first().click();
    const explanation = page.getByTestId("explanation");
    await textOf(explanation).toContain("It is a member: it matches the rules.");
    const item = (text: string) => explanation.getByRole("listitem").filter({ hasText: text }).last();
    await textOf(item("country equals US")).toContain("✓");
    await textOf(item("country equals US")).toContain("The Record holds US");

    // Someone outside the US: the country rule is crossed out, with the value it saw.
    const outsider = customers.find((g) => user(g).country !== "US")!;
    const { records } = await api.call<{ records: { id: string }[] }>("GET", `/records?property=email&value=${encodeURIComponent(String(user(outsider).email))}`);
    await page.getByLabel("Record id").fill(records[0]!.id);
    await page.getByRole("button", { name: "Explain", exact: true }).click();
    await textOf(explanation).toContain("It is not a member: it does not match the rules.");
    await textOf(item("country equals US")).toContain("✗");
    await textOf(item("country equals US")).toContain(`The Record holds ${user(outsider).country}`);
    await textOf(item("ltv is greater than 150")).toContain(ltv(outsider) > 150 ? "✓" : "✗");

    // Editing starts from the saved rules; saving them recalculates the Group.
    const elsewhere = customers.filter((g) => inGroup(g, "GB")).length;
    await page.getByRole("link", { name: "Edit rules" }).click();
    expect(await rule("1").getByLabel("Value").inputValue()).toBe("US");
    expect(await rule("2.2").getByLabel("Comparison").inputValue()).toBe("starts_with_ci");
    await rule("1").getByLabel("Value").fill("GB");
    await textOf(preview.getByTestId("preview-count")).toBe(`${elsewhere} matching ${elsewhere === 1 ? "Record" : "Records"}`);
    await page.getByRole("button", { name: "Save rules" }).click();
    await textOf(page.getByTestId("rules-in-words")).toContain("Records where country equals GB AND");
    await expect.poll(() => page.getByTestId("recalculation-state").textContent(), { timeout: 60_000 }).toBe("complete");
    await textOf(page.getByRole("heading", { name: /^Members/ })).toContain(`Members (${elsewhere})`);

    // The Runs page lists both recalculations with the Group they were of and who joined and left.
    await page.goto("/runs");
    const recalculation = page.getByTestId("run-row").first();
    await textOf(recalculation).toContain("Recalculation");
    await textOf(recalculation.getByRole("link")).toBe("US big spenders");
    await textOf(recalculation.getByTestId("run-records")).toMatch(/^\d+ joined, \d+ left$/);
  });

  it("shows a viewer the rules, the recalculation and explanations, but nothing that changes the Group", async () => {
    const owner = newPerson("RuleOwner");
    const viewer = newPerson("RuleViewer");
    const api = await ApiSession.signUp(owner);
    await api.addTeammate(viewer, "viewer");
    const { group } = await api.call<{ group: { id: string } }>("POST", "/groups", {
      name: "Recent sign-ups",
      type: "calculated",
      rules: { match: "all", rules: [{ property: "created_at", operator: "in_last", amount: 7, unit: "days" }] },
    });

    const page = await browser.newPage();
    await page.goto(`/groups/${group.id}`);
    await logIn(page, viewer.email, viewer.password);
    await textOf(page.getByTestId("rules-in-words")).toBe("Records where created at is in the last 7 days");
    await page.getByRole("region", { name: "Recalculation" }).waitFor();
    await page.getByLabel("Record id").waitFor();
    for (const name of ["Edit rules", "Recalculate now", "Delete Group"]) {
      expect(await page.getByRole("button", { name }).or(page.getByRole("link", { name })).count()).toBe(0);
    }
    await page.goto("/groups");
    await textOf(page.getByRole("row", { name: /Recent sign-ups/ })).toContain("calculated");
    expect(await page.getByRole("button", { name: "Create Group" }).count()).toBe(0);
  });
});
