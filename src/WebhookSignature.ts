/**
 * Verifying and computing PagerDuty's v3 webhook signatures (`X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]`, the
 * HMAC-SHA256 of the exact body bytes with the subscription's secret). WebCrypto only (`globalThis.crypto.subtle`):
 * it runs in Node 20, browsers, edge runtimes, Deno and Bun. Secrets are `Redacted` and never reach an error, a log
 * or a span.
 *
 * @since 0.2.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import {
  bytesOf,
  checkSignature,
  importSecret,
  SIGNATURE_HEADER,
  signatureHeader
} from "./internal/webhooks/signature.js"
import { WebhookSignatureError } from "./WebhookError.js"

/**
 * The name of the header that carries the signatures, lower case: `x-pagerduty-signature`.
 *
 * @example
 * ```ts
 * import { WebhookSignature } from "effect-pagerduty/webhooks"
 *
 * const read = (headers: Headers) => headers.get(WebhookSignature.headerName) ?? undefined
 * ```
 *
 * @since 0.2.0
 * @category constants
 */
export const headerName: string = SIGNATURE_HEADER

/**
 * One secret or several (during a rotation: the old and the new one), each `Redacted`.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { WebhookSignature } from "effect-pagerduty/webhooks"
 *
 * const secrets: WebhookSignature.Secrets = [Redacted.make("old-secret"), Redacted.make("new-secret")]
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type Secrets = Redacted.Redacted<string> | ReadonlyArray<Redacted.Redacted<string>>

/**
 * The imported WebCrypto key of each `Redacted` secret, imported once per `Redacted` value (a handler reuses its
 * options' secrets on every delivery). Keys are not extractable; the cache holds no secret text.
 */
const keys = new WeakMap<Redacted.Redacted<string>, Promise<CryptoKey>>()

/** @internal */
export const secretKeys = (secrets: Secrets): Array<Promise<CryptoKey>> =>
  (Redacted.isRedacted(secrets) ? [secrets] : secrets).map((secret) => {
    let key = keys.get(secret)
    if (key === undefined) {
      key = importSecret(bytesOf(Redacted.value(secret)))
      // A failed import (no WebCrypto) is not cached.
      key.catch(() => keys.delete(secret))
      keys.set(secret, key)
    }
    return key
  })

/**
 * What {@link verify} checks: the exact raw body (bytes as received, or a string that is encoded as UTF-8; never
 * re-serialised JSON), the `X-PagerDuty-Signature` header value (`undefined` when absent), and the secrets.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { WebhookSignature } from "effect-pagerduty/webhooks"
 *
 * const input: WebhookSignature.VerifyInput = {
 *   body: new TextEncoder().encode("{\"event\":{}}"),
 *   signature: "v1=0123",
 *   secrets: Redacted.make("secret")
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface VerifyInput {
  readonly body: Uint8Array | string
  readonly signature: string | undefined
  readonly secrets: Secrets
}

/**
 * Succeeds when at least one `v1` signature of the header is the HMAC-SHA256 of the body with one of the secrets
 * (compared in constant time); fails with a {@link WebhookSignatureError} saying whether the header was missing, had
 * no `v1` signature, or matched none. Other versions (`v0=...`) are ignored.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { WebhookSignature } from "effect-pagerduty/webhooks"
 *
 * const secret = Redacted.make("my-webhook-secret")
 * const body = "{\"event\":{\"id\":\"01ABC\"}}"
 * const program = Effect.gen(function*() {
 *   const signature = yield* WebhookSignature.sign(body, secret)
 *   yield* WebhookSignature.verify({ body, signature, secrets: secret })
 * })
 * ```
 *
 * @since 0.2.0
 * @category verification
 */
export const verify: (input: VerifyInput) => Effect.Effect<void, WebhookSignatureError> = Effect.fn(
  "WebhookSignature.verify"
)(function*(input: VerifyInput) {
  const body = bytesOf(input.body)
  const secrets = secretKeys(input.secrets)
  const check = yield* Effect.promise(() => checkSignature(body, input.signature, secrets))
  if (check !== "Valid") return yield* Effect.fail(new WebhookSignatureError({ reason: check }))
})

/**
 * The `X-PagerDuty-Signature` value PagerDuty would send for a body: one `v1=<hex>` per secret, comma-separated.
 * For tests and for forwarding proxies that re-sign.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import { WebhookSignature } from "effect-pagerduty/webhooks"
 *
 * const header = WebhookSignature.sign("{}", [Redacted.make("old"), Redacted.make("new")])
 * // Effect<"v1=...,v1=...">
 * const program = Effect.map(header, (value) => value.split(",").length) // 2
 * ```
 *
 * @since 0.2.0
 * @category signing
 */
export const sign = (body: Uint8Array | string, secrets: Secrets): Effect.Effect<string> =>
  Effect.promise(() => signatureHeader(bytesOf(body), secretKeys(secrets)))
