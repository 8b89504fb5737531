/**
 * The `FakePagerDutyService` over an engine: seeding, inspection and run-time controls.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type { FakePagerDutyOptions, FakePagerDutyService, FakeRecord, FakeRecordInput } from "../../FakePagerDuty.js"
import { type Engine, makeEngine } from "./engine.js"
import type { JsonObject } from "./json.js"
import { addIntegration } from "./rest.js"
import type { EngineState } from "./state.js"
import { collectionKey } from "./store.js"
import { WebhookDispatcher, webhookDispatcher } from "./webhooks.js"

const seedInto = (
  engine: Engine,
  collection: string,
  records: ReadonlyArray<FakeRecordInput>,
  now: number
): ReadonlyArray<FakeRecord> => {
  const { state } = engine
  const key = collectionKey(collection)
  return records.map((record) =>
    state.present(key, state.insert(key, { ...record } as JsonObject, now), state.defaultOrigin)
  )
}

const engines = new WeakMap<FakePagerDutyService, EngineState>()

const now = Effect.clockWith((clock) => Effect.succeed(clock.unsafeCurrentTimeMillis()))

/**
 * Builds the engine and its service, applying `options.seed`.
 *
 * @internal
 */
export const make = (options?: FakePagerDutyOptions): Effect.Effect<FakePagerDutyService> =>
  Effect.map(now, (start) => {
    const engine = makeEngine(options)
    const { state } = engine
    if (state.publicOrigin !== undefined) state.defaultOrigin = state.publicOrigin
    const applySeed = (at: number) => {
      for (const [collection, records] of Object.entries(options?.seed ?? {})) {
        seedInto(engine, collection, records, at)
      }
    }
    applySeed(start)

    const service: FakePagerDutyService = {
      handle: engine.handle,
      seed: (collection, records) => Effect.map(now, (at) => seedInto(engine, collection, records, at)),
      seedGenerated: (collection, count, generate) =>
        Effect.sync(() => {
          state.collection(collectionKey(collection)).setGenerated({
            count: Math.max(0, Math.floor(count)),
            generate: (index) => generate(index) as JsonObject
          })
        }),
      list: (collection) =>
        Effect.sync(() => {
          const key = collectionKey(collection)
          const found = state.store.peek(key)
          return found === undefined
            ? []
            : found.toArray().map((record) => state.present(key, record, state.defaultOrigin))
        }),
      get: (collection, id) =>
        Effect.sync(() => {
          const key = collectionKey(collection)
          const record = state.store.peek(key)?.get(id)
          return record === undefined ?
            Option.none() :
            Option.some<FakeRecord>(state.present(key, record, state.defaultOrigin))
        }),
      count: (collection) => Effect.sync(() => state.store.peek(collectionKey(collection))?.size ?? 0),
      addIntegration: (serviceId, routingKey) =>
        Effect.flatMap(now, (at) => {
          const fields: JsonObject = routingKey === undefined ? {} : { integration_key: routingKey }
          const integration = addIntegration(state, serviceId, fields, at, state.defaultOrigin)
          return integration === undefined ?
            Effect.fail(new Cause.NoSuchElementException(`FakePagerDuty: no service with id ${serviceId}`)) :
            Effect.succeed(integration.integration_key as string)
        }),
      events: Effect.sync(() => state.events.slice()),
      requests: Effect.sync(() => state.requestLog.toArray()),
      clearRequests: Effect.sync(() => state.requestLog.clear()),
      injectFault: (fault, faultOptions) => Effect.sync(() => state.faults.add(fault, faultOptions)),
      clearFaults: Effect.sync(() => state.faults.clear()),
      setLatency: (latency) =>
        Effect.sync(() => {
          state.latencyMillis = Duration.toMillis(Duration.decode(latency))
        }),
      setRateLimit: (rateLimit) =>
        Effect.sync(() => {
          state.rateLimiter.perMinute = rateLimit?.perMinute
          state.rateLimiter.reset()
        }),
      resetRateLimits: Effect.sync(() => state.rateLimiter.reset()),
      registerOAuthClient: (client) => Effect.sync(() => state.oauth.registerClient(client)),
      revokeOAuthTokens: Effect.sync(() => state.oauth.revokeAll()),
      oauthTokenRequests: Effect.sync(() => state.oauth.tokenRequests),
      webhooks: webhookDispatcher(state) ?? new WebhookDispatcher(state, options?.webhooks),
      setApiKeys: (apiKeys) =>
        Effect.sync(() => {
          state.apiKeys = apiKeys === undefined ? undefined : new Set(apiKeys)
        }),
      reset: Effect.map(now, (at) => {
        state.resetData()
        engine.resetPlugins()
        state.latencyMillis = options?.latency === undefined ? 0 : Duration.toMillis(Duration.decode(options.latency))
        state.rateLimiter.perMinute = options?.rateLimit?.perMinute
        state.apiKeys = options?.apiKeys === undefined ? undefined : new Set(options.apiKeys)
        applySeed(at)
      })
    }
    engines.set(service, state)
    return service
  })

/** Points `self` URLs of records shown outside a request (and Events API references) at the server's URL. @internal */
export const setDefaultOrigin = (service: FakePagerDutyService, origin: string): void => {
  const state = engines.get(service)
  if (state !== undefined && state.publicOrigin === undefined) state.defaultOrigin = origin
}
