import { describe, expect, it } from "vitest";
import { uiUrl, useBrowser } from "./support/browser";
import { newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

const SECRET = /^gf_live_([0-9a-z]{10})_[0-9a-z]{32}$/;

describe("API keys", () => {
  const browser = useBrowser();

  it("shows a new key's secret once, and the key works against the API on the UI's address", async () => {
    const owner = newPerson("Builder");
    const page = await browser.newPage();
    await signUp(page, owner);

    await page.getByRole("link", { name: "API keys" }).click();
    await page.waitForURL("**/api-keys");
    await page.getByLabel("Name").fill("Warehouse sync");
    await page.getByLabel("read team").check();
    await page.getByLabel("write records").check();
    await page.getByRole("button", { name: "Create API key" }).click();

    const secretBox = page.getByTestId("api-key-secret");
    await secretBox.waitFor();
    const secret = (await secretBox.textContent())!.trim();
    const prefix = SECRET.exec(secret)?.[1];
    expect(prefix, `"${secret}" is not shaped like an API key`).toBeDefined();
    await textOf(page.getByTestId("api-key-curl")).toContain(`Authorization: Bearer ${secret}`);

    const response = await fetch(`${uiUrl()}/api/v1/workspace`, { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(200);
    const { workspace } = (await response.json()) as { workspace: { name: string; slug: string } };
    expect(workspace).toMatchObject({ name: owner.workspaceName, slug: owner.workspaceSlug });

    await page.reload();
    const keys = page.getByRole("region", { name: /^Keys/ });
    await textOf(keys).toContain("Warehouse sync");
    await textOf(keys).toContain(`gf_live_${prefix}_…`);
    await textOf(keys).toContain("write:records, read:team");
    expect(await page.getByTestId("api-key-secret").count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
  });
});
