import type { Page } from "playwright-core";
import { textOf } from "./text";

/** Waits until the page's server HTML has been taken over by React, so what is typed next stays typed. */
export const hydrated = (page: Page) => page.locator("html[data-hydrated]").waitFor({ state: "attached" });

/** Picks an App type on the new-App page and names the App; the type's own options are left to the test. */
export async function startApp(page: Page, typeName: string, name: string) {
  await page.goto("/apps/new");
  await hydrated(page);
  await page.getByRole("link", { name: new RegExp(`^${typeName}`) }).click();
  await page.getByRole("button", { name: "Save App" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill(name);
}

export async function saveApp(page: Page) {
  await page.getByRole("button", { name: "Save App" }).click();
  await page.waitForURL(/\/apps\/app_/);
  await hydrated(page);
}

/** From an App's page: the new-Source form, with the Source type chosen when the App offers several. */
export async function startSource(page: Page, name: string, typeName?: string) {
  await page.getByRole("link", { name: "New Source" }).click();
  if (typeName) await page.getByRole("link", { name: new RegExp(`^${typeName}`) }).click();
  // The App's page has a Name field of its own, so wait for the Source form before typing.
  await page.getByRole("button", { name: "Create Source" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill(name);
}

/** Previews what the form reads so far and waits for the rows. */
export async function preview(page: Page, expected: string) {
  await page.getByRole("button", { name: "Preview", exact: true }).click();
  await textOf(page.getByTestId("preview-table")).toContain(expected);
}

export async function createSource(page: Page) {
  await page.getByRole("button", { name: "Create Source" }).click();
  await page.waitForURL(/\/sources\/src_/);
  await hydrated(page);
}
