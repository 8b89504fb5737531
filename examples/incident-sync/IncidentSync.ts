/**
 * `IncidentSync`: copies PagerDuty incidents and their log entries into a SQLite file, the three uses of the library
 * in one program (a service of its own built on `RestApi`, a `Stream` of pages, typed errors), with real parts:
 * `@effect/sql` over `@effect/sql-libsql` (dev dependencies of this example only).
 *
 * - Incidents come from `api.iterHistory("/incidents", { since, until })` (past PagerDuty's 10,000 ceiling), oldest
 *   first, in batches of `batchSize`; each incident's log entries from `GET /incidents/{id}/log_entries`.
 * - Each batch (its incidents and all their log entries) is written in ONE transaction with multi-row upserts: an
 *   interruption or a failure leaves whole batches only, never half of one.
 * - Resumable: a run starts from the newest stored `created_at` (inclusive: upserts make the overlap harmless), or
 *   from `since` on an empty database.
 *
 * Run it with `examples/incident-sync.ts`; tested in `test/IncidentSync.test.ts` against the fake.
 */
import * as SqlClient from "@effect/sql/SqlClient"
import type { SqlError } from "@effect/sql/SqlError"
import type { RestApiError } from "effect-pagerduty"
import { RestApi } from "effect-pagerduty"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

/** The fields kept in columns (the whole record is kept as JSON too). */
const Incident = Schema.Struct({
  id: Schema.String,
  incident_number: Schema.optional(Schema.Number),
  title: Schema.optional(Schema.String),
  status: Schema.String,
  urgency: Schema.optional(Schema.String),
  service: Schema.optional(Schema.Struct({ id: Schema.String })),
  created_at: Schema.String
})

const LogEntry = Schema.Struct({
  id: Schema.String,
  type: Schema.String,
  created_at: Schema.String,
  summary: Schema.optional(Schema.String)
})

/** What a run did. */
export interface SyncReport {
  /** Where the run started: the newest stored `created_at`, or `since` on an empty database. */
  readonly from: string
  readonly incidents: number
  readonly logEntries: number
  readonly batches: number
}

export interface IncidentSyncOptions {
  /** Where an empty database starts (default: 30 days ago). */
  readonly since?: DateTime.DateTime.Input | undefined
  /** Incidents per transaction (default 50). */
  readonly batchSize?: number | undefined
  /** Log-entry requests in flight within a batch (default 4). */
  readonly concurrency?: number | undefined
}

export class IncidentSync extends Context.Tag("examples/IncidentSync")<IncidentSync, {
  /** Creates the tables when missing. */
  readonly migrate: Effect.Effect<void, SqlError>
  /** Copies every incident created since the resume point until now (or `until`), with its log entries. */
  readonly run: (until?: DateTime.DateTime.Input) => Effect.Effect<SyncReport, RestApiError | SqlError>
}>() {
  static readonly layer = (
    options: IncidentSyncOptions = {}
  ): Layer.Layer<IncidentSync, never, RestApi | SqlClient.SqlClient> =>
    Layer.effect(
      IncidentSync,
      Effect.gen(function*() {
        const api = yield* RestApi
        const sql = yield* SqlClient.SqlClient
        const batchSize = options.batchSize ?? 50
        const concurrency = options.concurrency ?? 4

        const migrate = Effect.asVoid(Effect.all([
          sql`CREATE TABLE IF NOT EXISTS incidents (
            id TEXT PRIMARY KEY,
            incident_number INTEGER,
            title TEXT,
            status TEXT NOT NULL,
            urgency TEXT,
            service_id TEXT,
            created_at TEXT NOT NULL,
            json TEXT NOT NULL
          )`,
          sql`CREATE TABLE IF NOT EXISTS log_entries (
            id TEXT PRIMARY KEY,
            incident_id TEXT NOT NULL REFERENCES incidents (id),
            type TEXT NOT NULL,
            summary TEXT,
            created_at TEXT NOT NULL,
            json TEXT NOT NULL
          )`,
          sql`CREATE INDEX IF NOT EXISTS incidents_created_at ON incidents (created_at)`
        ], { discard: true }))

        const resumePoint = Effect.gen(function*() {
          const [row] = yield* sql<{ readonly latest: string | null }>`SELECT max(created_at) AS latest FROM incidents`
          if (row !== undefined && row.latest !== null) return row.latest
          const since = options.since ?? DateTime.subtract(yield* DateTime.now, { days: 30 })
          return DateTime.formatIso(yield* Effect.orDie(DateTime.make(since)))
        })

        /** One batch: the incidents' log entries are fetched first, then everything is written in one transaction. */
        const storeBatch = (incidents: ReadonlyArray<typeof Incident.Type>) =>
          Effect.gen(function*() {
            const entries = yield* Effect.forEach(
              incidents,
              (incident) =>
                api.listAll(`/incidents/${incident.id}/log_entries`, { schema: LogEntry }).pipe(
                  Effect.map((list) => list.map((entry) => ({ incident, entry })))
                ),
              { concurrency }
            ).pipe(Effect.map((lists) => lists.flat()))
            yield* sql.withTransaction(Effect.gen(function*() {
              yield* sql`INSERT OR REPLACE INTO incidents ${
                sql.insert(incidents.map((incident) => ({
                  id: incident.id,
                  incident_number: incident.incident_number ?? null,
                  title: incident.title ?? null,
                  status: incident.status,
                  urgency: incident.urgency ?? null,
                  service_id: incident.service?.id ?? null,
                  created_at: incident.created_at,
                  json: JSON.stringify(incident)
                })))
              }`
              if (entries.length > 0) {
                yield* sql`INSERT OR REPLACE INTO log_entries ${
                  sql.insert(entries.map(({ entry, incident }) => ({
                    id: entry.id,
                    incident_id: incident.id,
                    type: entry.type,
                    summary: entry.summary ?? null,
                    created_at: entry.created_at,
                    json: JSON.stringify(entry)
                  })))
                }`
              }
            }))
            return { incidents: incidents.length, logEntries: entries.length }
          })

        const run = (until?: DateTime.DateTime.Input) =>
          Effect.gen(function*() {
            yield* migrate
            const from = yield* resumePoint
            const end = until ?? (yield* DateTime.now)
            const totals = yield* api.iterHistory("/incidents", {
              since: from,
              until: end,
              params: { sort_by: "created_at:asc" },
              schema: Incident
            }).pipe(
              Stream.grouped(batchSize),
              Stream.mapEffect((chunk) => storeBatch([...chunk])),
              Stream.runFold(
                { incidents: 0, logEntries: 0, batches: 0 },
                (sum, batch) => ({
                  incidents: sum.incidents + batch.incidents,
                  logEntries: sum.logEntries + batch.logEntries,
                  batches: sum.batches + 1
                })
              )
            )
            return { from, ...totals }
          }).pipe(Effect.withSpan("IncidentSync.run"))

        return { migrate, run }
      })
    )
}
