/**
 * Events API v2: `POST /v2/enqueue` (alert events) and `POST /v2/change/enqueue` (change events), also served
 * without the `/v2` prefix (the spec's server URL ends in `/v2`).
 *
 * An event whose `routing_key` belongs to no service is rejected with 400 "Invalid routing key" (what PagerDuty
 * answers for a key it does not know: robusta-dev/robusta#571), after the format checks PagerDuty makes on unknown
 * keys ("Length of 'routing_key' is incorrect (should be 32 characters)": envato/pagerduty#70).
 *
 * @internal
 */
import type { FakeEvent, FakeResponse } from "../../FakePagerDuty.js"
import {
  addAlert,
  changeIncidentStatus,
  createIncident,
  eventsActor,
  findOpenAlert,
  refreshIncident,
  resolveAlert
} from "./incidents.js"
import { isObject, isoSeconds, type JsonObject, parseTime } from "./json.js"
import { invalidEvent, jsonReply, unrecognizedEvent } from "./reply.js"
import type { ParsedRequest } from "./request.js"
import type { EngineState } from "./state.js"

const ACTIONS: ReadonlyArray<string> = ["trigger", "acknowledge", "resolve"]
const SEVERITIES: ReadonlyArray<string> = ["critical", "error", "warning", "info"]

const blank = (value: unknown): boolean => typeof value !== "string" || value.trim().length === 0

const parseEvent = (request: ParsedRequest): JsonObject | undefined => {
  const body = request.body()
  return body._tag === "Json" && isObject(body.value) ? body.value : undefined
}

/** The service of a routing key, or the 400 for an unknown one. */
const routeEvent = (
  state: EngineState,
  routingKey: string
): { readonly service: JsonObject } | FakeResponse => {
  const serviceId = state.serviceForRoutingKey(routingKey)
  const service = serviceId === undefined ? undefined : state.store.peek("services")?.get(serviceId)
  if (service !== undefined) return { service }
  if (routingKey.length !== 32) return invalidEvent(["Length of 'routing_key' is incorrect (should be 32 characters)"])
  return invalidEvent(["Invalid routing key"])
}

const severityUrgency = (severity: unknown): string => severity === "info" || severity === "warning" ? "low" : "high"

/**
 * The urgency of an incident an event opens: the service's `incident_urgency_rule` (`constant`: its urgency;
 * `severity_based`: from the severity; `use_support_hours`: the rule `during_support_hours`, support hours being
 * always on in the fake); a service without a rule (a seeded one): from the severity.
 */
const eventUrgency = (service: JsonObject, severity: unknown): string => {
  let rule = service.incident_urgency_rule
  if (isObject(rule) && rule.type === "use_support_hours") rule = rule.during_support_hours
  if (!isObject(rule)) return severityUrgency(severity)
  if (rule.urgency === "high" || rule.urgency === "low") return rule.urgency
  return severityUrgency(severity)
}

const record = (state: EngineState, event: FakeEvent): void => {
  state.events.push(event)
}

/** The integration record of a routing key on a service, if it has one. */
const integrationOf = (state: EngineState, serviceId: string, routingKey: string): JsonObject | undefined => {
  const integrations = state.store.peek(`services/${serviceId}/integrations`)
  if (integrations === undefined) return undefined
  for (let i = 0; i < integrations.size; i++) {
    const integration = integrations.at(i)
    if (integration.integration_key === routingKey) return integration
  }
  return undefined
}

/**
 * `POST /v2/enqueue`: trigger opens an incident with one alert, or deduplicates into the open alert with the same
 * `dedup_key` on that service; acknowledge and resolve move the alert's incident. 202 on success.
 *
 * @internal
 */
export const handleAlertEvent = (state: EngineState, request: ParsedRequest, now: number): FakeResponse => {
  const event = parseEvent(request)
  if (event === undefined) return unrecognizedEvent()
  const errors: Array<string> = []
  if (blank(event.routing_key)) errors.push("'routing_key' is missing or blank")
  const action = event.event_action
  if (blank(action)) errors.push("'event_action' is missing or blank")
  else if (typeof action !== "string" || !ACTIONS.includes(action)) {
    errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
  }
  if (event.dedup_key !== undefined && typeof event.dedup_key !== "string") errors.push("'dedup_key' must be a string")
  if (action === "trigger") {
    const payload = event.payload
    if (!isObject(payload)) {
      errors.push("'payload' is missing or is not an object")
    } else {
      if (blank(payload.summary)) errors.push("'payload.summary' is missing or blank")
      if (blank(payload.source)) errors.push("'payload.source' is missing or blank")
      if (blank(payload.severity)) errors.push("'payload.severity' is missing or blank")
      else if (typeof payload.severity !== "string" || !SEVERITIES.includes(payload.severity)) {
        errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)")
      }
      if (payload.timestamp !== undefined && parseTime(payload.timestamp) === undefined) {
        errors.push("'payload.timestamp' is not a valid ISO 8601 date-time")
      }
    }
  } else if ((action === "acknowledge" || action === "resolve") && blank(event.dedup_key)) {
    errors.push("'dedup_key' is missing or blank")
  }
  if (errors.length > 0) return invalidEvent(errors)

  const routingKey = event.routing_key as string
  const routed = routeEvent(state, routingKey)
  if ("_tag" in routed) return routed
  const service = routed.service
  const serviceId = service.id as string
  const origin = state.defaultOrigin
  const actor = eventsActor(state, service, origin)
  const dedupKey = typeof event.dedup_key === "string" && event.dedup_key.length > 0 ?
    event.dedup_key :
    state.nextHexKey()
  const open = findOpenAlert(state, serviceId, dedupKey)
  let incidentId: string | undefined
  let deduplicated = false

  if (action === "trigger") {
    if (open !== undefined) {
      deduplicated = true
      incidentId = open.incident.id as string
    } else {
      const payload = event.payload as JsonObject
      const incident = createIncident(
        state,
        {
          title: payload.summary,
          incident_key: dedupKey,
          urgency: eventUrgency(service, payload.severity),
          body: { type: "incident_body", details: payload.summary }
        },
        service,
        actor,
        now,
        origin
      )
      addAlert(state, incident, service, dedupKey, event, now, origin, integrationOf(state, serviceId, routingKey))
      incidentId = incident.id as string
    }
  } else if (open !== undefined) {
    incidentId = open.incident.id as string
    if (action === "acknowledge") {
      changeIncidentStatus(state, open.incident, "acknowledged", actor, now, origin)
    } else {
      resolveAlert(state, open.alert, now)
      const incident = refreshIncident(state, incidentId)
      const counts = isObject(incident?.alert_counts) ? incident.alert_counts : undefined
      if (incident !== undefined && counts?.triggered === 0) {
        changeIncidentStatus(state, incident, "resolved", actor, now, origin)
      }
    }
  }

  record(state, {
    kind: "alert",
    action: action as FakeEvent["action"],
    routingKey,
    serviceId,
    dedupKey,
    incidentId,
    deduplicated,
    body: event,
    receivedAt: now
  })
  return jsonReply(202, { status: "success", message: "Event processed", dedup_key: dedupKey })
}

/**
 * `POST /v2/change/enqueue` (and REST `POST /change_events`): records a change event on the routing key's
 * service, listed by `GET /change_events`. 202 on success.
 *
 * @internal
 */
export const handleChangeEvent = (state: EngineState, request: ParsedRequest, now: number): FakeResponse => {
  const event = parseEvent(request)
  if (event === undefined) return unrecognizedEvent()
  const errors: Array<string> = []
  if (blank(event.routing_key)) errors.push("'routing_key' is missing or blank")
  const payload = event.payload
  if (!isObject(payload)) {
    errors.push("'payload' is missing or is not an object")
  } else {
    if (blank(payload.summary)) errors.push("'payload.summary' is missing or blank")
    if (payload.timestamp !== undefined && parseTime(payload.timestamp) === undefined) {
      errors.push("'payload.timestamp' is not a valid ISO 8601 date-time")
    }
  }
  if (errors.length > 0) return invalidEvent(errors)

  const routingKey = event.routing_key as string
  const routed = routeEvent(state, routingKey)
  if ("_tag" in routed) return routed
  const service = routed.service
  const body = payload as JsonObject
  const timestamp = typeof body.timestamp === "string" ? body.timestamp : isoSeconds(now)
  const change = state.insert("change_events", {
    type: "change_event",
    summary: body.summary,
    timestamp,
    source: body.source ?? null,
    custom_details: body.custom_details ?? {},
    links: Array.isArray(event.links) ? event.links : [],
    images: Array.isArray(event.images) ? event.images : [],
    services: [state.reference("services", service, state.defaultOrigin)],
    integration: null,
    created_at: isoSeconds(now)
  }, now)
  record(state, {
    kind: "change",
    action: "change",
    routingKey,
    serviceId: service.id as string,
    dedupKey: undefined,
    incidentId: undefined,
    deduplicated: false,
    body: event,
    receivedAt: now
  })
  return jsonReply(202, { status: "success", message: "Change event processed", id: change.id })
}
