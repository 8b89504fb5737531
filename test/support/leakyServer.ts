/**
 * A small node:http server on 127.0.0.1 for the secrets and URL-safety tests: it answers as scripted (a status and a
 * body, or a hang), records every request as received (headers and body included), and counts the sockets opened.
 * Test-only: the fake PagerDuty stays a well-behaved PagerDuty.
 */
import { Effect } from "effect"
import type { Scope } from "effect"
import { createServer } from "node:http"
import type { AddressInfo, Socket } from "node:net"

export interface HostileRequest {
  readonly method: string
  /** The path and query, as received. */
  readonly url: string
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: string
}

export type HostileReply =
  | {
    readonly status: number
    readonly body?: string | object | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
  }
  | { readonly hang: true }

export interface HostileServer {
  readonly url: string
  readonly requests: () => ReadonlyArray<HostileRequest>
  readonly sockets: () => number
}

/** Starts the server for the scope; `script` gets each request and its index. */
export const hostileServer = (
  script: (request: HostileRequest, index: number) => HostileReply
): Effect.Effect<HostileServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<HostileServer & { readonly close: () => void }>((resume) => {
      const requests: Array<HostileRequest> = []
      const open = new Set<Socket>()
      let sockets = 0
      const server = createServer((request, response) => {
        const chunks: Array<Buffer> = []
        request.on("data", (chunk: Buffer) => chunks.push(chunk))
        request.on("end", () => {
          const received: HostileRequest = {
            method: request.method ?? "",
            url: request.url ?? "",
            headers: { ...request.headers },
            body: Buffer.concat(chunks).toString("utf8")
          }
          const index = requests.length
          requests.push(received)
          const reply = script(received, index)
          if ("hang" in reply) return
          const text = reply.body === undefined
            ? ""
            : typeof reply.body === "string"
            ? reply.body
            : JSON.stringify(reply.body)
          response.writeHead(reply.status, {
            ...(typeof reply.body === "object" ? { "content-type": "application/json" } : {}),
            ...reply.headers
          })
          response.end(text)
        })
      })
      server.on("connection", (socket: Socket) => {
        sockets += 1
        open.add(socket)
        socket.on("close", () => open.delete(socket))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          requests: () => requests.slice(),
          sockets: () => sockets,
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
