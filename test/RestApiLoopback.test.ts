/**
 * The request path over a real loopback socket with Node's HTTP client (undici), against a minimal server that
 * scripts PagerDuty-like answers (the fake PagerDuty has its own loopback tests).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

interface Seen {
  readonly method: string
  readonly url: string
  readonly authorization: string | undefined
  readonly accept: string | undefined
}

const server = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly seen: Array<Seen> }>((resume) => {
    const seen: Array<Seen> = []
    let count = 0
    const perPath = new Map<string, number>()
    const http = createServer((request, response) => {
      count += 1
      const path = (request.url ?? "").split("?")[0]
      const seenForPath = (perPath.get(path) ?? 0) + 1
      perPath.set(path, seenForPath)
      seen.push({
        method: request.method ?? "",
        url: request.url ?? "",
        authorization: request.headers.authorization,
        accept: request.headers.accept
      })
      if (path === "/flaky" && seenForPath === 1) {
        request.socket.destroy()
        return
      }
      if (path === "/limited" && seenForPath === 1) {
        response.writeHead(429, { "content-type": "application/json", "ratelimit-reset": "0" })
        response.end(JSON.stringify({ error: { message: "Rate Limit Exceeded", code: 2020 } }))
        return
      }
      response.writeHead(200, { "content-type": "application/json", "x-request-id": `r${count}` })
      response.end(JSON.stringify({ users: [{ id: "P1", name: "Ann" }], more: false }))
    })
    http.listen(0, "127.0.0.1", () => {
      const { port } = http.address() as AddressInfo
      resume(Effect.succeed({ url: `http://127.0.0.1:${port}`, seen, close: () => http.close() }))
    })
    return Effect.sync(() => http.close())
  }),
  (started) => Effect.sync(() => (started as { close?: () => void }).close?.())
)

describe("RestApi over loopback (NodeHttpClient)", () => {
  it.scopedLive("sends real requests, retries a reset connection and a 429, and refuses other origins", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const layer = RestApi.layer.pipe(
        Layer.provide([
          PagerDutyConfig.layer({ apiKey: "loopback-key", restUrl: url, timeout: "5 seconds" }),
          RetryPolicy.layer({ sleepTimer: "10 millis" }),
          NodeHttpClient.layerUndici
        ])
      )
      const api = Context.get(yield* Layer.build(layer), RestApi)
      assert.deepStrictEqual(yield* api.jget("/users", { params: { limit: 1 } }), {
        users: [{ id: "P1", name: "Ann" }],
        more: false
      })
      assert.deepStrictEqual(seen[0], {
        method: "GET",
        url: "/users?limit=1",
        authorization: "Token token=loopback-key",
        accept: "application/vnd.pagerduty+json;version=2"
      })
      yield* api.jget("/flaky")
      yield* api.jget("/limited")
      assert.deepStrictEqual(seen.map((request) => request.url), [
        "/users?limit=1",
        "/flaky",
        "/flaky",
        "/limited",
        "/limited"
      ])
      const refused = yield* Effect.flip(api.jget("http://127.0.0.2:1/users"))
      assert.strictEqual(refused._tag === "PDClientError" && refused.reason, "InvalidUrl")
      assert.lengthOf(seen, 5)
    }))
})
