import { describe, expect, it } from "vitest";
import { useBrowser } from "./support/browser";
import { saveApp, startApp } from "./support/forms";
import { newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

describe("Apps", () => {
  const browser = useBrowser();

  it("tests a new App's connection before saving it, and lists it as connected", async () => {
    const page = await browser.newPage();
    await signUp(page, newPerson("Connector"));

    await startApp(page, "Sample data", "Demo customers");
    await expect(page.getByLabel("Customers").inputValue()).resolves.toBe("1000");
    await page.getByRole("button", { name: "Test connection" }).click();
    await textOf(page.getByTestId("test-result")).toContain("Sample data with 1000 customers is ready");
    expect(new URL(page.url()).pathname).toBe("/apps/new");

    await saveApp(page);
    await textOf(page.getByRole("heading", { level: 1 })).toBe("Demo customers");
    await textOf(page.getByRole("region", { name: "Connection status" })).toContain("Connected");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Apps" }).click();
    const row = page.getByRole("row", { name: /Demo customers/ });
    await textOf(row).toContain("Sample data");
    await textOf(row).toContain("Connected");
    await textOf(row).toContain("Sample data with 1000 customers is ready");
  });

  it("shows PostgreSQL's own reason when the database name is wrong, and keeps a password secret once saved", async () => {
    const page = await browser.newPage();
    await signUp(page, newPerson("Mistyped"));

    await startApp(page, "PostgreSQL", "Warehouse");
    await page.getByLabel("Host").fill("127.0.0.1");
    await page.getByLabel("Database").fill("no_such_database");
    await page.getByLabel("User").fill("postgres");
    await page.getByLabel("Password").fill("not-needed-locally");
    await page.getByLabel("TLS").selectOption("disable");
    await page.getByRole("button", { name: "Test connection" }).click();
    const result = page.getByTestId("test-result");
    await textOf(result).toContain("Failed");
    await textOf(result).toContain('database "no_such_database" does not exist');

    await saveApp(page);
    await textOf(page.getByRole("region", { name: "Connection status" })).toContain('database "no_such_database" does not exist');
    const password = page.getByLabel("Password");
    await expect(password.inputValue()).resolves.toBe("");
    await expect(password.getAttribute("placeholder")).resolves.toBe("set — leave blank to keep");
    expect(await page.content()).not.toContain("not-needed-locally");
  });
});
