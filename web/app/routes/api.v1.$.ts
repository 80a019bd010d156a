import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";

/** Headers about this one connection rather than the request, which must not be passed along. */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host", "content-length"];

/**
 * The public API, reachable on the UI's own address too: the request goes to the API Worker as it
 * came, and its answer comes back as it left.
 */
async function forward({ request, context }: LoaderFunctionArgs | ActionFunctionArgs): Promise<Response> {
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const response = await context.cloudflare.env.API.fetch(request.url, {
    method: request.method,
    headers,
    body: hasBody ? await request.arrayBuffer() : undefined,
    redirect: "manual",
  });
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export const loader = forward;
export const action = forward;
