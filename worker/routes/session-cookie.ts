import { deleteCookie, setCookie } from "hono/cookie";
import type { AppContext } from "../context";
import type { Session } from "../db/schema";
import { SESSION_COOKIE } from "../services/sessions";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Secure everywhere but plain-http localhost, where browsers would drop a Secure cookie. */
const isLocal = (c: AppContext) => LOCAL_HOSTS.has(new URL(c.req.url).hostname);

export function setSessionCookie(c: AppContext, token: string, session: Session) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    secure: !isLocal(c),
    sameSite: "Lax",
    path: "/",
    expires: session.expiresAt,
  });
}

export function clearSessionCookie(c: AppContext) {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: !isLocal(c), httpOnly: true, sameSite: "Lax" });
}
