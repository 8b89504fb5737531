/**
 * The clients the benchmark compares: this library over two `HttpClient`s, hand-written loops over the same
 * `HttpClient`s (the floor), a plain `fetch` loop, and `@pagerduty/pdjs`.
 */
import { FetchHttpClient, HttpBody, HttpClient, type HttpClientError } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { api as pdApi, event as pdEvent } from "@pagerduty/pdjs"
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import { EventsApi, PagerDuty, RestApi } from "effect-pagerduty"
import * as Http from "node:http"
import * as Net from "node:net"
import { API_KEY } from "./protocol.js"

/** PagerDuty's REST media type, sent by every client. */
const ACCEPT = "application/vnd.pagerduty+json;version=2"

// ---------------------------------------------------------------------------------------------------------------------
// Effect runtimes
// ---------------------------------------------------------------------------------------------------------------------

/** Which `HttpClient` a runtime uses. */
export type ClientKind = "fetch" | "undici"

/** A label for tables. */
export const clientLabel = (kind: ClientKind): string =>
  kind === "fetch" ? "FetchHttpClient" : "NodeHttpClient.layerUndici"

/** The library's services and the `HttpClient` they use, so a hand loop can use the very same client. */
export type BenchRuntime = ManagedRuntime.ManagedRuntime<
  RestApi | EventsApi | HttpClient.HttpClient,
  unknown
>

export const makeRuntime = (kind: ClientKind, url: string, routingKey: string): BenchRuntime => {
  const client = kind === "fetch" ? FetchHttpClient.layer : NodeHttpClient.layerUndici
  const services = PagerDuty.layer({ apiKey: API_KEY, restUrl: url, eventsUrl: url, routingKey })
  return ManagedRuntime.make(Layer.provideMerge(services, client))
}

// ---------------------------------------------------------------------------------------------------------------------
// Listing users (offset paging)
// ---------------------------------------------------------------------------------------------------------------------

interface UsersPage {
  readonly users: ReadonlyArray<unknown>
  readonly more: boolean
}

const checkCount = (items: number, expected: number, who: string): number => {
  if (items !== expected) throw new Error(`${who} returned ${items} items, expected ${expected}`)
  return items
}

/**
 * The floor: the least a program can do over this `HttpClient` to list the collection: GET with `limit`/`offset`,
 * parse the JSON, collect the items, stop when `more` is false.
 */
export const handLoopUsers = (
  runtime: BenchRuntime,
  url: string,
  pageSize: number
): Promise<ReadonlyArray<unknown>> =>
  runtime.runPromise(Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const items: Array<unknown> = []
    const headers = { accept: ACCEPT, authorization: `Token token=${API_KEY}` }
    let offset = 0
    while (true) {
      const response = yield* client.get(`${url}/users`, { urlParams: { limit: pageSize, offset }, headers })
      if (response.status !== 200) return yield* Effect.fail(new Error(`status ${response.status}`))
      const page = (yield* response.json) as UsersPage
      for (const user of page.users) items.push(user)
      if (!page.more || page.users.length === 0) return items
      offset += page.users.length
    }
  }) as Effect.Effect<Array<unknown>, Error | HttpClientError.HttpClientError, HttpClient.HttpClient>)

/** This library: `RestApi.listAll("/users")`, sequential or with `concurrency`. */
export const libraryUsers = (
  runtime: BenchRuntime,
  concurrency: number
): Promise<ReadonlyArray<unknown>> =>
  runtime.runPromise(Effect.flatMap(RestApi, (api) => api.listAll("/users", { concurrency })))

/** This library, streaming without keeping items (`Stream.runDrain(iterAll(...))`). */
export const libraryUsersDrain = (runtime: BenchRuntime): Promise<void> =>
  runtime.runPromise(Effect.flatMap(RestApi, (api) => Stream.runDrain(api.iterAll("/users"))))

/** A plain `fetch` loop (Node's global fetch, no Effect). */
export const fetchLoopUsers = async (url: string, pageSize: number): Promise<ReadonlyArray<unknown>> => {
  const items: Array<unknown> = []
  const headers = { accept: ACCEPT, authorization: `Token token=${API_KEY}` }
  let offset = 0
  while (true) {
    const response = await fetch(`${url}/users?limit=${pageSize}&offset=${offset}`, { headers })
    if (response.status !== 200) throw new Error(`status ${response.status}`)
    const page = (await response.json()) as UsersPage
    for (const user of page.users) items.push(user)
    if (!page.more || page.users.length === 0) return items
    offset += page.users.length
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// @pagerduty/pdjs
// ---------------------------------------------------------------------------------------------------------------------

/**
 * pdjs builds `https://api.pagerduty.com/...` and `https://events.pagerduty.com/v2/enqueue` itself: its `server`
 * option changes only the host (always `https://`), and a full REST `url` breaks `api.all`, which finds the list by
 * matching `.com/<resource>` in the URL. It fetches with cross-fetch, which on Node is node-fetch 2 over `node:http`/
 * `node:https`. node-fetch takes an `agent` in the request options, and pdjs passes its options through: this agent
 * sends pdjs's requests, unchanged, over plain TCP to the loopback fake (an `http.Agent` that claims the `https:`
 * protocol, so that Node lets the `https` module use it, and dials the fake whatever the host). No TLS, as for every
 * other client here.
 *
 * Without an agent, node-fetch 2 sends `Connection: close` (a new TCP connection per request; against the real API
 * a TLS handshake per request): `keepAlive: false` reproduces that ("as shipped"); `keepAlive: true` is pdjs at its
 * best (a keep-alive agent, as a careful user would pass).
 */
class LoopbackAgent extends Http.Agent {
  constructor(private readonly port: number, keepAlive: boolean) {
    super({ keepAlive, maxSockets: 64 })
    Object.defineProperty(this, "protocol", { value: "https:" })
  }

  override createConnection(): Net.Socket {
    return Net.connect(this.port, "127.0.0.1")
  }
}

/** A pdjs setup: its options, with the loopback agent. */
export interface Pdjs {
  readonly label: string
  readonly agent: Http.Agent
}

export const makePdjs = (url: string, keepAlive: boolean): Pdjs => ({
  label: keepAlive ? "@pagerduty/pdjs + keep-alive agent" : "@pagerduty/pdjs as shipped (Connection: close)",
  agent: new LoopbackAgent(Number(new URL(url).port), keepAlive)
})

/** pdjs's own paginator: `api({ token }).all("/users", { data: { limit } })` (sequential, follows `offset`). */
export const pdjsUsers = async (pdjs: Pdjs, pageSize: number): Promise<ReadonlyArray<unknown>> => {
  const options = { data: { limit: pageSize }, agent: pdjs.agent }
  const response = await pdApi({ token: API_KEY }).all("/users", options)
  if (!Array.isArray(response.resource)) throw new Error("pdjs returned no users")
  return response.resource
}

// ---------------------------------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------------------------------

/**
 * The floor for events: a hand-written POST of the same JSON over the same `HttpClient`, reading the JSON answer.
 */
export const handEvents = (
  runtime: BenchRuntime,
  url: string,
  routingKey: string,
  count: number,
  concurrency: number,
  tag: string
) =>
  runtime.runPromise(Effect.flatMap(HttpClient.HttpClient, (client) =>
    Effect.forEach(
      Array.from({ length: count }, (_, i) => i),
      (i) =>
        Effect.gen(function*() {
          const body = JSON.stringify({
            routing_key: routingKey,
            event_action: "trigger",
            dedup_key: `${tag}-${i}`,
            payload: { summary: `Bench alert ${i}`, source: "bench-host", severity: "warning" }
          })
          const response = yield* client.post(`${url}/v2/enqueue`, {
            body: HttpBody.text(body, "application/json"),
            headers: { accept: "application/json" }
          })
          if (response.status !== 202) return yield* Effect.fail(new Error(`status ${response.status}`))
          return yield* response.json
        }),
      { concurrency, discard: true }
    )) as Effect.Effect<void, Error | HttpClientError.HttpClientError, HttpClient.HttpClient>)

/** `EventsApi.trigger` for `count` alerts, `concurrency` at a time. */
export const libraryEvents = (runtime: BenchRuntime, count: number, concurrency: number, tag: string) =>
  runtime.runPromise(Effect.flatMap(EventsApi, (events) =>
    Effect.forEach(
      Array.from({ length: count }, (_, i) => i),
      (i) => events.trigger(`Bench alert ${i}`, "bench-host", { dedupKey: `${tag}-${i}`, severity: "warning" }),
      { concurrency, discard: true }
    )))

/** pdjs's `event()` for `count` alerts, with at most `concurrency` promises in flight. */
export const pdjsEvents = async (
  pdjs: Pdjs,
  routingKey: string,
  count: number,
  concurrency: number,
  tag: string
): Promise<void> => {
  let next = 0
  const worker = async () => {
    while (next < count) {
      const i = next++
      const parameters: Parameters<typeof pdEvent>[0] & { readonly agent: Http.Agent } = {
        data: {
          routing_key: routingKey,
          event_action: "trigger",
          dedup_key: `${tag}-${i}`,
          payload: { summary: `Bench alert ${i}`, source: "bench-host", severity: "warning" }
        },
        agent: pdjs.agent
      }
      const response = await pdEvent(parameters)
      if (response.status !== 202) throw new Error(`pdjs event: status ${response.status}`)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

export const checked = (who: string, expected: number) => (items: ReadonlyArray<unknown>): number =>
  checkCount(items.length, expected, who)
