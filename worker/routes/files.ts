import { Hono } from "hono";
import { z } from "zod";
import { actorOf, type AppContext, type AppEnv } from "../context";
import { ApiError } from "../errors";
import { MAX_FILE_BYTES, UPLOAD_MEDIA_TYPES } from "../files/limits";
import { principalOf, requireScope, tenantScopeOf } from "../middleware/require";
import { deleteFile, findFile, listFiles, publicFile, uploadFile } from "../services/files";
import { queryParams } from "../validation";
import { pathId } from "./params";

/** Uploads are the one body that is not JSON; app.ts exempts exactly this route from the JSON size limit. */
export const isFileUpload = (c: AppContext) => c.req.method === "POST" && c.req.path === "/api/v1/files";

const uploadQuery = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "is required")
      .max(255)
      .refine((name) => !/[/\\\u0000-\u001f\u007f]/.test(name), "must be a plain file name, without slashes or control characters"),
  })
  .strict();

const MIB = 1024 * 1024;

/** What the headers promise about the body, checked before a byte of it is read. */
function declaredUpload(c: AppContext): { size: number; contentType: string } {
  const contentType = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!(UPLOAD_MEDIA_TYPES as readonly string[]).includes(contentType)) {
    throw new ApiError("unsupported_media_type", `Send the file as the raw body with Content-Type ${UPLOAD_MEDIA_TYPES.join(" or ")}; got ${contentType || "none"}`);
  }
  const length = c.req.header("content-length");
  if (length === undefined) {
    throw new ApiError("length_required", "Send the file with a Content-Length header; uploads are stored at their declared length");
  }
  if (!/^\d{1,15}$/.test(length)) throw new ApiError("invalid_request", `Content-Length must be a number of bytes; got ${JSON.stringify(length)}`);
  const size = Number(length);
  if (size === 0) throw new ApiError("invalid_request", "The file is empty");
  if (size > MAX_FILE_BYTES) {
    throw new ApiError("payload_too_large", `Files can be at most ${MAX_FILE_BYTES / MIB} MiB; this one is ${(size / MIB).toFixed(1)} MiB`, { maxBytes: MAX_FILE_BYTES });
  }
  return { size, contentType };
}

export const fileRoutes = new Hono<AppEnv>()
  .get("/", requireScope("read:sources"), async (c) => c.json({ files: (await listFiles(tenantScopeOf(c))).map(publicFile) }))
  .post("/", requireScope("write:sources"), async (c) => {
    const declared = declaredUpload(c);
    const { name } = queryParams(c, uploadQuery);
    const file = await uploadFile(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), { ...declared, name, body: c.req.raw.body! });
    return c.json({ file: publicFile(file) }, 201);
  })
  .get("/:id", requireScope("read:sources"), async (c) => {
    return c.json({ file: publicFile(await findFile(tenantScopeOf(c), pathId(c, "fil", "File"))) });
  })
  .delete("/:id", requireScope("write:sources"), async (c) => {
    await deleteFile(tenantScopeOf(c), c.env, actorOf(principalOf(c)), c.get("requestId"), pathId(c, "fil", "File"));
    return c.body(null, 204);
  });
