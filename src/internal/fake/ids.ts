/**
 * Deterministic identifiers: PagerDuty-style ids (`P` + 6 uppercase alphanumerics), integration (routing) keys and
 * dedup keys (32 lowercase hex characters), all derived from counters so test runs are reproducible.
 *
 * @internal
 */

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
const SPACE = 36 ** 6 // 2,176,782,336 distinct ids
// Multiplying by a number coprime with 36 (odd, not a multiple of 3) permutes the id space, so ids look scattered but
// never collide. All products stay below 2^53 for sequence numbers below SPACE.
const MULTIPLIER = 1_000_003
const SHIFT = 48_271
/** Where the ids of generated (synthetic) records start in the sequence space; counters stay below it. */
const GENERATED_BASE = 1_500_000_000

const modInverse = (a: bigint, m: bigint): bigint => {
  let [oldR, r] = [a % m, m]
  let [oldS, s] = [1n, 0n]
  while (r !== 0n) {
    const q = oldR / r
    ;[oldR, r] = [r, oldR - q * r]
    ;[oldS, s] = [s, oldS - q * s]
  }
  return ((oldS % m) + m) % m
}

const INVERSE = modInverse(BigInt(MULTIPLIER), BigInt(SPACE))

const scramble = (n: number): number => (n * MULTIPLIER + SHIFT) % SPACE

const encode = (n: number): string => {
  let x = scramble(n)
  let out = ""
  for (let i = 0; i < 6; i++) {
    out = ALPHABET[x % 36] + out
    x = Math.floor(x / 36)
  }
  return "P" + out
}

const decode = (id: string): number | undefined => {
  if (id.length !== 7 || id[0] !== "P") return undefined
  let x = 0
  for (let i = 1; i < 7; i++) {
    const digit = ALPHABET.indexOf(id[i])
    if (digit < 0) return undefined
    x = x * 36 + digit
  }
  const unshifted = BigInt((x - SHIFT + SPACE) % SPACE)
  return Number((unshifted * INVERSE) % BigInt(SPACE))
}

/**
 * The id of the `n`-th record created by the fake (n ≥ 1).
 *
 * @internal
 */
export const recordId = (n: number): string => encode(n)

/**
 * The id of the record at `index` in a generated collection.
 *
 * @internal
 */
export const generatedId = (index: number): string => encode(GENERATED_BASE + index)

/**
 * The index a generated record id stands for, or `undefined` when the id is not one.
 *
 * @internal
 */
export const generatedIndex = (id: string): number | undefined => {
  const n = decode(id)
  return n !== undefined && n >= GENERATED_BASE ? n - GENERATED_BASE : undefined
}

// splitmix32: a tiny, well-mixed deterministic generator for the hex keys.
const mix = (seed: number): number => {
  let z = (seed + 0x9e3779b9) | 0
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

/**
 * A 32-character lowercase hex key (the shape of an Events API v2 integration key), from a counter and a salt.
 *
 * @internal
 */
export const hexKey = (n: number, salt: number): string => {
  let out = ""
  let seed = n * 7919 + salt
  for (let i = 0; i < 4; i++) {
    seed = mix(seed)
    out += seed.toString(16).padStart(8, "0")
  }
  return out
}
