/**
 * `npm run demo`: the pdpyras usage-guide flows, run through effect-pagerduty.
 *
 * - Without `PAGERDUTY_API_KEY`: starts the embedded fake PagerDuty on 127.0.0.1, seeds it, and runs every flow,
 *   writes included (events, a multi-update, a change event).
 * - With `PAGERDUTY_API_KEY` (and optionally `PAGERDUTY_REGION`, `PAGERDUTY_FROM`): runs only the read-only flows
 *   against the real API.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Chunk, Config, Console, Effect, Option, Stream } from "effect"
import { ChangeEventsApi, EventsApi, PagerDuty, PagerDutyConfig, RestApi } from "effect-pagerduty"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"

interface User {
  readonly id: string
  readonly name: string
  readonly email: string
}

interface Incident {
  readonly id: string
  readonly status: string
  readonly title?: string
  readonly incident_key?: string
}

const asUser = (u: unknown): User => u as User
const asIncident = (u: unknown): Incident => u as Incident

const heading = (text: string) => Console.log(`\n== ${text}`)

/** The read-only flows: safe against a real account. */
const readOnlyFlows = Effect.gen(function*() {
  const api = yield* RestApi

  yield* heading("List users (iterAll, first 10)")
  const users = Chunk.toReadonlyArray(yield* Stream.runCollect(Stream.take(api.iterAll("/users"), 10))).map(asUser)
  for (const user of users) yield* Console.log(`  ${user.id}  ${user.name.padEnd(24)} ${user.email}`)

  const someone = users.at(-1)
  if (someone !== undefined) {
    yield* heading(`Find a user by email (find "${someone.email}", exact and case-insensitive)`)
    const found = yield* api.find("/users", someone.email.toUpperCase(), { attribute: "email" })
    yield* Console.log(
      Option.match(found, {
        onNone: () => "  not found",
        onSome: (user) => `  found ${asUser(user).id} (${asUser(user).name})`
      })
    )
  }

  yield* heading("Stream incidents (lazy pages of 100, with progress)")
  const total = yield* api.total("/incidents")
  const limit = Math.min(total, 250)
  const byStatus = new Map<string, number>()
  yield* api.iterAll("/incidents", { pageSize: 100 }).pipe(
    Stream.take(limit),
    Stream.map(asIncident),
    Stream.grouped(50),
    Stream.runFoldEffect(0, (seen, page) => {
      for (const incident of page) byStatus.set(incident.status, (byStatus.get(incident.status) ?? 0) + 1)
      const now = seen + Chunk.size(page)
      const bar = "#".repeat(Math.round((now / Math.max(limit, 1)) * 30)).padEnd(30, ".")
      return Effect.as(Console.log(`  [${bar}] ${now}/${limit} incidents (of ${total})`), now)
    })
  )
  if (limit < total) {
    yield* Console.log(
      `  stopped at ${limit} of ${total} on purpose: Stream.take(${limit}) ends the stream there, ` +
        `so the pages after it are never requested`
    )
  }
  yield* Console.log(`  by status: ${[...byStatus].map(([status, n]) => `${status} ${n}`).join(", ")}`)

  yield* heading("Handle a typed error (GET /users/PNOTREAL)")
  yield* api.rget("/users/PNOTREAL").pipe(
    Effect.zipRight(Console.log("  unexpectedly found")),
    Effect.catchTag("PDHTTPError", (error) =>
      Console.log(
        `  PDHTTPError caught: status ${error.status}, PagerDuty says "${error.errorMessage ?? "?"}"${
          error.requestId !== undefined ? `, x-request-id ${error.requestId}` : ""
        }`
      ))
  )
})

/** The writes: events, a multi-update, a change event. Only against the embedded fake. */
const writeFlows = Effect.gen(function*() {
  const api = yield* RestApi
  const events = yield* EventsApi
  const changes = yield* ChangeEventsApi

  yield* heading("Trigger three events (Events API v2)")
  const dedupKeys: Array<string> = []
  for (const [n, host] of ["db-1", "db-2", "web-7"].entries()) {
    const dedupKey = yield* events.trigger(`Disk almost full on ${host}`, host, {
      severity: n === 2 ? "warning" : "critical",
      customDetails: { free_gb: 3 - n }
    })
    dedupKeys.push(dedupKey)
    yield* Console.log(`  triggered ${host}: dedup_key ${dedupKey}`)
  }

  yield* heading("Acknowledge the resulting incidents with one multi-update (PUT /incidents)")
  const open = (yield* api.listAll("/incidents", { params: { statuses: ["triggered"] } })).map(asIncident)
  const ours = open.filter((incident) =>
    incident.incident_key !== undefined && dedupKeys.includes(incident.incident_key)
  )
  const updated = yield* api.rput("/incidents", {
    json: ours.map((incident) => ({ id: incident.id, type: "incident_reference", status: "acknowledged" }))
  })
  for (const incident of (updated as ReadonlyArray<unknown>).map(asIncident)) {
    yield* Console.log(`  ${incident.id} -> ${incident.status}`)
  }

  yield* heading("Resolve them (Events API v2)")
  yield* Effect.forEach(dedupKeys, (dedupKey) => events.resolve(dedupKey), { concurrency: 3 })
  for (const incident of ours) {
    const now = asIncident(yield* api.rget(`/incidents/${incident.id}`))
    yield* Console.log(`  ${now.id} -> ${now.status}`)
  }

  yield* heading("Send a change event (Change Events API)")
  yield* changes.submit("Deployed web v2.4.1", { source: "ci", customDetails: { commit: "4f2a9c1" } })
  const recorded = yield* api.listAll("/change_events")
  yield* Console.log(`  change events recorded: ${recorded.length}`)

  yield* heading("Bad input is a typed error, and nothing is sent")
  yield* events.trigger("", "db-1").pipe(
    Effect.catchTag(
      "PDClientError",
      (error) => Console.log(`  PDClientError caught (${error.reason}): ${error.message}`)
    )
  )
})

const seed = Effect.gen(function*() {
  const fake = yield* FakePagerDuty
  const names = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov", "Ken Thompson"]
  yield* fake.seed(
    "users",
    Array.from({ length: 30 }, (_, i) => {
      const name = `${names[i % names.length]}${i >= names.length ? ` ${Math.floor(i / names.length) + 1}` : ""}`
      return { name, email: `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}@example.com`, role: "user" }
    })
  )
  const [service] = yield* fake.seed("services", [{ name: "Checkout", status: "active" }])
  yield* fake.seed("services", [{ name: "Search", status: "active" }, { name: "Payments", status: "active" }])
  const statuses = ["resolved", "resolved", "acknowledged", "triggered"]
  yield* fake.seed(
    "incidents",
    Array.from({ length: 300 }, (_, i) => ({
      title: `Incident ${i + 1}`,
      status: statuses[i % statuses.length],
      urgency: i % 5 === 0 ? "high" : "low",
      service: { id: service.id, type: "service_reference" }
    }))
  )
  const routingKey = yield* fake.addIntegration(String(service.id))
  return { routingKey }
})

const embedded = Effect.gen(function*() {
  const server = yield* FakePagerDutyServer
  const { routingKey } = yield* seed
  yield* Console.log(`effect-pagerduty demo: no PAGERDUTY_API_KEY set, so running against the embedded fake`)
  yield* Console.log(`fake PagerDuty listening at ${server.url}, seeded with 30 users, 3 services and 300 incidents`)
  const services = PagerDuty.layer({
    apiKey: "demo-api-key",
    routingKey,
    defaultFrom: "ada.lovelace@example.com",
    restUrl: server.url,
    eventsUrl: server.url
  })
  yield* Effect.provide(Effect.zipRight(readOnlyFlows, writeFlows), services)
}).pipe(Effect.provide(FakePagerDutyServer.layer()))

const real = Effect.gen(function*() {
  // The base URL the client talks to: PagerDuty's (by region) unless PAGERDUTY_REST_URL points elsewhere.
  const { restUrl } = yield* Effect.provide(PagerDutyConfig, PagerDutyConfig.layerConfig())
  const host = URL.canParse(restUrl) ? new URL(restUrl).hostname : restUrl
  const whose = host === "pagerduty.com" || host.endsWith(".pagerduty.com")
    ? "PagerDuty"
    : "a server that is not PagerDuty's (PAGERDUTY_REST_URL)"
  yield* Console.log(
    `effect-pagerduty demo: PAGERDUTY_API_KEY is set, so running the read-only flows against ${restUrl} (${whose})`
  )
  yield* Effect.provide(readOnlyFlows, PagerDuty.layerConfig())
})

const main = Effect.gen(function*() {
  const apiKey = yield* Config.option(Config.redacted("PAGERDUTY_API_KEY"))
  yield* Option.isSome(apiKey) ? real : embedded
  yield* Console.log("\nDone.")
}).pipe(Effect.provide(NodeHttpClient.layerUndici))

NodeRuntime.runMain(main)
