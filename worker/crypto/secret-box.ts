/**
 * AES-256-GCM for App secrets at rest. The key comes from the APP_SECRETS_KEY Worker secret
 * (32 bytes, base64). Each value gets a fresh 96-bit IV; the workspace id is bound as additional
 * data, so a ciphertext copied into another workspace's row does not decrypt.
 */
const VERSION = "v1";

export interface SecretBox {
  seal(plaintext: string, tenantId: string): Promise<string>;
  open(sealed: string, tenantId: string): Promise<string>;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export async function createSecretBox(base64Key: string): Promise<SecretBox> {
  let raw: Uint8Array;
  try {
    raw = fromBase64(base64Key);
  } catch {
    throw new Error("APP_SECRETS_KEY is not valid base64");
  }
  if (raw.length !== 32) throw new Error(`APP_SECRETS_KEY must be 32 bytes (base64), got ${raw.length}`);
  const key = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
  const aad = (tenantId: string) => new TextEncoder().encode(tenantId);
  return {
    async seal(plaintext, tenantId) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(tenantId) }, key, new TextEncoder().encode(plaintext));
      return `${VERSION}:${toBase64(iv)}:${toBase64(new Uint8Array(sealed))}`;
    },
    async open(sealed, tenantId) {
      const [version, iv, data] = sealed.split(":");
      if (version !== VERSION || !iv || !data) throw new Error("not a sealed secret");
      const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: aad(tenantId) }, key, fromBase64(data));
      return new TextDecoder().decode(plain);
    },
  };
}
