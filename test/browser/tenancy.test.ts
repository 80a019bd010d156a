import { describe, expect, it } from "vitest";
import { useBrowser } from "./support/browser";
import { newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

describe("separate workspaces", () => {
  const browser = useBrowser();

  it("show their owners none of each other's members or keys", async () => {
    const first = newPerson("Alpha");
    const firstPage = await browser.newPage();
    await signUp(firstPage, first);
    await firstPage.goto("/api-keys");
    await firstPage.getByLabel("Name").fill("Alpha private key");
    await firstPage.getByLabel("read apps").check();
    await firstPage.getByRole("button", { name: "Create API key" }).click();
    const secret = (await firstPage.getByTestId("api-key-secret").textContent())!.trim();
    const firstPrefix = secret.split("_")[2]!;

    const second = newPerson("Beta");
    const secondPage = await browser.newPage();
    await signUp(secondPage, second);

    await secondPage.goto("/team");
    const members = secondPage.getByRole("region", { name: /Members/ });
    await textOf(members.getByRole("heading")).toBe("Members (1)");
    await textOf(members).toContain(second.email);
    expect(await secondPage.content()).not.toContain(first.email);

    await secondPage.goto("/api-keys");
    await textOf(secondPage.getByRole("region", { name: /^Keys/ })).toContain("No API keys yet.");
    const keysPage = await secondPage.content();
    expect(keysPage).not.toContain("Alpha private key");
    expect(keysPage).not.toContain(firstPrefix);
  });
});
