/**
 * `FakePagerDutyServer`: the fake PagerDuty on a real HTTP server on 127.0.0.1, for tests over real sockets and for
 * clients in other languages. Its own entry (`effect-pagerduty/testing/server`) because it needs `node:http`; the
 * in-memory fake (`effect-pagerduty/testing`) needs no Node built-in.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { FakePagerDuty, type FakePagerDutyOptions } from "./FakePagerDuty.js"
import { startServer } from "./internal/fake/server.js"
import * as internal from "./internal/fake/service.js"

/**
 * Options of the loopback server: those of the fake, plus the port.
 *
 * @example
 * ```ts
 * import type { FakePagerDutyServerOptions } from "effect-pagerduty/testing/server"
 *
 * const options: FakePagerDutyServerOptions = { port: 0, recordRequests: false }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface FakePagerDutyServerOptions extends FakePagerDutyOptions {
  /** The port on 127.0.0.1 (default 0: a free port). */
  readonly port?: number | undefined
  /** The interface to listen on (default `127.0.0.1`). */
  readonly host?: string | undefined
}

const serverContext = (options: FakePagerDutyServerOptions | undefined) =>
  Effect.gen(function*() {
    const service = yield* internal.make(options)
    const info = yield* startServer(service.handle, options?.port ?? 0, options?.host ?? "127.0.0.1")
    internal.setDefaultOrigin(service, info.url)
    return Context.make(FakePagerDuty, service).pipe(Context.add(FakePagerDutyServer, info))
  })

/**
 * The running loopback server: its URL and port.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
 *
 * const program = Effect.gen(function*() {
 *   const server = yield* FakePagerDutyServer
 *   return `${server.url}/users` // and `${server.url}/v2/enqueue` for events
 * }).pipe(Effect.provide(FakePagerDutyServer.layer()))
 * ```
 *
 * @since 0.1.0
 * @category tags
 */
export class FakePagerDutyServer extends Context.Tag("effect-pagerduty/FakePagerDutyServer")<
  FakePagerDutyServer,
  {
    /** `http://127.0.0.1:<port>`: the REST base URL and the Events API base URL (`/v2/enqueue`). */
    readonly url: string
    readonly port: number
  }
>() {
  /**
   * The fake on a real HTTP server on 127.0.0.1 (a free port unless `port` is given). Scoped: releasing the layer
   * closes the server and every connection, hung ones included. Latency is real time.
   *
   * @example
   * ```ts
   * import { Effect } from "effect"
   * import { FakePagerDuty } from "effect-pagerduty/testing"
   * import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
   *
   * const program = Effect.gen(function*() {
   *   const fake = yield* FakePagerDuty
   *   const server = yield* FakePagerDutyServer
   *   yield* fake.seed("users", [{ name: "Ada", email: "ada@example.com" }])
   *   return server.url
   * }).pipe(Effect.provide(FakePagerDutyServer.layer({ port: 0 })))
   * ```
   *
   * @since 0.2.0
   * @category layers
   */
  static readonly layer = (
    options?: FakePagerDutyServerOptions | undefined
  ): Layer.Layer<FakePagerDuty | FakePagerDutyServer> => Layer.scopedContext(serverContext(options))
}
