/**
 * PagerDuty's v3 webhook signatures, as plain functions over bytes: parse `X-PagerDuty-Signature`, compute
 * HMAC-SHA256 with WebCrypto (`globalThis.crypto.subtle`, present in browsers, edge runtimes, Deno, Bun and Node 20),
 * compare in constant time. No Effect and no Node built-in here: the Effect modules are thin layers over this.
 *
 * @internal
 */

/** The header that carries the signatures (lower case, as HTTP/2 and `Headers` spell it). @internal */
export const SIGNATURE_HEADER = "x-pagerduty-signature"

/** The only signature version PagerDuty sends today. @internal */
export const SIGNATURE_VERSION = "v1"

/** Why a signature check failed, or that it passed. @internal */
export type SignatureCheck = "Valid" | "Missing" | "Malformed" | "Mismatch"

const encoder = new TextEncoder()

/** The bytes of a body or secret: strings are UTF-8 (PagerDuty's bodies are UTF-8 JSON). @internal */
export const bytesOf = (input: string | Uint8Array): Uint8Array<ArrayBuffer> =>
  typeof input === "string" ? encoder.encode(input) : new Uint8Array(input)

const HEX = "0123456789abcdef"

/** Lower-case hex of bytes. @internal */
export const toHex = (bytes: Uint8Array): string => {
  let out = ""
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15]
  return out
}

const nibble = (code: number): number => {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 102) return code - 87
  if (code >= 65 && code <= 70) return code - 55
  return -1
}

/** Bytes of a hex string (either case), or `undefined` when it is not hex of an even length. @internal */
export const fromHex = (hex: string): Uint8Array | undefined => {
  if (hex.length === 0 || hex.length % 2 !== 0) return undefined
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) {
    const high = nibble(hex.charCodeAt(2 * i))
    const low = nibble(hex.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0) return undefined
    out[i] = (high << 4) | low
  }
  return out
}

/**
 * The `v1` signatures of a header value, decoded from hex. Entries of other versions (`v0=...`) and entries that are
 * not hex are skipped, as PagerDuty's own verifier does.
 *
 * @internal
 */
export const parseSignatures = (header: string): Array<Uint8Array> => {
  const out: Array<Uint8Array> = []
  for (const part of header.split(",")) {
    const entry = part.trim()
    const equals = entry.indexOf("=")
    if (equals < 0 || entry.slice(0, equals).trim() !== SIGNATURE_VERSION) continue
    const bytes = fromHex(entry.slice(equals + 1).trim())
    if (bytes !== undefined) out.push(bytes)
  }
  return out
}

/**
 * Whether two byte strings are equal, in time that depends only on their lengths (which are public: an HMAC-SHA256
 * is 32 bytes), never on where they differ.
 *
 * @internal
 */
export const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i]
  return diff === 0
}

const subtle = (): SubtleCrypto => {
  const crypto = globalThis.crypto
  if (crypto?.subtle === undefined) {
    throw new Error("WebCrypto (globalThis.crypto.subtle) is not available in this runtime")
  }
  return crypto.subtle
}

/** A WebCrypto HMAC-SHA256 signing key (not extractable) for a secret. @internal */
export const importSecret = (secret: Uint8Array): Promise<CryptoKey> =>
  Promise.resolve().then(() =>
    subtle().importKey("raw", new Uint8Array(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"])
  )

/** A secret's bytes, or a key imported once (see {@link importSecret}). @internal */
export type SecretKey = Uint8Array | CryptoKey | Promise<CryptoKey>

const keyOf = (secret: SecretKey): Promise<CryptoKey> =>
  secret instanceof Uint8Array ? importSecret(secret) : Promise.resolve(secret)

/** HMAC-SHA256 of `body` keyed with `secret`. @internal */
export const hmacSha256 = async (secret: SecretKey, body: Uint8Array): Promise<Uint8Array> =>
  new Uint8Array(await subtle().sign("HMAC", await keyOf(secret), new Uint8Array(body)))

/**
 * The `X-PagerDuty-Signature` value for a body signed with each secret: `v1=<hex>[,v1=<hex>...]`.
 *
 * @internal
 */
export const signatureHeader = async (
  body: Uint8Array,
  secrets: ReadonlyArray<SecretKey>
): Promise<string> => {
  const parts: Array<string> = []
  for (const secret of secrets) parts.push(`${SIGNATURE_VERSION}=${toHex(await hmacSha256(secret, body))}`)
  return parts.join(",")
}

/**
 * Checks a header against the exact body bytes and any of the secrets: `Missing` without a header (or a blank one),
 * `Malformed` without a single hex `v1` signature, `Mismatch` when no signature matches any secret, else `Valid`.
 * Every pair is compared (no early exit on the secrets).
 *
 * @internal
 */
export const checkSignature = async (
  body: Uint8Array,
  header: string | undefined,
  secrets: ReadonlyArray<SecretKey>
): Promise<SignatureCheck> => {
  if (header === undefined || header.trim().length === 0) return "Missing"
  const signatures = parseSignatures(header)
  if (signatures.length === 0) return "Malformed"
  let matched = false
  for (const secret of secrets) {
    const expected = await hmacSha256(secret, body)
    for (const signature of signatures) {
      if (constantTimeEqual(expected, signature)) matched = true
    }
  }
  return matched ? "Valid" : "Mismatch"
}
