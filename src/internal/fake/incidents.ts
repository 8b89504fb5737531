/**
 * Incidents, alerts, notes and log entries: shared by the REST routes (`POST/PUT /incidents...`) and the Events API
 * (`trigger`/`acknowledge`/`resolve`).
 *
 * @internal
 */
import { idOf, isObject, isoSeconds, type JsonObject } from "./json.js"
import { initialAssignments } from "./oncall.js"
import type { EngineState } from "./state.js"

/** Who did something, as log entries show it. @internal */
export interface Actor {
  readonly agent: JsonObject
  readonly channel: JsonObject
}

/** The user named by a `From` header (a reference to the seeded user, or an email-only reference). @internal */
export const userActor = (state: EngineState, from: string | undefined, origin: string): Actor => {
  const user = from === undefined ? undefined : state.findUserByEmail(from)
  const agent = user !== undefined ?
    state.reference("users", user, origin) :
    { id: null, type: "user_reference", summary: from ?? "API" }
  return { agent, channel: { type: "api", summary: "The PagerDuty website or APIs" } }
}

/** The Events API integration of a service. @internal */
export const eventsActor = (state: EngineState, service: JsonObject, origin: string): Actor => ({
  agent: state.reference("services", service, origin),
  channel: { type: "api", summary: "Events API v2" }
})

/**
 * Stores an incident's new state. Every change of an incident (creation, status, fields, alert counts) goes through
 * here: the one place to observe incident changes (webhooks).
 *
 * @internal
 */
export const saveIncident = (state: EngineState, incident: JsonObject): void => {
  state.collection("incidents").upsert(incident)
}

const incidentLogKey = (incidentId: string): string => `incidents/${incidentId}/log_entries`

/** @internal */
export const alertsKey = (incidentId: string): string => `incidents/${incidentId}/alerts`

/** Writes a log entry to `/log_entries` and to the incident's own list. @internal */
export const writeLogEntry = (
  state: EngineState,
  incident: JsonObject,
  type: string,
  summary: string,
  actor: Actor,
  now: number,
  origin: string,
  extra?: JsonObject
): JsonObject => {
  const entry = state.insert("log_entries", {
    type,
    summary,
    created_at: isoSeconds(now),
    agent: actor.agent,
    channel: actor.channel,
    service: incident.service ?? null,
    incident: state.reference("incidents", incident, origin),
    teams: incident.teams ?? [],
    contexts: [],
    ...extra
  }, now)
  state.collection(incidentLogKey(incident.id as string)).upsert(entry)
  for (const observe of state.incidentObservers) observe(incident, entry, now)
  return entry
}

/**
 * Creates an incident on a service, with its trigger log entry.
 *
 * @internal
 */
export const createIncident = (
  state: EngineState,
  fields: JsonObject,
  service: JsonObject,
  actor: Actor,
  now: number,
  origin: string
): JsonObject => {
  const number = state.nextIncidentNumber()
  const at = isoSeconds(now)
  const title = typeof fields.title === "string" ? fields.title : "Incident"
  const {
    id: _id,
    incident_number: _number,
    service: _service,
    status: _status,
    type: _type,
    ...rest
  } = fields
  const body = isObject(fields.body) ? fields.body : undefined
  const policy = isObject(fields.escalation_policy) ?
    fields.escalation_policy :
    isObject(service.escalation_policy) ?
    service.escalation_policy :
    undefined
  const assignments = Array.isArray(fields.assignments) && fields.assignments.length > 0 ?
    fields.assignments.map((assignment) => ({ at, ...(isObject(assignment) ? assignment : {}) })) :
    initialAssignments(state, idOf(policy), now, origin)
  const created = state.insert("incidents", {
    ...rest,
    id: state.nextId(),
    type: "incident",
    incident_number: number,
    title,
    description: typeof body?.details === "string" ? body.details : title,
    summary: `[#${number}] ${title}`,
    status: "triggered",
    incident_key: typeof fields.incident_key === "string" ? fields.incident_key : state.nextHexKey(),
    created_at: at,
    updated_at: at,
    last_status_change_at: at,
    last_status_change_by: state.reference("services", service, origin),
    urgency: fields.urgency ?? "high",
    service: state.reference("services", service, origin),
    escalation_policy: policy ?? null,
    priority: fields.priority ?? null,
    assignments,
    acknowledgements: [],
    teams: service.teams ?? [],
    alert_counts: { all: 0, triggered: 0, resolved: 0 },
    resolve_reason: null,
    resolved_at: null,
    assigned_via: "escalation_policy"
  }, now)
  const entry = writeLogEntry(state, created, "trigger_log_entry", "Triggered through the API.", actor, now, origin)
  const incident = { ...created, first_trigger_log_entry: state.reference("log_entries", entry, origin) }
  saveIncident(state, incident)
  return incident
}

/** The statuses an incident may be set to through the API. @internal */
export const incidentStatuses: ReadonlyArray<string> = ["triggered", "acknowledged", "resolved"]

const recountAlerts = (state: EngineState, incident: JsonObject): JsonObject => {
  const alerts = state.store.peek(alertsKey(incident.id as string))
  let triggered = 0
  let resolved = 0
  if (alerts !== undefined) {
    for (let i = 0; i < alerts.size; i++) {
      if (alerts.at(i).status === "resolved") resolved++
      else triggered++
    }
  }
  return { ...incident, alert_counts: { all: triggered + resolved, triggered, resolved } }
}

/** Resolves an alert and forgets its open dedup key. @internal */
export const resolveAlert = (state: EngineState, alert: JsonObject, now: number): JsonObject => {
  if (alert.status === "resolved") return alert
  const resolved = { ...alert, status: "resolved", resolved_at: isoSeconds(now) }
  const incidentId = isObject(alert.incident) ? alert.incident.id as string : undefined
  if (incidentId !== undefined) state.collection(alertsKey(incidentId)).upsert(resolved)
  const serviceId = isObject(alert.service) ? alert.service.id : undefined
  if (typeof serviceId === "string" && typeof alert.alert_key === "string") {
    state.openAlerts.delete(openAlertKey(serviceId, alert.alert_key))
  }
  return resolved
}

/** The key of an open alert in `state.openAlerts`. @internal */
export const openAlertKey = (serviceId: string, dedupKey: string): string => `${serviceId}\u0000${dedupKey}`

/**
 * Moves an incident to a status, writing the log entry. Returns the updated incident, or an error message when the
 * change is not allowed (a resolved incident cannot change; nothing returns to `triggered`).
 *
 * @internal
 */
export const changeIncidentStatus = (
  state: EngineState,
  incident: JsonObject,
  status: string,
  actor: Actor,
  now: number,
  origin: string
): JsonObject | string => {
  if (!incidentStatuses.includes(status)) return `Invalid status '${status}'.`
  if (incident.status === status) return incident
  if (incident.status === "resolved") return "Incident Already Resolved"
  if (status === "triggered") return "An incident cannot be moved back to triggered."
  const at = isoSeconds(now)
  let updated: JsonObject = {
    ...incident,
    status,
    updated_at: at,
    last_status_change_at: at,
    last_status_change_by: actor.agent
  }
  const who = typeof actor.agent.summary === "string" ? actor.agent.summary : "the API"
  if (status === "acknowledged") {
    updated.acknowledgements = [
      ...(Array.isArray(incident.acknowledgements) ? incident.acknowledgements : []),
      { at, acknowledger: actor.agent }
    ]
    writeLogEntry(state, updated, "acknowledge_log_entry", `Acknowledged by ${who}.`, actor, now, origin)
  } else {
    const alerts = state.store.peek(alertsKey(incident.id as string))
    if (alerts !== undefined) {
      for (let i = 0; i < alerts.size; i++) resolveAlert(state, alerts.at(i), now)
    }
    updated.resolved_at = at
    writeLogEntry(state, updated, "resolve_log_entry", `Resolved by ${who}.`, actor, now, origin)
    updated = recountAlerts(state, updated)
  }
  saveIncident(state, updated)
  return updated
}

/** Adds an alert to an incident (Events API trigger). @internal */
export const addAlert = (
  state: EngineState,
  incident: JsonObject,
  service: JsonObject,
  dedupKey: string,
  event: JsonObject,
  now: number,
  origin: string,
  integration?: JsonObject | undefined
): JsonObject => {
  const payload = isObject(event.payload) ? event.payload : {}
  const incidentId = incident.id as string
  const alert = state.insert(alertsKey(incidentId), {
    type: "alert",
    summary: payload.summary ?? null,
    created_at: isoSeconds(now),
    status: "triggered",
    alert_key: dedupKey,
    service: state.reference("services", service, origin),
    incident: state.reference("incidents", incident, origin),
    integration: integration === undefined ?
      null :
      state.reference(`services/${service.id as string}/integrations`, integration, origin),
    severity: payload.severity ?? null,
    suppressed: false,
    body: {
      type: "alert_body",
      contexts: [
        ...(Array.isArray(event.links) ? event.links : []),
        ...(Array.isArray(event.images) ? event.images : [])
      ],
      details: payload.custom_details ?? null,
      cef_details: {
        client: event.client ?? null,
        client_url: event.client_url ?? null,
        dedup_key: dedupKey,
        description: payload.summary ?? null,
        event_class: payload.class ?? null,
        reporter_component: payload.component ?? null,
        reporter_location: payload.group ?? null,
        severity: payload.severity ?? null,
        source_origin: payload.source ?? null
      }
    }
  }, now)
  state.openAlerts.set(openAlertKey(service.id as string, dedupKey), incidentId)
  saveIncident(state, recountAlerts(state, incident))
  return alert
}

/** The open alert of a service with a dedup key, and its incident. @internal */
export const findOpenAlert = (
  state: EngineState,
  serviceId: string,
  dedupKey: string
): { readonly alert: JsonObject; readonly incident: JsonObject } | undefined => {
  const incidentId = state.openAlerts.get(openAlertKey(serviceId, dedupKey))
  if (incidentId === undefined) return undefined
  const incident = state.store.peek("incidents")?.get(incidentId)
  const alerts = state.store.peek(alertsKey(incidentId))
  if (incident === undefined || alerts === undefined) return undefined
  for (let i = 0; i < alerts.size; i++) {
    const alert = alerts.at(i)
    if (alert.alert_key === dedupKey && alert.status !== "resolved") return { alert, incident }
  }
  return undefined
}

/** Re-reads an incident's alert counts after its alerts changed. @internal */
export const refreshIncident = (state: EngineState, incidentId: string): JsonObject | undefined => {
  const incident = state.store.peek("incidents")?.get(incidentId)
  if (incident === undefined) return undefined
  const updated = recountAlerts(state, incident)
  saveIncident(state, updated)
  return updated
}
