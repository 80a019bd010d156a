import { ApiError } from "../errors";
import { createSecretBox, type SecretBox } from "./secret-box";

/**
 * The key for local development and tests only (documented in the README). Anywhere else,
 * APP_SECRETS_KEY must be set as a Worker secret, or App secrets cannot be stored or read.
 */
export const LOCAL_DEVELOPMENT_SECRETS_KEY = "bG9jYWwtZGV2LW9ubHkta2V5LW5vdC1zZWNyZXQhISE=";

let cached: { key: string; box: Promise<SecretBox> } | undefined;

export function appSecretBox(env: { APP_SECRETS_KEY?: string; APP_ENV: string }): Promise<SecretBox> {
  const key = env.APP_SECRETS_KEY ?? (env.APP_ENV === "development" ? LOCAL_DEVELOPMENT_SECRETS_KEY : undefined);
  if (!key) throw new ApiError("internal_error", "APP_SECRETS_KEY is not configured, so App secrets cannot be stored");
  if (cached?.key !== key) cached = { key, box: createSecretBox(key) };
  return cached.box;
}
