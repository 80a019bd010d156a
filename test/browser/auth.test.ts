import { describe, expect, it } from "vitest";
import { uiUrl, useBrowser } from "./support/browser";
import { fillSignUp, logIn, newPerson, signUp } from "./support/people";
import { textOf } from "./support/text";

describe("signing up and logging in", () => {
  const browser = useBrowser();

  it("signs up a new workspace and lands on its home", async () => {
    const page = await browser.newPage();
    const owner = newPerson("Founder");
    await signUp(page, owner);
    await textOf(page.getByRole("heading", { level: 1 })).toBe(owner.workspaceName);
    await textOf(page.getByTestId("workspace-name")).toBe(owner.workspaceName);
    await textOf(page.getByTestId("my-role")).toBe("owner");
    await textOf(page.getByTestId("member-count")).toBe("1");
    await textOf(page.getByRole("navigation", { name: "Main" })).toContain(owner.name);
  });

  it("logs out, keeps protected pages behind the log-in, and logs back in where the person was going", async () => {
    const page = await browser.newPage();
    const owner = newPerson("Returning");
    await signUp(page, owner);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.goto("/team");
    await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("next") === "/team");

    await logIn(page, owner.email, owner.password);
    await page.waitForURL("**/team");
    await textOf(page.getByRole("heading", { level: 1 })).toBe("Team");
    await textOf(page.getByTestId("workspace-name")).toBe(owner.workspaceName);
  });

  it("shows the error for a wrong password and stays on the log-in page", async () => {
    const page = await browser.newPage();
    const owner = newPerson("Forgetful");
    await signUp(page, owner);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");

    await logIn(page, owner.email, "not the password");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    await textOf(alert).toBe("Invalid email or password");
    expect(new URL(page.url()).pathname).toBe("/login");
  });

  it("says so when the workspace address is taken", async () => {
    const first = newPerson("First");
    await signUp(await browser.newPage(), first);

    const page = await browser.newPage();
    await fillSignUp(page, { ...newPerson("Second"), workspaceSlug: first.workspaceSlug });
    const message = page.getByText(`The workspace address "${first.workspaceSlug}" is taken`);
    await message.waitFor();
    // Shown beside the address field, which is marked invalid.
    await expect(page.getByLabel("Workspace address").getAttribute("aria-invalid")).resolves.toBe("true");
    expect(new URL(page.url()).pathname).toBe("/signup");
  });

  it("refuses log-in forms posted from another site", async () => {
    const person = newPerson("Targeted");
    const signedUp = await fetch(`${uiUrl()}/api/v1/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(person),
    });
    expect(signedUp.status).toBe(201);

    const postFromElsewhere = (path: string) =>
      fetch(`${uiUrl()}${path}`, {
        method: "POST",
        headers: { origin: "http://elsewhere.example", "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email: person.email, password: person.password }),
        redirect: "manual",
      });
    // The framework turns away the page's own post; the app turns away the data request behind it.
    const documentPost = await postFromElsewhere("/login");
    expect(documentPost.status).toBeGreaterThanOrEqual(400);
    expect(documentPost.headers.get("set-cookie")).toBeNull();
    const dataPost = await postFromElsewhere("/login?_data=routes%2Flogin");
    expect(dataPost.status).toBe(403);
    expect(dataPost.headers.get("set-cookie")).toBeNull();
  });
});
