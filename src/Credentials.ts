/**
 * Where the REST API's `Authorization` header comes from.
 *
 * By default (no `Credentials` layer provided) it is the static API key or bearer token of {@link PagerDutyConfig}.
 * A `Credentials` layer replaces that, for example with short-lived OAuth tokens that are refreshed before they
 * expire.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type { PagerDutyConfigService } from "./PagerDutyConfig.js"
import { PagerDutyConfig } from "./PagerDutyConfig.js"
import { PDClientError } from "./PagerDutyError.js"
import type { PDHTTPError } from "./PagerDutyError.js"

/**
 * The shape of a credentials provider.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import type { CredentialsService } from "effect-pagerduty"
 *
 * const fixed: CredentialsService = {
 *   authorization: Effect.succeed(Redacted.make("Bearer my-token")),
 *   refresh: () => Effect.succeed(false)
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface CredentialsService {
  /** The whole `Authorization` header value for the next request (for example `Token token=…` or `Bearer …`). */
  readonly authorization: Effect.Effect<Redacted.Redacted<string>, PDClientError | PDHTTPError>
  /**
   * PagerDuty answered 401 to a request sent with `rejected`. Succeeds with `true` when a fresh credential is now
   * available: the request is then retried once. Static credentials answer `false`.
   */
  readonly refresh: (rejected: Redacted.Redacted<string>) => Effect.Effect<boolean, PDClientError | PDHTTPError>
}

/**
 * The credentials service. Optional: when it is not provided, `RestApi` uses {@link Credentials.fromConfig}.
 *
 * @example
 * ```ts
 * import { Effect, Layer, Redacted } from "effect"
 * import { Credentials } from "effect-pagerduty"
 *
 * const FromVault = Layer.succeed(Credentials, {
 *   authorization: Effect.succeed(Redacted.make("Bearer token-from-vault")),
 *   refresh: () => Effect.succeed(false)
 * })
 * ```
 *
 * @since 0.1.0
 * @category Context
 */
export class Credentials extends Context.Tag("effect-pagerduty/Credentials")<Credentials, CredentialsService>() {
  /**
   * Static credentials from the configuration's `apiKey` and `authType`. A missing key fails each request with a
   * `PDClientError` (reason `Config`) that says how to set it.
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { Credentials, PagerDutyConfig } from "effect-pagerduty"
   *
   * const header = Effect.gen(function*() {
   *   const config = yield* PagerDutyConfig
   *   return yield* Credentials.fromConfig(config).authorization
   * })
   * ```
   *
   * @since 0.1.0
   */
  static fromConfig(config: PagerDutyConfigService): CredentialsService {
    const header = Option.map(
      config.apiKey,
      (key) =>
        Redacted.make(
          config.authType === "token" ? `Token token=${Redacted.value(key)}` : `Bearer ${Redacted.value(key)}`
        )
    )
    const authorization = Option.match(header, {
      onNone: () =>
        Effect.fail(
          new PDClientError({
            reason: "Config",
            description: "No PagerDuty API key is configured: pass apiKey to PagerDutyConfig.layer, " +
              "or set PAGERDUTY_API_KEY for PagerDutyConfig.layerConfig"
          })
        ),
      onSome: Effect.succeed
    })
    return { authorization, refresh: () => Effect.succeed(false) }
  }

  /**
   * A layer of {@link Credentials.fromConfig}.
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { Credentials, PagerDutyConfig } from "effect-pagerduty"
   *
   * const CredentialsLive = Credentials.layerFromConfig.pipe(Layer.provide(PagerDutyConfig.layer({ apiKey: "k" })))
   * ```
   *
   * @since 0.1.0
   */
  static readonly layerFromConfig: Layer.Layer<Credentials, never, PagerDutyConfig> = Layer.effect(
    Credentials,
    Effect.map(PagerDutyConfig, (config) => Credentials.fromConfig(config))
  )
}
