/**
 * Cursor-based pagination: the audit trail of the last 24 hours. `iterCursor` follows `next_cursor` until it is null;
 * `iterAll` (and `listAll`) on a cursor-paged endpoint delegates to it, so both yield every record.
 *
 *   PAGERDUTY_API_KEY=... npx tsx examples/pagination-cursor.ts
 *
 * pdpyras: `audit_records = list(session.iter_cursor("/audit/records"))`.
 */
import { NodeHttpClient, NodeRuntime } from "@effect/platform-node"
import { Console, DateTime, Effect, Layer, Schema, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"

const AuditRecord = Schema.Struct({
  execution_time: Schema.String,
  action: Schema.String,
  root_resource: Schema.optional(Schema.Struct({ type: Schema.String, summary: Schema.optional(Schema.String) }))
})

const program = Effect.gen(function*() {
  const api = yield* RestApi
  const now = yield* DateTime.now
  const since = DateTime.formatIso(DateTime.subtract(now, { hours: 24 }))

  const records = yield* api.iterCursor("/audit/records", { params: { since }, pageSize: 25, schema: AuditRecord })
    .pipe(
      Stream.tap((record) =>
        Console.log(`  ${record.execution_time}  ${record.action}  ${record.root_resource?.summary ?? ""}`)
      ),
      Stream.runCount
    )
  yield* Console.log(`${records} audit records in the last 24 hours`)

  // The same records through iterAll: it sees that /audit/records is cursor-paged (from the endpoint table).
  const viaListAll = yield* api.listAll("/audit/records", { params: { since } })
  yield* Console.log(`listAll read ${viaListAll.length} records`)
})

const PagerDutyLive = PagerDuty.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))

program.pipe(Effect.provide(PagerDutyLive), NodeRuntime.runMain)
