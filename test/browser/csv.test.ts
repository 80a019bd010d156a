import { describe, expect, it } from "vitest";
import { useBrowser } from "./support/browser";
import { createSource, preview, saveApp, startApp, startSource } from "./support/forms";
import { newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

/** Big enough to travel in many chunks through the UI's API proxy. */
function signupsCsv(rows: number): string {
  const lines = ["email,first_name,plan"];
  for (let i = 1; i <= rows; i++) lines.push(`reader${i}@example.com,Reader ${i},${i % 3 ? "free" : "pro"}`);
  return `${lines.join("\n")}\n`;
}

describe("a CSV upload", () => {
  const browser = useBrowser();

  it("streams a file from the browser and becomes a Source whose preview shows its rows", async () => {
    const page = await browser.newPage();
    await signUp(page, newPerson("Uploader"));
    await startApp(page, "CSV uploads", "Spreadsheets");
    await saveApp(page);

    await startSource(page, "Newsletter readers");
    const csv = signupsCsv(60_000);
    await page.getByLabel("Upload a CSV file").setInputFiles({ name: "readers.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    // Either way the upload ends, its message says how: a failure shows the API's reason here.
    const outcome = page.getByText(/^Uploaded readers\.csv/).or(page.locator(".upload").getByRole("alert"));
    await textOf(outcome).toMatch(/^Uploaded readers\.csv \(\d+\.\d MiB\)\.$/);
    const file = page.getByLabel("File", { exact: true });
    await expect.poll(() => file.inputValue()).toMatch(/^fil_/);
    await expect.poll(() => file.locator("option:checked").textContent()).toMatch(/^readers\.csv \(/);

    await preview(page, "reader1@example.com");
    await page.getByLabel("Identity column").selectOption("email");
    await createSource(page);
    const rows = page.getByTestId("preview-table");
    await textOf(rows).toContain("reader1@example.com");
    await textOf(rows).toContain("Reader 3");
    await textOf(rows).toContain("pro");
  });
});
