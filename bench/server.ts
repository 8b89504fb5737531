/**
 * The benchmark's fake PagerDuty, run in a child process (`bench/children.ts` forks it) so that the server and
 * the client under measurement use different cores. It seeds the collections the scenarios read, tells the parent
 * its URL over IPC, answers control messages (latency, rate-limit windows), and exits when the parent goes away.
 */
import { Context, Duration, Effect, Exit, Layer, Scope } from "effect"
import { FakePagerDuty } from "effect-pagerduty/testing"
import { FakePagerDutyServer } from "effect-pagerduty/testing/server"
import type { ControlMessage, ServerReady } from "./protocol.js"
import { AUDIT_RECORDS, auditRecord, SERVICE_NAME, SMALL_AUDIT_RECORDS, userRecord, USERS } from "./protocol.js"

const send = (message: unknown): void => {
  if (process.send !== undefined) process.send(message)
}

const main = Effect.gen(function*() {
  const scope = yield* Scope.make()
  const context = yield* Layer.buildWithScope(
    FakePagerDutyServer.layer({ port: 0, recordRequests: false }),
    scope
  )
  const service = Context.get(context, FakePagerDuty)
  const server = Context.get(context, FakePagerDutyServer)

  yield* service.seedGenerated("users", USERS, userRecord)
  yield* service.seedGenerated("audit/records", AUDIT_RECORDS, auditRecord)
  const [svc] = yield* service.seed("services", [{ name: SERVICE_NAME }])
  const serviceId = String(svc.id)
  const routingKey = yield* service.addIntegration(serviceId)
  yield* service.seedGenerated(`services/${serviceId}/audit/records`, SMALL_AUDIT_RECORDS, auditRecord)

  const ready: ServerReady = { type: "ready", url: server.url, routingKey, serviceId, pid: process.pid }
  send(ready)

  const shutdown = () => {
    Effect.runFork(Scope.close(scope, Exit.void).pipe(Effect.ensuring(Effect.sync(() => process.exit(0)))))
  }
  process.on("disconnect", shutdown)
  process.on("SIGTERM", shutdown)
  process.on("message", (raw: unknown) => {
    const message = raw as ControlMessage
    const reply = (ok: boolean) => send({ type: "ack", id: message.id, ok })
    switch (message.type) {
      case "latency":
        Effect.runPromise(service.setLatency(Duration.millis(message.ms))).then(() => reply(true), () => reply(false))
        return
      case "resetRateLimits":
        Effect.runPromise(service.resetRateLimits).then(() => reply(true), () => reply(false))
        return
      case "stop":
        reply(true)
        shutdown()
        return
    }
  })
})

Effect.runPromise(main).catch((error: unknown) => {
  console.error("bench server failed to start:", error)
  process.exit(1)
})
