import { ConfigError } from '@tasksgodzilla/core';

const encoder = new TextEncoder();

function subtle() {
  const api = globalThis.crypto?.subtle;
  if (!api)
    throw new ConfigError(
      'WebCrypto (crypto.subtle) is not available: use Node 20+ or a browser page served over https/localhost',
    );
  return api;
}

function toHex(bytes: ArrayBuffer): string {
  return Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Lowercase hex HMAC-SHA256 of `body` (UTF-8) keyed by `secret`, via WebCrypto (Node 20 and browsers). */
export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  const key = await subtle().importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return toHex(await subtle().sign('HMAC', key, encoder.encode(body)));
}

/** The `X-Hub-Signature-256` value GitHub sends: `sha256=` + HMAC-SHA256 hex of the exact body. */
export async function signWebhookBody(secret: string, body: string): Promise<string> {
  return `sha256=${await hmacSha256Hex(secret, body)}`;
}

/** The exact text a webhook helper sends: `body` as given, else `payload` as JSON (`{}` when neither). */
export function webhookBody(request: { body?: string; payload?: unknown }): string {
  if (request.body !== undefined) return request.body;
  return request.payload === undefined ? '{}' : JSON.stringify(request.payload);
}
