/**
 * Helpers of the rate-limit tests and benchmark: a `redis-server` on a free loopback port, a client that counts the
 * 429s it receives, and the budget a run used as the fake saw it.
 */
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import type { RecordedRequest } from "effect-pagerduty/testing"
import { spawn, spawnSync } from "node:child_process"
import { createServer } from "node:net"
import type { AddressInfo } from "node:net"

/** Whether `redis-server` can be run here. */
export const redisServerAvailable = (): boolean => {
  const probe = spawnSync("redis-server", ["--version"], { stdio: "ignore" })
  return probe.error === undefined && probe.status === 0
}

const freePort = Effect.async<number, Error>((resume) => {
  const server = createServer()
  server.once("error", (error) => resume(Effect.fail(error)))
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

/**
 * Starts `redis-server` on 127.0.0.1 on a free port (no persistence), waits until it accepts connections, and stops
 * it (by its own pid) when the scope closes. Fails with a clear message when it cannot start.
 */
export const redisServer = Effect.gen(function*() {
  const port = yield* freePort
  const child = yield* Effect.acquireRelease(
    Effect.sync(() =>
      spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
        stdio: ["ignore", "pipe", "pipe"]
      })
    ),
    (child) => Effect.sync(() => child.kill("SIGTERM"))
  )
  yield* Effect.async<void, Error>((resume) => {
    let output = ""
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ready to accept connections")) resume(Effect.void)
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("error", (error) => resume(Effect.fail(new Error(`redis-server could not start: ${error.message}`))))
    child.once(
      "exit",
      (code) => resume(Effect.fail(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`)))
    )
  }).pipe(
    Effect.timeoutFail({
      duration: "10 seconds",
      onTimeout: () => new Error("redis-server did not accept connections within 10 s")
    })
  )
  return { host: "127.0.0.1", port }
})

/** The statuses a client received: wrap the `HttpClient` to count them. */
export interface StatusCounter {
  readonly count: (status: number) => number
}

/** `NodeHttpClient.layerUndici` (its own connection pool) that counts the statuses of the answers it receives. */
export const countingClient = (): {
  readonly counter: StatusCounter
  readonly layer: Layer.Layer<HttpClient.HttpClient>
} => {
  const counts = new Map<number, number>()
  const layer = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      HttpClient.HttpClient,
      (client) =>
        HttpClient.tap(client, (response) =>
          Effect.sync(() => {
            counts.set(response.status, (counts.get(response.status) ?? 0) + 1)
          }))
    )
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  return { counter: { count: (status) => counts.get(status) ?? 0 }, layer }
}

/**
 * The budget a run used, as the fake saw it: the rate of accepted requests between the first and the last (requests
 * per window) over the limit. `rejected` is how many of the logged requests got a 429.
 */
export const budgetUsed = (
  requests: ReadonlyArray<RecordedRequest>,
  rejected: number,
  limit: number,
  windowMillis: number
): number => {
  const rest = requests.filter((request) => request.path.startsWith("/users"))
  if (rest.length < 2) return 0
  const times = rest.map((request) => request.receivedAt)
  const first = Math.min(...times)
  const last = Math.max(...times)
  const accepted = rest.length - rejected
  return ((accepted - 1) / Math.max(1, last - first)) * windowMillis / limit
}
