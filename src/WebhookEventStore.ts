/**
 * Where the webhook handler remembers the events it has handled, by `event.id`: PagerDuty delivers at least once, so
 * a redelivered event is acknowledged without running the handler again. The default keeps the most recent ids in
 * memory (one process); replace the service to share it between instances (Redis, a SQL table, ...).
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

/**
 * What {@link WebhookEventStoreService.begin} answers for an event id: `New` (claimed now: handle it), `InProgress`
 * (another delivery of it is being handled right now), `Done` (handled before).
 *
 * @example
 * ```ts
 * import type { WebhookEventStore } from "effect-pagerduty/webhooks"
 *
 * const handleIt = (claim: WebhookEventStore.Claim) => claim === "New"
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export type Claim = "New" | "InProgress" | "Done"

/**
 * The store: claim an id before handling it, then mark it done (handled) or abandon it (the handler failed: a later
 * delivery handles it again).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import type { WebhookEventStore } from "effect-pagerduty/webhooks"
 *
 * // A store that never deduplicates (every delivery is handled).
 * const none: WebhookEventStore.WebhookEventStoreService = {
 *   begin: () => Effect.succeed("New"),
 *   complete: () => Effect.void,
 *   abandon: () => Effect.void
 * }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface WebhookEventStoreService {
  readonly begin: (eventId: string) => Effect.Effect<Claim>
  readonly complete: (eventId: string) => Effect.Effect<void>
  readonly abandon: (eventId: string) => Effect.Effect<void>
}

/**
 * Options of the in-memory store.
 *
 * @example
 * ```ts
 * import type { WebhookEventStore } from "effect-pagerduty/webhooks"
 *
 * const options: WebhookEventStore.MemoryOptions = { capacity: 50_000 }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface MemoryOptions {
  /** How many handled ids it remembers, the most recent ones (default 10,000). */
  readonly capacity?: number | undefined
}

/**
 * An in-memory store: handled ids in insertion order, the oldest forgotten past `capacity`.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WebhookEventStore } from "effect-pagerduty/webhooks"
 *
 * const program = Effect.gen(function*() {
 *   const store = WebhookEventStore.makeMemory()
 *   const first = yield* store.begin("01ABC") // "New"
 *   yield* store.complete("01ABC")
 *   const again = yield* store.begin("01ABC") // "Done"
 *   return [first, again]
 * })
 * ```
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemory = (options?: MemoryOptions): WebhookEventStoreService => {
  const capacity = Math.max(1, options?.capacity ?? 10_000)
  const inProgress = new Set<string>()
  const done = new Set<string>()
  return {
    begin: (eventId) =>
      Effect.sync((): Claim => {
        if (done.has(eventId)) return "Done"
        if (inProgress.has(eventId)) return "InProgress"
        inProgress.add(eventId)
        return "New"
      }),
    complete: (eventId) =>
      Effect.sync(() => {
        inProgress.delete(eventId)
        done.add(eventId)
        if (done.size > capacity) {
          const oldest = done.values().next()
          if (oldest.done !== true) done.delete(oldest.value)
        }
      }),
    abandon: (eventId) => Effect.sync(() => void inProgress.delete(eventId))
  }
}

/**
 * The store service. The webhook handler uses the one in its context, else an in-memory store of its own.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { WebhookEventStore } from "effect-pagerduty/webhooks"
 *
 * const claim = Effect.flatMap(WebhookEventStore.WebhookEventStore, (store) => store.begin("01ABC")).pipe(
 *   Effect.provide(WebhookEventStore.WebhookEventStore.layerMemory({ capacity: 1000 }))
 * )
 * ```
 *
 * @since 0.2.0
 * @category tags
 */
export class WebhookEventStore extends Context.Tag("effect-pagerduty/WebhookEventStore")<
  WebhookEventStore,
  WebhookEventStoreService
>() {
  /**
   * An in-memory store (see {@link makeMemory}).
   *
   * @example
   * ```ts
   * import { WebhookEventStore } from "effect-pagerduty/webhooks"
   *
   * const StoreLive = WebhookEventStore.WebhookEventStore.layerMemory()
   * ```
   *
   * @since 0.2.0
   * @category layers
   */
  static readonly layerMemory = (options?: MemoryOptions): Layer.Layer<WebhookEventStore> =>
    Layer.sync(WebhookEventStore, () => makeMemory(options))
}
