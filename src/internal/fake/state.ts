/**
 * The mutable state of one fake PagerDuty: data, counters, controls, received events. Everything is mutated
 * synchronously (inside `Effect.sync` or a handler), so each request sees and leaves a consistent state.
 *
 * @internal
 */
import * as Option from "effect/Option"
import type { FakeEvent, FakePagerDutyOptions } from "../../FakePagerDuty.js"
import { canonicalPath, isPathParam, lookupEndpoint } from "../endpoints.js"
import { KNOWN_ABILITIES } from "./abilities.js"
import { Faults, RateLimiter, RequestLog } from "./controls.js"
import { hexKey, recordId } from "./ids.js"
import { asString, isObject, isoSeconds, type JsonObject, singular } from "./json.js"
import { FakeOAuth } from "./oauth.js"
import { type Collection, Store } from "./store.js"

/** How records of a collection are typed and addressed. @internal */
export interface CollectionMeta {
  /** Whether the API addresses single records of the collection (`/<key>/{id}`): they get ids and a `self`. */
  readonly identifiable: boolean
  /** The `type` of its records (`user`, `escalation_policy`, ...). */
  readonly typeName: string
  /** The path prefix of a record's `self` URL. */
  readonly selfBase: string
  /** Whether records get an `html_url` (top-level collections). */
  readonly htmlUrl: boolean
}

const PROBE_SEGMENT = "%00fake-id%00"

const computeMeta = (key: string): CollectionMeta => {
  if (key.startsWith("analytics/")) {
    // Analytics rows are plain data: no type, self or html_url.
    return { identifiable: false, typeName: "analytics", selfBase: key, htmlUrl: false }
  }
  const segments = key.split("/")
  const last = segments[segments.length - 1]
  const itemTemplate = Option.getOrUndefined(canonicalPath(`/${key}/${PROBE_SEGMENT}`))
  let identifiable = false
  let typeName = singular(last)
  if (itemTemplate !== undefined) {
    const templateSegments = itemTemplate.split("/").slice(1)
    identifiable = templateSegments.length === segments.length + 1 &&
      isPathParam(templateSegments[templateSegments.length - 1])
    if (identifiable) {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const entry = Option.getOrUndefined(lookupEndpoint(method, itemTemplate))
        if (entry !== undefined && entry.responseWrapper !== null) {
          typeName = entry.responseWrapper
          break
        }
      }
    }
  }
  // An incident's log entries are the records of `/log_entries/{id}`.
  if (key.endsWith("/log_entries")) {
    return { identifiable: true, typeName: "log_entry", selfBase: "log_entries", htmlUrl: true }
  }
  // Priorities are listed only (`GET /priorities`), but PagerDuty shows them as addressable records.
  if (key === "priorities") return { identifiable: true, typeName: "priority", selfBase: key, htmlUrl: false }
  // Log entries are addressed at `/log_entries/{id}` whichever list they are read from.
  const selfBase = key.endsWith("/log_entries") ? "log_entries" : key
  // Top-level records, and an incident's alerts and log entries, have a page in the web app.
  const htmlUrl = identifiable &&
    (!key.includes("/") || key.endsWith("/alerts") || key.endsWith("/log_entries") || key.endsWith("/integrations"))
  return { identifiable, typeName, selfBase, htmlUrl }
}

/** The `summary` PagerDuty derives for a record without one. @internal */
export const summaryOf = (record: JsonObject): string | undefined =>
  asString(record.summary) ?? asString(record.name) ?? asString(record.title) ?? asString(record.email) ??
    asString(record.description) ?? asString(record.id)

/** @internal */
export class EngineState {
  readonly store = new Store()
  readonly faults = new Faults()
  readonly rateLimiter: RateLimiter
  readonly requestLog: RequestLog
  readonly events: Array<FakeEvent> = []
  /** Events API routing keys registered outside service records (`addIntegration`), to their service id. */
  readonly routingKeys = new Map<string, string>()
  /** Open alerts by service and dedup key (see `openAlertKey`), to their incident id. */
  readonly openAlerts = new Map<string, string>()
  apiKeys: Set<string> | undefined
  /** Called with an incident and the log entry written for it, whenever one is written (the webhooks plugin). */
  readonly incidentObservers: Array<(incident: JsonObject, logEntry: JsonObject, now: number) => void> = []
  /** `Token` keys that belong to a user (key → user id or email); other keys are account-level. */
  readonly userApiKeys: ReadonlyMap<string, string>
  /** The account's abilities. */
  readonly abilities: ReadonlySet<string>
  /** The origin of `self` URLs when set (`publicUrl`), whatever the request's. */
  readonly publicOrigin: string | undefined
  /** The OAuth identity service: clients, issued tokens and codes (served and reset by `oauthPlugin`). */
  readonly oauth: FakeOAuth
  latencyMillis: number
  /** The origin used for `self` URLs outside a request (the server sets its own URL). */
  defaultOrigin = "https://api.pagerduty.com"
  readonly subdomain: string
  private idCounter = 0
  private incidentCounter = 0
  private requestCounter = 0
  private keyCounter = 0
  private metas = new Map<string, CollectionMeta>()

  constructor(options: FakePagerDutyOptions | undefined, latencyMillis: number) {
    this.apiKeys = options?.apiKeys === undefined ? undefined : new Set(options.apiKeys)
    this.abilities = new Set(options?.abilities ?? KNOWN_ABILITIES)
    this.userApiKeys = new Map(Object.entries(options?.userApiKeys ?? {}))
    this.publicOrigin = options?.publicUrl === undefined ? undefined : options.publicUrl.replace(/\/+$/, "")
    this.latencyMillis = latencyMillis
    this.rateLimiter = new RateLimiter(options?.rateLimit?.perMinute)
    this.requestLog = new RequestLog(options?.recordRequests ?? true, options?.maxRecordedRequests ?? 10_000)
    this.subdomain = options?.subdomain ?? "fake"
    this.oauth = new FakeOAuth(options?.oauth)
  }

  /** Clears data, counters, logs, events and faults (keeps the options-level settings). */
  resetData(): void {
    this.store.clear()
    this.faults.clear()
    this.rateLimiter.reset()
    this.requestLog.clear()
    this.events.length = 0
    this.routingKeys.clear()
    this.openAlerts.clear()
    this.idCounter = 0
    this.incidentCounter = 0
    this.requestCounter = 0
    this.keyCounter = 0
  }

  nextId(): string {
    return recordId(++this.idCounter)
  }

  nextIncidentNumber(): number {
    return ++this.incidentCounter
  }

  nextRequestId(): string {
    const n = ++this.requestCounter
    return `fake-${n.toString(16).padStart(8, "0")}-${hexKey(n, 3).slice(0, 12)}`
  }

  /** A fresh 32-hex key (integration key or dedup key). */
  nextHexKey(): string {
    return hexKey(++this.keyCounter, 11)
  }

  meta(key: string): CollectionMeta {
    let meta = this.metas.get(key)
    if (meta === undefined) {
      meta = computeMeta(key)
      this.metas.set(key, meta)
    }
    return meta
  }

  collection(key: string): Collection {
    return this.store.collection(key)
  }

  /** Fills in what PagerDuty adds to a new record (id, type, summary, created_at) and stores it. */
  insert(key: string, input: JsonObject, now: number): JsonObject {
    const meta = this.meta(key)
    let record = input
    if (meta.identifiable) {
      record = { ...input }
      if (typeof record.id === "number") record.id = String(record.id)
      else if (typeof record.id !== "string") record.id = this.nextId()
      if (record.type === undefined) record.type = meta.typeName
      if (record.summary === undefined) record.summary = summaryOf(record)
      if (record.created_at === undefined) record.created_at = isoSeconds(now)
      // Incident numbers continue after seeded incidents.
      if (key === "incidents" && typeof record.incident_number === "number") {
        this.incidentCounter = Math.max(this.incidentCounter, record.incident_number)
      }
    } else if (typeof record.id === "number") {
      record = { ...input, id: String(input.id) }
    }
    this.collection(key).upsert(record)
    return record
  }

  /** A record as the API shows it: `self` on the origin of the request, `html_url` for top-level records. */
  present(key: string, record: JsonObject, origin: string): JsonObject {
    const meta = this.meta(key)
    if (!meta.identifiable || typeof record.id !== "string") return record
    const needsSelf = record.self === undefined
    const needsHtml = meta.htmlUrl && record.html_url === undefined
    if (!needsSelf && !needsHtml) return record
    const out: JsonObject = { ...record }
    if (needsSelf) out.self = `${origin}/${meta.selfBase}/${record.id}`
    if (needsHtml) out.html_url = `https://${this.subdomain}.pagerduty.com/${key}/${record.id}`
    return out
  }

  private jsonCache = new WeakMap<
    JsonObject,
    { readonly key: string; readonly origin: string; readonly text: string }
  >()

  /**
   * `present`, as JSON text: the record's JSON with `self`/`html_url` appended, cached per record (records are never
   * mutated: an update stores a new object), so listing the same records again costs no serialization.
   */
  presentJson(key: string, record: JsonObject, origin: string): string {
    const cached = this.jsonCache.get(record)
    if (cached !== undefined && cached.origin === origin && cached.key === key) return cached.text
    const meta = this.meta(key)
    let text = JSON.stringify(record)
    if (meta.identifiable && typeof record.id === "string") {
      let extra = ""
      if (record.self === undefined) extra += `,"self":${JSON.stringify(`${origin}/${meta.selfBase}/${record.id}`)}`
      if (meta.htmlUrl && record.html_url === undefined) {
        extra += `,"html_url":${JSON.stringify(`https://${this.subdomain}.pagerduty.com/${key}/${record.id}`)}`
      }
      if (extra.length > 0) text = text === "{}" ? `{${extra.slice(1)}}` : `${text.slice(0, -1)}${extra}}`
    }
    this.jsonCache.set(record, { key, origin, text })
    return text
  }

  /** A `<type>_reference` to a record. */
  reference(key: string, record: JsonObject, origin: string): JsonObject {
    const shown = this.present(key, record, origin)
    const type = asString(record.type) ?? this.meta(key).typeName
    const out: JsonObject = {
      id: record.id,
      type: type.endsWith("_reference") ? type : `${type}_reference`,
      summary: summaryOf(record) ?? null
    }
    if (shown.self !== undefined) out.self = shown.self
    if (shown.html_url !== undefined) out.html_url = shown.html_url
    return out
  }

  findUserByEmail(email: string): JsonObject | undefined {
    const users = this.store.peek("users")
    if (users === undefined || users.isGenerated) return undefined
    const wanted = email.toLowerCase()
    for (let i = 0; i < users.size; i++) {
      const user = users.at(i)
      if (typeof user.email === "string" && user.email.toLowerCase() === wanted) return user
    }
    return undefined
  }

  /** The service an Events API routing key belongs to. */
  serviceForRoutingKey(routingKey: string): string | undefined {
    const registered = this.routingKeys.get(routingKey)
    if (registered !== undefined) return registered
    const services = this.store.peek("services")
    if (services !== undefined && !services.isGenerated) {
      for (let i = 0; i < services.size; i++) {
        const service = services.at(i)
        if (routingKeysOf(service).includes(routingKey)) return service.id as string
      }
    }
    for (const key of this.store.keys()) {
      if (!key.startsWith("services/") || !key.endsWith("/integrations")) continue
      const integrations = this.store.peek(key)
      if (integrations === undefined) continue
      for (let i = 0; i < integrations.size; i++) {
        if (integrations.at(i).integration_key === routingKey) return key.split("/")[1]
      }
    }
    return undefined
  }
}

/** The routing keys a service record carries: `routing_key`, `integration_key`, `integrations[].integration_key`. */
const routingKeysOf = (service: JsonObject): Array<string> => {
  const keys: Array<string> = []
  if (typeof service.routing_key === "string") keys.push(service.routing_key)
  if (typeof service.integration_key === "string") keys.push(service.integration_key)
  if (Array.isArray(service.integrations)) {
    for (const integration of service.integrations) {
      if (isObject(integration) && typeof integration.integration_key === "string") {
        keys.push(integration.integration_key)
      }
    }
  }
  return keys
}
