/**
 * The request loop shared by every service: headers and credentials, per-attempt timeout, the retry rules of
 * `RetryPolicy`, PagerDuty's rate-limit headers, logging, spans and metrics.
 *
 * @internal
 */
import type * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
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
import * as ScheduleDecision from "effect/ScheduleDecision"
import * as ScheduleIntervals from "effect/ScheduleIntervals"
import * as Stream from "effect/Stream"
import type { CredentialsService } from "../Credentials.js"
import { PDClientError } from "../PagerDutyError.js"
import type { PDHTTPError } from "../PagerDutyError.js"
import * as PagerDutyMetrics from "../PagerDutyMetrics.js"
import type { RetryInput, RetryPolicyService } from "../RetryPolicy.js"
import { lookupEndpoint } from "./endpoints.js"
import type { HttpClientError } from "./http.js"
import { FetchHttpClient, HttpClient, HttpClientRequest, type HttpClientResponse } from "./http.js"
import { RateLimit, type RateLimitScope } from "./rateLimit/service.js"
import type { GateLane, GateTicket, RequestGateService } from "./requestGate.js"
import { currentGate } from "./requestGate.js"
import { invalidHeaderError, requestSecrets } from "./requestSafety.js"
import { httpError } from "./responses.js"
import type {
  DecisionPolicy,
  Failure as DecidedFailure,
  LoopState,
  Outcome,
  PendingRetry,
  ScheduleVerdict
} from "./retryDecision.js"
import { decide, delayFor, initialState, mayRetry, refused, turnLimits } from "./retryDecision.js"
import { scrubCause, scrubText } from "./scrub.js"

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
  /** Credentials inside the body (a routing key, an OAuth client secret): scrubbed from any foreign error text. */
  readonly secrets?: ReadonlyArray<Redacted.Redacted<string>> | undefined
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
  /** The gate's lane; default `rest` or `events` after `rules` (the OAuth token requests use `oauth`). */
  readonly lane?: GateLane | undefined
  /** The shared gate; default the one in context (`PagerDuty.layer` provides one), else a fresh one. */
  readonly gate?: RequestGateService | undefined
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
  url: string,
  /** The request's credentials: no foreign error text reaches a message, a log or a cause unscrubbed. */
  secrets: ReadonlyArray<string>
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
        cause: scrubCause(error.cause, secrets)
      })
    }
  }
  const description = error._tag === "RequestError"
    ? `transport error: ${error.cause instanceof Error ? error.cause.message : String(error.cause ?? error.message)}`
    : `the response body could not be read: ${error.cause instanceof Error ? error.cause.message : error.reason}`
  // Only the underlying cause is kept, scrubbed: the platform error holds the request, and with it the Authorization
  // header; the cause's own text may quote a header value.
  return {
    _tag: "Transport",
    timeout: false,
    description: scrubText(description, secrets),
    cause: scrubCause(error.cause, secrets)
  }
}

/** The metrics of one endpoint, tagged once and cached: tagging allocates, and this runs on every request. */
interface EndpointMetrics {
  readonly attempts: Metric.Metric.Counter<number>
  readonly rateLimited: Metric.Metric.Counter<number>
  readonly latency: Metric.Metric.Histogram<number>
  readonly calls: (outcome: string) => Metric.Metric.Counter<number>
}

const metricsCache = new Map<string, EndpointMetrics>()

/** The distinct shapes of undocumented paths labelled so far; past this many, one catch-all label per method. */
const undocumentedShapes = new Set<string>()
const maxUndocumentedShapes = 32

/** A path segment that looks like an id: digits, a PagerDuty id (`PABC123`), a UUID or hex, a long token. */
const idLike = (segment: string): boolean =>
  /^\d+$/.test(segment) ||
  (/\d/.test(segment) && /^[A-Za-z0-9_-]{6,}$/.test(segment)) ||
  /^[0-9a-f]{8}-[0-9a-f-]{27,}$/i.test(segment) ||
  segment.length >= 24

/**
 * The `endpoint` label of a request: its canonical template when the path is in the endpoint table (or a fixed
 * Events/OAuth path), else the path's shape with ids collapsed to `{id}`; past a few dozen such shapes, the
 * catch-all `METHOD (undocumented)`, so a program calling thousands of undocumented paths has a bounded number of
 * labels.
 *
 * @internal
 */
export const metricEndpoint = (endpoint: string): string => {
  const space = endpoint.indexOf(" ")
  if (space === -1) return endpoint
  const method = endpoint.slice(0, space)
  const path = endpoint.slice(space + 1)
  if (Option.isSome(lookupEndpoint(method, path))) return endpoint
  const shape = `${method} ${
    path.split("/").map((segment) => segment.startsWith("{") || !idLike(segment) ? segment : "{id}").join("/")
  }`
  if (undocumentedShapes.has(shape)) return shape
  if (undocumentedShapes.size < maxUndocumentedShapes) {
    undocumentedShapes.add(shape)
    return shape
  }
  return `${method} (undocumented)`
}

const endpointMetrics = (endpoint: string): EndpointMetrics => {
  let cached = metricsCache.get(endpoint)
  if (cached === undefined) {
    const label = MetricLabel.make("endpoint", metricEndpoint(endpoint))
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

/** Bodies of answers that are not returned are read to the end (so the connection is reused) up to this size. */
const maxDrainBytes = 1024 * 1024

/**
 * Reads and discards the body of an answer that is not returned (a retried one), under the timeout, so the
 * connection goes back to the pool instead of staying half-read; past `maxDrainBytes` the stream is cancelled.
 */
const discardBody = (response: HttpClientResponse.HttpClientResponse, timeout: Duration.Duration) =>
  response.stream.pipe(
    Stream.runFoldWhile(0, (read) => read < maxDrainBytes, (read, chunk: Uint8Array) => read + chunk.length),
    Effect.timeout(timeout),
    Effect.ignore
  )

/** The body text for an error, under the timeout; what cannot be read in time is left out. */
const errorBody = (response: HttpClientResponse.HttpClientResponse, timeout: Duration.Duration) =>
  response.text.pipe(Effect.timeout(timeout), Effect.orElseSucceed(() => ""))

/**
 * Every request is sent with `redirect: "manual"` on `FetchHttpClient` (the Node clients never follow redirects): a
 * 3xx comes back as an answer, and the decisions turn it into an error. The caller's own `RequestInit` is kept.
 */
const withoutRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.contextWithEffect((context: Context.Context<never>) => {
    const init = Context.getOption(context, FetchHttpClient.RequestInit)
    return Effect.provideService(effect, FetchHttpClient.RequestInit, {
      ...(Option.isSome(init) ? init.value : {}),
      redirect: "manual"
    })
  })

const toDecisionPolicy = (policy: RetryPolicyService, rules: RetryRules): DecisionPolicy => ({
  rules,
  retry: policy.retry,
  restDefaults: policy.restDefaults,
  eventsRetry: policy.eventsRetry,
  maxHttpAttempts: policy.maxHttpAttempts,
  maxNetworkAttempts: policy.maxNetworkAttempts,
  sleepTimerMs: Duration.toMillis(policy.sleepTimer),
  sleepTimerBase: policy.sleepTimerBase,
  staggerCooldown: policy.staggerCooldown,
  maxWaitMs: Duration.toMillis(policy.maxWait),
  maxServerWaitMs: Duration.toMillis(policy.maxServerWait),
  rateLimitBudgetMs: Duration.toMillis(policy.rateLimitBudget)
})

/** What a user `schedule` is stepped with. */
const retryInput = (method: string, attempt: number, retry: PendingRetry): RetryInput =>
  retry.status === undefined
    ? { _tag: "Transport", timeout: retry.timeout, description: retry.description, method, attempt }
    : {
      _tag: "Status",
      status: retry.status,
      method,
      attempt,
      serverWait: retry.serverWaitMs === undefined ? undefined : Duration.millis(retry.serverWaitMs)
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
    const decisions = toDecisionPolicy(policy, rules)
    const lane: GateLane = options.lane ?? rules
    const gate = options.gate ?? (yield* currentGate)
    /** The optional `RateLimit` layer (`effect-pagerduty/rate-limit`): absent, nothing below changes. */
    const rateLimit = Option.getOrUndefined(yield* Effect.serviceOption(RateLimit))

    const buildRequest = (
      request: OutgoingRequest,
      headers: Record<string, string>,
      authorization: Redacted.Redacted<string> | undefined
    ) => {
      let httpRequest = HttpClientRequest.make(request.method)(request.url).pipe(HttpClientRequest.setHeaders(headers))
      if (authorization !== undefined) {
        httpRequest = HttpClientRequest.setHeader(httpRequest, "authorization", Redacted.value(authorization))
      }
      if (request.body !== undefined) {
        httpRequest = HttpClientRequest.bodyText(httpRequest, request.body.text, request.body.contentType)
      }
      return httpRequest
    }

    const logAnswer = (
      request: OutgoingRequest,
      response: HttpClientResponse.HttpClientResponse,
      attempt: number,
      elapsedMs: number
    ) =>
      debugLog(
        debug,
        () => {
          const requestId = response.headers["x-request-id"]
          return `PagerDuty ${request.method} ${request.url} -> ${response.status} (attempt ${attempt}, ${elapsedMs} ms${
            requestId !== undefined ? `, x-request-id ${requestId}` : ""
          })`
        },
        () => ({ method: request.method, url: request.url, status: response.status, attempt, elapsedMs })
      )

    /** A retry's log line (WARN; DEBUG for a 429, which is routine) and span event. */
    const announceRetry = (request: OutgoingRequest, retry: PendingRetry, attempt: number, millis: number) => {
      const message = `PagerDuty ${request.method} ${request.url}: ${retry.description}; retrying in ${
        (millis / 1000).toFixed(3)
      } s`
      const annotations = retry.status === undefined ? {} : { status: retry.status, attempt }
      return Effect.zipRight(
        retry.status === 429
          ? debugLog(debug, () => message, () => annotations)
          : Effect.logWarning(message).pipe(Effect.annotateLogs(annotations)),
        spanEvent("pagerduty.retry", {
          ...(retry.status === undefined ? { transport: retry.description } : { status: retry.status }),
          attempt,
          "wait.ms": millis
        })
      )
    }

    /**
     * Fails the call with the typed error a decision describes (a status failure reads the answer's body, under the
     * timeout), counting it in the metrics and the span.
     */
    const failWith = (
      request: OutgoingRequest,
      failure: DecidedFailure,
      response: HttpClientResponse.HttpClientResponse | undefined,
      cause: unknown,
      metrics: EndpointMetrics,
      attempts: number,
      secrets: ReadonlyArray<string>
    ): Effect.Effect<never, PDClientError | PDHTTPError> =>
      Effect.zipRight(
        Effect.zipRight(
          Metric.increment(
            metrics.calls(failure._tag === "Status" ? `${Math.floor(failure.status / 100)}xx` : "error")
          ),
          failure._tag === "Status"
            ? Effect.annotateCurrentSpan({
              "http.response.status_code": failure.status,
              "pagerduty.attempts": attempts
            })
            : Effect.void
        ),
        typedFailure(request, failure, response, cause, secrets)
      )

    const typedFailure = (
      request: OutgoingRequest,
      failure: DecidedFailure,
      response: HttpClientResponse.HttpClientResponse | undefined,
      cause: unknown,
      secrets: ReadonlyArray<string>
    ): Effect.Effect<never, PDClientError | PDHTTPError> =>
      failure._tag === "Transport"
        ? Effect.fail(
          new PDClientError({
            reason: failure.timeout ? "Timeout" : "Transport",
            description: failure.description,
            method: request.method,
            url: request.url,
            cause
          })
        )
        : Effect.flatMap(
          response === undefined ? Effect.succeed("") : errorBody(response, request.timeout),
          (bodyText) => {
            return Effect.fail(httpError(
              {
                method: request.method,
                url: request.url,
                status: failure.status,
                headers: response?.headers ?? {},
                // An error body may echo the credential (or the OAuth form): scrubbed before it reaches the error.
                bodyText: scrubText(bodyText, secrets)
              },
              failure.description,
              "StatusCode",
              failure.location
            ))
          }
        )

    /** Steps the user's schedule, if any, with the retry about to happen. */
    const stepSchedule = (
      scheduleState: { value: unknown },
      input: RetryInput
    ): Effect.Effect<ScheduleVerdict | undefined> => {
      const schedule = policy.schedule
      if (schedule === undefined) return Effect.succeed(undefined)
      return Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const [state, , decision] = yield* schedule.step(now, input, scheduleState.value)
        scheduleState.value = state
        return ScheduleDecision.isDone(decision)
          ? { _tag: "Done" } as const
          : { _tag: "Delay", ms: ScheduleIntervals.start(decision.intervals) - now } as const
      })
    }

    /**
     * One call: a loop of attempts. Each attempt asks the gate for its turn (hook 1), is sent, is shown to the gate
     * (hook 2), and the pure `decide` / `delayFor` say what happens next; this loop only carries that out.
     */
    const call = <A>(
      request: OutgoingRequest,
      consume: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, HttpClientError.ResponseError>,
      ticket: GateTicket
    ): Effect.Effect<Sent<A>, PDClientError | PDHTTPError> =>
      Effect.gen(function*() {
        const started = yield* Clock.currentTimeMillis
        const metrics = endpointMetrics(request.endpoint)
        const baseHeaders = lowerCaseHeaders(request.headers)
        const scheduleState = { value: policy.schedule?.initial }
        let state: LoopState = initialState

        attempts: while (true) {
          // Hook 1: the shared gate (rate-limit hold; after one, one call goes first).
          const turn = yield* gate.awaitTurn(ticket, turnLimits(decisions, state))
          if (turn._tag === "Refused") {
            return yield* failWith(
              request,
              refused(decisions, state, turn),
              undefined,
              undefined,
              metrics,
              state.attempts,
              requestSecrets(undefined, request.secrets)
            )
          }
          state = { ...state, rateLimitWaitedMs: state.rateLimitWaitedMs + turn.waitedMs, attempts: state.attempts + 1 }
          if (turn.waitedMs > 0) {
            yield* debugLog(
              debug,
              () => `PagerDuty rate-limit window spent; held ${request.endpoint} for ${turn.waitedMs} ms`,
              () => ({ endpoint: request.endpoint })
            )
          }

          const authorization: Redacted.Redacted<string> | undefined = credentials === undefined
            ? undefined
            : yield* credentials.authorization
          // Every header is checked before anything is built or sent: an invalid one is a typed error, never retried.
          const invalidHeader = invalidHeaderError(request.method, request.url, baseHeaders, authorization)
          if (invalidHeader !== undefined) {
            return yield* invalidHeader
          }
          const secrets = requestSecrets(authorization, request.secrets)
          const httpRequest = buildRequest(request, baseHeaders, authorization)
          // RateLimit hook 1 of 2: wait for the budget (pacing) right before the attempt is sent.
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
          yield* Metric.increment(metrics.attempts)
          const attemptStart = yield* Clock.currentTimeMillis
          const attemptState = state
          // One timeout covers the request and, when the answer cannot be retried, the reading of its body
          // (`consume`): a timeout is a race of two fibers, and this runs on every request.
          const result = yield* client.execute(httpRequest).pipe(
            Effect.flatMap((response) =>
              mayRetry(decisions, attemptState, request.method, response.status)
                ? Effect.succeed({ response, consumed: Option.none<A>() })
                : Effect.map(consume(response), (value) => ({ response, consumed: Option.some(value) }))
            ),
            withoutRedirects,
            Effect.timeout(request.timeout),
            Effect.either
          )

          // Hook 2: the gate sees every answer's status and rate-limit headers (or that none came).
          yield* gate.observe(
            ticket,
            Either.isRight(result)
              ? { status: result.right.response.status, headers: result.right.response.headers }
              : undefined
          )
          // RateLimit hook 2 of 2: every answer (status and headers) teaches the budget.
          if (rateLimit !== undefined && limitScope !== undefined && Either.isRight(result)) {
            yield* rateLimit.observe(limitScope, result.right.response.status, result.right.response.headers)
          }

          let outcome: Outcome
          let response: HttpClientResponse.HttpClientResponse | undefined
          let consumed = Option.none<A>()
          let transportCause: unknown
          if (Either.isLeft(result)) {
            const failure = classify(result.left, request.method, request.url, secrets)
            if (failure._tag === "Fatal") return yield* failure.error
            transportCause = failure.cause
            outcome = {
              _tag: "Transport",
              method: request.method,
              timeout: failure.timeout,
              description: failure.description
            }
          } else {
            response = result.right.response
            consumed = result.right.consumed
            const now = yield* Clock.currentTimeMillis
            const { headers, status } = response
            yield* logAnswer(request, response, state.attempts, now - attemptStart)
            if (status === 429) yield* Metric.increment(metrics.rateLimited)
            outcome = {
              _tag: "Answer",
              method: request.method,
              url: request.url,
              status,
              headers,
              now,
              canRefresh: credentials !== undefined && authorization !== undefined
            }
          }

          // Decide, then act. Twice at most: a final answer whose body cannot be read is a transport failure.
          while (true) {
            let step = decide(decisions, state, outcome)
            state = step.state
            if (step.decision._tag === "Refresh") {
              if (
                credentials !== undefined && authorization !== undefined && (yield* credentials.refresh(authorization))
              ) {
                if (response !== undefined) yield* discardBody(response, request.timeout)
                yield* spanEvent("pagerduty.credentials.refreshed", { attempt: state.attempts })
                continue attempts
              }
              step = decide(decisions, state, outcome)
              state = step.state
            }
            let decision = step.decision

            if (decision._tag === "Retry") {
              const retry = decision.retry
              const verdict = yield* stepSchedule(scheduleState, retryInput(request.method, state.attempts, retry))
              const draws = { jitter: yield* Random.next, spread: yield* Random.next }
              const planned = delayFor(decisions, state, retry, verdict, draws)
              state = planned.state
              if (planned.delay._tag === "Wait") {
                // The answer is dropped: its body is drained so that the connection is reused.
                if (response !== undefined) yield* discardBody(response, request.timeout)
                yield* announceRetry(request, retry, state.attempts, planned.delay.ms)
                yield* Effect.sleep(Duration.millis(planned.delay.ms))
                continue attempts
              }
              decision = planned.delay.decision
            }

            if (decision._tag === "Fail") {
              return yield* failWith(
                request,
                decision.failure,
                response,
                transportCause,
                metrics,
                state.attempts,
                secrets
              )
            }

            if (decision._tag === "Return" && response !== undefined) {
              const status = response.status
              if (decision.givingUp) {
                yield* Effect.logError(
                  `PagerDuty ${request.method} ${request.url}: giving up after ${state.attempts} attempts; ` +
                    `last status ${status}`
                )
              }
              const value = Option.isSome(consumed)
                ? Either.right(consumed.value)
                : yield* consume(response).pipe(Effect.timeout(request.timeout), Effect.either)
              if (Either.isLeft(value)) {
                const failure = classify(value.left, request.method, request.url, secrets)
                if (failure._tag === "Fatal") return yield* failure.error
                transportCause = failure.cause
                outcome = {
                  _tag: "Transport",
                  method: request.method,
                  timeout: failure.timeout,
                  description: failure.description
                }
                response = undefined
                continue
              }
              const finished = yield* Clock.currentTimeMillis
              const requestId = response.headers["x-request-id"]
              yield* Effect.annotateCurrentSpan({
                "http.response.status_code": status,
                "pagerduty.attempts": state.attempts,
                ...(requestId !== undefined ? { "pagerduty.request_id": requestId } : {})
              })
              yield* Metric.increment(metrics.calls(`${Math.floor(status / 100)}xx`))
              yield* Metric.update(metrics.latency, finished - started)
              return { response, value: value.right, attempts: state.attempts }
            }
            return yield* Effect.dieMessage("effect-pagerduty: a Return decision without an answer")
          }
        }
      })

    const send = <A, B = Sent<A>, E = never>(
      request: OutgoingRequest,
      consume: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, HttpClientError.ResponseError>,
      finish?: (sent: Sent<A>) => Effect.Effect<B, E>
    ): Effect.Effect<B, PDClientError | PDHTTPError | E> =>
      Effect.flatMap(gate.nextCall, (id) => {
        const ticket: GateTicket = { lane, call: id, endpoint: request.endpoint }
        // When the call ends, however it ends, it gives up its place at the gate.
        const sent = call(request, consume, ticket).pipe(Effect.ensuring(gate.leave(ticket)))
        return finish === undefined
          ? sent as Effect.Effect<B, PDClientError | PDHTTPError>
          : Effect.flatMap(sent, finish)
      }).pipe(
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
