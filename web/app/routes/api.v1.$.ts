import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/cloudflare";

/**
 * Headers about this one connection rather than the request, which must not be passed along.
 * Content-Length stays: the body is passed on as the same stream, so its length still holds, and
 * file uploads are refused without it.
 */
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "host"];

/**
 * The public API, reachable on the UI's own address too: the request goes to the API Worker as it
 * came, and its answer comes back as it left. Bodies stream through rather than being read here
 * first, so an upload of hundreds of megabytes never sits in this Worker's memory.
 */
async function forward({ request, context }: LoaderFunctionArgs | ActionFunctionArgs): Promise<Response> {
  const headers = new Headers(request.headers);
  for (const name of HOP_BY_HOP) headers.delete(name);
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers,
    body: hasBody ? request.body : undefined,
    redirect: "manual",
    // Required by the fetch standard for a streamed request body (the dev server runs on Node).
    duplex: hasBody ? "half" : undefined,
  };
  const response = await context.cloudflare.env.API.fetch(request.url, init);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

export const loader = forward;
export const action = forward;
