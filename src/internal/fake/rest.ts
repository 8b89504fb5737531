/**
 * The REST API v2: every operation of the endpoint table is served generically from the store (list in the
 * operation's pagination style, create, read, update, delete, with the table's wrappers), plus the routes whose
 * semantics go beyond storage (incidents, notes, integrations, `/users/me`, change events).
 *
 * @internal
 */
import * as Option from "effect/Option"
import type { FakeResponse } from "../../FakePagerDuty.js"
import { canonicalPath, decodeSegment, isPathParam, lookupEndpoint } from "../endpoints.js"
import type { EndpointEntry } from "../endpointTypes.js"
import { KNOWN_ABILITIES } from "./abilities.js"
import { createdDefaultsFor } from "./defaults.js"
import { handleChangeEvent } from "./events.js"
import {
  type Actor,
  alertsKey,
  changeIncidentStatus,
  createIncident,
  incidentStatuses,
  openAlertKey,
  refreshIncident,
  saveIncident,
  userActor,
  writeLogEntry
} from "./incidents.js"
import { expandIncludes, includesOf } from "./include.js"
import { idOf, isObject, isoSeconds, isPlural, type JsonObject, parseTime } from "./json.js"
import { listAfter, listAll, listAnalytics, listCursor, listOffset } from "./listing.js"
import { computeOnCalls } from "./oncall.js"
import { emptyReply, fromRequired, invalidInput, jsonReply, notFound, restError } from "./reply.js"
import type { ParsedRequest } from "./request.js"
import { type EngineState, summaryOf } from "./state.js"
import { validateRequest } from "./validate.js"

interface RestContext {
  readonly state: EngineState
  readonly request: ParsedRequest
  readonly now: number
  readonly entry: EndpointEntry
  readonly templateSegments: ReadonlyArray<string>
  /** The concrete path's segments, percent-decoded. */
  readonly segments: ReadonlyArray<string>
}

type Handler = (context: RestContext) => FakeResponse

const pathSegments = (path: string): Array<string> => {
  let start = 0
  let end = path.length
  if (path.charCodeAt(0) === 47) start = 1
  if (end > start && path.charCodeAt(end - 1) === 47) end--
  return path.slice(start, end).split("/").map(decodeSegment)
}

const isItem = (context: RestContext): boolean =>
  isPathParam(context.templateSegments[context.templateSegments.length - 1])

const itemKey = (context: RestContext): string => context.segments.slice(0, -1).join("/")

const itemId = (context: RestContext): string => context.segments[context.segments.length - 1]

const collectionKeyOf = (context: RestContext): string => context.segments.join("/")

const wrap = (wrapper: string | null, value: unknown): unknown => wrapper === null ? value : { [wrapper]: value }

/** The entity of a request body: the wrapper's value, or the whole body when the operation has no wrapper. */
const entityOf = (context: RestContext, wrapper: string | null, required: boolean): JsonObject | FakeResponse => {
  const body = context.request.body()
  if (body._tag === "Invalid") return invalidInput("The request body is not valid JSON.")
  if (body._tag === "Empty") return required && wrapper !== null ? invalidInput(`'${wrapper}' is required.`) : {}
  const value = body.value
  if (!isObject(value)) return invalidInput("The request body must be a JSON object.")
  if (wrapper === null) return value
  const entity = value[wrapper]
  if (entity === undefined && !required) return {}
  if (!isObject(entity)) return invalidInput(`'${wrapper}' must be an object.`)
  return entity
}

const isResponse = (u: JsonObject | FakeResponse): u is FakeResponse =>
  u._tag === "Response" && typeof u.status === "number" && typeof u.body === "string"

const present = (context: RestContext, key: string, record: JsonObject): JsonObject =>
  context.state.present(key, record, context.request.origin)

const SERVER_FIELDS = ["id", "self", "html_url"] as const

const withoutServerFields = (entity: JsonObject): JsonObject => {
  const out: JsonObject = { ...entity }
  for (const field of SERVER_FIELDS) delete out[field]
  return out
}

/** Merges an update into a record: `id`, `type` and `created_at` stay; a derived `summary` follows the name. */
const mergeRecord = (existing: JsonObject, patch: JsonObject, now: number): JsonObject => {
  const merged: JsonObject = { ...existing, ...withoutServerFields(patch), id: existing.id }
  if (existing.type !== undefined) merged.type = existing.type
  if (existing.created_at !== undefined) merged.created_at = existing.created_at
  if (patch.summary === undefined && existing.summary === summaryOf({ ...existing, summary: undefined })) {
    merged.summary = summaryOf({ ...merged, summary: undefined })
  }
  if (existing.updated_at !== undefined) merged.updated_at = isoSeconds(now)
  return merged
}

const requiredFields: ReadonlyMap<string, ReadonlyArray<string>> = new Map([
  ["users", ["name", "email"]],
  ["teams", ["name"]],
  ["services", ["name"]],
  ["escalation_policies", ["name"]]
])

const validateNew = (state: EngineState, key: string, entity: JsonObject): FakeResponse | undefined => {
  const errors: Array<string> = []
  for (const field of requiredFields.get(key) ?? []) {
    const value = entity[field]
    if (typeof value !== "string" || value.trim().length === 0) {
      errors.push(`${field.charAt(0).toUpperCase()}${field.slice(1)} can't be blank.`)
    }
  }
  if (key === "users" && typeof entity.email === "string" && state.findUserByEmail(entity.email) !== undefined) {
    errors.push("Email has already been taken.")
  }
  return errors.length > 0 ? invalidInput(...errors) : undefined
}

// ---------------------------------------------------------------------------------------------------------------------
// Generic operations
// ---------------------------------------------------------------------------------------------------------------------

/**
 * Whether a collection's GET answers one entity in its wrapper rather than a list: its name says so (`user` or
 * `users`), except for the two wrappers whose name misleads (PagerDuty's document answers one object in
 * `paused_incident_reporting_counts` and a list in `enrichment_data`).
 */
const isSingleEntity = (wrapper: string): boolean =>
  wrapper === "paused_incident_reporting_counts" || (wrapper !== "enrichment_data" && !isPlural(wrapper))

const getGeneric: Handler = (context) => {
  const { entry, state } = context
  if (isItem(context)) {
    const key = itemKey(context)
    const record = state.store.peek(key)?.get(itemId(context))
    if (record === undefined) return notFound()
    const includes = includesOf(context.request.query.getAll("include"))
    const shown = present(context, key, record)
    return jsonReply(
      200,
      wrap(
        entry.responseWrapper,
        includes.length === 0 ? shown : expandIncludes(state, shown, includes, context.request.origin)
      )
    )
  }
  const key = collectionKeyOf(context)
  const wrapper = entry.responseWrapper
  const input = {
    state,
    request: context.request,
    key,
    wrapper: wrapper ?? context.segments[context.segments.length - 1]
  }
  switch (entry.pagination) {
    case "offset":
      return listOffset(input)
    case "cursor":
      return listCursor(input)
    case "after":
      return listAfter(input)
    default: {
      if (wrapper !== null) return listAll(input, isSingleEntity(wrapper))
      const collection = state.store.peek(key)
      return collection === undefined || collection.size === 0 ?
        notFound() :
        jsonReply(200, present(context, key, collection.at(0)))
    }
  }
}

const upsertItem = (context: RestContext, status: number): FakeResponse => {
  const { entry, now, state } = context
  const key = itemKey(context)
  const id = itemId(context)
  const patch = entityOf(context, entry.requestWrapper, false)
  if (isResponse(patch)) return patch
  const existing = state.store.peek(key)?.get(id)
  if (existing === undefined) {
    // Nested items (team members, associations) are created by PUT; top-level records must exist.
    if (!key.includes("/")) return notFound()
    const created = state.insert(key, { ...withoutServerFields(patch), id }, now)
    return entry.responseWrapper === null ?
      emptyReply(204) :
      jsonReply(status, wrap(entry.responseWrapper, present(context, key, created)))
  }
  const merged = mergeRecord(existing, patch, now)
  state.collection(key).upsert(merged)
  return jsonReply(200, wrap(entry.responseWrapper, present(context, key, merged)))
}

/**
 * A record created in a nested collection (`users/{id}/contact_methods`) is listed by reference on its parent when the
 * parent has a list of that name (the user's `contact_methods`), as PagerDuty shows it.
 */
const listOnParent = (context: RestContext, key: string, created: JsonObject): void => {
  const { request, segments, state } = context
  if (segments.length !== 3) return
  const parentKey = segments[0]
  const parents = state.store.peek(parentKey)
  const parent = parents?.get(segments[1])
  const field = segments[2]
  if (parents === undefined || parent === undefined || !Array.isArray(parent[field])) return
  parents.upsert({ ...parent, [field]: [...parent[field], state.reference(key, created, request.origin)] })
}

const postGeneric: Handler = (context) => {
  const { entry, now, request, segments, state, templateSegments } = context
  if (entry.pagination === "analytics") {
    return listAnalytics(state, request, collectionKeyOf(context), entry.responseWrapper ?? "data")
  }
  if (isItem(context)) return upsertItem(context, 201)
  // An action on a parent record that answers with that record (`POST /incidents/{id}/snooze` → `incident`).
  const n = templateSegments.length
  if (n >= 3 && isPathParam(templateSegments[n - 2]) && entry.responseWrapper !== null) {
    const parentKey = segments.slice(0, n - 2).join("/")
    if (state.meta(parentKey).typeName === entry.responseWrapper) {
      const parent = state.store.peek(parentKey)?.get(segments[n - 2])
      if (parent !== undefined) return jsonReply(200, wrap(entry.responseWrapper, present(context, parentKey, parent)))
    }
  }
  const key = collectionKeyOf(context)
  const entity = entityOf(context, entry.requestWrapper, true)
  if (isResponse(entity)) return entity
  const invalid = validateNew(state, key, entity)
  if (invalid !== undefined) return invalid
  const fields: JsonObject = { ...createdDefaultsFor(`POST ${entry.path}`, now), ...withoutServerFields(entity) }
  // The user who created it (a maintenance window's `created_by`): the `From` header's user, as PagerDuty does.
  const creator = request.headers.from === undefined ? undefined : state.findUserByEmail(request.headers.from)
  if (fields.created_by === null && creator !== undefined) {
    fields.created_by = state.reference("users", creator, request.origin)
  }
  // What a POST creates has an id and a type, even in a collection the API does not address by id.
  if (!state.meta(key).identifiable && entry.responseWrapper !== null) {
    fields.id = state.nextId()
    if (fields.type === undefined) fields.type = entry.responseWrapper
  }
  const created = state.insert(key, fields, now)
  listOnParent(context, key, created)
  return jsonReply(201, wrap(entry.responseWrapper, present(context, key, created)))
}

const putGeneric: Handler = (context) => {
  const { entry, now, state } = context
  if (isItem(context)) return upsertItem(context, 200)
  // PUT on a collection: a multi-update (an array of records with ids) or a singleton replacement.
  const key = collectionKeyOf(context)
  const body = context.request.body()
  if (body._tag === "Invalid") return invalidInput("The request body is not valid JSON.")
  const value = body._tag === "Json" ? body.value : {}
  const content = entry.requestWrapper !== null && isObject(value) ? value[entry.requestWrapper] : value
  if (Array.isArray(content)) {
    const collection = state.collection(key)
    const updates: Array<JsonObject> = []
    for (const item of content) {
      if (!isObject(item) || typeof item.id !== "string") return invalidInput("Each item must be an object with an id.")
      const existing = collection.get(item.id)
      if (existing === undefined) return notFound()
      updates.push(mergeRecord(existing, item, now))
    }
    for (const update of updates) collection.upsert(update)
    return jsonReply(200, wrap(entry.responseWrapper, updates.map((update) => present(context, key, update))))
  }
  if (!isObject(content)) return invalidInput("The request body must be a JSON object.")
  const collection = state.collection(key)
  const previous = collection.size > 0 ? collection.at(0) : undefined
  collection.clear()
  const saved = state.insert(key, previous === undefined ? content : { ...previous, ...content }, now)
  return jsonReply(200, wrap(entry.responseWrapper, present(context, key, saved)))
}

const deleteGeneric: Handler = (context) => {
  const { state } = context
  if (!isItem(context)) {
    state.store.peek(collectionKeyOf(context))?.clear()
    return emptyReply(204)
  }
  const removed = state.store.peek(itemKey(context))?.remove(itemId(context)) ?? false
  if (removed === "generated") return invalidInput("FakePagerDuty: records of a generated collection are read-only.")
  return removed ? emptyReply(204) : notFound()
}

const generic: Readonly<Record<string, Handler>> = {
  GET: getGeneric,
  POST: postGeneric,
  PUT: putGeneric,
  PATCH: putGeneric,
  DELETE: deleteGeneric
}

// ---------------------------------------------------------------------------------------------------------------------
// Incidents
// ---------------------------------------------------------------------------------------------------------------------

const actorOf = (context: RestContext): Actor =>
  userActor(context.state, context.request.headers.from, context.request.origin)

const createIncidentRoute: Handler = (context) => {
  const { now, request, state } = context
  const entity = entityOf(context, "incident", true)
  if (isResponse(entity)) return entity
  const errors: Array<string> = []
  if (typeof entity.title !== "string" || entity.title.trim().length === 0) errors.push("Title can't be blank.")
  const serviceId = isObject(entity.service) ? entity.service.id : undefined
  if (typeof serviceId !== "string") errors.push("Service can't be blank.")
  if (errors.length > 0) return invalidInput(...errors)
  const service = state.store.peek("services")?.get(serviceId as string)
  if (service === undefined) return invalidInput("Service not found.")
  const incidents = state.store.peek("incidents")
  if (typeof entity.incident_key === "string" && incidents !== undefined) {
    for (let i = 0; i < incidents.size; i++) {
      const other = incidents.at(i)
      if (
        other.incident_key === entity.incident_key && other.status !== "resolved" &&
        isObject(other.service) && other.service.id === serviceId
      ) {
        return restError(400, "Incident Already Exists", 2001, [
          `Open incident with key '${entity.incident_key}' already exists.`
        ])
      }
    }
  }
  const incident = createIncident(state, entity, service, actorOf(context), now, request.origin)
  return jsonReply(201, { incident: present(context, "incidents", incident) })
}

const INCIDENT_FIXED_FIELDS = ["id", "type", "status", "incident_number", "created_at", "self", "html_url"]

const statusError = (incident: JsonObject, status: unknown): string | undefined => {
  if (status === undefined || status === incident.status) return undefined
  if (typeof status !== "string" || !incidentStatuses.includes(status)) return `Invalid status '${String(status)}'.`
  if (incident.status === "resolved") return "Incident Already Resolved"
  if (status === "triggered") return "An incident cannot be moved back to triggered."
  return undefined
}

const applyIncidentUpdate = (context: RestContext, incident: JsonObject, patch: JsonObject): JsonObject => {
  const { now, request, state } = context
  let current = incident
  const fields: JsonObject = {}
  for (const field in patch) if (!INCIDENT_FIXED_FIELDS.includes(field)) fields[field] = patch[field]
  if (Object.keys(fields).length > 0) {
    current = { ...current, ...fields, updated_at: isoSeconds(now) }
    if (typeof fields.title === "string") current.summary = `[#${String(current.incident_number)}] ${fields.title}`
    saveIncident(state, current)
    // Not a stored log entry: tells the observers (webhooks) which fields changed.
    const change = { type: "incident_fields_change", previous: incident, agent: actorOf(context).agent }
    for (const observe of state.incidentObservers) observe(current, change, now)
  }
  if (typeof patch.status === "string" && patch.status !== current.status) {
    const changed = changeIncidentStatus(state, current, patch.status, actorOf(context), now, request.origin)
    if (typeof changed !== "string") current = changed
  }
  return current
}

const updateIncidentRoute: Handler = (context) => {
  const incident = context.state.store.peek("incidents")?.get(itemId(context))
  if (incident === undefined) return notFound()
  const patch = entityOf(context, "incident", true)
  if (isResponse(patch)) return patch
  const error = statusError(incident, patch.status)
  if (error !== undefined) return invalidInput(error)
  return jsonReply(200, { incident: present(context, "incidents", applyIncidentUpdate(context, incident, patch)) })
}

const updateIncidentsRoute: Handler = (context) => {
  const body = context.request.body()
  const items = body._tag === "Json" && isObject(body.value) ? body.value.incidents : undefined
  if (!Array.isArray(items)) return invalidInput("'incidents' must be an array.")
  const incidents = context.state.store.peek("incidents")
  const planned: Array<readonly [JsonObject, JsonObject]> = []
  for (const item of items) {
    if (!isObject(item) || typeof item.id !== "string") return invalidInput("Each incident must have an id.")
    const incident = incidents?.get(item.id)
    if (incident === undefined) return invalidInput(`Incident ${item.id} not found.`)
    const error = statusError(incident, item.status)
    if (error !== undefined) return invalidInput(`${item.id}: ${error}`)
    planned.push([incident, item])
  }
  const updated = planned.map(([incident, patch]) => {
    const fresh = incidents?.get(incident.id as string) ?? incident
    return present(context, "incidents", applyIncidentUpdate(context, fresh, patch))
  })
  return jsonReply(200, { incidents: updated })
}

const createNoteRoute: Handler = (context) => {
  const { now, request, state } = context
  const incidentId = context.segments[1]
  const incident = state.store.peek("incidents")?.get(incidentId)
  if (incident === undefined) return notFound()
  const entity = entityOf(context, "note", true)
  if (isResponse(entity)) return entity
  if (typeof entity.content !== "string" || entity.content.trim().length === 0) {
    return invalidInput("Content can't be blank.")
  }
  const actor = actorOf(context)
  const at = isoSeconds(now)
  const note = state.insert(`incidents/${incidentId}/notes`, {
    user: actor.agent,
    channel: { summary: "The PagerDuty website or APIs" },
    content: entity.content,
    created_at: at,
    updated_at: at
  }, now)
  writeLogEntry(state, incident, "annotate_log_entry", "Note added", actor, now, request.origin, {
    channel: { type: "note", summary: entity.content }
  })
  // The spec documents 200 (not 201) for this operation.
  return jsonReply(200, { note: present(context, `incidents/${incidentId}/notes`, note) })
}

/**
 * After alerts were updated through `PUT /incidents/{id}/alerts[/{alert_id}]`: resolved alerts stop deduplicating,
 * the counts follow, and an incident whose alerts are all resolved is resolved (as PagerDuty does).
 */
const syncAlerts = (handler: Handler): Handler => (context) => {
  const reply = handler(context)
  if (reply.status >= 300) return reply
  const { now, request, state } = context
  const incidentId = context.segments[1]
  const alerts = state.store.peek(alertsKey(incidentId))
  if (alerts !== undefined) {
    for (let i = 0; i < alerts.size; i++) {
      const alert = alerts.at(i)
      if (alert.status !== "resolved") continue
      const serviceId = isObject(alert.service) ? alert.service.id : undefined
      if (typeof serviceId === "string" && typeof alert.alert_key === "string") {
        state.openAlerts.delete(openAlertKey(serviceId, alert.alert_key))
      }
      if (alert.resolved_at === undefined) alerts.upsert({ ...alert, resolved_at: isoSeconds(now) })
    }
  }
  const incident = refreshIncident(state, incidentId)
  const counts = isObject(incident?.alert_counts) ? incident.alert_counts : undefined
  if (incident !== undefined && counts?.all !== 0 && counts?.triggered === 0 && incident.status !== "resolved") {
    changeIncidentStatus(state, incident, "resolved", actorOf(context), now, request.origin)
  }
  return reply
}

// ---------------------------------------------------------------------------------------------------------------------
// Others
// ---------------------------------------------------------------------------------------------------------------------

const accountLevelKey = () =>
  restError(400, "Arguments Caused Error", 2002, ["This endpoint cannot be used with an account-level access token."])

const TOKEN_KEY = /^token\s+token="?([^"]*)"?\s*$/i
const BEARER_TOKEN = /^bearer\s+(\S+)\s*$/i

/**
 * `GET /users/me`: the user a credential belongs to. A `Token` key listed in `userApiKeys` is that user's key; any other
 * `Token` key is account-level (400, as PagerDuty answers). A bearer token acts as a user (the first user, who
 * consented), except one the identity service issued by client credentials (an app's account-level token: 400).
 */
const meRoute: Handler = (context) => {
  const { state } = context
  const authorization = context.request.headers.authorization ?? ""
  const users = state.store.peek("users")
  const key = TOKEN_KEY.exec(authorization)?.[1]
  if (key !== undefined) {
    const owner = state.userApiKeys.get(key)
    if (owner === undefined) return accountLevelKey()
    const user = users?.get(owner) ?? state.findUserByEmail(owner)
    return user === undefined ? notFound() : jsonReply(200, { user: present(context, "users", user) })
  }
  const token = BEARER_TOKEN.exec(authorization)?.[1]
  if (token !== undefined && state.oauth.issued.get(token)?.grantType === "client_credentials") return accountLevelKey()
  if (users === undefined || users.size === 0) return notFound()
  return jsonReply(200, { user: present(context, "users", users.at(0)) })
}

/**
 * Adds an Events API integration to a service: stores it under `services/<id>/integrations`, lists a reference on the
 * service and registers its key. Returns the integration, or `undefined` when the service does not exist.
 *
 * @internal
 */
export const addIntegration = (
  state: EngineState,
  serviceId: string,
  fields: JsonObject,
  now: number,
  origin: string
): JsonObject | undefined => {
  const services = state.store.peek("services")
  const service = services?.get(serviceId)
  if (services === undefined || service === undefined) return undefined
  const integrationKey = typeof fields.integration_key === "string" ? fields.integration_key : state.nextHexKey()
  const integration = state.insert(`services/${serviceId}/integrations`, {
    type: "events_api_v2_inbound_integration",
    name: "Events API v2",
    ...withoutServerFields(fields),
    integration_key: integrationKey,
    service: state.reference("services", service, origin)
  }, now)
  state.routingKeys.set(integrationKey, serviceId)
  const integrations = Array.isArray(service.integrations) ? service.integrations : []
  services.upsert({
    ...service,
    integrations: [...integrations, state.reference(`services/${serviceId}/integrations`, integration, origin)]
  })
  return integration
}

const createIntegrationRoute: Handler = (context) => {
  const entity = entityOf(context, "integration", true)
  if (isResponse(entity)) return entity
  const integration = addIntegration(context.state, context.segments[1], entity, context.now, context.request.origin)
  if (integration === undefined) return notFound()
  return jsonReply(201, {
    integration: present(context, `services/${context.segments[1]}/integrations`, integration)
  })
}

/** An override as stored: its window and a reference to its user (`undefined` user: an unknown id). */
const makeOverride = (context: RestContext, input: JsonObject): JsonObject | ReadonlyArray<string> => {
  const errors: Array<string> = []
  const start = parseTime(input.start)
  const end = parseTime(input.end)
  if (start === undefined) errors.push("Start must be an ISO 8601 date-time.")
  if (end === undefined) errors.push("End must be an ISO 8601 date-time.")
  if (start !== undefined && end !== undefined && end <= start) errors.push("Override must end after its start")
  const userId = idOf(input.user)
  const user = userId === undefined ? undefined : context.state.store.peek("users")?.get(userId)
  if (user === undefined) errors.push("User not found.")
  if (errors.length > 0) return errors
  return {
    id: context.state.nextId(),
    start: isoSeconds(start as number),
    end: isoSeconds(end as number),
    user: context.state.reference("users", user as JsonObject, context.request.origin),
    ...(typeof input.time_zone === "string" ? { time_zone: input.time_zone } : {})
  }
}

/**
 * `POST /schedules/{id}/overrides`: the documented body is `{"overrides": [...]}`, answered 201 with a bare array of
 * `{status, override}` (`{status: 400, errors, override}` for one PagerDuty refuses); the older single form
 * `{"override": {...}}` is answered `{"override": ...}`.
 */
const createOverridesRoute: Handler = (context) => {
  const { now, state } = context
  const key = `schedules/${context.segments[1]}/overrides`
  const body = context.request.body()
  if (body._tag === "Invalid") return invalidInput("The request body is not valid JSON.")
  const value = body._tag === "Json" && isObject(body.value) ? body.value : {}
  if (isObject(value.override) && value.overrides === undefined) {
    const made = makeOverride(context, value.override)
    if (Array.isArray(made)) return invalidInput(...made)
    const stored = state.insert(key, made as JsonObject, now)
    return jsonReply(201, { override: present(context, key, stored) })
  }
  if (!Array.isArray(value.overrides) || value.overrides.length === 0) {
    return invalidInput("'overrides' must be a non-empty array.")
  }
  const results = value.overrides.map((item) => {
    const input = isObject(item) ? item : {}
    const made = makeOverride(context, input)
    if (Array.isArray(made)) return { status: 400, errors: made, override: input }
    return { status: 201, override: present(context, key, state.insert(key, made as JsonObject, now)) }
  })
  return jsonReply(201, results)
}

/** `GET /oncalls`: computed from the escalation policies and schedules (at `since`, else now), plus seeded ones. */
const onCallsRoute: Handler = (context) => {
  const { now, request, state } = context
  const at = parseTime(request.query.get("since")) ?? now
  const entries = computeOnCalls(state, at, request.origin)
  return listOffset({
    state,
    request,
    key: "oncalls",
    wrapper: "oncalls",
    source: { size: entries.length, at: (index) => entries[index] }
  })
}

const abilitiesRoute: Handler = (context) => jsonReply(200, { abilities: [...context.state.abilities] })

const abilityRoute: Handler = (context) => {
  const ability = itemId(context)
  if (context.state.abilities.has(ability)) return emptyReply(204)
  return KNOWN_ABILITIES.includes(ability) ?
    restError(402, "Payment Required", 2012, [`The account does not have the '${ability}' ability.`]) :
    notFound()
}

const special: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ["GET /abilities", abilitiesRoute],
  ["GET /abilities/{id}", abilityRoute],
  ["GET /oncalls", onCallsRoute],
  // The document answers it with a cursor page (`limit` and `next_cursor` required) though it takes no `cursor`.
  [
    "GET /status_dashboards",
    (context) => getGeneric({ ...context, entry: { ...context.entry, pagination: "cursor" } })
  ],
  ["POST /schedules/{id}/overrides", createOverridesRoute],
  ["POST /incidents", createIncidentRoute],
  ["PUT /incidents", updateIncidentsRoute],
  ["PUT /incidents/{id}", updateIncidentRoute],
  ["POST /incidents/{id}/notes", createNoteRoute],
  ["PUT /incidents/{id}/alerts", syncAlerts(putGeneric)],
  ["PUT /incidents/{id}/alerts/{alert_id}", syncAlerts(putGeneric)],
  ["GET /users/me", meRoute],
  ["POST /services/{id}/integrations", createIntegrationRoute],
  ["POST /change_events", (context) => handleChangeEvent(context.state, context.request, context.now)]
])

/**
 * The operations whose success status in the document is not the one the generic handlers answer (201 for a POST,
 * 200 for a PUT): the document's status wins.
 */
const documentedSuccess: ReadonlyMap<string, number> = new Map([
  ["POST /business_services", 200],
  ["POST /schedules/preview", 200],
  ["POST /incidents/{id}/status_updates", 200],
  ["POST /{entity_type}/{id}/change_tags", 200],
  ["PUT /log_entries/{id}/channel", 202]
])

/**
 * Serves a REST request (authentication and rate limiting are done by the caller).
 *
 * @internal
 */
export const handleRest = (state: EngineState, request: ParsedRequest, now: number): FakeResponse => {
  const template = Option.getOrUndefined(canonicalPath(request.path))
  if (template === undefined) return notFound()
  const entry = Option.getOrUndefined(lookupEndpoint(request.method, template))
  if (entry === undefined) return notFound()
  if (entry.requiresFrom) {
    const from = request.headers.from
    if (from === undefined || from.trim().length === 0) return fromRequired()
  }
  const problems = validateRequest(entry.method, template, request)
  if (problems.length > 0) return invalidInput(...problems)
  const templateSegments = template.split("/").slice(1)
  const segments = pathSegments(request.path)
  // The records a path goes through must exist (`/incidents/{id}/notes` of an unknown incident is a 404).
  for (let i = 0; i < templateSegments.length - 1; i++) {
    if (!isPathParam(templateSegments[i])) continue
    const parentKey = segments.slice(0, i).join("/")
    if (state.meta(parentKey).identifiable && state.store.peek(parentKey)?.has(segments[i]) !== true) return notFound()
  }
  const context: RestContext = { state, request, now, entry, templateSegments, segments }
  const handler = special.get(`${entry.method} ${template}`) ?? generic[entry.method]
  if (handler === undefined) return notFound()
  const response = handler(context)
  const documented = documentedSuccess.get(`${entry.method} ${entry.path}`)
  return documented !== undefined && response.status >= 200 && response.status < 300 ?
    { ...response, status: documented } :
    response
}
