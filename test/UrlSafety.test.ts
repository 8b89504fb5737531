/**
 * Issue 11, item 10 and the URL guards 0.1.0 left untested: a relative URL that climbs out of the base path is refused
 * like the absolute form, before anything is sent (so the `Authorization` header never reaches another path of the
 * origin); the base path is compared on a segment boundary; a non-string `self` and an unparsable absolute URL are
 * typed errors.
 */
import type { HttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Exit, Layer } from "effect"
import { PagerDutyConfig, PDClientError, RestApi, RetryPolicy } from "effect-pagerduty"
import type { ResourceUrl } from "effect-pagerduty"
import { clientLayers, hostileServer } from "./support/leakyServer.js"
import { json, scripted } from "./support/scriptedClient.js"

const KEY = "url_K3y_0123456789abcd"

const restApi = (restUrl: string, client: Layer.Layer<HttpClient.HttpClient>) =>
  Effect.map(
    Layer.build(
      RestApi.layer.pipe(Layer.provide([PagerDutyConfig.layer({ apiKey: KEY, restUrl }), RetryPolicy.layer(), client]))
    ),
    (context) => Context.get(context, RestApi)
  ).pipe(Effect.orDie)

const expectInvalidUrl = <A, E>(exit: Exit.Exit<A, E>, includes: string) => {
  assert.isTrue(Exit.isFailure(exit), "expected the URL to be refused")
  if (Exit.isFailure(exit) && exit.cause._tag === "Fail") {
    const error = exit.cause.error
    assert.instanceOf(error, PDClientError)
    if (error instanceof PDClientError) {
      assert.strictEqual(error.reason, "InvalidUrl")
      assert.include(error.message, includes)
    }
  } else {
    assert.fail(`expected a typed failure, got ${String(exit)}`)
  }
}

const climbing = [
  "../admin",
  "%2e%2e/admin",
  ".%2E/admin",
  "/../admin",
  "users/../../admin",
  "..\\admin"
]

describe("relative URLs that climb out of the base path", () => {
  it.scoped("are refused before any request, for reads and writes", () =>
    Effect.gen(function*() {
      const fake = yield* scripted(() => json(200, {}))
      const api = yield* restApi("https://pd.example.com/pd", fake.layer)
      for (const url of climbing) {
        expectInvalidUrl(yield* Effect.exit(api.jget(url)), "leaves the configured API base URL")
        expectInvalidUrl(yield* Effect.exit(api.jpost(url, { json: {} })), "leaves the configured API base URL")
      }
      assert.lengthOf(yield* fake.requests, 0)
    }))

  it.scoped("a path that climbs but stays under the base is sent, normalised by the client", () =>
    Effect.gen(function*() {
      const fake = yield* scripted(() => json(200, { users: [] }))
      const api = yield* restApi("https://pd.example.com/pd", fake.layer)
      yield* api.jget("teams/../users")
      const [request] = yield* fake.requests
      assert.strictEqual(request.url.pathname, "/pd/users")
    }))

  for (const [layerName, clientLayer] of clientLayers) {
    it.scoped(`over loopback (${layerName}): nothing reaches the origin outside the base path`, () =>
      Effect.gen(function*() {
        const server = yield* hostileServer(() => ({ status: 200, body: { users: [] } }))
        const api = yield* restApi(`${server.url}/pd`, clientLayer)
        for (const url of climbing) expectInvalidUrl(yield* Effect.exit(api.jget(url)), "leaves")
        yield* api.jget("users")
        assert.deepStrictEqual(server.requests().map((request) => request.url), ["/pd/users"])
      }))
  }
})

describe("the other URL guards", () => {
  it.scoped("the base path is compared on a segment boundary: /pd does not admit /pdx", () =>
    Effect.gen(function*() {
      const fake = yield* scripted(() => json(200, { users: [] }))
      const api = yield* restApi("https://pd.example.com/pd", fake.layer)
      expectInvalidUrl(yield* Effect.exit(api.jget("https://pd.example.com/pdx/users")), "not under the configured")
      expectInvalidUrl(yield* Effect.exit(api.jget("https://pd.example.com/pd/../admin")), "not under the configured")
      yield* api.jget("https://pd.example.com/pd/users")
      yield* api.jget("https://pd.example.com/pd")
      assert.deepStrictEqual((yield* fake.requests).map((request) => request.url.pathname), ["/pd/users", "/pd"])
    }))

  it.scoped("an object whose self is not a string, and a resource that is neither, are InvalidUrl errors", () =>
    Effect.gen(function*() {
      const fake = yield* scripted(() => json(200, {}))
      const api = yield* restApi("https://pd.example.com", fake.layer)
      const hostile: ReadonlyArray<unknown> = [{ self: 42 }, { self: undefined }, {}, { self: { href: "x" } }]
      for (const resource of hostile) {
        expectInvalidUrl(yield* Effect.exit(api.jget(resource as ResourceUrl)), "no string \"self\"")
      }
      for (const resource of [null, 42, undefined] as ReadonlyArray<unknown>) {
        expectInvalidUrl(yield* Effect.exit(api.jget(resource as ResourceUrl)), "must be a string")
      }
      assert.lengthOf(yield* fake.requests, 0)
    }))

  it.scoped("an unparsable absolute URL is an InvalidUrl error, nothing sent", () =>
    Effect.gen(function*() {
      const fake = yield* scripted(() => json(200, {}))
      const api = yield* restApi("https://pd.example.com", fake.layer)
      for (const url of ["https://[::1/users", "http://exa mple.com/users", "https://pd.example.com:99999/users"]) {
        expectInvalidUrl(yield* Effect.exit(api.jget(url)), "Cannot parse the URL")
      }
      assert.lengthOf(yield* fake.requests, 0)
    }))
})
