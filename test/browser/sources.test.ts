import { describe, expect, it } from "vitest";
import { ApiSession } from "./support/api";
import { useBrowser } from "./support/browser";
import { createSource, preview, saveApp, startApp, startSource } from "./support/forms";
import { logIn, newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

describe("Sources and Properties", () => {
  const browser = useBrowser();

  it("reads sample customers into Sources and defines Properties that are listed in words", async () => {
    const page = await browser.newPage();
    await signUp(page, newPerson("Modeller"));
    await startApp(page, "Sample data", "Demo shop");
    await saveApp(page);
    const appPage = page.url();

    await startSource(page, "Users");
    await page.getByLabel("Collection").selectOption("users");
    await preview(page, "user1@example.com");
    await page.getByLabel("Identity column").selectOption("email");
    await expect(page.getByLabel("Unique Property key").inputValue()).resolves.toBe("email");
    await expect(page.getByLabel("Property type").inputValue()).resolves.toBe("email");
    await createSource(page);
    await textOf(page.getByRole("heading", { level: 1 })).toBe("Users");
    await textOf(page.getByTestId("preview-table")).toContain("user1@example.com");
    const usersPage = page.url();

    await page.goto(appPage);
    await startSource(page, "Purchases");
    await page.getByLabel("Collection").selectOption("purchases");
    await preview(page, "amount");
    await page.getByLabel("Identity column").selectOption("user_id");
    await expect(page.getByLabel("Property type").inputValue()).resolves.toBe("integer");
    await page.getByLabel("Enrich").check();
    await createSource(page);

    await page.goto(usersPage);
    await page.getByRole("link", { name: "Add a Property" }).click();
    await page.getByLabel("Column", { exact: true }).selectOption("first_name");
    await expect(page.getByLabel("Key").inputValue()).resolves.toBe("first_name");
    await page.getByRole("button", { name: "Create Property" }).click();
    await page.waitForURL(/\/properties\/prp_/);

    await page.goto("/properties/new");
    await page.getByLabel("Source").selectOption({ label: "Purchases (Demo shop)" });
    await page.getByLabel("Column", { exact: true }).selectOption("amount");
    await page.getByLabel("Key").fill("ltv");
    await page.getByLabel("Type").selectOption("float");
    await page.getByLabel("Aggregation").selectOption("sum");
    await page.getByRole("button", { name: "Add a condition" }).click();
    const condition = page.getByRole("group", { name: "Condition 1" });
    await condition.getByLabel("Column").selectOption("amount");
    await condition.getByLabel("Comparison").selectOption("gt");
    await condition.getByLabel("Value").fill("10");
    await textOf(page.getByTestId("property-summary")).toBe("Reads sum of amount where amount > 10");
    await page.getByRole("button", { name: "Create Property" }).click();
    await page.waitForURL(/\/properties\/prp_/);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Properties" }).click();
    const firstName = page.getByRole("row", { name: /^first_name/ });
    await textOf(firstName).toContain("Users");
    await textOf(firstName.getByTestId("property-read")).toBe("first_name");
    const ltv = page.getByRole("row", { name: /^ltv/ });
    await textOf(ltv).toContain("float");
    await textOf(ltv).toContain("Purchases");
    await textOf(ltv.getByTestId("property-read")).toBe("sum of amount where amount > 10");
    await textOf(page.getByRole("row", { name: /^email/ })).toContain("unique");
  });

  it("creates a Source for data sent by API and webhook without asking for an identity column", async () => {
    const page = await browser.newPage();
    await signUp(page, newPerson("Pusher"));
    await startApp(page, "API & webhooks", "Our backend");
    await saveApp(page);
    await startSource(page, "Signups");
    await textOf(page.getByRole("region", { name: "Records" })).toContain("POST /api/v1/imports");
    await expect(page.getByLabel("Identity column").count()).resolves.toBe(0);
    await createSource(page);
    await textOf(page.getByRole("heading", { level: 1 })).toBe("Signups");
  });

  it("says why a Source that Properties still read cannot be deleted", async () => {
    const page = await browser.newPage();
    await signUp(page, newPerson("Tidy"));
    await startApp(page, "Sample data", "Demo data");
    await saveApp(page);
    await startSource(page, "People");
    await page.getByLabel("Collection").selectOption("users");
    await preview(page, "user1@example.com");
    await page.getByLabel("Identity column").selectOption("email");
    await createSource(page);
    await page.getByRole("link", { name: "Add a Property" }).click();
    await page.getByLabel("Column", { exact: true }).selectOption("country");
    await page.getByRole("button", { name: "Create Property" }).click();
    await page.waitForURL(/\/properties\/prp_/);

    await page.getByRole("link", { name: "People" }).click();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete Source" }).click();
    await textOf(page.getByRole("region", { name: "Delete this Source" }).getByRole("alert")).toContain("The Source still provides Properties: country");
    expect(new URL(page.url()).pathname).toMatch(/^\/sources\/src_/);

    await page.getByRole("link", { name: "Demo data" }).click();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Delete App" }).click();
    await textOf(page.getByRole("region", { name: "Delete this App" }).getByRole("alert")).toContain("The App still has Sources: People");
  });

  it("reads only the rows that match a Source's conditions", async () => {
    const person = newPerson("Picky");
    const api = await ApiSession.signUp(person);
    const { app } = await api.call<{ app: { id: string } }>("POST", "/apps", { name: "Demo data", plugin: "sample", type: "sample", options: {} });
    const page = await browser.newPage();
    await page.goto(`/sources/new?appId=${app.id}`);
    await logIn(page, person.email, person.password);
    await page.getByRole("button", { name: "Create Source" }).waitFor();

    await page.getByLabel("Name", { exact: true }).fill("Japanese customers");
    await page.getByLabel("Collection").selectOption("users");
    await preview(page, "user1@example.com");
    await page.getByRole("button", { name: "Add a condition" }).click();
    const condition = page.getByRole("group", { name: "Condition 1" });
    await condition.getByLabel("Column").selectOption("country");
    await condition.getByLabel("Value").fill("JP");
    await preview(page, "user2@example.com");
    await textOf(page.getByTestId("preview-table")).not.toContain("user1@example.com");
    await page.getByLabel("Identity column").selectOption("email");
    await createSource(page);

    await textOf(page.locator(".page-header")).toContain("only rows where country = JP");
    await textOf(page.getByTestId("preview-table")).not.toContain("user1@example.com");
  });
});
