import { HttpClient, HttpClientResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Exit, Layer } from "effect"
import { ChangeEventsApi } from "../src/ChangeEventsApi.js"
import { EventsApi } from "../src/EventsApi.js"
import * as PagerDuty from "../src/PagerDuty.js"
import { PagerDutyConfig } from "../src/PagerDutyConfig.js"
import { RestApi } from "../src/RestApi.js"
import { RetryPolicy } from "../src/RetryPolicy.js"

const ROUTING_KEY = "0123456789abcdef0123456789abcdef"

interface Recorded {
  readonly url: string
  readonly authorization: string | undefined
  readonly json: unknown
}

/** Answers like PagerDuty: the REST user, or an accepted event. */
const fakeHttp = () => {
  const requests: Array<Recorded> = []
  const client = HttpClient.make((request, url) =>
    Effect.sync(() => {
      const text = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : ""
      requests.push({
        url: url.toString(),
        authorization: request.headers["authorization"],
        json: text === "" ? undefined : JSON.parse(text)
      })
      const body = url.pathname.startsWith("/users/")
        ? { user: { id: "PABC123", type: "user" } }
        : url.pathname === "/v2/enqueue"
        ? { status: "success", message: "Event processed", dedup_key: "dk-1" }
        : { status: "success", message: "Change event processed" }
      return HttpClientResponse.fromWeb(
        request,
        new Response(JSON.stringify(body), {
          status: url.pathname.startsWith("/v2/") ? 202 : 200,
          headers: { "content-type": "application/json" }
        })
      )
    })
  )
  return { requests, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const useAllThree = Effect.gen(function*() {
  const rest = yield* RestApi
  const events = yield* EventsApi
  const changes = yield* ChangeEventsApi
  const user = yield* rest.jget("/users/PABC123")
  const dedupKey = yield* events.trigger("Checkout errors above 5%", "checkout-api")
  yield* changes.submit("Deployed checkout-api v42")
  return { user, dedupKey }
})

describe("PagerDuty.layer", () => {
  it.effect("provides RestApi, EventsApi and ChangeEventsApi from one config", () =>
    Effect.gen(function*() {
      const http = fakeHttp()
      const result = yield* useAllThree.pipe(
        Effect.provide(
          PagerDuty.layer({ apiKey: "u+abcdefg", routingKey: ROUTING_KEY }).pipe(Layer.provide(http.layer))
        )
      )
      expect(result).toEqual({ user: { user: { id: "PABC123", type: "user" } }, dedupKey: "dk-1" })
      expect(http.requests.map((r) => [r.url, r.authorization])).toEqual([
        ["https://api.pagerduty.com/users/PABC123", "Token token=u+abcdefg"],
        ["https://events.pagerduty.com/v2/enqueue", undefined],
        ["https://events.pagerduty.com/v2/change/enqueue", undefined]
      ])
      expect((http.requests[1].json as { routing_key: string }).routing_key).toBe(ROUTING_KEY)
      expect((http.requests[2].json as { routing_key: string }).routing_key).toBe(ROUTING_KEY)
    }))

  it.effect("also provides the PagerDutyConfig and the RetryPolicy it built (retry options applied)", () =>
    Effect.gen(function*() {
      const http = fakeHttp()
      const [config, policy] = yield* Effect.all([PagerDutyConfig, RetryPolicy]).pipe(
        Effect.provide(
          PagerDuty.layer({ region: "eu", retry: { maxHttpAttempts: 4, eventsRetry: { 500: 5 } } }).pipe(
            Layer.provide(http.layer)
          )
        )
      )
      expect(config.eventsUrl).toBe("https://events.eu.pagerduty.com")
      expect(policy.maxHttpAttempts).toBe(4)
      expect(policy.eventsRetry.get(500)).toBe(5)
      expect(policy.eventsRetry.get(503)).toBe(6)
    }))

  it.effect("an invalid configuration fails the layer with a ConfigError", () =>
    Effect.gen(function*() {
      const http = fakeHttp()
      const exit = yield* useAllThree.pipe(
        Effect.provide(PagerDuty.layer({ restUrl: "ftp://example.com" }).pipe(Layer.provide(http.layer))),
        Effect.exit
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(exit)).toContain("restUrl")
      expect(http.requests).toHaveLength(0)
    }))
})

describe("PagerDuty.layerConfig", () => {
  it.effect("reads the environment (API key, routing key, region) for all three services", () =>
    Effect.gen(function*() {
      const http = fakeHttp()
      const environment = ConfigProvider.fromMap(
        new Map([
          ["PAGERDUTY_API_KEY", "u+fromenv"],
          ["PAGERDUTY_ROUTING_KEY", ROUTING_KEY],
          ["PAGERDUTY_REGION", "eu"]
        ])
      )
      yield* useAllThree.pipe(
        Effect.provide(PagerDuty.layerConfig({ retry: { maxHttpAttempts: 3 } }).pipe(Layer.provide(http.layer))),
        Effect.withConfigProvider(environment)
      )
      expect(http.requests.map((r) => [r.url, r.authorization])).toEqual([
        ["https://api.eu.pagerduty.com/users/PABC123", "Token token=u+fromenv"],
        ["https://events.eu.pagerduty.com/v2/enqueue", undefined],
        ["https://events.eu.pagerduty.com/v2/change/enqueue", undefined]
      ])
      expect((http.requests[1].json as { routing_key: string }).routing_key).toBe(ROUTING_KEY)
    }))
})

describe("PagerDuty.layer with OAuth credentials", () => {
  it.effect("takes a Credentials layer: REST calls carry the app token, built from the same config", () =>
    Effect.gen(function*() {
      const { FakePagerDuty } = yield* Effect.promise(() => import("../src/FakePagerDuty.js"))
      const { Credentials } = yield* Effect.promise(() => import("../src/Credentials.js"))
      const layer = PagerDuty.layer({
        credentials: Credentials.layerClientCredentials({
          clientId: "app",
          clientSecret: "app-secret",
          scopes: "users.read"
        })
      }).pipe(
        Layer.provideMerge(
          FakePagerDuty.layer({
            apiKeys: [],
            oauth: { clients: [{ clientId: "app", clientSecret: "app-secret" }] },
            seed: { users: [{ name: "Ada", email: "ada@example.com" }] }
          })
        )
      )
      const result = yield* Effect.gen(function*() {
        const api = yield* RestApi
        const fake = yield* FakePagerDuty
        const users = yield* api.listAll("/users")
        const requests = yield* fake.requests
        return { users: users.length, authorizations: requests.map((request) => request.headers["authorization"]) }
      }).pipe(Effect.provide(layer))
      expect(result.users).toBe(1)
      expect(result.authorizations.some((value) => value !== undefined && value.startsWith("Bearer "))).toBe(true)
    }))
})
