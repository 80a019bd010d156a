import { uiUrl } from "./browser";
import type { Person } from "./people";

/**
 * A logged-in API session for setting the scene (a workspace with an App, a teammate) faster than
 * clicking through it; what a test asserts is still done in the browser.
 */
export class ApiSession {
  private constructor(
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  static async signUp(person: Person): Promise<ApiSession> {
    return ApiSession.start("signup", person, 201);
  }

  static async logIn(email: string, password: string): Promise<ApiSession> {
    return ApiSession.start("login", { email, password }, 200);
  }

  private static async start(route: "signup" | "login", body: object, expected: number): Promise<ApiSession> {
    const response = await fetch(`${uiUrl()}/api/v1/auth/${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.status !== expected) throw new Error(`${route} failed: ${response.status} ${await response.text()}`);
    // The session cookie is the only one the API sets.
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return new ApiSession(cookie, csrfToken);
  }

  async call<T>(method: "GET" | "POST" | "PATCH", path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${uiUrl()}/api/v1${path}`, {
      method,
      headers: { cookie: this.cookie, "x-csrf-token": this.csrfToken, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path} failed: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Invites someone with a role and creates their account from the invitation, as the link would. */
  async addTeammate(person: Person, role: "admin" | "editor" | "viewer"): Promise<void> {
    const { acceptPath } = await this.call<{ acceptPath: string }>("POST", "/invitations", { email: person.email, role });
    const token = acceptPath.split("/").pop();
    const response = await fetch(`${uiUrl()}/api/v1/invitations/accept`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, name: person.name, password: person.password }),
    });
    if (!response.ok) throw new Error(`Accepting the invitation for ${person.email} failed: ${response.status} ${await response.text()}`);
  }
}
