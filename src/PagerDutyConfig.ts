/**
 * The configuration every effect-pagerduty service reads: credentials, region and base URLs, timeout, `From`
 * address, user agent and debug logging.
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as internal from "./internal/config.js"

/**
 * How the API key is sent: `"token"` gives `Authorization: Token token=KEY` (a classic REST API key), `"oauth2"` and
 * `"bearer"` give `Authorization: Bearer KEY` (an OAuth access token).
 *
 * @example
 * ```ts
 * import type { AuthType } from "effect-pagerduty"
 *
 * const authType: AuthType = "bearer"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type AuthType = "token" | "oauth2" | "bearer"

/**
 * PagerDuty's service region: `"us"` (`api.pagerduty.com`, `events.pagerduty.com`) or `"eu"`
 * (`api.eu.pagerduty.com`, `events.eu.pagerduty.com`).
 *
 * @example
 * ```ts
 * import type { Region } from "effect-pagerduty"
 *
 * const region: Region = "eu"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type Region = "us" | "eu"

/**
 * The options of {@link PagerDutyConfig.layer}. Every field is optional: a user who only sends events needs no API
 * key, and a user of the REST API needs no routing key. A missing one is a `PDClientError` with reason `Config` when
 * a call needs it.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { PagerDutyConfigOptions } from "effect-pagerduty"
 *
 * const options: PagerDutyConfigOptions = {
 *   apiKey: Redacted.make("u+abcdefg"),
 *   defaultFrom: "oncall@example.com",
 *   region: "eu"
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PagerDutyConfigOptions {
  /** The REST API key or OAuth token. A plain string is wrapped in `Redacted` at once. */
  readonly apiKey?: Redacted.Redacted<string> | string | undefined
  /** How {@link apiKey} is sent. Default `"token"`. */
  readonly authType?: AuthType | undefined
  /** An email address sent as the `From` header on every REST request (a request's own `From` wins). */
  readonly defaultFrom?: string | undefined
  /** The Events API v2 integration (routing) key, 32 characters. Sent in the event body, never in a header. */
  readonly routingKey?: Redacted.Redacted<string> | string | undefined
  /** The service region. Default `"us"`. */
  readonly region?: Region | undefined
  /** Overrides the REST API base URL the region gives (a test server, a proxy). */
  readonly restUrl?: string | undefined
  /** Overrides the Events API base URL the region gives (without `/v2`). */
  readonly eventsUrl?: string | undefined
  /** Overrides the OAuth identity service base URL the region gives. */
  readonly identityUrl?: string | undefined
  /** The timeout of one HTTP attempt, headers and body. Default 60 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
  /** The `User-Agent` header. Default `effect-pagerduty/<version>`; `null` sends none (browsers forbid it). */
  readonly userAgent?: string | null | undefined
  /** Emit the request log lines (method, URL, status, attempt, elapsed) even when the logger's level is above debug. */
  readonly debug?: boolean | undefined
}

/**
 * The options of {@link PagerDutyConfig.layerConfig}: each option as an Effect `Config`. An option left out reads
 * its environment variable.
 *
 * @example
 * ```ts
 * import { Config } from "effect"
 * import type { PagerDutyConfigFromConfig } from "effect-pagerduty"
 *
 * const options: PagerDutyConfigFromConfig = { apiKey: Config.redacted("MY_PD_TOKEN") }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PagerDutyConfigFromConfig = {
  readonly [K in keyof PagerDutyConfigOptions]?: Config.Config<Exclude<PagerDutyConfigOptions[K], undefined>>
}

/**
 * The resolved configuration, as the services read it.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { PagerDutyConfig } from "effect-pagerduty"
 *
 * const restUrl = Effect.map(PagerDutyConfig, (config) => config.restUrl)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface PagerDutyConfigService {
  readonly apiKey: Option.Option<Redacted.Redacted<string>>
  readonly authType: AuthType
  readonly defaultFrom: Option.Option<string>
  readonly routingKey: Option.Option<Redacted.Redacted<string>>
  readonly region: Region
  /** The REST base URL, without a trailing slash. */
  readonly restUrl: string
  /** The Events API base URL, without a trailing slash and without `/v2`. */
  readonly eventsUrl: string
  /** The OAuth identity service base URL, without a trailing slash. */
  readonly identityUrl: string
  readonly timeout: Duration.Duration
  readonly userAgent: Option.Option<string>
  readonly debug: boolean
}

/**
 * The configuration service. Build it with {@link PagerDutyConfig.layer} from literal options, or with
 * {@link PagerDutyConfig.layerConfig} from Effect's `Config` (the environment by default).
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { PagerDutyConfig } from "effect-pagerduty"
 *
 * const ConfigLive = PagerDutyConfig.layer({
 *   apiKey: Redacted.make("u+abcdefg"),
 *   defaultFrom: "oncall@example.com"
 * })
 * ```
 *
 * @since 0.1.0
 * @category Context
 */
export class PagerDutyConfig extends Context.Tag("effect-pagerduty/PagerDutyConfig")<
  PagerDutyConfig,
  PagerDutyConfigService
>() {
  /**
   * Builds the configuration from literal options. Fails with a `ConfigError` when a URL is not an `http(s)` URL.
   *
   * @example
   * ```ts
   * import { PagerDutyConfig } from "effect-pagerduty"
   *
   * const EuLive = PagerDutyConfig.layer({ apiKey: "u+abcdefg", region: "eu" })
   * ```
   *
   * @since 0.1.0
   */
  static layer(options: PagerDutyConfigOptions = {}): Layer.Layer<PagerDutyConfig, ConfigError.ConfigError> {
    return Layer.effect(PagerDutyConfig, internal.make(options))
  }

  /**
   * Builds the configuration from Effect's `Config`. Each option may be given as a `Config`; the ones not given read
   * the environment: `PAGERDUTY_API_KEY`, `PAGERDUTY_AUTH_TYPE`, `PAGERDUTY_FROM`, `PAGERDUTY_ROUTING_KEY`,
   * `PAGERDUTY_REGION`, `PAGERDUTY_REST_URL`, `PAGERDUTY_EVENTS_URL`, `PAGERDUTY_IDENTITY_URL`,
   * `PAGERDUTY_TIMEOUT` (a duration such as `30 seconds`) and `PAGERDUTY_DEBUG`. All are optional.
   *
   * @example
   * ```ts
   * import { Config } from "effect"
   * import { PagerDutyConfig } from "effect-pagerduty"
   *
   * // PAGERDUTY_API_KEY etc. from the environment, with a fixed From address
   * const ConfigLive = PagerDutyConfig.layerConfig({ defaultFrom: Config.succeed("oncall@example.com") })
   * ```
   *
   * @since 0.1.0
   */
  static layerConfig(
    options: PagerDutyConfigFromConfig = {}
  ): Layer.Layer<PagerDutyConfig, ConfigError.ConfigError> {
    return Layer.effect(
      PagerDutyConfig,
      Effect.flatMap(internal.configFromEnvironment(options), internal.make)
    )
  }
}

/**
 * A key shortened for display: `*` and its last four characters (pdpyras's `trunc_key`), so logs and screens can
 * say which key was used without showing it.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import { truncatedKey } from "effect-pagerduty"
 *
 * truncatedKey(Redacted.make("y_NbAkKc66ryYTWUXYEu")) // "*XYEu"
 * ```
 *
 * @since 0.1.0
 * @category utils
 */
export const truncatedKey = (key: Redacted.Redacted<string> | string): string => {
  const value = typeof key === "string" ? key : Redacted.value(key)
  return `*${value.slice(-4)}`
}
