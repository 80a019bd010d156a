import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { THROTTLE } from "../../worker/services/login-throttle";
import { api, sessionCookieFrom, signUp, tableCounts, unique } from "../support/api";

describe("sign-up", () => {
  it("creates the person, the workspace with them as owner, and a session", async () => {
    const email = `${unique("ada")}@Example.com`;
    const slug = unique("analytical");
    const res = await api("POST", "/auth/signup", {
      body: { name: "Ada Lovelace", email, password: "difference engine", workspaceName: "Analytical", workspaceSlug: slug },
    });
    expect(res.status).toBe(201);
    expect(res.body.user.email).toBe(email.toLowerCase());
    expect(res.body.workspace).toMatchObject({ name: "Analytical", slug });
    expect(res.body.workspace.id).toMatch(/^ten_[0-9a-z]{24}$/);
    expect(res.body.role).toBe("owner");

    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);

    const session = await api("GET", "/auth/session", { as: { cookie: sessionCookieFrom(res) } });
    expect(session.status).toBe(200);
    expect(session.body.workspace.slug).toBe(slug);
    expect(session.body.role).toBe("owner");
    expect(session.body.csrfToken).toBe(res.body.csrfToken);
  });

  it("marks the session cookie Secure when not on localhost", async () => {
    const res = await api("POST", "/auth/signup", {
      base: "https://app.groupflow.example",
      body: { name: "Grace", email: `${unique("grace")}@example.com`, password: "compiler-first", workspaceName: "Navy", workspaceSlug: unique("navy") },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("set-cookie")).toMatch(/Secure/);
  });

  it("stores passwords as scrypt hashes and session tokens as digests", async () => {
    const ws = await signUp("hash");
    const user = await env.DB.prepare("select password_hash from users where id = ?").bind(ws.user.id).first<{ password_hash: string }>();
    expect(user!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(user!.password_hash).not.toContain(ws.password);
    const token = ws.owner.cookie!.split("=")[1]!;
    const stored = await env.DB.prepare("select count(*) as n from sessions where token_hash = ?").bind(token).first<{ n: number }>();
    expect(stored!.n).toBe(0);
  });

  it("refuses a duplicate email or workspace address with 409 and creates nothing", async () => {
    const ws = await signUp("dup");
    const before = await tableCounts();
    const sameEmail = await api("POST", "/auth/signup", {
      body: { name: "X", email: ws.email.toUpperCase(), password: "long enough pw", workspaceName: "Other", workspaceSlug: unique("other") },
    });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.error).toMatchObject({ code: "conflict", details: { field: "email" } });

    const sameSlug = await api("POST", "/auth/signup", {
      body: { name: "X", email: `${unique("x")}@example.com`, password: "long enough pw", workspaceName: "Other", workspaceSlug: ws.workspace.slug },
    });
    expect(sameSlug.status).toBe(409);
    expect(sameSlug.body.error.message).toContain(ws.workspace.slug);
    expect(await tableCounts()).toEqual(before);
  });

  it("lets only one of two simultaneous sign-ups for the same address win", async () => {
    const slug = unique("race");
    const attempt = (i: number) =>
      api("POST", "/auth/signup", {
        body: { name: "R", email: `${unique(`r${i}`)}@example.com`, password: "long enough pw", workspaceName: "Race", workspaceSlug: slug },
      });
    const results = await Promise.all([attempt(1), attempt(2), attempt(3)]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const row = await env.DB.prepare("select count(*) as n from tenants where slug = ?").bind(slug).first<{ n: number }>();
    expect(row!.n).toBe(1);
  });
});

describe("log-in and log-out", () => {
  it("logs in with the right password and lands in the workspace", async () => {
    const ws = await signUp("login");
    const res = await api("POST", "/auth/login", { body: { email: ws.email, password: ws.password } });
    expect(res.status).toBe(200);
    const session = await api("GET", "/auth/session", { as: { cookie: sessionCookieFrom(res) } });
    expect(session.body.workspace.id).toBe(ws.workspace.id);
  });

  it("answers a wrong password and an unknown email identically", async () => {
    const ws = await signUp("same");
    const wrong = await api("POST", "/auth/login", { body: { email: ws.email, password: "not the password" } });
    const unknown = await api("POST", "/auth/login", { body: { email: `${unique("nobody")}@example.com`, password: "not the password" } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.message).toBe("Invalid email or password");
  });

  it("logs out by revoking the session for good", async () => {
    const ws = await signUp("logout");
    const out = await api("POST", "/auth/logout", { as: ws.owner });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/gf_session=;/);
    const after = await api("GET", "/auth/session", { as: ws.owner });
    expect(after.status).toBe(401);
  });

  it("refuses expired sessions", async () => {
    const ws = await signUp("expired");
    await env.DB.prepare("update sessions set expires_at = ? where user_id = ?").bind(Date.now() - 1000, ws.user.id).run();
    expect((await api("GET", "/workspace", { as: ws.owner })).status).toBe(401);
  });
});

describe("failed log-in throttling", () => {
  it(`locks an email after ${THROTTLE.maxFailuresPerEmail} failures, even for the right password, and says when to retry`, async () => {
    const ws = await signUp("throttle");
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) {
      const res = await api("POST", "/auth/login", { body: { email: ws.email, password: "wrong password" } });
      expect(res.status).toBe(401);
    }
    const locked = await api("POST", "/auth/login", { body: { email: ws.email, password: ws.password } });
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe("rate_limited");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // The lock says nothing about whether the account exists: an unknown email locks the same way.
    const ghost = `${unique("ghost")}@example.com`;
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) await api("POST", "/auth/login", { body: { email: ghost, password: "whatever pw" } });
    const ghostLocked = await api("POST", "/auth/login", { body: { email: ghost, password: "whatever pw" } });
    expect(ghostLocked.status).toBe(429);
    expect(ghostLocked.body.error.message).toBe(locked.body.error.message);
  });

  it("opens again once the window has passed", async () => {
    const ws = await signUp("window");
    for (let i = 0; i < THROTTLE.maxFailuresPerEmail; i++) await api("POST", "/auth/login", { body: { email: ws.email, password: "wrong password" } });
    expect((await api("POST", "/auth/login", { body: { email: ws.email, password: ws.password } })).status).toBe(429);
    await env.DB.prepare("update login_throttles set window_started_at = window_started_at - ?").bind(THROTTLE.windowMs).run();
    expect((await api("POST", "/auth/login", { body: { email: ws.email, password: ws.password } })).status).toBe(200);
  });

  it("does not pool callers whose address is unknown into one lockable bucket", async () => {
    for (let i = 0; i < THROTTLE.maxFailuresPerIp; i++) {
      await api("POST", "/auth/login", { body: { email: `${unique("noip")}@example.com`, password: "guess guess" } });
    }
    const ws = await signUp("noipvictim");
    expect((await api("POST", "/auth/login", { body: { email: ws.email, password: ws.password } })).status).toBe(200);
  });

  it("locks a client address that tries many different emails", async () => {
    const headers = { "cf-connecting-ip": "203.0.113.9" };
    for (let i = 0; i < THROTTLE.maxFailuresPerIp; i++) {
      await api("POST", "/auth/login", { headers, body: { email: `${unique("spray")}@example.com`, password: "guess guess" } });
    }
    const ws = await signUp("victim");
    const res = await api("POST", "/auth/login", { headers, body: { email: ws.email, password: ws.password } });
    expect(res.status).toBe(429);
    const elsewhere = await api("POST", "/auth/login", { headers: { "cf-connecting-ip": "198.51.100.7" }, body: { email: ws.email, password: ws.password } });
    expect(elsewhere.status).toBe(200);
  });
});

describe("CSRF protection", () => {
  it("refuses a cookie-authenticated write without the session's token and changes nothing", async () => {
    const ws = await signUp("csrf");
    const before = await tableCounts();
    const noToken = await api("POST", "/invitations", { as: { cookie: ws.owner.cookie }, body: { email: "x@example.com", role: "viewer" } });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe("csrf_failed");
    const wrongToken = await api("PATCH", "/workspace", { as: { cookie: ws.owner.cookie, csrfToken: "forged" }, body: { name: "Pwned" } });
    expect(wrongToken.status).toBe(403);
    expect(await tableCounts()).toEqual(before);
    expect((await api("GET", "/workspace", { as: ws.owner })).body.workspace.name).toBe(ws.workspace.name);
  });
});

describe("several workspaces per person", () => {
  it("creates a second workspace and switches between them", async () => {
    const ws = await signUp("multi");
    const second = await api("POST", "/workspaces", { as: ws.owner, body: { name: "Second", slug: unique("second") } });
    expect(second.status).toBe(201);
    const session = await api("GET", "/auth/session", { as: ws.owner });
    expect(session.body.workspace.id).toBe(second.body.workspace.id);
    expect(session.body.workspaces.map((w: { id: string }) => w.id)).toEqual([ws.workspace.id, second.body.workspace.id]);

    const back = await api("POST", "/auth/switch-workspace", { as: ws.owner, body: { workspaceId: ws.workspace.id } });
    expect(back.status).toBe(200);
    expect((await api("GET", "/workspace", { as: ws.owner })).body.workspace.id).toBe(ws.workspace.id);
  });

  it("cannot switch into a workspace it does not belong to", async () => {
    const mine = await signUp("mine");
    const theirs = await signUp("theirs");
    const res = await api("POST", "/auth/switch-workspace", { as: mine.owner, body: { workspaceId: theirs.workspace.id } });
    expect(res.status).toBe(404);
    expect((await api("GET", "/workspace", { as: mine.owner })).body.workspace.id).toBe(mine.workspace.id);
  });
});
