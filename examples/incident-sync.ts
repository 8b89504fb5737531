/**
 * Copies PagerDuty's incidents and their log entries into a SQLite file with the `IncidentSync` service
 * (`examples/incident-sync/IncidentSync.ts`): batched, transactional, resumable. Run it again and it continues from the
 * newest incident it stored; interrupt it (Ctrl-C) and the file holds whole batches only.
 *
 *   PAGERDUTY_API_KEY=... INCIDENT_SYNC_DB=incidents.db npx tsx examples/incident-sync.ts
 *
 * With `PAGERDUTY_REST_URL` pointing at a fake PagerDuty (`FakePagerDutyServer.layer`), it runs against the fake; the
 * examples test does that.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { LibsqlClient } from "@effect/sql-libsql"
import * as SqlClient from "@effect/sql/SqlClient"
import { Config, Console, Effect, Layer } from "effect"
import { PagerDuty } from "effect-pagerduty"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { IncidentSync } from "./incident-sync/IncidentSync.js"

const program = Effect.gen(function*() {
  const sync = yield* IncidentSync
  const sql = yield* SqlClient.SqlClient
  const report = yield* sync.run()
  yield* Console.log(
    `synced ${report.incidents} incidents and ${report.logEntries} log entries in ${report.batches} batches, ` +
      `from ${report.from}`
  )
  const [counts] = yield* sql<{ readonly incidents: number; readonly logEntries: number }>`
    SELECT (SELECT count(*) FROM incidents) AS incidents, (SELECT count(*) FROM log_entries) AS logEntries`
  yield* Console.log(`the database holds ${counts.incidents} incidents and ${counts.logEntries} log entries`)
})

const MainLive = Layer.unwrapEffect(Effect.gen(function*() {
  const file = resolve(yield* Config.string("INCIDENT_SYNC_DB").pipe(Config.withDefault("incidents.db")))
  yield* Console.log(`database: ${file}`)
  const Database = LibsqlClient.layer({ url: pathToFileURL(file).href })
  const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
  return IncidentSync.layer({ batchSize: 50, concurrency: 8 }).pipe(
    Layer.provideMerge(Layer.mergeAll(PagerDutyLive, Database))
  )
}))

program.pipe(Effect.provide(MainLive), NodeRuntime.runMain)
