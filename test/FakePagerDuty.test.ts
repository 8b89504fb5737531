import { HttpClient, HttpClientRequest } from "@effect/platform"
import { assert, describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Either, Fiber, Option, TestClock } from "effect"
import { FakeFault, FakePagerDuty, type FakePagerDutyOptions, FakeReply } from "effect-pagerduty/testing"

const API = "https://api.pagerduty.com"
const KEY = "test-key"
const headers = {
  authorization: `Token token=${KEY}`,
  accept: "application/vnd.pagerduty+json;version=2"
}

/** A record as the API returns it. */
interface Rec {
  readonly id: string
  readonly name?: string
  readonly [field: string]: unknown
}

interface ErrorBody {
  readonly error: { readonly message: string; readonly code: number; readonly errors?: ReadonlyArray<string> }
}

type OffsetPage<K extends string> = { readonly [P in K]: ReadonlyArray<Rec> } & {
  readonly limit: number
  readonly offset: number
  readonly more: boolean
  readonly total: number | null
}

type CursorPage<K extends string> = { readonly [P in K]: ReadonlyArray<Rec> } & {
  readonly limit: number
  readonly next_cursor: string | null
}

type AfterPage<K extends string> = { readonly [P in K]: ReadonlyArray<Rec> } & {
  readonly after: string | null
  readonly before: string | null
}

interface AnalyticsPage {
  readonly data: ReadonlyArray<Rec>
  readonly first: string | null
  readonly last: string | null
  readonly more: boolean
  readonly order: string
}

type Wrapped<K extends string> = { readonly [P in K]: Rec }

interface Reply<A> {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly body: A
}

const send = <A = unknown>(request: HttpClientRequest.HttpClientRequest) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const response = yield* client.execute(request)
    const text = yield* response.text
    let body: unknown = undefined
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined
    } catch {
      body = undefined
    }
    const reply: Reply<A> = { status: response.status, headers: response.headers, text, body: body as A }
    return reply
  })

const get = <A = unknown>(path: string, extra: Record<string, string> = {}) =>
  send<A>(HttpClientRequest.get(`${API}${path}`).pipe(HttpClientRequest.setHeaders({ ...headers, ...extra })))

const withBody = <A = unknown>(
  method: "POST" | "PUT" | "DELETE",
  path: string,
  body: unknown,
  extra: Record<string, string> = {}
) =>
  send<A>(
    HttpClientRequest.make(method)(`${API}${path}`).pipe(
      HttpClientRequest.setHeaders({ ...headers, ...extra }),
      body === undefined ? (request) => request : HttpClientRequest.bodyUnsafeJson(body)
    )
  )

const names = (records: ReadonlyArray<Rec>) => records.map((record) => record.name)
const ids = (records: ReadonlyArray<Rec>) => records.map((record) => record.id)

const users = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `User ${i}`, email: `user${i}@example.com` }))

const run = <A, E>(
  effect: Effect.Effect<A, E, FakePagerDuty | HttpClient.HttpClient>,
  options?: FakePagerDutyOptions
) => Effect.provide(effect, FakePagerDuty.layer(options))

describe("FakePagerDuty (in memory)", () => {
  describe("classic pagination", () => {
    it.effect("defaults to 25, caps limit at 100, reports more and (on request) total", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seed("users", users(250))

        const first = yield* get<OffsetPage<"users">>("/users")
        assert.strictEqual(first.status, 200)
        assert.strictEqual(first.body.users.length, 25)
        assert.deepStrictEqual([first.body.limit, first.body.offset, first.body.more, first.body.total], [
          25,
          0,
          true,
          null
        ])

        const capped = yield* get<OffsetPage<"users">>("/users?limit=500&total=true")
        assert.strictEqual(capped.body.users.length, 100)
        assert.strictEqual(capped.body.limit, 100)
        assert.strictEqual(capped.body.total, 250)

        const last = yield* get<OffsetPage<"users">>("/users?limit=100&offset=200&total=true")
        assert.strictEqual(last.body.users.length, 50)
        assert.strictEqual(last.body.more, false)
        assert.strictEqual(last.body.users[0].name, "User 200")

        const past = yield* get<OffsetPage<"users">>("/users?offset=300")
        assert.deepStrictEqual(past.body.users, [])
        assert.strictEqual(past.body.more, false)

        const bad = yield* get("/users?limit=abc")
        assert.strictEqual(bad.status, 400)
      })))

    it.effect("answers 400 past the 10,000-record ceiling, with PagerDuty's error body", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seedGenerated("users", 20_000, (i) => ({ name: `User ${i}`, email: `u${i}@example.com` }))

        const edge = yield* get<OffsetPage<"users">>("/users?limit=100&offset=9900")
        assert.strictEqual(edge.status, 200)
        assert.strictEqual(edge.body.users.length, 100)
        assert.strictEqual(edge.body.users[99].name, "User 9999")
        assert.strictEqual(edge.body.more, true)

        const beyond = yield* get<ErrorBody>("/users?limit=100&offset=9901")
        assert.strictEqual(beyond.status, 400)
        assert.strictEqual(beyond.body.error.code, 2002)
        assert.strictEqual(beyond.body.error.message, "Arguments Caused Error")
        expect(beyond.body.error.errors?.[0]).toMatch(/exceeds maximum allowed value of 10000/)
      })))

    it.effect("filters by query (name or email, case-insensitive)", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seed("users", [
          { name: "Ada Lovelace", email: "ada@example.com" },
          { name: "Grace Hopper", email: "grace@navy.mil" },
          { name: "Alan Turing", email: "alan@example.com" }
        ])
        const byName = yield* get<OffsetPage<"users">>("/users?query=LOVE&total=true")
        assert.deepStrictEqual(names(byName.body.users), ["Ada Lovelace"])
        assert.strictEqual(byName.body.total, 1)
        const byEmail = yield* get<OffsetPage<"users">>("/users?query=example.com")
        assert.deepStrictEqual(names(byEmail.body.users), ["Ada Lovelace", "Alan Turing"])
        assert.strictEqual(byEmail.body.more, false)
        const paged = yield* get<OffsetPage<"users">>("/users?query=example.com&limit=1")
        assert.strictEqual(paged.body.users.length, 1)
        assert.strictEqual(paged.body.more, true)
      })))
  })

  describe("time windows", () => {
    it.effect("since/until narrow incidents below the 10,000 ceiling (what a bisecting client relies on)", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        const start = Date.parse("2024-01-01T00:00:00Z")
        yield* fake.seedGenerated("incidents", 25_000, (i) => ({
          title: `Incident ${i}`,
          status: "resolved",
          created_at: new Date(start + i * 60_000).toISOString()
        }))
        const all = yield* get<OffsetPage<"incidents">>("/incidents?limit=1&total=true")
        assert.strictEqual(all.body.total, 25_000)
        const ceiling = yield* get<ErrorBody>("/incidents?since=2024-01-01T00:00:00Z&offset=10000&limit=1")
        assert.strictEqual(ceiling.status, 400)
        // 2024-01-02T00:00Z is minute 1440: [1440, 2880) holds 1,440 incidents.
        const day = yield* get<OffsetPage<"incidents">>(
          "/incidents?since=2024-01-02T00:00:00Z&until=2024-01-03T00:00:00Z&total=true&limit=100&offset=1400"
        )
        assert.strictEqual(day.body.total, 1440)
        assert.strictEqual(day.body.incidents.length, 40)
        assert.strictEqual(day.body.incidents[39].title, "Incident 2879")
        assert.strictEqual(day.body.more, false)
      })))

    it.effect("since/until on audit records (execution_time) and log entries (created_at)", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seed("audit/records", [
          { id: "R1", execution_time: "2024-03-01T00:00:00Z" },
          { id: "R2", execution_time: "2024-03-02T00:00:00Z" },
          { id: "R3", execution_time: "2024-03-03T00:00:00Z" }
        ])
        const records = yield* get<CursorPage<"records">>(
          "/audit/records?since=2024-03-02T00:00:00Z&until=2024-03-03T00:00:00Z"
        )
        assert.deepStrictEqual(ids(records.body.records), ["R2"])
        assert.isNull(records.body.next_cursor)
        yield* fake.seed("log_entries", [
          { type: "trigger_log_entry", created_at: "2024-03-01T00:00:00Z" },
          { type: "resolve_log_entry", created_at: "2024-03-05T00:00:00Z" }
        ])
        const entries = yield* get<OffsetPage<"log_entries">>("/log_entries?since=2024-03-04T00:00:00Z")
        assert.deepStrictEqual(entries.body.log_entries.map((entry) => entry.type), ["resolve_log_entry"])
      })))
  })

  describe("cursor, after and analytics pagination", () => {
    it.effect("follows next_cursor to the end (audit records)", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seed(
          "audit/records",
          Array.from({ length: 250 }, (_, i) => ({ id: `R${i}`, execution_time: "2024-01-01T00:00:00Z" }))
        )
        const collected: Array<string> = []
        let cursor: string | null = null
        let pages = 0
        do {
          const page: Reply<CursorPage<"records">> = yield* get<CursorPage<"records">>(
            `/audit/records?limit=100${cursor === null ? "" : `&cursor=${cursor}`}`
          )
          assert.strictEqual(page.status, 200)
          assert.strictEqual(page.body.limit, 100)
          collected.push(...ids(page.body.records))
          cursor = page.body.next_cursor
          pages++
        } while (cursor !== null)
        assert.strictEqual(pages, 3)
        assert.strictEqual(collected.length, 250)
        assert.strictEqual(collected[249], "R249")

        const bad = yield* get("/audit/records?cursor=not-a-cursor")
        assert.strictEqual(bad.status, 400)
      })))

    it.effect("pages GET /alert_grouping_settings with after", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seed("alert_grouping_settings", Array.from({ length: 5 }, (_, i) => ({ name: `Setting ${i}` })))
        const first = yield* get<AfterPage<"alert_grouping_settings">>("/alert_grouping_settings?limit=2")
        assert.strictEqual(first.body.alert_grouping_settings.length, 2)
        assert.isString(first.body.after)
        assert.isNull(first.body.before)
        const second = yield* get<AfterPage<"alert_grouping_settings">>(
          `/alert_grouping_settings?limit=2&after=${first.body.after}`
        )
        assert.strictEqual(second.body.alert_grouping_settings[0].name, "Setting 2")
        const third = yield* get<AfterPage<"alert_grouping_settings">>(
          `/alert_grouping_settings?limit=2&after=${second.body.after}`
        )
        assert.deepStrictEqual(names(third.body.alert_grouping_settings), ["Setting 4"])
        assert.isNull(third.body.after)
        const back = yield* get<AfterPage<"alert_grouping_settings">>(
          `/alert_grouping_settings?limit=2&before=${third.body.before}`
        )
        assert.strictEqual(back.body.alert_grouping_settings[0].name, "Setting 2")
      })))

    it.effect("pages POST /analytics/raw/incidents in the body (starting_after, first/last/more)", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seed(
          "analytics/raw/incidents",
          Array.from({ length: 5 }, (_, i) => ({
            id: `A${i}`,
            created_at: `2024-01-0${i + 1}T00:00:00Z`,
            urgency: i % 2 === 0 ? "high" : "low"
          }))
        )
        const collected: Array<string> = []
        let startingAfter: string | undefined = undefined
        for (;;) {
          const page: Reply<AnalyticsPage> = yield* withBody<AnalyticsPage>("POST", "/analytics/raw/incidents", {
            limit: 2,
            order: "asc",
            ...(startingAfter === undefined ? {} : { starting_after: startingAfter })
          })
          assert.strictEqual(page.status, 200)
          collected.push(...ids(page.body.data))
          if (!page.body.more) break
          startingAfter = page.body.last ?? undefined
        }
        assert.deepStrictEqual(collected, ["A0", "A1", "A2", "A3", "A4"])

        const newest = yield* withBody<AnalyticsPage>("POST", "/analytics/raw/incidents", { limit: 2 })
        assert.deepStrictEqual(ids(newest.body.data), ["A4", "A3"])
        assert.strictEqual(newest.body.order, "desc")
        assert.strictEqual(newest.body.more, true)

        const filtered = yield* withBody<AnalyticsPage>("POST", "/analytics/raw/incidents", {
          filters: { urgency: "low", created_at_start: "2024-01-03T00:00:00Z" },
          order: "asc"
        })
        assert.deepStrictEqual(ids(filtered.body.data), ["A3"])
      })))
  })

  describe("CRUD with wrappers", () => {
    it.effect("creates, reads, updates and deletes a user; ids are deterministic", () =>
      run(Effect.gen(function*() {
        const created = yield* withBody<Wrapped<"user">>("POST", "/users", {
          user: { type: "user", name: "Ada", email: "ada@example.com" }
        }, {
          from: "admin@example.com"
        })
        assert.strictEqual(created.status, 201)
        const user = created.body.user
        expect(user.id).toMatch(/^P[0-9A-Z]{6}$/)
        assert.strictEqual(user.type, "user")
        assert.strictEqual(user.summary, "Ada")
        assert.strictEqual(user.self, `${API}/users/${user.id}`)
        assert.strictEqual(user.created_at, "1970-01-01T00:00:00Z")

        const read = yield* get<Wrapped<"user">>(`/users/${user.id}`)
        assert.deepStrictEqual(read.body.user, user)

        const updated = yield* withBody<Wrapped<"user">>("PUT", `/users/${user.id}`, {
          user: { type: "user", name: "Ada Lovelace" }
        })
        assert.strictEqual(updated.status, 200)
        assert.strictEqual(updated.body.user.name, "Ada Lovelace")
        assert.strictEqual(updated.body.user.summary, "Ada Lovelace")
        assert.strictEqual(updated.body.user.email, "ada@example.com")

        const deleted = yield* withBody("DELETE", `/users/${user.id}`, undefined)
        assert.strictEqual(deleted.status, 204)
        assert.strictEqual(deleted.text, "")
        const gone = yield* get<ErrorBody>(`/users/${user.id}`)
        assert.strictEqual(gone.status, 404)
        assert.deepStrictEqual(gone.body, { error: { message: "Not Found", code: 2100 } })

        const again = yield* Effect.provide(
          withBody<Wrapped<"user">>(
            "POST",
            "/users",
            { user: { type: "user", name: "Other", email: "o@example.com" } },
            {
              from: "a@b.c"
            }
          ),
          FakePagerDuty.layer()
        )
        assert.strictEqual(again.body.user.id, user.id)
      })))

    it.effect("serves any collection of the endpoint table generically", () =>
      run(Effect.gen(function*() {
        const team = yield* withBody<Wrapped<"team">>("POST", "/teams", { team: { type: "team", name: "SRE" } })
        assert.strictEqual(team.status, 201)
        assert.strictEqual(team.body.team.type, "team")
        const policy = yield* withBody<Wrapped<"escalation_policy">>("POST", "/escalation_policies", {
          escalation_policy: {
            type: "escalation_policy",
            name: "Default",
            escalation_rules: [{
              escalation_delay_in_minutes: 30,
              targets: [{ id: "PUSER01", type: "user_reference" }]
            }]
          }
        })
        assert.strictEqual(policy.body.escalation_policy.type, "escalation_policy")
        const member = yield* withBody("PUT", `/teams/${team.body.team.id}/users/PUSER01`, undefined)
        assert.strictEqual(member.status, 204)
        const list = yield* get<OffsetPage<"escalation_policies">>("/escalation_policies")
        assert.strictEqual(list.body.escalation_policies.length, 1)
        const missing = yield* withBody("POST", "/teams", { name: "unwrapped" })
        assert.strictEqual(missing.status, 400)
        const invalid = yield* withBody<ErrorBody>("POST", "/teams", { team: { description: "no name" } })
        assert.strictEqual(invalid.status, 400)
        assert.strictEqual(invalid.body.error.code, 2001)
        const unknown = yield* get("/no_such_thing")
        assert.strictEqual(unknown.status, 404)
        const parentMissing = yield* get("/incidents/PNOPE00/alerts")
        assert.strictEqual(parentMissing.status, 404)
      })))

    it.effect("gives self URLs on the origin the request came to", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        const [user] = yield* fake.seed("users", [{ name: "Eu", email: "eu@example.com" }])
        assert.strictEqual(user.self, `${API}/users/${user.id}`)
        const eu = yield* send<Wrapped<"user">>(
          HttpClientRequest.get(`https://api.eu.pagerduty.com/users/${user.id}`).pipe(
            HttpClientRequest.setHeaders(headers)
          )
        )
        assert.strictEqual(eu.body.user.self, `https://api.eu.pagerduty.com/users/${user.id}`)
      })))

    it.effect("serves a million generated records without storing them", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.seedGenerated("audit/records", 1_000_000, (i) => ({ action: "create", index: i }))
        assert.strictEqual(yield* fake.count("audit/records"), 1_000_000)
        const page = yield* get<CursorPage<"records">>("/audit/records?limit=100")
        assert.strictEqual(page.body.records.length, 100)
        assert.isString(page.body.next_cursor)
        yield* fake.seedGenerated("users", 1_000_000, (i) => ({ name: `User ${i}` }))
        const list = yield* get<OffsetPage<"users">>("/users?offset=9900&limit=100")
        const last = list.body.users[99]
        assert.strictEqual(last.name, "User 9999")
        const byId = yield* get<Wrapped<"user">>(`/users/${last.id}`)
        assert.strictEqual(byId.body.user.name, "User 9999")
        assert.isTrue(Option.isSome(yield* fake.get("users", last.id)))
      })))
  })

  describe("headers", () => {
    it.effect("enforces From where the table requires it", () =>
      run(Effect.gen(function*() {
        const response = yield* withBody<ErrorBody>("POST", "/users", {
          user: { type: "user", name: "A", email: "a@example.com" }
        })
        assert.strictEqual(response.status, 400)
        expect(response.body.error.errors?.[0]).toMatch(/"From" header/)
        const notRequired = yield* withBody("POST", "/teams", { team: { type: "team", name: "T" } })
        assert.strictEqual(notRequired.status, 201)
      })))

    it.effect("authenticates: 401 without a credential or with an unknown key; Token and Bearer accepted", () =>
      run(
        Effect.gen(function*() {
          const none = yield* send(HttpClientRequest.get(`${API}/users`))
          assert.strictEqual(none.status, 401)
          assert.deepStrictEqual(none.body, { error: { message: "Unauthorized", code: 2006 } })
          const wrong = yield* get("/users", { authorization: "Token token=nope" })
          assert.strictEqual(wrong.status, 401)
          const token = yield* get("/users")
          assert.strictEqual(token.status, 200)
          const bearer = yield* get("/users", { authorization: "Bearer oauth-token" })
          assert.strictEqual(bearer.status, 200)
          const fake = yield* FakePagerDuty
          yield* fake.setApiKeys(undefined)
          assert.strictEqual((yield* get("/users", { authorization: "Token token=anything" })).status, 200)
        }),
        { apiKeys: [KEY, "oauth-token"] }
      ))

    it.effect("negotiates content: PagerDuty's media type, JSON or anything; 406 otherwise", () =>
      run(Effect.gen(function*() {
        assert.strictEqual((yield* get("/users", { accept: "application/json" })).status, 200)
        assert.strictEqual((yield* get("/users", { accept: "*/*" })).status, 200)
        assert.strictEqual((yield* get("/users", { accept: "text/html" })).status, 406)
        assert.strictEqual((yield* get("/users", { accept: "application/vnd.pagerduty+json;version=1" })).status, 406)
      })))

    it.effect("sends rate-limit headers and an x-request-id on every response", () =>
      run(Effect.gen(function*() {
        const first = yield* get<OffsetPage<"users">>("/users")
        assert.strictEqual(first.headers["ratelimit-limit"], "960")
        assert.strictEqual(first.headers["ratelimit-remaining"], "959")
        assert.strictEqual(first.headers["ratelimit-reset"], "60")
        const second = yield* get("/users")
        assert.strictEqual(second.headers["ratelimit-remaining"], "958")
        assert.notStrictEqual(first.headers["x-request-id"], second.headers["x-request-id"])
        const unauthorized = yield* get("/users", { authorization: "" })
        assert.isString(unauthorized.headers["x-request-id"])
        assert.isString(unauthorized.headers["ratelimit-limit"])
      })))

    it.effect("answers 429 when the per-minute budget is spent, until the window resets", () =>
      run(
        Effect.gen(function*() {
          assert.strictEqual((yield* get("/users")).status, 200)
          yield* TestClock.adjust("10 seconds")
          const second = yield* get("/users")
          assert.strictEqual(second.headers["ratelimit-remaining"], "0")
          const limited = yield* get<ErrorBody>("/users")
          assert.strictEqual(limited.status, 429)
          assert.deepStrictEqual(limited.body, { error: { message: "Rate Limit Exceeded", code: 2020 } })
          assert.strictEqual(limited.headers["ratelimit-limit"], "2")
          assert.strictEqual(limited.headers["ratelimit-remaining"], "0")
          assert.strictEqual(limited.headers["ratelimit-reset"], "50")
          // Budgets are per key.
          assert.strictEqual((yield* get("/users", { authorization: "Token token=other" })).status, 200)
          yield* TestClock.adjust("50 seconds")
          assert.strictEqual((yield* get("/users")).status, 200)
          const fake = yield* FakePagerDuty
          yield* fake.setRateLimit(undefined)
          for (let i = 0; i < 5; i++) assert.strictEqual((yield* get("/users")).status, 200)
        }),
        { rateLimit: { perMinute: 2 } }
      ))
  })

  describe("faults", () => {
    it.effect("connection reset is a Transport RequestError", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.injectFault(FakeFault.connectionReset)
        const failed = yield* Effect.either(get("/users"))
        assert.isTrue(Either.isLeft(failed))
        if (Either.isLeft(failed)) {
          assert.strictEqual(failed.left._tag, "RequestError")
          if (failed.left._tag === "RequestError") assert.strictEqual(failed.left.reason, "Transport")
        }
        assert.strictEqual((yield* get("/users")).status, 200)
      })))

    it.effect("malformed JSON, an HTML error page, an empty body", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        const client = yield* HttpClient.HttpClient
        yield* fake.injectFault(FakeFault.malformedJson())
        const malformed = yield* client.execute(
          HttpClientRequest.get(`${API}/users`).pipe(HttpClientRequest.setHeaders(headers))
        )
        assert.strictEqual(malformed.status, 200)
        const decoded = yield* Effect.either(malformed.json)
        assert.isTrue(Either.isLeft(decoded))

        yield* fake.injectFault(FakeFault.htmlError())
        const html = yield* get("/users")
        assert.strictEqual(html.status, 502)
        expect(html.headers["content-type"]).toMatch(/^text\/html/)
        expect(html.text).toMatch(/<html>/)

        yield* fake.injectFault(FakeFault.emptyBody())
        const empty = yield* get("/users")
        assert.strictEqual(empty.status, 200)
        assert.strictEqual(empty.text, "")
      })))

    it.effect("a status for the next N matching requests, with headers", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.injectFault(FakeFault.status(429, { headers: { "ratelimit-reset": "30" } }), {
          times: 2,
          method: "GET",
          path: "/users/{id}"
        })
        assert.strictEqual((yield* get("/users")).status, 200)
        const first = yield* get<ErrorBody>("/users/PABC123")
        assert.strictEqual(first.status, 429)
        assert.strictEqual(first.headers["ratelimit-reset"], "30")
        assert.strictEqual(first.body.error.code, 2020)
        assert.strictEqual((yield* get("/users/PABC123")).status, 429)
        assert.strictEqual((yield* get("/users/PABC123")).status, 404)

        yield* fake.injectFault(FakeFault.status(500, { body: "oops" }), { times: Infinity, path: /^\/teams/ })
        assert.strictEqual((yield* get("/teams")).text, "oops")
        assert.strictEqual((yield* get("/teams")).status, 500)
        yield* fake.clearFaults
        assert.strictEqual((yield* get("/teams")).status, 200)
      })))

    it.effect("a hang never answers: the client's timeout fires (TestClock)", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* fake.injectFault(FakeFault.hang)
        const fiber = yield* get("/users").pipe(Effect.timeout("5 seconds"), Effect.either, Effect.fork)
        yield* TestClock.adjust("5 seconds")
        const result = yield* Fiber.join(fiber)
        assert.isTrue(Either.isLeft(result))
        if (Either.isLeft(result)) assert.strictEqual(result.left._tag, "TimeoutException")
      })))

    it.effect("latency is an Effect.sleep, controlled by TestClock", () =>
      run(
        Effect.gen(function*() {
          const slow = yield* Effect.fork(get("/users"))
          yield* TestClock.adjust("19 millis")
          assert.isTrue(Option.isNone(yield* Fiber.poll(slow)))
          yield* TestClock.adjust("1 millis")
          assert.strictEqual((yield* Fiber.join(slow)).status, 200)

          const fake = yield* FakePagerDuty
          yield* fake.setLatency(Duration.seconds(2))
          const slower = yield* Effect.fork(get("/users"))
          yield* TestClock.adjust("1999 millis")
          assert.isTrue(Option.isNone(yield* Fiber.poll(slower)))
          yield* TestClock.adjust("1 millis")
          assert.strictEqual((yield* Fiber.join(slower)).status, 200)
        }),
        { latency: "20 millis" }
      ))
  })

  describe("request log", () => {
    it.effect("records method, path, query, redacted headers and the parsed body", () =>
      run(Effect.gen(function*() {
        const fake = yield* FakePagerDuty
        yield* get("/incidents?statuses[]=triggered&statuses[]=acknowledged&limit=10")
        yield* withBody("POST", "/teams", { team: { type: "team", name: "SRE" } }, {
          authorization: "Bearer secret-token"
        })
        const [listing, creation] = yield* fake.requests
        assert.strictEqual(listing.method, "GET")
        assert.strictEqual(listing.path, "/incidents")
        assert.deepStrictEqual(listing.query, { "statuses[]": ["triggered", "acknowledged"], limit: "10" })
        assert.strictEqual(listing.headers.authorization, "Token token=<redacted>")
        assert.strictEqual(creation.headers.authorization, "Bearer <redacted>")
        assert.deepStrictEqual(creation.body, { team: { type: "team", name: "SRE" } })
        assert.notInclude(JSON.stringify(yield* fake.requests), KEY)
        assert.notInclude(JSON.stringify(yield* fake.requests), "secret-token")
        yield* fake.clearRequests
        assert.deepStrictEqual(yield* fake.requests, [])
      })))

    it.effect("is bounded, and can be turned off", () =>
      Effect.gen(function*() {
        const bounded = yield* run(
          Effect.gen(function*() {
            for (let i = 0; i < 5; i++) yield* get(`/users?offset=${i}`)
            return yield* Effect.flatMap(FakePagerDuty, (fake) => fake.requests)
          }),
          { maxRecordedRequests: 3 }
        )
        assert.deepStrictEqual(bounded.map((r) => r.query.offset), ["2", "3", "4"])
        const off = yield* run(
          Effect.gen(function*() {
            yield* get("/users")
            return yield* Effect.flatMap(FakePagerDuty, (fake) => fake.requests)
          }),
          { recordRequests: false }
        )
        assert.deepStrictEqual(off, [])
      }))
  })

  describe("extension", () => {
    it.effect("custom routes are served before the REST API", () =>
      run(
        Effect.gen(function*() {
          const reply = yield* send(
            HttpClientRequest.post("https://identity.pagerduty.com/oauth/token").pipe(
              HttpClientRequest.bodyUrlParams({ grant_type: "client_credentials" })
            )
          )
          assert.strictEqual(reply.status, 200)
          assert.deepStrictEqual(reply.body, { access_token: "grant_type=client_credentials" })
          assert.isString(reply.headers["x-request-id"])
        }),
        {
          routes: [{
            method: "POST",
            path: "/oauth/token",
            handle: (request) => Effect.succeed(FakeReply.json(200, { access_token: request.body }))
          }]
        }
      ))

    it.effect("reset returns to the seeded state", () =>
      run(
        Effect.gen(function*() {
          const fake = yield* FakePagerDuty
          yield* withBody("POST", "/teams", { team: { type: "team", name: "Extra" } })
          yield* fake.injectFault(FakeFault.hang)
          yield* fake.reset
          assert.deepStrictEqual((yield* fake.list("teams")).map((team) => team.name), ["Seeded"])
          assert.strictEqual((yield* get("/teams")).status, 200)
          assert.strictEqual((yield* fake.requests).length, 1)
        }),
        { seed: { teams: [{ name: "Seeded" }] } }
      ))
  })
})
