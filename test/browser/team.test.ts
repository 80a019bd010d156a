import { describe, expect, it } from "vitest";
import { useBrowser } from "./support/browser";
import { newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

describe("inviting a teammate", () => {
  const browser = useBrowser();

  it("lets the invited person create an account from the link and join the same workspace", async () => {
    const owner = newPerson("Owner");
    const ownerPage = await browser.newPage();
    await signUp(ownerPage, owner);

    await ownerPage.goto("/team");
    const invitee = newPerson("Invitee");
    await ownerPage.getByLabel("Email").fill(invitee.email);
    await ownerPage.getByLabel("Role", { exact: true }).selectOption("editor");
    await ownerPage.getByRole("button", { name: "Send invitation" }).click();
    await ownerPage.getByTestId("invitation-link").waitFor();
    const link = await ownerPage.getByLabel("Invitation link").inputValue();
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/invite\/\S+$/);
    await textOf(ownerPage.getByRole("region", { name: /Pending invitations/ })).toContain(invitee.email);

    const inviteePage = await browser.newPage();
    await inviteePage.goto(link);
    await textOf(inviteePage.getByRole("heading", { level: 1 })).toBe(`Join ${owner.workspaceName}`);
    await textOf(inviteePage.getByTestId("invited-role")).toBe("editor");
    await inviteePage.getByLabel("Your name").fill(invitee.name);
    await inviteePage.getByLabel("Password").fill(invitee.password);
    await inviteePage.getByRole("button", { name: "Create account and join" }).click();
    await inviteePage.waitForURL("**/home");
    await textOf(inviteePage.getByTestId("workspace-name")).toBe(owner.workspaceName);
    await textOf(inviteePage.getByTestId("my-role")).toBe("editor");

    // Editors see the team but cannot change it.
    await inviteePage.goto("/team");
    await textOf(inviteePage.getByRole("region", { name: /Members/ })).toContain(owner.email);
    expect(await inviteePage.getByRole("button", { name: "Send invitation" }).count()).toBe(0);

    await ownerPage.reload();
    const members = ownerPage.getByRole("region", { name: /Members/ });
    await textOf(members.getByRole("heading")).toBe("Members (2)");
    await textOf(members).toContain(owner.email);
    await textOf(members).toContain(invitee.email);
    await textOf(ownerPage.getByRole("region", { name: /Pending invitations/ })).toContain("No one is waiting to join.");
  });
});
