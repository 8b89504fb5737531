/**
 * A test-only `node:http` server on 127.0.0.1 that answers as a hostile or broken PagerDuty would (redirects, stalled
 * bodies, storms of 429s with large bodies), counts the sockets clients open, and a driver that runs a client fiber
 * to its end under `TestClock` while real bytes cross the loopback.
 */
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { Chunk, Effect, Fiber, Layer as LayerModule, Option, TestClock } from "effect"
import type { Layer, Scope } from "effect"
import { createServer } from "node:http"
import type { IncomingMessage, ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"

export interface SeenRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage["headers"]
}

export interface Hostile {
  readonly url: string
  readonly requests: () => ReadonlyArray<SeenRequest>
  /** How many TCP connections clients opened. */
  readonly sockets: () => number
  /** Requests whose answer has not finished (a stalled answer counts until its socket closes). */
  readonly busy: () => number
}

/** `handler(request, response, index)` answers the index-th request (from 0); it may leave the answer unfinished. */
export const hostileServer = (
  handler: (request: IncomingMessage, response: ServerResponse, index: number) => void
): Effect.Effect<Hostile, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<Hostile & { readonly close: () => void }>((resume) => {
      const seen: Array<SeenRequest> = []
      const open = new Set<Socket>()
      let sockets = 0
      let busy = 0
      const server = createServer((request, response) => {
        const index = seen.length
        seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers })
        busy += 1
        let done = false
        const finish = () => {
          if (!done) {
            done = true
            busy -= 1
          }
        }
        response.on("finish", finish)
        response.on("close", finish)
        // The request body is read before answering, as a server does.
        request.on("data", () => undefined)
        request.on("end", () => handler(request, response, index))
      })
      server.on("connection", (socket) => {
        sockets += 1
        open.add(socket)
        socket.on("close", () => open.delete(socket))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          requests: () => seen,
          sockets: () => sockets,
          busy: () => busy,
          close: () => {
            for (const socket of open) socket.destroy()
            server.close()
          }
        }))
      })
    }),
    (server) => Effect.sync(() => server.close())
  )

export { clientLayers } from "./clientLayers.js"

/** `NodeHttpClient.layer`'s client on a keep-alive agent (the default agent opens a connection per request). */
export const keepAliveNodeLayer: Layer.Layer<HttpClient.HttpClient> = NodeHttpClient.layerWithoutAgent.pipe(
  LayerModule.provide(NodeHttpClient.makeAgentLayer({ keepAlive: true }))
)

/** Waits real time (the test runs on `TestClock`; sockets do not). */
export const realSleep = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/**
 * Runs a fiber to its end: while the server is answering, waits in real time; when it is idle, jumps the TestClock
 * to the next pending wake-up, as long as that wake-up is sooner than `horizonMs` from now (the per-attempt timeout
 * of a request in flight is never jumped to). Fails rather than hangs after `realDeadlineMs` of real time.
 */
export const driveToEnd = <A, E>(
  fiber: Fiber.RuntimeFiber<A, E>,
  server: Hostile,
  options: { readonly horizonMs: number; readonly realDeadlineMs?: number }
) =>
  Effect.gen(function*() {
    const deadline = Date.now() + (options.realDeadlineMs ?? 20_000)
    let quiet = 0
    while (Date.now() < deadline) {
      yield* Effect.yieldNow()
      if (Option.isSome(yield* Fiber.poll(fiber))) return yield* Fiber.join(fiber)
      if (server.busy() > 0) {
        quiet = 0
        yield* realSleep(2)
        continue
      }
      // The server is idle: let the client finish reading what it was sent.
      if (quiet < 3) {
        quiet += 1
        yield* realSleep(2)
        continue
      }
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      const now = yield* TestClock.currentTimeMillis
      const next = sleeps.length === 0 ? undefined : Math.min(...sleeps)
      if (next !== undefined && next - now < options.horizonMs) {
        yield* TestClock.setTime(next)
        quiet = 0
      } else {
        yield* realSleep(2)
      }
    }
    return yield* Effect.dieMessage(`driveToEnd: the fiber did not end within ${options.realDeadlineMs ?? 20_000} ms`)
  })
