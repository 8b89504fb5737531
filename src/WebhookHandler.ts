/**
 * A PagerDuty v3 webhook receiver for `@effect/platform`'s HTTP server: an `HttpApp` to mount on a route. Per
 * request: read the raw body (capped), verify the signature against the secrets, decode the event, skip an event
 * handled before (by `event.id`, through {@link WebhookEventStore}), run your handler, answer.
 *
 * | outcome | status |
 * | --- | --- |
 * | handled, or handled before, or no handler for its type | 204 |
 * | missing, malformed or non-matching signature | 401 `invalid signature` |
 * | body not JSON or not a v3 event | 400 |
 * | body over the cap | 413 |
 * | the same event is being handled by another delivery | 503 (PagerDuty retries) |
 * | the handler failed | 500 (PagerDuty retries; the id is released) |
 * | {@link stream}: the queue stayed full for `offerTimeout` | 503 (PagerDuty retries) |
 *
 * @since 0.2.0
 */
import type * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { HttpServerRequest, HttpServerResponse } from "./internal/httpServer.js"
import { SIGNATURE_HEADER } from "./internal/webhooks/signature.js"
import { WebhookPayloadError } from "./WebhookError.js"
import * as WebhookEvent from "./WebhookEvent.js"
import * as WebhookEventStore from "./WebhookEventStore.js"
import * as WebhookSignature from "./WebhookSignature.js"

/**
 * The receiver: an `HttpApp` (an Effect of the response that reads the `HttpServerRequest`), never failing (every
 * outcome is a status), needing what your handlers need.
 *
 * @example
 * ```ts
 * import { HttpRouter } from "@effect/platform"
 * import type { WebhookHandler } from "effect-pagerduty/webhooks"
 *
 * const mount = (app: WebhookHandler.WebhookApp) => HttpRouter.empty.pipe(HttpRouter.post("/pagerduty", app))
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type WebhookApp<R = never> = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  never,
  R | HttpServerRequest.HttpServerRequest
>

/**
 * Handlers per event type (each gets its type's event), plus `unknown` for event types this library does not know.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WebhookHandler } from "effect-pagerduty/webhooks"
 *
 * const handlers: WebhookHandler.Handlers<never, never> = {
 *   "incident.triggered": (event) => Effect.log(`triggered #${event.data.number}`),
 *   "incident.annotated": (event) => Effect.log(`note: ${event.data.content}`)
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type Handlers<E, R> =
  & {
    readonly [K in WebhookEvent.KnownEventType]?: (event: WebhookEvent.EventOfType<K>) => Effect.Effect<void, E, R>
  }
  & { readonly unknown?: (event: WebhookEvent.UnknownEvent) => Effect.Effect<void, E, R> }

/**
 * Options of {@link make}.
 *
 * @example
 * ```ts
 * import { Effect, Redacted } from "effect"
 * import type { WebhookHandler } from "effect-pagerduty/webhooks"
 *
 * const options: WebhookHandler.Options<never, never> = {
 *   secrets: Redacted.make("whsec"),
 *   handle: (event) => Effect.log(event.event_type)
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface Options<E, R> {
  /** The subscription's secret, or several during a rotation. */
  readonly secrets: WebhookSignature.Secrets
  /** Handlers per event type; they take precedence over `handle`. */
  readonly handlers?: Handlers<E, R> | undefined
  /** The handler of every event without a handler of its own in `handlers`. */
  readonly handle?: ((event: WebhookEvent.WebhookEvent) => Effect.Effect<void, E, R>) | undefined
  /** The largest body read, in bytes (default 262,144: PagerDuty drops webhooks over 256 KB). */
  readonly maxBodyBytes?: number | undefined
}

/** PagerDuty drops every webhook over 256 KB. */
const DEFAULT_MAX_BODY_BYTES = 256 * 1024

const text = (status: number, body: string) => HttpServerResponse.text(body, { status })
const noContent = HttpServerResponse.empty({ status: 204 })

class TooLarge {
  readonly _tag = "TooLarge"
}

const readBody = (
  request: HttpServerRequest.HttpServerRequest,
  max: number
): Effect.Effect<Uint8Array, TooLarge | WebhookPayloadError> => {
  const declared = Number(request.headers["content-length"])
  if (Number.isFinite(declared) && declared > max) return Effect.fail(new TooLarge())
  return request.stream.pipe(
    Stream.mapError(() =>
      new WebhookPayloadError({ reason: "InvalidJson", description: "the body could not be read" })
    ),
    Stream.runFoldEffect(
      { size: 0, chunks: Chunk.empty<Uint8Array>() },
      (acc, chunk): Effect.Effect<{ size: number; chunks: Chunk.Chunk<Uint8Array> }, TooLarge> => {
        const size = acc.size + chunk.length
        return size > max
          ? Effect.fail(new TooLarge())
          : Effect.succeed({ size, chunks: Chunk.append(acc.chunks, chunk) })
      }
    ),
    Effect.map(({ chunks, size }) => {
      const body = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        body.set(chunk, offset)
        offset += chunk.length
      }
      return body
    })
  )
}

/** The handler of an event: its type's own, else `handle`, else none. */
const handlerOf = <E, R>(
  options: Options<E, R>,
  event: WebhookEvent.WebhookEvent
): ((event: WebhookEvent.WebhookEvent) => Effect.Effect<void, E, R>) | undefined => {
  const handlers = options.handlers as
    | Readonly<Record<string, ((event: WebhookEvent.WebhookEvent) => Effect.Effect<void, E, R>) | undefined>>
    | undefined
  return handlers?.[event._tag === "Unknown" ? "unknown" : event.event_type] ?? options.handle
}

/** @internal */
export const makeApp = <E, R>(
  options: Options<E, R>,
  store: WebhookEventStore.WebhookEventStoreService,
  failureStatus: (cause: Cause.Cause<E>) => number = () => 500
): WebhookApp<R> => {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  return Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const body = yield* Effect.either(readBody(request, max))
    if (body._tag === "Left") {
      return body.left._tag === "TooLarge" ? text(413, "payload too large") : text(400, body.left.description)
    }
    const signature = request.headers[SIGNATURE_HEADER]
    const verified = yield* Effect.either(
      WebhookSignature.verify({ body: body.right, signature, secrets: options.secrets })
    )
    if (verified._tag === "Left") {
      yield* Effect.logWarning("PagerDuty webhook rejected").pipe(
        Effect.annotateLogs("reason", verified.left.reason)
      )
      return text(401, "invalid signature")
    }
    const decoded = yield* Effect.either(WebhookEvent.decode(body.right))
    if (decoded._tag === "Left") return text(400, decoded.left.message)
    const event = decoded.right
    yield* Effect.annotateCurrentSpan({
      "pagerduty.webhook.event_id": event.id,
      "pagerduty.webhook.event_type": event.event_type
    })
    const handler = handlerOf(options, event)
    if (handler === undefined) return noContent
    const claim = yield* store.begin(event.id)
    if (claim === "Done") return noContent
    if (claim === "InProgress") return text(503, "event in progress")
    const exit = yield* Effect.exit(
      Effect.uninterruptibleMask((restore) =>
        restore(Effect.suspend(() => handler(event))).pipe(
          Effect.onExit((exit) => Exit.isSuccess(exit) ? store.complete(event.id) : store.abandon(event.id))
        )
      )
    )
    if (Exit.isSuccess(exit)) return noContent
    const status = failureStatus(exit.cause)
    yield* (status === 503 ?
      Effect.logWarning("PagerDuty webhook deferred (queue full): answered 503 for a retry") :
      Effect.logError("PagerDuty webhook handler failed", exit.cause)).pipe(
        Effect.annotateLogs({ eventId: event.id, eventType: event.event_type })
      )
    return text(status, status === 503 ? "busy" : "handler failed")
  }).pipe(Effect.withSpan("WebhookHandler"))
}

/**
 * The receiver as an `HttpApp` (mount it with `HttpRouter.post(path, app)`). Deduplicates through the
 * {@link WebhookEventStore} in the context, or an in-memory one of its own when there is none.
 *
 * @example
 * ```ts
 * import { HttpRouter, HttpServer } from "@effect/platform"
 * import { Effect, Redacted } from "effect"
 * import { WebhookHandler } from "effect-pagerduty/webhooks"
 *
 * const router = Effect.gen(function*() {
 *   const webhooks = yield* WebhookHandler.make({
 *     secrets: Redacted.make("subscription-secret"),
 *     handlers: {
 *       "incident.triggered": (event) => Effect.log(`#${event.data.number} ${event.data.title}`),
 *       "incident.resolved": (event) => Effect.log(`resolved ${event.data.id}`)
 *     }
 *   })
 *   return HttpRouter.empty.pipe(HttpRouter.post("/pagerduty", webhooks))
 * })
 * const app = Effect.map(router, HttpServer.serve())
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const make = <E = never, R = never>(
  options: Options<E, R>
): Effect.Effect<WebhookApp<R>> =>
  Effect.map(
    Effect.serviceOption(WebhookEventStore.WebhookEventStore),
    (store) => makeApp(options, Option.getOrElse(store, () => WebhookEventStore.makeMemory()))
  )

/**
 * Options of {@link stream}.
 *
 * @example
 * ```ts
 * import { Redacted } from "effect"
 * import type { WebhookHandler } from "effect-pagerduty/webhooks"
 *
 * const options: WebhookHandler.StreamOptions = { secrets: Redacted.make("whsec"), capacity: 100, offerTimeout: "2 seconds" }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface StreamOptions {
  readonly secrets: WebhookSignature.Secrets
  /** The queue's size (default 64). */
  readonly capacity?: number | undefined
  /**
   * How long a delivery waits for room in a full queue before it is answered 503, so that PagerDuty retries it later
   * (default 3 seconds: PagerDuty waits 5 seconds for an answer).
   */
  readonly offerTimeout?: Duration.DurationInput | undefined
  readonly maxBodyBytes?: number | undefined
}

class QueueFull {
  readonly _tag = "QueueFull"
}

/**
 * The receiver as a `Stream` of verified, deduplicated events: `app` (mount it like {@link make}'s) puts each event
 * in a bounded queue and answers 204 once it is queued; `events` takes them out. Memory stays bounded: a delivery that
 * finds the queue full for `offerTimeout` is answered 503 and PagerDuty delivers it again later. Closing the scope
 * ends the stream. An event is acknowledged once queued: one lost with the process is not redelivered.
 *
 * @example
 * ```ts
 * import { HttpRouter } from "@effect/platform"
 * import { Effect, Redacted, Stream } from "effect"
 * import { WebhookHandler } from "effect-pagerduty/webhooks"
 *
 * const program = Effect.gen(function*() {
 *   const { app, events } = yield* WebhookHandler.stream({ secrets: Redacted.make("whsec"), capacity: 100 })
 *   const router = HttpRouter.empty.pipe(HttpRouter.post("/pagerduty", app))
 *   yield* Stream.runForEach(events, (event) => Effect.log(event.event_type)).pipe(Effect.forkScoped)
 *   return router
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const stream = (options: StreamOptions): Effect.Effect<
  {
    readonly app: WebhookApp
    readonly events: Stream.Stream<WebhookEvent.WebhookEvent>
  },
  never,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const queue = yield* Effect.acquireRelease(
      Queue.bounded<WebhookEvent.WebhookEvent>(Math.max(1, options.capacity ?? 64)),
      Queue.shutdown
    )
    const store = Option.getOrElse(
      yield* Effect.serviceOption(WebhookEventStore.WebhookEventStore),
      () => WebhookEventStore.makeMemory()
    )
    const timeout = Duration.decode(options.offerTimeout ?? "3 seconds")
    const app = makeApp<QueueFull, never>(
      {
        secrets: options.secrets,
        maxBodyBytes: options.maxBodyBytes,
        handle: (event) =>
          Queue.offer(queue, event).pipe(
            Effect.timeoutFail({ duration: timeout, onTimeout: () => new QueueFull() }),
            Effect.asVoid
          )
      },
      store,
      () => 503
    )
    return { app, events: Stream.fromQueue(queue) }
  })
