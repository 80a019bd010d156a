import { describe, expect, it } from "vitest";
import { purchasesOf } from "../../plugins/sample/dataset";
import { useBrowser } from "./support/browser";
import { createSource, preview, saveApp, startApp, startSource } from "./support/forms";
import { newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

/** What PostgreSQL prints for `sum(amount)` over one fixture customer's purchases (numeric(10,2)). */
function lifetimeValue(userId: number): string {
  const cents = purchasesOf(userId).reduce((sum, p) => sum + Math.round(Number(p.amount) * 100), 0);
  return (cents / 100).toFixed(2);
}

describe("a PostgreSQL App", () => {
  const browser = useBrowser();

  it("lists the database's tables and previews one customer's lifetime value through a query", async () => {
    const page = await browser.newPage();
    await signUp(page, newPerson("Analyst"));

    await startApp(page, "PostgreSQL", "Warehouse");
    await page.getByLabel("Host").fill("127.0.0.1");
    await page.getByLabel("Database").fill("groupflow_fixture");
    await page.getByLabel("User").fill("postgres");
    await page.getByLabel("TLS").selectOption("disable");
    await page.getByRole("button", { name: "Test connection" }).click();
    await textOf(page.getByTestId("test-result")).toContain("Connected to PostgreSQL");
    await saveApp(page);

    await startSource(page, "Customers", "Table or view");
    const table = page.getByLabel("Table", { exact: true });
    await expect.poll(() => table.locator("option").allTextContents()).toContain("users");
    await table.selectOption("users");
    await preview(page, "user1@example.com");
    await page.getByLabel("Identity column").selectOption("id");
    await page.getByLabel("Unique Property key").fill("user_id");
    await expect(page.getByLabel("Property type").inputValue()).resolves.toBe("integer");
    await createSource(page);
    await textOf(page.getByRole("region", { name: "Columns" })).toContain("timestamptz");

    await page.getByRole("link", { name: "Warehouse" }).click();
    await startSource(page, "Lifetime value", "SQL query");
    await page.getByLabel("Query").fill("select sum(amount) as ltv, count(*) as purchases from purchases where user_id = {{ user_id }}");
    await page.getByLabel("{{ user_id }}").fill("7");
    await preview(page, lifetimeValue(7));
    await page.getByLabel("Enrich").check();
    await createSource(page);

    await page.getByLabel("{{ user_id }}").fill("8");
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    await textOf(page.getByTestId("preview-table")).toContain(lifetimeValue(8));
    expect(lifetimeValue(8)).not.toBe(lifetimeValue(7));
  });
});
