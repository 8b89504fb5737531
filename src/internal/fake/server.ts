/**
 * The loopback transport: a `node:http` server on 127.0.0.1 answering with the engine. `node:http` directly (not
 * platform-node) because faults act on the socket (a reset destroys it, a hang leaves it open) and to keep the testing
 * entry free of platform-node's peers. It serves in real time (the live `Clock`), whatever clock the caller's tests
 * run on. Only the `effect-pagerduty/testing/server` entry reaches this module: the in-memory entry stays free of Node
 * built-ins.
 *
 * @internal
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberSet from "effect/FiberSet"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import type { Socket } from "node:net"
import type { FakeReply, FakeRequest } from "../../FakePagerDuty.js"

/** @internal */
export interface ServerInfo {
  readonly url: string
  readonly port: number
}

const flattenHeaders = (headers: Http.IncomingHttpHeaders): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return out
}

/**
 * Starts the server in the current scope; closing the scope closes it, destroying open (and hung) connections.
 *
 * @internal
 */
export const startServer = (
  handle: (request: FakeRequest) => Effect.Effect<FakeReply>,
  port: number,
  host = "127.0.0.1"
): Effect.Effect<ServerInfo, never, Scope.Scope> =>
  Effect.gen(function*() {
    const run = yield* FiberSet.makeRuntime<never, FakeReply, never>()
    const liveClock = Clock.make()
    const sockets = new Set<Socket>()
    let base = "http://127.0.0.1"

    const server = Http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("error", () => res.destroy())
      req.on("end", () => {
        const host = req.headers.host
        const request: FakeRequest = {
          method: req.method ?? "GET",
          url: `${host === undefined ? base : `http://${host}`}${req.url ?? "/"}`,
          headers: flattenHeaders(req.headers),
          body: Buffer.concat(chunks).toString("utf8")
        }
        const fiber = run(Effect.withClock(handle(request), liveClock))
        fiber.addObserver((exit) => {
          if (Exit.isFailure(exit)) {
            // Interrupted on shutdown, or a defect: drop the connection.
            req.socket.destroy()
            return
          }
          const reply = exit.value
          switch (reply._tag) {
            case "Response":
              res.writeHead(reply.status, reply.headers)
              res.end(reply.body)
              return
            case "ConnectionReset":
              req.socket.destroy()
              return
            case "Hang":
              // Never answer; the socket is destroyed when the server closes.
              return
          }
        })
      })
    })
    server.on("connection", (socket: Socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })

    yield* Effect.async<void>((resume) => {
      server.once("error", (error) => resume(Effect.die(error)))
      server.listen(port, host, () => resume(Effect.void))
    })
    yield* Effect.addFinalizer(() =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
        for (const socket of sockets) socket.destroy()
        server.closeAllConnections()
      })
    )
    const address = server.address() as AddressInfo
    base = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`
    return { url: base, port: address.port }
  })
