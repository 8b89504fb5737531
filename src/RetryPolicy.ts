/**
 * When and how long effect-pagerduty waits and tries again.
 *
 * The defaults, precisely:
 *
 * - **401 and every other 4xx except 429**: never retried; the call fails at once.
 * - **429**: retried with no count limit (these retries do not count toward `maxHttpAttempts`), unless the `retry`
 *   map has an entry for 429, which then limits them like any other status. The wait PagerDuty gives
 *   (`ratelimit-reset`, in seconds, or `Retry-After`) is honoured in full, never shortened, plus a jitter of at most
 *   250 ms + `staggerCooldown` × that wait (so that many clients do not all return at the same instant); without
 *   one, the exponential backoff below. A response that says the window is spent (`ratelimit-remaining: 0`) also
 *   holds the client's next requests until `ratelimit-reset`, so concurrent callers do not walk into 429s; after such
 *   a hold (or a 429) one call goes first and the others follow when it gets an answer that is not a 429.
 * - **Caps on server-directed waits**: a single wait PagerDuty asks for (or a hold) longer than `maxServerWait`
 *   (default 5 minutes), or one that would take the call's rate-limit waiting past `rateLimitBudget` (default 15
 *   minutes), is not waited: the call fails at once with a `PDHTTPError` (the status seen, or 429) that says what
 *   PagerDuty asked for and which option bounds it.
 * - **Transport errors** (connection refused or reset, DNS, timeout of one attempt): `maxNetworkAttempts` retries
 *   (default 3, so at most 4 requests), for every method, as pdpyras does. A write whose connection dropped after
 *   PagerDuty received it may then be applied twice (use an idempotent call, such as `persist` or an Events API
 *   `dedupKey`, or set `maxNetworkAttempts: 0` for such writes).
 * - **5xx**: the `retry` map of per-status counts. REST default: 502, 503 and 504 retried twice, on `GET` only (safe
 *   to repeat); a status the user puts in the map is retried for every method. Events API default:
 *   `{ 500: 2, 502: 4, 503: 6, 504: 6 }`, PagerDuty's guidance. A count of `-1` means no per-status limit, `0`
 *   means never retried (it removes a default).
 * - **`maxHttpAttempts`** (default 10) bounds the requests of one call while statuses are retried: N means at most N
 *   requests.
 * - **Backoff**: the n-th wait of a call is `sleepTimer × sleepTimerBaseⁿ` (1.5 s × 2ⁿ: 3 s, 6 s, 12 s, …), capped at
 *   `maxWait` (60 s), then jittered within ×(1 ± `staggerCooldown`) (default 0.1). The counter is shared by every
 *   retry of the call, whatever its cause. A user `schedule` replaces this computation.
 *
 * @since 0.1.0
 */
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import { durationMillis, optionsError } from "./internal/config.js"
import type { OptionProblem } from "./internal/configValidation.js"
import {
  durationProblem,
  integerProblem,
  problems,
  rangeProblem,
  retryMapProblems
} from "./internal/configValidation.js"

/**
 * What the retry schedule is stepped with: the outcome that is about to be retried.
 *
 * @example
 * ```ts
 * import type { RetryInput } from "effect-pagerduty"
 *
 * const describe = (input: RetryInput) =>
 *   input._tag === "Status" ? `status ${input.status}` : `transport: ${input.description}`
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type RetryInput =
  | {
    readonly _tag: "Status"
    readonly status: number
    readonly method: string
    /** How many requests this call has sent so far. */
    readonly attempt: number
    /** The wait PagerDuty asked for (`ratelimit-reset` on a 429, or `Retry-After`), if any. */
    readonly serverWait: Duration.Duration | undefined
  }
  | {
    readonly _tag: "Transport"
    readonly timeout: boolean
    readonly description: string
    readonly method: string
    readonly attempt: number
  }

/**
 * The options of {@link RetryPolicy.layer}; every one is optional.
 *
 * @example
 * ```ts
 * import type { RetryPolicyOptions } from "effect-pagerduty"
 *
 * const options: RetryPolicyOptions = { retry: { 500: 3, 429: 5 }, maxHttpAttempts: 6 }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicyOptions {
  /**
   * Per-status retry counts for the REST API, merged over the defaults (`{ 502: 2, 503: 2, 504: 2 }`, GET only).
   * `-1`: no per-status limit (`maxHttpAttempts` still bounds the call); `0`: never retried.
   */
  readonly retry?: Readonly<Record<number, number>> | undefined
  /** Per-status retry counts for the Events and Change Events APIs, merged over `{ 500: 2, 502: 4, 503: 6, 504: 6 }`. */
  readonly eventsRetry?: Readonly<Record<number, number>> | undefined
  /** At most this many requests in one call while HTTP statuses are retried. Default 10. */
  readonly maxHttpAttempts?: number | undefined
  /** Retries after transport errors and timeouts. Default 3 (at most 4 requests). */
  readonly maxNetworkAttempts?: number | undefined
  /** The backoff's unit. Default 1.5 seconds. */
  readonly sleepTimer?: Duration.DurationInput | undefined
  /** The backoff's growth factor. Default 2. */
  readonly sleepTimerBase?: number | undefined
  /** The jitter factor: a wait stays within ×(1 ± this) of the computed one. Default 0.1; 0 turns jitter off. */
  readonly staggerCooldown?: number | undefined
  /** The longest computed wait (a wait PagerDuty asks for is never shortened). Default 60 seconds. */
  readonly maxWait?: Duration.DurationInput | undefined
  /**
   * The longest single wait PagerDuty may ask for (`ratelimit-reset` on a 429, `Retry-After`, or the hold after
   * `ratelimit-remaining: 0`). A longer one is not waited: the call fails at once with a `PDHTTPError` (the status
   * seen, or 429 for a hold) whose message says what PagerDuty asked for. Default 5 minutes.
   */
  readonly maxServerWait?: Duration.DurationInput | undefined
  /**
   * The most one call may spend waiting for rate limits in all: waits after 429s, server-directed waits, rate-limit
   * holds and the wait for the call that goes first after one (however many short holds a storm of 429s brings). A
   * wait that would pass it is not waited: the call fails at once with a `PDHTTPError` (the status seen, or 429).
   * Default 15 minutes.
   */
  readonly rateLimitBudget?: Duration.DurationInput | undefined
  /**
   * Replaces the backoff computation: each retry steps this schedule with the {@link RetryInput}, waits the delay it
   * gives, and stops retrying when it ends. The per-status counts and attempt limits still apply, and a wait
   * PagerDuty asks for still wins.
   */
  readonly schedule?: Schedule.Schedule<unknown, RetryInput> | undefined
}

/**
 * The resolved retry policy.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { RetryPolicy } from "effect-pagerduty"
 *
 * const maxAttempts = Effect.map(RetryPolicy, (policy) => policy.maxHttpAttempts)
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export interface RetryPolicyService {
  /** The REST per-status counts the user set (applied to every method). */
  readonly retry: ReadonlyMap<number, number>
  /** The REST default per-status counts (applied to GET only). */
  readonly restDefaults: ReadonlyMap<number, number>
  /** The Events per-status counts, defaults merged with the user's. */
  readonly eventsRetry: ReadonlyMap<number, number>
  readonly maxHttpAttempts: number
  readonly maxNetworkAttempts: number
  readonly sleepTimer: Duration.Duration
  readonly sleepTimerBase: number
  readonly staggerCooldown: number
  readonly maxWait: Duration.Duration
  readonly maxServerWait: Duration.Duration
  readonly rateLimitBudget: Duration.Duration
  readonly schedule: Schedule.Schedule<unknown, RetryInput> | undefined
}

const restDefaults: ReadonlyMap<number, number> = new Map([[502, 2], [503, 2], [504, 2]])
const eventsDefaults: Readonly<Record<number, number>> = { 500: 2, 502: 4, 503: 6, 504: 6 }

const toMap = (record: Readonly<Record<number, number>> | undefined): Map<number, number> => {
  const map = new Map<number, number>()
  if (record === undefined) return map
  for (const [key, value] of Object.entries(record)) {
    map.set(Number(key), value)
  }
  return map
}

const nonNegativeInteger = (value: number | undefined, fallback: number): number =>
  value === undefined || !Number.isFinite(value) || value < 0 ? fallback : Math.floor(value)

const optionalDuration = (option: string, value: unknown) =>
  value === undefined ? undefined : durationProblem(option, value, durationMillis(value), { zero: true })

/** Each invalid option, with its name and what is allowed (empty when all are valid). */
const retryPolicyProblems = (options: RetryPolicyOptions): ReadonlyArray<OptionProblem> => {
  const given: { readonly [K in keyof RetryPolicyOptions]?: unknown } = options
  return problems(
    given.retry === undefined ? undefined : retryMapProblems("retry", given.retry),
    given.eventsRetry === undefined ? undefined : retryMapProblems("eventsRetry", given.eventsRetry),
    given.maxHttpAttempts === undefined
      ? undefined
      : integerProblem("maxHttpAttempts", given.maxHttpAttempts, 1, "an integer of 1 or more"),
    given.maxNetworkAttempts === undefined
      ? undefined
      : integerProblem("maxNetworkAttempts", given.maxNetworkAttempts, 0, "an integer of 0 or more"),
    optionalDuration("sleepTimer", given.sleepTimer),
    given.sleepTimerBase === undefined
      ? undefined
      : rangeProblem("sleepTimerBase", given.sleepTimerBase, 1, Number.MAX_VALUE, "a finite number of 1 or more"),
    given.staggerCooldown === undefined
      ? undefined
      : rangeProblem("staggerCooldown", given.staggerCooldown, 0, 1, "a number from 0 to 1"),
    optionalDuration("maxWait", given.maxWait),
    given.schedule === undefined || Schedule.isSchedule(given.schedule)
      ? undefined
      : { option: "schedule", message: "schedule must be an Effect Schedule<unknown, RetryInput>" }
  )
}

/**
 * Resolves options into a {@link RetryPolicyService}, applying the defaults. It does not validate: use
 * {@link RetryPolicy.layer}, which refuses invalid options.
 *
 * @example
 * ```ts
 * import { makeRetryPolicy } from "effect-pagerduty"
 *
 * const policy = makeRetryPolicy({ maxHttpAttempts: 4 })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeRetryPolicy = (options: RetryPolicyOptions = {}): RetryPolicyService => ({
  retry: toMap(options.retry),
  restDefaults,
  eventsRetry: new Map([...toMap(eventsDefaults), ...toMap(options.eventsRetry)]),
  maxHttpAttempts: Math.max(1, nonNegativeInteger(options.maxHttpAttempts, 10)),
  maxNetworkAttempts: nonNegativeInteger(options.maxNetworkAttempts, 3),
  sleepTimer: Duration.decode(options.sleepTimer ?? Duration.millis(1500)),
  sleepTimerBase: options.sleepTimerBase !== undefined && options.sleepTimerBase >= 1 ? options.sleepTimerBase : 2,
  staggerCooldown: options.staggerCooldown !== undefined && options.staggerCooldown >= 0
    ? Math.min(options.staggerCooldown, 1)
    : 0.1,
  maxWait: Duration.decode(options.maxWait ?? Duration.seconds(60)),
  maxServerWait: Duration.decode(options.maxServerWait ?? Duration.minutes(5)),
  rateLimitBudget: Duration.decode(options.rateLimitBudget ?? Duration.minutes(15)),
  schedule: options.schedule
})

/**
 * The retry policy service, required by `RestApi`, `EventsApi` and `ChangeEventsApi`; `RetryPolicy.layer()` gives
 * the defaults documented at the top of this module.
 *
 * @example
 * ```ts
 * import { Schedule } from "effect"
 * import { RetryPolicy } from "effect-pagerduty"
 *
 * // retry 500s three times, at most 5 requests a call
 * const Patient = RetryPolicy.layer({ retry: { 500: 3 }, maxHttpAttempts: 5 })
 *
 * // or bring a Schedule: fixed 2-second waits, at most 4 retries
 * const Fixed = RetryPolicy.layer({ schedule: Schedule.intersect(Schedule.spaced("2 seconds"), Schedule.recurs(4)) })
 * ```
 *
 * @since 0.1.0
 * @category Context
 */
export class RetryPolicy extends Context.Tag("effect-pagerduty/RetryPolicy")<RetryPolicy, RetryPolicyService>() {
  /**
   * The default policy, as documented at the top of this module.
   *
   * @example
   * ```ts
   * import { Layer } from "effect"
   * import { RetryPolicy } from "effect-pagerduty"
   *
   * // The same as RetryPolicy.layer(): the policy as a value, e.g. to provide it directly.
   * const DefaultRetries = Layer.succeed(RetryPolicy, RetryPolicy.default)
   * ```
   *
   * @since 0.1.0
   */
  static readonly default: RetryPolicyService = makeRetryPolicy()

  /**
   * A layer of the policy; `RetryPolicy.layer()` is the default policy. Every option is validated when the layer is
   * built: an invalid one (`maxHttpAttempts: 0`, a negative or unparsable `sleepTimer`, …) fails the layer with a
   * `ConfigError` naming the option and what is allowed; nothing is coerced.
   *
   * @example
   * ```ts
   * import { RetryPolicy } from "effect-pagerduty"
   *
   * const NoRateLimitRetries = RetryPolicy.layer({ retry: { 429: 0 } })
   * ```
   *
   * @since 0.1.0
   */
  static layer(options: RetryPolicyOptions = {}): Layer.Layer<RetryPolicy, ConfigError.ConfigError> {
    return Layer.effect(
      RetryPolicy,
      Effect.suspend(() => {
        const invalid = optionsError(retryPolicyProblems(options))
        return invalid === undefined ? Effect.succeed(makeRetryPolicy(options)) : Effect.fail(invalid)
      })
    )
  }
}
