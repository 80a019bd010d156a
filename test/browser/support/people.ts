import type { Page } from "playwright-core";

export interface Person {
  name: string;
  email: string;
  password: string;
  workspaceName: string;
  workspaceSlug: string;
}

let counter = 0;

/** Someone new each time: addresses and workspace slugs are unique across the whole run. */
export function newPerson(label: string): Person {
  const id = `${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return {
    name: `${label} Person`,
    email: `${label.toLowerCase()}-${id}@example.com`,
    password: "correct horse battery",
    workspaceName: `${label} Co ${id}`,
    workspaceSlug: `${label.toLowerCase()}-${id}`,
  };
}

export async function fillSignUp(page: Page, person: Person) {
  await page.goto("/signup");
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("Work email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByLabel("Workspace name").fill(person.workspaceName);
  await page.getByLabel("Workspace address").fill(person.workspaceSlug);
  await page.getByRole("button", { name: "Create workspace" }).click();
}

/** Signs up in the browser and waits for the workspace home. */
export async function signUp(page: Page, person: Person) {
  await fillSignUp(page, person);
  await page.waitForURL("**/home");
}

export async function logIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}
