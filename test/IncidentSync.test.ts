/**
 * The `IncidentSync` example service (examples/incident-sync/IncidentSync.ts) against the fake PagerDuty's layer (in
 * memory) and a real SQLite file: the rows it stores, resuming, and no half-written batch on a failure or an
 * interruption.
 */
import { LibsqlClient } from "@effect/sql-libsql"
import * as SqlClient from "@effect/sql/SqlClient"
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer } from "effect"
import { PagerDuty } from "effect-pagerduty"
import { FakeFault, FakePagerDuty } from "effect-pagerduty/testing"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { IncidentSync } from "../examples/incident-sync/IncidentSync.js"

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00Z`
const SINCE = "2025-12-01T00:00:00Z"
const UNTIL = "2026-02-01T00:00:00Z"

const incident = (n: number) => ({
  id: `PINC00${n}`,
  title: `Checkout error ${n}`,
  status: "triggered",
  urgency: "high",
  service: { id: "PSVC001", type: "service_reference" },
  created_at: at(n)
})

/** Two log entries per incident: `PLOG<n>1` (trigger) and `PLOG<n>2` (acknowledge). */
const logEntries = (n: number) => [
  { id: `PLOG${n}1`, type: "trigger_log_entry", created_at: at(n), summary: `Triggered ${n}` },
  { id: `PLOG${n}2`, type: "acknowledge_log_entry", created_at: at(n), summary: `Acknowledged ${n}` }
]

const seedOf = (ns: ReadonlyArray<number>) => ({
  services: [{ id: "PSVC001", name: "Checkout" }],
  incidents: ns.map(incident),
  ...Object.fromEntries(ns.map((n) => [`incidents/PINC00${n}/log_entries`, logEntries(n)]))
})

/** The service over the fake's in-memory layer and a fresh SQLite file, with the fake and the SQL client visible. */
const testLayer = (ns: ReadonlyArray<number>, batchSize = 2) => {
  const file = join(mkdtempSync(join(tmpdir(), "incident-sync-")), "incidents.db")
  return IncidentSync.layer({ since: SINCE, batchSize }).pipe(
    Layer.provideMerge(PagerDuty.layer({ apiKey: "sync-test-key" })),
    Layer.provideMerge(FakePagerDuty.layer({ seed: seedOf(ns) })),
    Layer.provideMerge(LibsqlClient.layer({ url: pathToFileURL(file).href }))
  )
}

const storedIncidents = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<{ readonly id: string; readonly title: string; readonly status: string; readonly service_id: string }>`
    SELECT id, title, status, service_id FROM incidents ORDER BY created_at`
)

const storedLogEntries = Effect.flatMap(
  SqlClient.SqlClient,
  (sql) =>
    sql<{ readonly id: string; readonly incident_id: string; readonly type: string }>`
    SELECT id, incident_id, type FROM log_entries ORDER BY id`
)

describe("IncidentSync (examples/incident-sync)", () => {
  it.live("stores every incident and its log entries, in batches", () =>
    Effect.gen(function*() {
      const sync = yield* IncidentSync
      const report = yield* sync.run(UNTIL)
      assert.deepStrictEqual(report, { from: new Date(SINCE).toISOString(), incidents: 5, logEntries: 10, batches: 3 })
      const incidents = yield* storedIncidents
      assert.deepStrictEqual(incidents.map((row) => row.id), ["PINC001", "PINC002", "PINC003", "PINC004", "PINC005"])
      assert.deepStrictEqual(incidents[0], {
        id: "PINC001",
        title: "Checkout error 1",
        status: "triggered",
        service_id: "PSVC001"
      })
      const entries = yield* storedLogEntries
      expect(entries).toHaveLength(10)
      assert.deepStrictEqual(entries.slice(0, 2), [
        { id: "PLOG11", incident_id: "PINC001", type: "trigger_log_entry" },
        { id: "PLOG12", incident_id: "PINC001", type: "acknowledge_log_entry" }
      ])
    }).pipe(Effect.provide(testLayer([1, 2, 3, 4, 5]))))

  it.live("resumes from the newest stored created_at: a second run reads only what is new", () =>
    Effect.gen(function*() {
      const sync = yield* IncidentSync
      const fake = yield* FakePagerDuty
      yield* sync.run(UNTIL)
      yield* fake.seed("incidents", [incident(6), incident(7)])
      for (const n of [6, 7]) yield* fake.seed(`incidents/PINC00${n}/log_entries`, logEntries(n))
      yield* fake.clearRequests

      const again = yield* sync.run(UNTIL)
      // From the newest stored incident (inclusive, so it is read again and upserted): 3 incidents, not 7.
      assert.deepStrictEqual(again, { from: at(5), incidents: 3, logEntries: 6, batches: 2 })
      const listing = (yield* fake.requests).filter((request) => request.path === "/incidents")
      expect(listing.length).toBeGreaterThan(0)
      expect(Date.parse(String(listing[0].query.since))).toBe(Date.parse(at(5)))
      expect((yield* storedIncidents).map((row) => row.id)).toHaveLength(7)
      expect(yield* storedLogEntries).toHaveLength(14)
    }).pipe(Effect.provide(testLayer([1, 2, 3, 4, 5]))))

  it.live("a batch that fails part-way is rolled back whole; the next run completes it", () =>
    Effect.gen(function*() {
      const sync = yield* IncidentSync
      const sql = yield* SqlClient.SqlClient
      yield* sync.migrate
      // The second batch's incidents are written, then one of its log entries fails: the whole batch must go.
      yield* sql`CREATE TRIGGER fail_once BEFORE INSERT ON log_entries WHEN NEW.id = 'PLOG31'
        BEGIN SELECT RAISE(ABORT, 'disk full'); END`
      const failed = yield* Effect.flip(sync.run(UNTIL))
      expect(failed._tag).toBe("SqlError")
      expect(JSON.stringify(failed)).toContain("SQLITE_CONSTRAINT_TRIGGER")
      assert.deepStrictEqual((yield* storedIncidents).map((row) => row.id), ["PINC001", "PINC002"])
      expect(yield* storedLogEntries).toHaveLength(4)

      yield* sql`DROP TRIGGER fail_once`
      const report = yield* sync.run(UNTIL)
      expect(report.from).toBe(at(2))
      expect(yield* storedIncidents).toHaveLength(5)
      expect(yield* storedLogEntries).toHaveLength(10)
    }).pipe(Effect.provide(testLayer([1, 2, 3, 4, 5]))))

  it.live("interrupted while reading a batch, the file holds whole batches only", () =>
    Effect.gen(function*() {
      const sync = yield* IncidentSync
      const fake = yield* FakePagerDuty
      yield* fake.injectFault(FakeFault.hang, { path: "/incidents/PINC003/log_entries" })
      const fiber = yield* Effect.fork(sync.run(UNTIL))
      // Until the hung request has arrived (no clock: the fake records it before hanging).
      yield* fake.requests.pipe(
        Effect.map((requests) => requests.some((request) => request.path === "/incidents/PINC003/log_entries")),
        Effect.repeat({ until: (arrived) => arrived })
      )
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      assert.deepStrictEqual((yield* storedIncidents).map((row) => row.id), ["PINC001", "PINC002"])
      expect(yield* storedLogEntries).toHaveLength(4)
    }).pipe(Effect.provide(testLayer([1, 2, 3, 4, 5]))))
})
