/**
 * Runs every program in examples/ as a child process (`node --import tsx examples/<name>.ts`) against its own
 * `FakePagerDutyServer.layer` on 127.0.0.1, and checks its exit code, the key lines of its output, and what the fake
 * received. No example can rot: a change that breaks one fails here. The child's environment has no PAGERDUTY_*
 * variable but the ones set here, so nothing reaches the real PagerDuty.
 */
import { assert, describe, expect, it } from "@effect/vitest"
import { Clock, Effect } from "effect"
import { FakeFault, FakePagerDuty, type FakePagerDutyOptions } from "effect-pagerduty/testing"
import { FakePagerDutyServer, type FakePagerDutyServerOptions } from "effect-pagerduty/testing/server"
import { spawn } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

const API_KEY = "example-test-key-7f3a"
const OAUTH_TOKEN = "example-oauth-token-91bc"
const ROUTING_KEY = "e93facc04764012d7bfb002500d5d1a6"
const FROM = "admin@example.com"
const SERVICE_ID = "PSVC001"
const TRIGGERED = 260
const CLIENT_ID = "example-oauth-app"
const CLIENT_SECRET = "example-client-secret-5d2e"

/** Each child may take this long; tsx compiles on start, so allow for a slow machine. */
const CHILD_TIMEOUT_MS = 40_000
/** Children running at once (the test machine has 2 cores). */
const permits = Effect.runSync(Effect.makeSemaphore(3))

interface RunResult {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly stdout: string
  readonly stderr: string
}

const runProcess = (
  file: string,
  args: ReadonlyArray<string>,
  env: Readonly<Record<string, string>>,
  onStdout: (stdout: string) => void,
  timeoutMs: number = CHILD_TIMEOUT_MS
) =>
  Effect.async<RunResult>((resume) => {
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith("PAGERDUTY_") && !key.startsWith("VITEST"))
    )
    const child = spawn(process.execPath, ["--import", "tsx", `examples/${file}`, ...args], {
      cwd: root,
      env: { ...inherited, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      onStdout(stdout)
    })
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("close", (code, signal) => {
      clearTimeout(timer)
      resume(Effect.succeed({ code, signal, stdout, stderr }))
    })
    return Effect.sync(() => {
      clearTimeout(timer)
      child.kill("SIGKILL")
    })
  })

/** What every example finds in its fake PagerDuty. */
const seed = (now: number): FakePagerDutyOptions["seed"] => ({
  users: [
    { name: "Jane Smith", email: "jane@example35.com" },
    { name: "Dave Jones", email: "dave@example.com" },
    { name: "Bob Brown", email: "bob@example.com" },
    { name: "Admin", email: FROM }
  ],
  teams: [{ name: "Platform" }, { name: "Platform Tools" }],
  services: [{ id: SERVICE_ID, name: "SN Checkout" }, { id: "PSVC002", name: "Billing" }],
  incidents: [
    ...Array.from({ length: TRIGGERED }, (_, i) => ({
      title: `Checkout error ${i + 1}`,
      status: "triggered",
      service: { id: SERVICE_ID, type: "service_reference" }
    })),
    { title: "Old outage", status: "resolved", service: { id: SERVICE_ID, type: "service_reference" } }
  ],
  "audit/records": [
    ...Array.from({ length: 30 }, (_, i) => ({
      id: `PAUDIT${i}`,
      execution_time: new Date(now - (i + 1) * 60_000).toISOString(),
      action: i % 2 === 0 ? "create" : "update",
      root_resource: { type: "user_reference", id: "PUSER01", summary: `change ${i + 1}` }
    })),
    {
      id: "PAUDITOLD",
      execution_time: new Date(now - 3 * 86_400_000).toISOString(),
      action: "delete",
      root_resource: { type: "user_reference", id: "PUSER02", summary: "three days ago" }
    }
  ]
})

type Fake = typeof FakePagerDuty.Service

interface ExampleSpec {
  /** The test's name; the file by default. */
  readonly name?: string
  readonly file: string
  readonly args?: ReadonlyArray<string>
  /** The PAGERDUTY_* variables, from the server's URL. */
  readonly env: (url: string) => Readonly<Record<string, string>>
  /** Options of its fake (the seed is common). */
  readonly fake?: Omit<FakePagerDutyServerOptions, "seed"> | undefined
  /** Runs on the fake before the example (fault injection). */
  readonly before?: (fake: Fake) => Effect.Effect<void>
  /** Called with the example's stdout so far, each time it grows (to play the user of an interactive example). */
  readonly interact?: (stdout: string) => void
  /** How long the child may run (default {@link CHILD_TIMEOUT_MS}). */
  readonly timeoutMs?: number
  /** Lines (substrings) or patterns the output must contain. */
  readonly expect: ReadonlyArray<string | RegExp>
  /** Checks the fake's state and request log after the example. */
  readonly after?: (fake: Fake, output: string) => Effect.Effect<void>
}

const rest = (url: string) => ({ PAGERDUTY_API_KEY: API_KEY, PAGERDUTY_REST_URL: url, PAGERDUTY_EVENTS_URL: url })
const events = (url: string) => ({ PAGERDUTY_ROUTING_KEY: ROUTING_KEY, PAGERDUTY_EVENTS_URL: url })

const requestsTo = (fake: Fake, method: string, path: string | RegExp) =>
  Effect.map(
    fake.requests,
    (requests) =>
      requests.filter((request) =>
        request.method === method && (typeof path === "string" ? request.path === path : path.test(request.path))
      )
  )

const userByEmail = (fake: Fake, email: string) =>
  Effect.map(fake.list("users"), (users) => users.find((user) => user.email === email))

const examples: ReadonlyArray<ExampleSpec> = [
  {
    file: "auth-environment.ts",
    env: (url) => ({ ...rest(url), PAGERDUTY_FROM: FROM }),
    expect: ["API key:     *7f3a", "auth type:   token", "region:      us", `From:        ${FROM}`, "4 users"]
  },
  {
    file: "auth-token.ts",
    env: (url) => ({ ...rest(url), PAGERDUTY_FROM: FROM }),
    expect: ["Connected to fake.pagerduty.com", /P\w{6} {2}Jane Smith <jane@example35.com>/],
    after: (fake) =>
      Effect.gen(function*() {
        const [first] = yield* fake.requests
        assert.strictEqual(first.headers.authorization, "Token token=<redacted>")
        assert.strictEqual(first.headers.from, FROM)
      })
  },
  {
    file: "auth-oauth-bearer.ts",
    env: (url) => ({ PAGERDUTY_OAUTH_TOKEN: OAUTH_TOKEN, PAGERDUTY_REST_URL: url }),
    expect: [/Signed in as .+ <.+@.+> \(P\w{6}\)/],
    after: (fake) =>
      Effect.map(fake.requests, ([first]) => assert.strictEqual(first.headers.authorization, "Bearer <redacted>"))
  },
  {
    // The EU region's hosts, except the REST URL the environment overrides; nothing is sent to events.
    file: "auth-eu-region.ts",
    env: (url) => ({ PAGERDUTY_API_KEY: API_KEY, PAGERDUTY_REST_URL: url }),
    expect: [/region eu: REST http:\/\/127\.0\.0\.1:\d+, events https:\/\/events\.eu\.pagerduty\.com/, "2 services"]
  },
  {
    file: "basic-get.ts",
    env: rest,
    expect: [
      /GET \/users\/P\w{6} -> 200/,
      "body keys: user",
      "Users.getUser: Jane Smith <jane@example35.com>",
      "rget: Jane Smith <jane@example35.com>",
      /rget\(user\): http/
    ]
  },
  {
    file: "pagination-offset.ts",
    env: rest,
    expect: [
      /P\w{6} {2}jane@example35\.com {2}Jane Smith/,
      "Dav match: Dave Jones <dave@example.com>",
      "Services matching \"SN\": SN Checkout",
      /bob@example\.com is P\w{6}/,
      "First 250 triggered incidents read with concurrency 4"
    ]
  },
  {
    file: "pagination-cursor.ts",
    env: rest,
    expect: ["change 1", "30 audit records in the last 24 hours", "listAll read 30 records"],
    after: (fake, output) =>
      Effect.gen(function*() {
        expect(output).not.toContain("three days ago")
        // 30 records at 25 a page: two requests, the second with the cursor of the first.
        const pages = yield* requestsTo(fake, "GET", "/audit/records")
        assert.deepStrictEqual(pages.map((page) => page.query.limit), ["25", "25", "100"])
        assert.isDefined(pages[1].query.cursor)
      })
  },
  {
    file: "find.ts",
    env: rest,
    expect: [/Found Jane Smith <jane@example35.com> \(P\w{6}\)/, "Team \"Platform\": exists"]
  },
  {
    name: "persist.ts (update, then unchanged)",
    file: "persist.ts",
    env: (url) => ({ ...rest(url), PAGERDUTY_FROM: FROM }),
    expect: [/persisted Jane Doe <jane@example35.com> \(P\w{6}\)/, "persisted again: same user true"],
    after: (fake) =>
      Effect.gen(function*() {
        assert.lengthOf(yield* requestsTo(fake, "PUT", /^\/users\//), 1)
        assert.lengthOf(yield* requestsTo(fake, "POST", "/users"), 0)
        assert.strictEqual((yield* userByEmail(fake, "jane@example35.com"))?.name, "Jane Doe")
      })
  },
  {
    name: "persist.ts (create)",
    file: "persist.ts",
    args: ["new.hire@example.com"],
    env: (url) => ({ ...rest(url), PAGERDUTY_FROM: FROM }),
    expect: [/persisted Jane Doe <new.hire@example.com> \(P\w{6}\)/, "persisted again: same user true"],
    after: (fake) =>
      Effect.gen(function*() {
        const created = yield* requestsTo(fake, "POST", "/users")
        assert.lengthOf(created, 1)
        assert.strictEqual(created[0].headers.from, FROM)
        assert.lengthOf(yield* requestsTo(fake, "PUT", /^\/users\//), 0)
      })
  },
  {
    file: "update-rput.ts",
    env: rest,
    expect: ["put:  200 Jane Doe", /rput: Jane Q\. Doe \(P\w{6}\)/],
    after: (fake) =>
      Effect.map(
        userByEmail(fake, "jane@example35.com"),
        (user) => assert.strictEqual(user?.name, "Jane Q. Doe")
      )
  },
  {
    file: "multi-update.ts",
    env: (url) => ({ ...rest(url), PAGERDUTY_FROM: FROM }),
    expect: [
      `${TRIGGERED} triggered incidents`,
      /P\w{6} {2}acknowledged {2}Checkout error/,
      `${TRIGGERED} incidents acknowledged`
    ],
    after: (fake) =>
      Effect.gen(function*() {
        // 250 incidents at most per PUT /incidents: two requests, each with the From header.
        const puts = yield* requestsTo(fake, "PUT", "/incidents")
        assert.deepStrictEqual(puts.map((put) => put.headers.from), [FROM, FROM])
        const incidents = yield* fake.list("incidents")
        assert.strictEqual(incidents.filter((incident) => incident.status === "acknowledged").length, TRIGGERED)
        assert.strictEqual(incidents.filter((incident) => incident.status === "triggered").length, 0)
      })
  },
  {
    file: "error-handling.ts",
    env: rest,
    expect: [
      "User not found",
      "PDHTTPError: status 404, code 2100, \"Not Found\", request id present",
      "PDClientError (InvalidUrl): Refusing to send a request to https://api.pagerduty.com.evil.example",
      "PDClientError (Decode): the entity of GET /users does not match the schema at [0].id"
    ]
  },
  {
    file: "retry-configuration.ts",
    env: rest,
    expect: [/GET \/users\/PNOEXST -> 404 after \d+ ms/, "HTTP attempts: 4"],
    after: (fake, output) =>
      Effect.gen(function*() {
        assert.lengthOf(yield* requestsTo(fake, "GET", "/users/PNOEXST"), 4)
        // Waits of 200, 400 and 800 ms.
        const elapsed = Number(/after (\d+) ms/.exec(output)?.[1])
        assert.isAtLeast(elapsed, 1400)
      })
  },
  {
    file: "debug-logging.ts",
    env: rest,
    expect: ["-- debug: true", "-- default (no request lines)", "-- Logger.minimumLogLevel(LogLevel.Debug)"],
    after: (_fake, output) =>
      Effect.sync(() => {
        const lines = output.split("\n").filter((line) =>
          /DEBUG.*GET http:\/\/127\.0\.0\.1:\d+\/users\?limit=2 -> 200/.test(line)
        )
        assert.lengthOf(lines, 2)
        const [, quiet] = output.split("-- default (no request lines)")
        expect(quiet.split("-- Logger.minimumLogLevel")[0]).not.toContain("DEBUG")
      })
  },
  {
    // Events only: no REST API key in the environment.
    file: "events.ts",
    env: events,
    expect: [
      // a trigger without a dedup key gets a generated UUID before it is sent
      /triggered: [0-9a-f-]{36}/,
      /acknowledged: [0-9a-f-]{36}/,
      /resolved: [0-9a-f-]{36}/,
      "triggered: db-1/disk",
      "acknowledged: db-1/disk",
      "rejected before sending: payload.summary"
    ],
    after: (fake, output) =>
      Effect.gen(function*() {
        const received = yield* fake.events
        assert.deepStrictEqual(received.map((event) => event.action), [
          "trigger",
          "acknowledge",
          "resolve",
          "trigger",
          "acknowledge"
        ])
        const dedupKey = /triggered: ([0-9a-f-]{36})/.exec(output)?.[1]
        const incidents = yield* fake.list("incidents")
        const byKey = (key: string | undefined) => incidents.find((incident) => incident.incident_key === key)
        assert.strictEqual(byKey(dedupKey)?.status, "resolved")
        assert.strictEqual(byKey("db-1/disk")?.status, "acknowledged")
      })
  },
  {
    file: "change-events.ts",
    env: events,
    expect: ["change event sent: new build finished at latest HEAD", "change event sent: Deployed checkout-api v42"],
    after: (fake) =>
      Effect.map(fake.events, (received) => {
        assert.deepStrictEqual(received.map((event) => `${event.kind} ${event.serviceId}`), [
          `change ${SERVICE_ID}`,
          `change ${SERVICE_ID}`
        ])
      })
  },
  {
    // One 429 on the first page: the retry shows as a span event, and calls and attempts differ.
    file: "observability.ts",
    env: rest,
    before: (fake) =>
      fake.injectFault(FakeFault.status(429, { headers: { "ratelimit-reset": "1" } }), { path: "/users", times: 1 }),
    expect: [
      /\[span\] {3}RestApi\.iterAll GET \/users \(Success, [\d.]+ ms\) .*pagerduty\.page\.offset=0 .*pagerduty\.attempts=2/,
      "event: pagerduty.retry",
      /\[span\] {3}RestApi\.rget GET \/users\/\{id\} .*http\.response\.status_code=404/,
      /\[metrics\] GET \/users +2 +3 +1 /,
      /\[metrics\] GET \/users\/\{id\} +1 +1 +0 /,
      "[metrics] GET /users attempts (Metric.value): 3",
      /\[span\] observability-example \(Success/
    ]
  },
  {
    // Only tokens from the fake's identity service are accepted.
    file: "oauth-client-credentials.ts",
    fake: { apiKeys: [], oauth: { clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }] } },
    env: (url) => ({
      PAGERDUTY_CLIENT_ID: CLIENT_ID,
      PAGERDUTY_CLIENT_SECRET: CLIENT_SECRET,
      PAGERDUTY_SCOPES: "as_account-us.fake users.read",
      PAGERDUTY_IDENTITY_URL: url,
      PAGERDUTY_REST_URL: url
    }),
    expect: ["4 users:", /P\w{6} {2}Jane Smith <jane@example35.com>/],
    after: (fake) =>
      Effect.gen(function*() {
        assert.strictEqual(yield* fake.oauthTokenRequests, 1)
        const [users] = yield* requestsTo(fake, "GET", "/users")
        assert.strictEqual(users.headers.authorization, "Bearer <redacted>")
      })
  },
  {
    // Plays the user: opens the authorize URL (the fake consents at once and redirects to the example's callback).
    file: "oauth-authorization-code.ts",
    fake: { apiKeys: [], oauth: { clients: [{ clientId: CLIENT_ID }] } },
    env: (url) => ({
      PAGERDUTY_CLIENT_ID: CLIENT_ID,
      PAGERDUTY_SCOPES: "users.read",
      PAGERDUTY_IDENTITY_URL: url,
      PAGERDUTY_REST_URL: url,
      OAUTH_CALLBACK_PORT: "0"
    }),
    interact: (() => {
      let opened = false
      return (stdout: string) => {
        const url = /^(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)$/m.exec(stdout)?.[1]
        if (opened || url === undefined) return
        opened = true
        void fetch(url, { redirect: "manual" }).then((consent) => {
          const callback = consent.headers.get("location")
          return callback === null ? undefined : fetch(callback).then((response) => response.text())
        })
      }
    })(),
    expect: [
      /Open this URL to sign in:\n.*code_challenge_method=S256/,
      /Granted: users\.read; expires \d{4}-/,
      "Refresh token: yes",
      /Signed in as .+ <.+@.+>/
    ],
    after: (fake) => Effect.map(fake.oauthTokenRequests, (count) => assert.strictEqual(count, 1))
  },
  {
    // Starts its receiver on 127.0.0.1, subscribes through the fake's REST API; the fake delivers the three events.
    file: "webhooks.ts",
    env: (url) => ({ ...rest(url), ...events(url), PAGERDUTY_SERVICE_ID: SERVICE_ID }),
    expect: [
      /subscribed P\w{6} -> http:\/\/127\.0\.0\.1:\d+\/pagerduty \(secret <redacted>\)/,
      /webhook: triggered #\d+ Webhook example: disk full/,
      /webhook: acknowledged #\d+ by SN Checkout/,
      /webhook: resolved #\d+/,
      "all three events received"
    ],
    after: (fake) =>
      Effect.gen(function*() {
        const deliveries = yield* fake.webhooks.deliveries
        assert.deepStrictEqual(deliveries.map((delivery) => [delivery.eventType, delivery.outcome]), [
          ["incident.triggered", "Delivered"],
          ["incident.acknowledged", "Delivered"],
          ["incident.resolved", "Delivered"]
        ])
        assert.lengthOf(yield* fake.list("webhook_subscriptions"), 1)
      })
  },
  {
    // IncidentSync into a real SQLite file: every seeded incident, in batches of 50.
    file: "incident-sync.ts",
    // 261 incidents, one log-entry request each: the heaviest example.
    timeoutMs: 100_000,
    env: (url) => ({ ...rest(url), INCIDENT_SYNC_DB: join(mkdtempSync(join(tmpdir(), "incident-sync-")), "sync.db") }),
    expect: [
      /synced 261 incidents and \d+ log entries in 6 batches, from \d{4}-/,
      /the database holds 261 incidents and \d+ log entries/
    ]
  },
  {
    // The README's quick start: a REST call, a stream and an event.
    file: "quick-start.ts",
    env: (url) => ({ ...rest(url), PAGERDUTY_ROUTING_KEY: ROUTING_KEY }),
    expect: ["4 users", /P\w{6} Checkout error 1\n/, /P\w{6} Checkout error 3\n/, /triggered [\w-]{32,36}/],
    after: (fake, output) =>
      Effect.gen(function*() {
        expect(output).not.toContain("Checkout error 4\n")
        const received = yield* fake.events
        assert.deepStrictEqual(received.map((event) => `${event.kind} ${event.action}`), ["alert trigger"])
      })
  },
  {
    // `npm run demo` without PAGERDUTY_API_KEY: it starts its own embedded fake.
    file: "demo.ts",
    env: () => ({}),
    expect: ["embedded fake"]
  }
]

/**
 * The README's output snippets: a fenced block right after `<!-- output: examples/<file> ... -->` shows lines the
 * example prints, consecutively and in that layout. Variable parts are matched loosely: a URL's origin, numbers, IDs
 * like `P00MGUQ`, and `...`.
 */
const readmeOutputs = (): ReadonlyArray<{ readonly file: string; readonly lines: ReadonlyArray<string> }> =>
  [
    ...readFileSync(join(root, "README.md"), "utf8").matchAll(
      /<!-- output: examples\/(\S+)[^>]*-->\n```\n([\s\S]*?)```/g
    )
  ]
    .map((match) => ({ file: match[1], lines: match[2].trimEnd().split("\n") }))

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

const linePattern = (line: string): RegExp => {
  let pattern = ""
  let last = 0
  for (const match of line.matchAll(/(https?:\/\/[^/\s]+)|(\.\.\.)|(\bP[A-Z0-9]{6}\b)|(\d+)/g)) {
    pattern += escapeRegExp(line.slice(last, match.index))
    pattern += match[1] !== undefined
      ? "https?://[^/\\s]+"
      : match[2] !== undefined
      ? ".+"
      : match[3] !== undefined
      ? "P[A-Z0-9]{6}"
      : "\\d+"
    last = match.index + match[0].length
  }
  return new RegExp(`^${pattern}${escapeRegExp(line.slice(last))}$`)
}

/** Whether the output holds the snippet's lines, one after the other. */
const printsSnippet = (output: string, lines: ReadonlyArray<string>): boolean => {
  const printed = output.split("\n").map((line) => line.trimEnd())
  const patterns = lines.map(linePattern)
  return printed.some((_, start) => patterns.every((pattern, i) => pattern.test(printed[start + i] ?? "")))
}

const runExample = (spec: ExampleSpec) =>
  Effect.gen(function*() {
    const fake = yield* FakePagerDuty
    const server = yield* FakePagerDutyServer
    yield* fake.addIntegration(SERVICE_ID, ROUTING_KEY)
    if (spec.before !== undefined) yield* spec.before(fake)
    const result = yield* permits.withPermits(1)(
      runProcess(spec.file, spec.args ?? [], spec.env(server.url), spec.interact ?? (() => {}), spec.timeoutMs)
    )
    const output = result.stdout + result.stderr
    assert.strictEqual(result.code, 0, `${spec.file} exited with ${result.code ?? result.signal}:\n${output}`)
    for (const line of spec.expect) {
      if (typeof line === "string") expect(output).toContain(line)
      else expect(output).toMatch(line)
    }
    // No secret is ever printed, whatever the example does.
    for (const secret of [API_KEY, OAUTH_TOKEN, ROUTING_KEY, CLIENT_SECRET]) expect(output).not.toContain(secret)
    for (const snippet of readmeOutputs().filter((snippet) => snippet.file === spec.file)) {
      assert.isTrue(
        printsSnippet(output, snippet.lines),
        `README.md shows output of ${spec.file} that it does not print:\n${
          snippet.lines.join("\n")
        }\n--- printed:\n${output}`
      )
    }
    if (spec.after !== undefined) yield* spec.after(fake, output)
  })

describe.concurrent("examples/ against FakePagerDutyServer.layer", () => {
  for (const spec of examples) {
    it.live(
      spec.name ?? spec.file,
      () =>
        Effect.flatMap(
          Clock.currentTimeMillis,
          (now) => runExample(spec).pipe(Effect.provide(FakePagerDutyServer.layer({ ...spec.fake, seed: seed(now) })))
        ),
      180_000
    )
  }

  it("checks the README's output snippets: each names an example run here", () => {
    const snippets = readmeOutputs()
    assert.isAtLeast(snippets.length, 2)
    const covered = new Set(examples.map((spec) => spec.file))
    assert.deepStrictEqual(snippets.map((snippet) => snippet.file).filter((file) => !covered.has(file)), [])
    // The loose match is still a match: a changed layout fails.
    const [debug] = snippets.filter((snippet) => snippet.file === "debug-logging.ts")
    const printed = "[04:37:27.674] DEBUG (#1): PagerDuty GET http://127.0.0.1:36563/users?limit=2 -> 200 " +
      "(attempt 1, 163 ms, x-request-id fake-00000001-905f10150ee6)\n  attempt: 1\n  url: " +
      "http://127.0.0.1:36563/users?limit=2\n  elapsedMs: 163\n  status: 200\n  method: GET\n"
    assert.isTrue(printsSnippet(printed, debug.lines))
    assert.isFalse(printsSnippet(printed.replace("  elapsedMs: 163\n", ""), debug.lines))
  })

  it("covers every example program", () => {
    const programs = readdirSync(join(root, "examples")).filter((file) =>
      file.endsWith(".ts") && !file.endsWith(".test.ts")
    )
    const covered = new Set(examples.map((spec) => spec.file))
    assert.deepStrictEqual(programs.filter((file) => !covered.has(file)), [])
  })
})
