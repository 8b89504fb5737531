/**
 * What the benchmark's processes share: the seeded data and the IPC messages between the runner and its children.
 */

/** The users listed by the paging scenario (offset paging: 100 pages of 100). */
export const USERS = 10_000

/** The audit records streamed by the memory scenario (cursor paging, so past offset paging's 10,000 ceiling). */
export const AUDIT_RECORDS = 1_000_000

/** The audit records of the benchmark's service (`/services/{id}/audit/records`): the smaller collection. */
export const SMALL_AUDIT_RECORDS = 100_000

/** The name of the service that receives the benchmark's events. */
export const SERVICE_NAME = "Bench service"

/** The API key every client sends (the fake accepts any non-empty one). */
export const API_KEY = "bench-api-key"

/** A user as `GET /users` lists it (the fake adds `type`, `summary`, `self`, `html_url`, ...). */
export const userRecord = (i: number) => ({
  // PagerDuty always sends `type`; the fake's `seedGenerated` does not fill it in (its `seed` does).
  type: "user",
  name: `Bench User ${i}`,
  email: `bench.user.${i}@example.com`,
  time_zone: "Europe/Berlin",
  color: "green",
  role: i % 10 === 0 ? "admin" : "user",
  description: `Generated user number ${i}`,
  job_title: "Engineer"
})

/** An audit record shaped like PagerDuty's (about 520 bytes of JSON with its id). */
export const auditRecord = (i: number) => ({
  execution_time: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
  execution_context: { request_id: `req-${i}`, remote_address: "203.0.113.7" },
  actors: [{ id: `PUSER${i % 1000}`, type: "user_reference", summary: `Bench User ${i % 1000}` }],
  method: { type: "api_token", truncated_token: "abcd" },
  root_resource: { id: `PSVC${i % 100}`, type: "service_reference", summary: `Service ${i % 100}` },
  action: i % 3 === 0 ? "create" : "update",
  details: {
    resource: { id: `PSVC${i % 100}`, type: "service_reference", summary: `Service ${i % 100}` },
    fields: [{ name: "description", before_value: `old ${i}`, value: `new ${i}` }]
  }
})

/** The server child's first message. */
export interface ServerReady {
  readonly type: "ready"
  readonly url: string
  readonly routingKey: string
  /** The service with the integration and the smaller audit trail. */
  readonly serviceId: string
  readonly pid: number
}

/** A request to the server child. */
export type ControlRequest =
  | { readonly type: "latency"; readonly ms: number }
  | { readonly type: "resetRateLimits" }
  | { readonly type: "stop" }

/** A control message to the server child: a request and its id, which the answer repeats. */
export type ControlMessage = ControlRequest & { readonly id: number }

/** The server child's answer to a control message. */
export interface ControlAck {
  readonly type: "ack"
  readonly id: number
  readonly ok: boolean
}

/** What the memory child is asked to do. */
export interface MemoryTask {
  readonly url: string
  readonly mode: "stream" | "list"
  /** `/audit/records` ({@link AUDIT_RECORDS}) or `/services/{id}/audit/records` ({@link SMALL_AUDIT_RECORDS}). */
  readonly path: string
  readonly count: number
}

/** What the memory child reports. */
export interface MemoryReport {
  readonly type: "memory"
  readonly mode: "stream" | "list"
  readonly count: number
  readonly items: number
  readonly seconds: number
  /** The probe's CPU time (user + system) during the run. */
  readonly cpuSeconds: number
  /** Bytes, after a full GC, before the run. */
  readonly baseline: { readonly rss: number; readonly heapUsed: number }
  /** Bytes: the highest values sampled during the run. */
  readonly peak: { readonly rss: number; readonly heapUsed: number }
  /** Bytes: `process.memoryUsage()` at the end of the run (results still referenced) minus the baseline. */
  readonly delta: { readonly rss: number; readonly heapUsed: number }
  /** Bytes: after a full GC at the end of the run (results still referenced) minus the baseline. */
  readonly retained: { readonly rss: number; readonly heapUsed: number }
  readonly samples: number
}
