/** @internal */
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type {
  AuthType,
  PagerDutyConfigFromConfig,
  PagerDutyConfigOptions,
  PagerDutyConfigService,
  Region
} from "../PagerDutyConfig.js"
import type { OptionProblem } from "./configValidation.js"
import {
  booleanProblem,
  credentialProblem,
  durationProblem,
  headerOptionProblem,
  problems
} from "./configValidation.js"
import { version } from "./version.js"

/** @internal */
export const defaultTimeout = Duration.seconds(60)

/** @internal */
export const defaultUserAgent = `effect-pagerduty/${version}`

/** @internal */
export const regionUrls: Record<Region, { readonly rest: string; readonly events: string; readonly identity: string }> =
  {
    us: {
      rest: "https://api.pagerduty.com",
      events: "https://events.pagerduty.com",
      identity: "https://identity.pagerduty.com"
    },
    eu: {
      rest: "https://api.eu.pagerduty.com",
      events: "https://events.eu.pagerduty.com",
      identity: "https://identity.eu.pagerduty.com"
    }
  }

const toRedacted = (
  value: Redacted.Redacted<string> | string | undefined
): Option.Option<Redacted.Redacted<string>> => {
  if (value === undefined) return Option.none()
  const redacted = typeof value === "string" ? Redacted.make(value) : value
  return Redacted.value(redacted).length === 0 ? Option.none() : Option.some(redacted)
}

/** A credential option as its revealed value, for validation only (a non-string stays as given). */
const revealed = (value: unknown): unknown => Redacted.isRedacted(value) ? Redacted.value(value) : value

/**
 * One `ConfigError` for every invalid option (`InvalidData` at the option's path, joined with `And`).
 *
 * @internal
 */
export const optionsError = (found: ReadonlyArray<OptionProblem>): ConfigError.ConfigError | undefined =>
  found.reduce<ConfigError.ConfigError | undefined>((error, { message, option }) => {
    const next = ConfigError.InvalidData(option.split("."), message)
    return error === undefined ? next : ConfigError.And(error, next)
  }, undefined)

/**
 * A `DurationInput` as milliseconds, or `undefined` when it is not one: a number is taken as given (milliseconds), so
 * that NaN and negative numbers are seen before `Duration` clamps them.
 *
 * @internal
 */
export const durationMillis = (value: unknown): number | undefined =>
  typeof value === "number"
    ? value
    : Option.match(Duration.decodeUnknown(value), { onNone: () => undefined, onSome: Duration.toMillis })

/**
 * A duration option, validated (finite, not negative, and greater than zero unless `zero` is allowed) and decoded.
 *
 * @internal
 */
export const durationOption = (
  option: string,
  value: Duration.DurationInput,
  allow: { readonly zero: boolean }
): Effect.Effect<Duration.Duration, ConfigError.ConfigError> => {
  const problem = durationProblem(option, value, durationMillis(value), allow)
  return problem === undefined
    ? Effect.sync(() => Duration.decode(value))
    : Effect.fail(ConfigError.InvalidData([option], problem.message))
}

/**
 * The problems of the options that are not URLs, region or auth type (those are checked as they are resolved).
 *
 * @internal
 */
export const configProblems = (options: PagerDutyConfigOptions): Array<OptionProblem> => {
  const timeout: unknown = options.timeout
  return problems(
    credentialProblem("apiKey", revealed(options.apiKey), { header: true }),
    credentialProblem("routingKey", revealed(options.routingKey), { header: false }),
    headerOptionProblem(
      "defaultFrom",
      typeof options.defaultFrom === "string" ? options.defaultFrom.trim() : options.defaultFrom
    ),
    options.userAgent === null ? undefined : headerOptionProblem("userAgent", options.userAgent),
    timeout === undefined ? undefined : durationProblem("timeout", timeout, durationMillis(timeout), { zero: false }),
    booleanProblem("debug", options.debug)
  )
}

const baseUrl = (name: string, value: unknown): Effect.Effect<string, ConfigError.ConfigError> => {
  if (typeof value !== "string") {
    return Effect.fail(ConfigError.InvalidData([name], `${name} must be an http(s) URL string; got ${typeof value}`))
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return Effect.fail(ConfigError.InvalidData([name], `${name} is not a valid URL: ${JSON.stringify(value)}`))
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Effect.fail(ConfigError.InvalidData([name], `${name} must be an http(s) URL, got ${url.protocol}`))
  }
  if (url.search !== "" || url.hash !== "") {
    return Effect.fail(ConfigError.InvalidData([name], `${name} must not carry a query string or fragment`))
  }
  return Effect.succeed(`${url.origin}${url.pathname}`.replace(/\/+$/, ""))
}

/** @internal */
export const make = (options: PagerDutyConfigOptions): Effect.Effect<PagerDutyConfigService, ConfigError.ConfigError> =>
  Effect.gen(function*() {
    const region: Region = options.region ?? "us"
    if (region !== "us" && region !== "eu") {
      return yield* Effect.fail(
        ConfigError.InvalidData(["region"], `region must be "us" or "eu", got ${JSON.stringify(region)}`)
      )
    }
    const authType: AuthType = options.authType ?? "token"
    if (authType !== "token" && authType !== "oauth2" && authType !== "bearer") {
      return yield* Effect.fail(ConfigError.InvalidData(
        ["authType"],
        `authType must be "token", "oauth2" or "bearer", got ${JSON.stringify(authType)}`
      ))
    }
    const invalid = optionsError(configProblems(options))
    if (invalid !== undefined) return yield* Effect.fail(invalid)
    const urls = regionUrls[region]
    const restUrl = yield* baseUrl("restUrl", options.restUrl ?? urls.rest)
    const eventsUrl = yield* baseUrl("eventsUrl", options.eventsUrl ?? urls.events)
    const identityUrl = yield* baseUrl("identityUrl", options.identityUrl ?? urls.identity)
    const defaultFrom = options.defaultFrom === undefined || options.defaultFrom.trim() === ""
      ? Option.none()
      : Option.some(options.defaultFrom.trim())
    const service: PagerDutyConfigService = {
      apiKey: toRedacted(options.apiKey),
      authType,
      defaultFrom,
      routingKey: toRedacted(options.routingKey),
      region,
      restUrl,
      eventsUrl,
      identityUrl,
      // Validated above (a finite duration greater than zero), so decoding cannot throw.
      timeout: Duration.decode(options.timeout ?? defaultTimeout),
      userAgent: options.userAgent === null ? Option.none() : Option.some(options.userAgent ?? defaultUserAgent),
      debug: options.debug ?? false
    }
    return service
  })

const optional = <A>(config: Config.Config<A>): Config.Config<A | undefined> =>
  Config.map(Config.option(config), Option.getOrUndefined)

/** @internal */
export const configFromEnvironment = (
  overrides: PagerDutyConfigFromConfig
): Config.Config<PagerDutyConfigOptions> => {
  const pick = <A>(
    override: Config.Config<A> | undefined,
    fallback: Config.Config<A | undefined>
  ): Config.Config<A | undefined> => override === undefined ? fallback : override
  return Config.all({
    apiKey: pick(overrides.apiKey, optional(Config.redacted("PAGERDUTY_API_KEY"))),
    authType: pick(overrides.authType, optional(Config.literal("token", "oauth2", "bearer")("PAGERDUTY_AUTH_TYPE"))),
    defaultFrom: pick(overrides.defaultFrom, optional(Config.string("PAGERDUTY_FROM"))),
    routingKey: pick(overrides.routingKey, optional(Config.redacted("PAGERDUTY_ROUTING_KEY"))),
    region: pick(overrides.region, optional(Config.literal("us", "eu")("PAGERDUTY_REGION"))),
    restUrl: pick(overrides.restUrl, optional(Config.string("PAGERDUTY_REST_URL"))),
    eventsUrl: pick(overrides.eventsUrl, optional(Config.string("PAGERDUTY_EVENTS_URL"))),
    identityUrl: pick(overrides.identityUrl, optional(Config.string("PAGERDUTY_IDENTITY_URL"))),
    timeout: pick(overrides.timeout, optional(Config.duration("PAGERDUTY_TIMEOUT"))),
    userAgent: pick(overrides.userAgent, optional(Config.string("PAGERDUTY_USER_AGENT"))),
    debug: pick(overrides.debug, optional(Config.boolean("PAGERDUTY_DEBUG")))
  })
}
