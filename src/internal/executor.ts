/**
 * The request loop shared by every service: headers and credentials, per-attempt timeout, the retry rules of
 * `RetryPolicy`, PagerDuty's rate-limit headers, logging, spans and metrics.
 *
 * @internal
 */
import type * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as FiberRef from "effect/FiberRef"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Metric from "effect/Metric"
import * as MetricLabel from "effect/MetricLabel"
import * as Option from "effect/Option"
import * as Random from "effect/Random"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import type { CredentialsService } from "../Credentials.js"
import { PDClientError } from "../PagerDutyError.js"
import type { PDHTTPError } from "../PagerDutyError.js"
import * as PagerDutyMetrics from "../PagerDutyMetrics.js"
import type { RetryInput, RetryPolicyService } from "../RetryPolicy.js"
import type { HttpClientError } from "./http.js"
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "./http.js"
import { RateLimit, type RateLimitScope } from "./rateLimit/service.js"
import { httpError, serverWait } from "./responses.js"

/** @internal */
export type HttpMethodName = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"

/** @internal */
export interface OutgoingRequest {
  readonly method: HttpMethodName
  /** Absolute, already validated against the base URL. */
  readonly url: string
  /** `METHOD canonical-path` (or `METHOD /raw/path` when the path is not in the table): span, log and metric key. */
  readonly endpoint: string
  /** The logical operation, for the span name (`RestApi.rget`, `EventsApi.trigger`, …). */
  readonly operation: string
  /** Request headers, lower-case names, without `authorization`. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: { readonly contentType: string; readonly text: string } | undefined
  readonly timeout: Duration.Duration
  /** Extra span attributes (page offset, cursor, …). */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
  /** The Events API routing key: the `RateLimit` budget of the request (REST requests use their credential). */
  readonly rateLimitKey?: Redacted.Redacted<string> | undefined
}

/** @internal */
export interface Sent<A> {
  readonly response: HttpClientResponse.HttpClientResponse
  readonly value: A
  readonly attempts: number
}

/** @internal */
export type RetryRules = "rest" | "events"

/** @internal */
export interface ExecutorOptions {
  readonly client: HttpClient.HttpClient
  readonly policy: RetryPolicyService
  readonly rules: RetryRules
  /** Present for the REST API: gives `Authorization`, refreshes on 401. */
  readonly credentials: CredentialsService | undefined
  readonly debug: boolean
}

/** @internal */
export interface Executor {
  /**
   * Sends the request under the retry rules and returns the final response with what `consume` read of it. Then
   * `finish` turns it into the call's result (status check, decoding, unwrapping) INSIDE the call's span, so a call
   * that fails after its last response still shows as failed in traces.
   */
  readonly send: <A, B = Sent<A>, E = never>(
    request: OutgoingRequest,
    consume: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, HttpClientError.ResponseError>,
    finish?: (sent: Sent<A>) => Effect.Effect<B, E>
  ) => Effect.Effect<B, PDClientError | PDHTTPError | E>
}

/**
 * The retry decision for a status, as documented on `RetryPolicy`.
 *
 * @internal
 */
export const statusRule = (
  policy: RetryPolicyService,
  rules: RetryRules,
  method: string,
  status: number
): { readonly limit: number; readonly counted: boolean } => {
  const explicit = rules === "rest" ? policy.retry.get(status) : policy.eventsRetry.get(status)
  const limit = explicit ?? (rules === "rest" && method === "GET" ? policy.restDefaults.get(status) : undefined)
  if (limit === undefined) {
    return status === 429 ? { limit: -1, counted: false } : { limit: 0, counted: true }
  }
  return { limit, counted: true }
}

const lowerCaseHeaders = (headers: Readonly<Record<string, string>>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value
  return out
}

/**
 * A debug line, built only when it will be emitted (the `debug` option, or a minimum log level at or below Debug):
 * this runs on every request.
 */
const debugLog = (enabled: boolean, message: () => string, annotations: () => Record<string, unknown>) =>
  Effect.flatMap(FiberRef.get(FiberRef.currentMinimumLogLevel), (minimum) => {
    if (!enabled && LogLevel.greaterThan(minimum, LogLevel.Debug)) return Effect.void
    const log = Effect.logDebug(message()).pipe(Effect.annotateLogs(annotations()))
    return enabled ? Logger.withMinimumLogLevel(log, LogLevel.Debug) : log
  })

const spanEvent = (name: string, attributes: Record<string, unknown>) =>
  Effect.flatMap(
    Effect.all([Effect.option(Effect.currentSpan), Clock.currentTimeNanos]),
    ([span, now]) => Effect.sync(() => Option.map(span, (s) => s.event(name, now, attributes)))
  )

type Failure =
  | { readonly _tag: "Transport"; readonly timeout: boolean; readonly description: string; readonly cause: unknown }
  | { readonly _tag: "Fatal"; readonly error: PDClientError }

const classify = (
  error: HttpClientError.HttpClientError | Cause.TimeoutException,
  method: string,
  url: string
): Failure => {
  if (error._tag === "TimeoutException") {
    return { _tag: "Transport", timeout: true, description: "the request timed out", cause: error }
  }
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    return {
      _tag: "Fatal",
      error: new PDClientError({
        reason: "InvalidUrl",
        description: `The request could not be built (${error.reason})`,
        method,
        url,
        cause: error.cause
      })
    }
  }
  const description = error._tag === "RequestError"
    ? `transport error: ${error.cause instanceof Error ? error.cause.message : String(error.cause ?? error.message)}`
    : `the response body could not be read: ${error.cause instanceof Error ? error.cause.message : error.reason}`
  // Only the underlying cause is kept: the platform error holds the request, and with it the Authorization header.
  return { _tag: "Transport", timeout: false, description, cause: error.cause }
}

/** The metrics of one endpoint, tagged once and cached: tagging allocates, and this runs on every request. */
interface EndpointMetrics {
  readonly attempts: Metric.Metric.Counter<number>
  readonly rateLimited: Metric.Metric.Counter<number>
  readonly latency: Metric.Metric.Histogram<number>
  readonly calls: (outcome: string) => Metric.Metric.Counter<number>
}

const metricsCache = new Map<string, EndpointMetrics>()

const endpointMetrics = (endpoint: string): EndpointMetrics => {
  let cached = metricsCache.get(endpoint)
  if (cached === undefined) {
    const label = MetricLabel.make("endpoint", endpoint)
    const byOutcome = new Map<string, Metric.Metric.Counter<number>>()
    cached = {
      attempts: Metric.taggedWithLabels(PagerDutyMetrics.attempts, [label]),
      rateLimited: Metric.taggedWithLabels(PagerDutyMetrics.rateLimited, [label]),
      latency: Metric.taggedWithLabels(PagerDutyMetrics.latency, [label]),
      calls: (outcome) => {
        let counter = byOutcome.get(outcome)
        if (counter === undefined) {
          counter = Metric.taggedWithLabels(PagerDutyMetrics.calls, [label, MetricLabel.make("outcome", outcome)])
          byOutcome.set(outcome, counter)
        }
        return counter
      }
    }
    // Endpoints are canonical templates, so the cache stays small; raw paths of undocumented URLs are bounded too.
    if (metricsCache.size < 2048) metricsCache.set(endpoint, cached)
  }
  return cached
}

/** @internal */
export const makeExecutor = (options: ExecutorOptions): Effect.Effect<Executor> =>
  Effect.gen(function*() {
    // Our span covers the whole logical call (retries and waits included), so the platform's per-request span is
    // turned off: one span per call, not two (a span per request costs tens of microseconds). Trace headers are never
    // sent to PagerDuty.
    const client = HttpClient.withTracerDisabledWhen(
      HttpClient.withTracerPropagation(options.client, false),
      () => true
    )
    const { credentials, debug, policy, rules } = options
    /** The optional `RateLimit` layer (`effect-pagerduty/rate-limit`): absent, nothing below changes. */
    const rateLimit = Option.getOrUndefined(yield* Effect.serviceOption(RateLimit))
    /** Epoch millis before which no request is sent: set when PagerDuty says the rate-limit window is spent. */
    const holdUntil = yield* Ref.make(0)

    const observeRateLimit = (headers: Readonly<Record<string, string | undefined>>, status: number, now: number) => {
      const remaining = headers["ratelimit-remaining"]
      const reset = Number(headers["ratelimit-reset"])
      if (!Number.isFinite(reset) || reset <= 0) return Effect.void
      if (status === 429 || (remaining !== undefined && Number(remaining) === 0)) {
        const until = now + reset * 1000
        return Ref.update(holdUntil, (current) => Math.max(current, until))
      }
      return Effect.void
    }

    // Runs before every attempt: the clock is read only when a hold was ever set.
    const waitForRateLimit = (request: OutgoingRequest) =>
      Effect.flatMap(Ref.get(holdUntil), (until) =>
        until === 0 ? Effect.void : Effect.flatMap(Clock.currentTimeMillis, (now) =>
          until > now
            ? debugLog(
              debug,
              () =>
                `PagerDuty rate-limit window spent; holding ${request.endpoint} for ${until - now} ms`,
              () => ({ endpoint: request.endpoint })
            ).pipe(Effect.zipRight(Effect.sleep(Duration.millis(until - now))))
            : Effect.void))

    const attempt = <A>(
      request: OutgoingRequest,
      consume: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, HttpClientError.ResponseError>
    ): Effect.Effect<Sent<A>, PDClientError | PDHTTPError> =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const perStatus = new Map<number, number>()
        let attempts = 0
        let countedResponses = 0
        let networkFailures = 0
        let backoffIndex = 0
        let scheduleState: unknown = policy.schedule?.initial
        let refreshed = false
        const metrics = endpointMetrics(request.endpoint)
        const baseHeaders = lowerCaseHeaders(request.headers)

        /** The wait before the next retry, or `None` when a user schedule says stop. */
        const nextDelay = (input: RetryInput, wait: Duration.Duration | undefined) =>
          Effect.gen(function*() {
            backoffIndex += 1
            let computed: Duration.Duration
            if (policy.schedule !== undefined) {
              const now = yield* Clock.currentTimeMillis
              const [state, , decision] = yield* policy.schedule.step(now, input, scheduleState)
              scheduleState = state
              if (ScheduleDecision.isDone(decision)) {
                return Option.none<Duration.Duration>()
              }
              computed = Duration.millis(Math.max(0, ScheduleIntervals.start(decision.intervals) - now))
            } else {
              const raw = Duration.toMillis(policy.sleepTimer) * Math.pow(policy.sleepTimerBase, backoffIndex)
              const capped = Math.min(raw, Duration.toMillis(policy.maxWait))
              const jitter = policy.staggerCooldown === 0
                ? 1
                : 1 + policy.staggerCooldown * (2 * (yield* Random.next) - 1)
              computed = Duration.millis(Math.round(capped * jitter))
            }
            if (wait !== undefined) {
              // PagerDuty's own wait is honoured in full, plus a little jitter so that clients do not stampede.
              const extra = (yield* Random.next) * (250 + policy.staggerCooldown * Duration.toMillis(wait))
              return Option.some(Duration.millis(Math.round(Duration.toMillis(wait) + extra)))
            }
            return Option.some(computed)
          })

        /**
         * Whether an answer with this status might be retried (or refreshed) rather than returned: its body is then
         * not read inside the attempt. Reads the loop's state without changing it.
         */
        const mayRetry = (status: number): boolean => {
          if (status < 400) {
            return false
          }
          if (status === 401) {
            return true
          }
          const rule = statusRule(policy, rules, request.method, status)
          const used = perStatus.get(status) ?? 0
          return rule.limit !== 0 && (rule.limit === -1 || used < rule.limit) &&
            (!rule.counted || countedResponses + 1 < policy.maxHttpAttempts)
        }

        while (true) {
          yield* waitForRateLimit(request)
          const authorization: Redacted.Redacted<string> | undefined = credentials === undefined
            ? undefined
            : yield* credentials.authorization
          let httpRequest = HttpClientRequest.make(request.method)(request.url).pipe(
            HttpClientRequest.setHeaders(baseHeaders)
          )
          if (authorization !== undefined) {
            httpRequest = HttpClientRequest.setHeader(httpRequest, "authorization", Redacted.value(authorization))
          }
          // RateLimit hook 1 of 2: wait for the budget right before the attempt is sent.
          const limitScope: RateLimitScope | undefined = rateLimit === undefined
            ? undefined
            : request.rateLimitKey !== undefined
            ? { kind: "events", routingKey: request.rateLimitKey }
            : authorization !== undefined
            ? { kind: "rest", credential: authorization }
            : undefined
          if (rateLimit !== undefined && limitScope !== undefined) {
            yield* rateLimit.acquire(limitScope)
          }
          if (request.body !== undefined) {
            httpRequest = HttpClientRequest.bodyText(httpRequest, request.body.text, request.body.contentType)
          }
          attempts += 1
          yield* Metric.increment(metrics.attempts)
          const attemptStart = yield* Clock.currentTimeMillis
          // One timeout covers the request and, when the answer is final, the reading of its body (`consume`): a
          // timeout is a race of two fibers, and this runs on every request.
          const result = yield* client.execute(httpRequest).pipe(
            Effect.flatMap((response) =>
              mayRetry(response.status)
                ? Effect.succeed({ response, consumed: Option.none<A>() })
                : Effect.map(consume(response), (value) => ({ response, consumed: Option.some(value) }))
            ),
            Effect.timeout(request.timeout),
            Effect.either
          )

          let failure: Failure | undefined
          let response: HttpClientResponse.HttpClientResponse | undefined
          if (Either.isLeft(result)) {
            failure = classify(result.left, request.method, request.url)
          } else {
            response = result.right.response
            const early = result.right.consumed
            const now = yield* Clock.currentTimeMillis
            const status = response.status
            const headers = response.headers
            const requestId = headers["x-request-id"]
            yield* observeRateLimit(headers, status, now)
            // RateLimit hook 2 of 2: every answer (status and headers) teaches the budget.
            if (rateLimit !== undefined && limitScope !== undefined) {
              yield* rateLimit.observe(limitScope, status, headers)
            }
            yield* debugLog(
              debug,
              () =>
                `PagerDuty ${request.method} ${request.url} -> ${status} (attempt ${attempts}, ${
                  now - attemptStart
                } ms${requestId !== undefined ? `, x-request-id ${requestId}` : ""})`,
              () => ({
                method: request.method,
                url: request.url,
                status,
                attempt: attempts,
                elapsedMs: now - attemptStart
              })
            )
            if (status === 429) {
              yield* Metric.increment(metrics.rateLimited)
            }

            if (status === 401 && credentials !== undefined && authorization !== undefined && !refreshed) {
              refreshed = true
              if (yield* credentials.refresh(authorization)) {
                yield* spanEvent("pagerduty.credentials.refreshed", { attempt: attempts })
                continue
              }
            }

            const rule = statusRule(policy, rules, request.method, status)
            if (rule.counted) {
              countedResponses += 1
            }
            const used = perStatus.get(status) ?? 0
            const retryable = status >= 400 && rule.limit !== 0 &&
              (rule.limit === -1 || used < rule.limit) &&
              (!rule.counted || countedResponses < policy.maxHttpAttempts)
            if (retryable) {
              perStatus.set(status, used + 1)
              const wait = serverWait(status, headers, now)
              const delay = yield* nextDelay(
                { _tag: "Status", status, method: request.method, attempt: attempts, serverWait: wait },
                wait
              )
              if (Option.isSome(delay)) {
                const millis = Duration.toMillis(delay.value)
                const message = `PagerDuty ${request.method} ${request.url}: ${
                  status === 429 ? "rate limited (429)" : `HTTP error ${status}`
                }; retrying in ${(millis / 1000).toFixed(3)} s`
                yield* (status === 429
                  ? debugLog(debug, () =>
                    message, () => ({ status, attempt: attempts }))
                  : Effect.logWarning(message).pipe(Effect.annotateLogs({ status, attempt: attempts })))
                yield* spanEvent("pagerduty.retry", { status, attempt: attempts, "wait.ms": millis })
                yield* Effect.sleep(delay.value)
                continue
              }
            } else if (status >= 400 && rule.limit !== 0 && status !== 401) {
              yield* Effect.logError(
                `PagerDuty ${request.method} ${request.url}: giving up after ${attempts} attempts; last status ${status}`
              ).pipe(Effect.when(() => attempts > 1))
            }

            if (status === 401) {
              const bodyText = yield* response.text.pipe(Effect.orElseSucceed(() => ""))
              return yield* httpError({ method: request.method, url: request.url, status, headers, bodyText })
            }

            const consumed = Option.isSome(early)
              ? Either.right(early.value)
              : yield* consume(response).pipe(Effect.timeout(request.timeout), Effect.either)
            if (Either.isRight(consumed)) {
              const finished = yield* Clock.currentTimeMillis
              yield* Effect.annotateCurrentSpan({
                "http.response.status_code": status,
                "pagerduty.attempts": attempts,
                ...(requestId !== undefined ? { "pagerduty.request_id": requestId } : {})
              })
              yield* Metric.increment(metrics.calls(`${Math.floor(status / 100)}xx`))
              yield* Metric.update(metrics.latency, finished - started)
              return { response, value: consumed.right, attempts }
            }
            failure = classify(consumed.left, request.method, request.url)
          }

          if (failure._tag === "Fatal") return yield* failure.error
          networkFailures += 1
          const exhausted = networkFailures > policy.maxNetworkAttempts
          const delay = exhausted ? Option.none<Duration.Duration>() : yield* nextDelay(
            {
              _tag: "Transport",
              timeout: failure.timeout,
              description: failure.description,
              method: request.method,
              attempt: attempts
            },
            undefined
          )
          if (Option.isNone(delay)) {
            yield* Metric.increment(metrics.calls("error"))
            return yield* new PDClientError({
              reason: failure.timeout ? "Timeout" : "Transport",
              description: `${
                failure.timeout ? "No answer within the timeout" : "The connection failed"
              } after ${attempts} ${attempts === 1 ? "attempt" : "attempts"} (${failure.description})`,
              method: request.method,
              url: request.url,
              cause: failure.cause
            })
          }
          yield* Effect.logWarning(
            `PagerDuty ${request.method} ${request.url}: ${failure.description}; retrying in ${
              (Duration.toMillis(delay.value) / 1000).toFixed(3)
            } s`
          )
          yield* spanEvent("pagerduty.retry", {
            transport: failure.description,
            attempt: attempts,
            "wait.ms": Duration.toMillis(delay.value)
          })
          yield* Effect.sleep(delay.value)
        }
      })

    const send = <A, B = Sent<A>, E = never>(
      request: OutgoingRequest,
      consume: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, HttpClientError.ResponseError>,
      finish?: (sent: Sent<A>) => Effect.Effect<B, E>
    ): Effect.Effect<B, PDClientError | PDHTTPError | E> =>
      (finish === undefined
        ? attempt(request, consume) as Effect.Effect<B, PDClientError | PDHTTPError>
        : Effect.flatMap(attempt(request, consume), finish)).pipe(
          Effect.withSpan(`${request.operation} ${request.endpoint}`, {
            kind: "client",
            captureStackTrace: false,
            attributes: {
              "http.request.method": request.method,
              "url.full": request.url,
              "pagerduty.endpoint": request.endpoint,
              ...request.attributes
            }
          })
        )

    return { send }
  })
