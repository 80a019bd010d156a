import { json } from "@remix-run/cloudflare";

/**
 * Forms posted without a session have no CSRF token to check, so a cross-site post is refused by
 * its Origin. The Host header is the reference, because the dev server builds `request.url`
 * from the Origin header itself.
 */
export function assertSameOrigin(request: Request): void {
  const origin = request.headers.get("origin");
  if (origin === null) return;
  const ownHost = request.headers.get("host") ?? new URL(request.url).host;
  let sentHost: string | null = null;
  try {
    sentHost = new URL(origin).host;
  } catch {
    // "null" and other opaque origins are never ours.
  }
  if (sentHost !== ownHost) {
    throw json(
      { error: { code: "forbidden", message: "This form was posted from another site", details: null } },
      { status: 403 },
    );
  }
}
