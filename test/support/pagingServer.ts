/**
 * A test-only PagerDuty over a real loopback socket (127.0.0.1) whose pages a test scripts: each request is recorded
 * and answered by `answer`. After `safety` requests it answers 400, so that a client that loops on a broken paging
 * answer fails its test (with the wrong error and request count) instead of hanging it.
 */
import type { HttpClient } from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import type { Scope } from "effect"
import { PagerDutyConfig, RestApi, RetryPolicy } from "effect-pagerduty"
import type { RestApiService } from "effect-pagerduty"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"

export interface ServedRequest {
  readonly method: string
  readonly path: string
  readonly query: URLSearchParams
  /** The parsed JSON body, or `undefined`. */
  readonly body: unknown
}

export interface ServedReply {
  readonly status?: number
  readonly body: unknown
}

export interface PagingServer {
  readonly url: string
  readonly requests: ReadonlyArray<ServedRequest>
}

/** Starts the server for the scope. */
export const pagingServer = (
  answer: (request: ServedRequest) => ServedReply,
  safety = 50
): Effect.Effect<PagingServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: PagingServer; readonly close: () => void }>((resume) => {
      const requests: Array<ServedRequest> = []
      const http = createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          const url = new URL(request.url ?? "/", "http://127.0.0.1")
          const text = Buffer.concat(chunks).toString("utf8")
          const served: ServedRequest = {
            method: request.method ?? "",
            path: url.pathname,
            query: url.searchParams,
            body: text === "" ? undefined : JSON.parse(text)
          }
          requests.push(served)
          const reply: ServedReply = requests.length > safety
            ? { status: 400, body: { error: { code: 2001, message: "the test server gave up" } } }
            : answer(served)
          response.writeHead(reply.status ?? 200, { "content-type": "application/json" })
          response.end(JSON.stringify(reply.body))
        })
      })
      http.listen(0, "127.0.0.1", () => {
        const { port } = http.address() as AddressInfo
        resume(Effect.succeed({ server: { url: `http://127.0.0.1:${port}`, requests }, close: () => http.close() }))
      })
    }),
    ({ close }) => Effect.sync(close)
  ).pipe(Effect.map(({ server }) => server))

export { clientLayers } from "./clientLayers.js"

/** A `RestApi` talking to the server through `client`, built in the current scope. */
export const restApiOn = (
  server: PagingServer,
  client: Layer.Layer<HttpClient.HttpClient>
): Effect.Effect<RestApiService, never, Scope.Scope> =>
  Effect.map(
    Layer.build(
      RestApi.layer.pipe(
        Layer.provide([
          PagerDutyConfig.layer({ apiKey: "loopback-key", restUrl: server.url, timeout: "5 seconds" }),
          RetryPolicy.layer(),
          client
        ])
      )
    ),
    (context) => Context.get(context, RestApi)
  ).pipe(Effect.orDie)
