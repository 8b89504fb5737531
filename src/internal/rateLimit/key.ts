/**
 * The store key of a budget: an HMAC-SHA-256 of the credential (or routing key), so the key in Redis (or in memory)
 * never reveals the secret, and every process that uses the same secret and HMAC key lands on the same budget. Web
 * Crypto (`globalThis.crypto.subtle`), available on Node 20, Deno, Bun and browsers.
 *
 * @internal
 */
import * as Effect from "effect/Effect"

const encoder = new TextEncoder()

const toHex = (buffer: ArrayBuffer): string => {
  let out = ""
  for (const byte of new Uint8Array(buffer)) out += byte.toString(16).padStart(2, "0")
  return out
}

/** @internal */
export interface KeyHasher {
  /** The hex HMAC of `value`; cached per value (bounded), computed once. */
  readonly hash: (value: string) => Effect.Effect<string>
}

/** @internal */
export const makeKeyHasher = (hmacKey: string): KeyHasher => {
  let cryptoKey: Promise<CryptoKey> | undefined
  const cache = new Map<string, string>()
  const compute = async (value: string): Promise<string> => {
    cryptoKey ??= globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(hmacKey),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"]
    )
    return toHex(await globalThis.crypto.subtle.sign("HMAC", await cryptoKey, encoder.encode(value)))
  }
  return {
    hash: (value) => {
      const cached = cache.get(value)
      if (cached !== undefined) return Effect.succeed(cached)
      // Web Crypto does not fail on these inputs; a defect here would be a platform without it.
      return Effect.map(Effect.promise(() => compute(value)), (hex) => {
        if (cache.size >= 1024) cache.clear()
        cache.set(value, hex)
        return hex
      })
    }
  }
}
