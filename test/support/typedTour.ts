/**
 * The typed tour of the fake, shared by the in-memory decoding test (`test/TypedApiFake.test.ts`) and the proxy
 * contract test (`test/contract/FakeProxy.contract.test.ts`, the same tour through Prism's validating proxy).
 *
 * {@link typedTour}: each create, get, update and list of users, contact methods, notification rules, teams,
 * escalation policies, services and their integrations, schedules and their overrides, on-calls, priorities,
 * abilities, webhook subscriptions, maintenance windows, business services, tags, vendors, extensions, add-ons,
 * rulesets, incidents and their alerts, notes and log entries, then the deletes. {@link typedGetSweep}: every typed
 * GET without path parameters (and without pagination).
 *
 * Not in the tour, because the fake does not serve them beyond storage: `mergeIncidents` (`PUT /incidents/{id}/merge`
 * answers 404) and the service dependencies (`POST /service_dependencies/associate` takes an array of relationships;
 * the fake's generic create takes one object).
 */
import { expect } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import type { RestApi, RestApiError } from "effect-pagerduty"
import { EventsApi } from "effect-pagerduty"
import type { CallOptions } from "effect-pagerduty/api"
import {
  Abilities,
  AddOns,
  BusinessServices,
  EscalationPolicies,
  Extensions,
  Incidents,
  LogEntries,
  MaintenanceWindows,
  OnCalls,
  Priorities,
  Rulesets,
  Schedules,
  Services,
  Tags,
  Teams,
  Users,
  Vendors,
  Webhooks
} from "effect-pagerduty/api"
import { FakePagerDuty } from "effect-pagerduty/testing"
import * as Api from "../../src/api/index.js"
import { operationOf } from "../../src/internal/api/operation.js"

/**
 * The answers of the fake that do not decode, each with its reason. An entry names the operation (`Module.operationId`)
 * and says why the generated schema, not the fake, is what departs from PagerDuty.
 */
export const knownMismatches: ReadonlyMap<string, string> = new Map([
  [
    "Vendors.getVendor",
    "the document wraps one vendor in an array (`{\"vendor\": [ {...} ]}`); PagerDuty answers `{\"vendor\": {...}}`, " +
    "as the fake does and go-pagerduty decodes it (`map[string]Vendor`): the generated schema needs an override"
  ]
])

const ref = <const Type extends string>(id: string, type: Type) => ({ id, type })

/** What {@link typedTour} did. */
export interface TourResult {
  /** The operations called (`Module.operationId`). */
  readonly called: ReadonlySet<string>
  /** The answers that did not decode and are not in {@link knownMismatches}. */
  readonly failures: ReadonlyArray<string>
  /** The entries of {@link knownMismatches} that happened. */
  readonly stillMismatched: ReadonlySet<string>
}

/**
 * The tour of the fake's collections through the typed operations, with decoding on. A decode failure is recorded
 * (and the raw answer used); any other error fails the tour.
 */
export const typedTour: Effect.Effect<TourResult, RestApiError, RestApi | FakePagerDuty | EventsApi> = Effect.gen(
  function*() {
    const failures: Array<string> = []
    const called = new Set<string>()
    const stillMismatched = new Set<string>()
    const mismatch = (name: string, message: string) => {
      if (knownMismatches.has(name)) stillMismatched.add(name)
      else failures.push(`${name}: ${message}`)
    }

    /** Calls a typed operation with decoding on; a decode failure is recorded and the raw answer used instead. */
    const call = <In, A>(
      fn: (input: In, options?: CallOptions) => Effect.Effect<A, RestApiError, RestApi>,
      input: In
    ): Effect.Effect<A, RestApiError, RestApi> =>
      Effect.gen(function*() {
        const name = operationOf(fn)?.name ?? "unknown operation"
        called.add(name)
        const result = yield* Effect.either(fn(input))
        if (result._tag === "Right") return result.right
        if (result.left._tag !== "PDClientError" || result.left.reason !== "Decode") return yield* result.left
        mismatch(name, result.left.message)
        return yield* fn(input, { decode: false })
      })

    /** The first items of a typed paged list, decoded. */
    const list = <In, A>(
      fn: (input: In) => Stream.Stream<A, RestApiError, RestApi>,
      input: In
    ): Effect.Effect<ReadonlyArray<A>, RestApiError, RestApi> => {
      const name = operationOf(fn)?.name ?? "unknown operation"
      called.add(name)
      return Effect.map(
        Effect.either(Stream.runCollect(Stream.take(fn(input), 20))),
        (result) => {
          if (result._tag === "Right") return Chunk.toReadonlyArray(result.right)
          mismatch(name, result.left.message)
          return []
        }
      )
    }

    const fake = yield* FakePagerDuty
    yield* fake.seed("priorities", [{ name: "P1", description: "Critical" }, { name: "P2", description: "High" }])
    yield* fake.seed("vendors", [{ name: "Datadog", website_url: "https://www.datadoghq.com" }])

    // Users and their contact methods and notification rules.
    const ada = yield* call(Users.createUser, {
      body: { user: { type: "user", name: "Ada Lovelace", email: "ada@example.com" } },
      from: "ada@example.com"
    })
    const bob = yield* call(Users.createUser, {
      body: { user: { type: "user", name: "Bob Hopper", email: "bob@example.com" } },
      from: "ada@example.com"
    })
    const adaId = String(ada.id)
    const bobId = String(bob.id)
    yield* call(Users.getUser, { id: adaId })
    yield* call(Users.updateUser, {
      id: bobId,
      body: { user: { type: "user", name: "Bob", email: "bob@example.com" } }
    })
    yield* call(Users.getCurrentUser, {})
    yield* list(Users.listUsers, {})
    const method = yield* call(Users.createUserContactMethod, {
      id: adaId,
      body: { contact_method: { type: "email_contact_method", address: "ada@example.com", label: "Work" } }
    })
    yield* call(Users.getUserContactMethod, { id: adaId, contact_method_id: String(method.id) })
    yield* call(Users.getUserContactMethods, { id: adaId })
    const rule = yield* call(Users.createUserNotificationRule, {
      id: adaId,
      body: {
        notification_rule: {
          type: "assignment_notification_rule",
          start_delay_in_minutes: 0,
          contact_method: ref(String(method.id), "email_contact_method_reference"),
          urgency: "high"
        }
      }
    })
    yield* call(Users.getUserNotificationRule, { id: adaId, notification_rule_id: String(rule.id) })
    yield* call(Users.getUserNotificationRules, { id: adaId })

    // Teams and their members.
    const team = yield* call(Teams.createTeam, { body: { team: { type: "team", name: "Payments" } } })
    const teamId = String(team.id)
    yield* call(Teams.getTeam, { id: teamId })
    yield* call(Teams.updateTeam, { id: teamId, body: { team: { type: "team", name: "Payments team" } } })
    yield* call(Teams.updateTeamUser, { id: teamId, user_id: adaId, body: { role: "manager" } })
    yield* list(Teams.listTeamUsers, { id: teamId })
    yield* list(Teams.listTeams, {})

    // Schedules, their overrides and users.
    const schedule = yield* call(Schedules.createSchedule, {
      body: {
        schedule: {
          type: "schedule",
          name: "Primary",
          time_zone: "Etc/UTC",
          schedule_layers: [{
            name: "Weekly",
            start: "2026-01-01T00:00:00Z",
            rotation_virtual_start: "2026-01-01T00:00:00Z",
            rotation_turn_length_seconds: 604_800,
            users: [{ user: ref(adaId, "user_reference") }, { user: ref(bobId, "user_reference") }]
          }]
        }
      }
    })
    const scheduleId = String(schedule.id)
    yield* call(Schedules.getSchedule, { id: scheduleId })
    yield* call(Schedules.updateSchedule, {
      id: scheduleId,
      body: { schedule: { type: "schedule", name: "Primary rotation", time_zone: "Etc/UTC" } }
    })
    yield* list(Schedules.listSchedules, {})
    const overrides = yield* call(Schedules.createScheduleOverride, {
      id: scheduleId,
      body: {
        overrides: [{
          start: "2026-03-01T00:00:00Z",
          end: "2026-03-02T00:00:00Z",
          user: ref(bobId, "user_reference")
        }]
      }
    })
    expect(overrides.map((result) => result.status)).toEqual([201])
    yield* call(Schedules.listScheduleOverrides, {
      id: scheduleId,
      since: "2026-02-01T00:00:00Z",
      until: "2026-04-01T00:00:00Z"
    })
    yield* call(Schedules.listScheduleUsers, { id: scheduleId })

    // Escalation policies and on-calls.
    const policy = yield* call(EscalationPolicies.createEscalationPolicy, {
      body: {
        escalation_policy: {
          type: "escalation_policy",
          name: "Payments",
          escalation_rules: [
            { escalation_delay_in_minutes: 15, targets: [ref(scheduleId, "schedule_reference")] },
            { escalation_delay_in_minutes: 30, targets: [ref(adaId, "user_reference")] }
          ]
        }
      }
    })
    const policyId = String(policy.id)
    yield* call(EscalationPolicies.getEscalationPolicy, { id: policyId })
    yield* call(EscalationPolicies.updateEscalationPolicy, {
      id: policyId,
      body: {
        escalation_policy: {
          type: "escalation_policy",
          name: "Payments escalation",
          escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [ref(adaId, "user_reference")] }]
        }
      }
    })
    yield* list(EscalationPolicies.listEscalationPolicies, {})
    const oncalls = yield* list(OnCalls.listOnCalls, {})
    expect(oncalls.length).toBeGreaterThan(0)

    // Services, their integrations, maintenance windows, business services.
    const service = yield* call(Services.createService, {
      body: {
        service: {
          type: "service",
          name: "Checkout",
          escalation_policy: ref(policyId, "escalation_policy_reference")
        }
      }
    })
    const serviceId = String(service.id)
    yield* call(Services.getService, { id: serviceId })
    yield* call(Services.updateService, {
      id: serviceId,
      body: {
        service: {
          type: "service",
          name: "Checkout API",
          escalation_policy: ref(policyId, "escalation_policy_reference")
        }
      }
    })
    yield* list(Services.listServices, {})
    const integration = yield* call(Services.createServiceIntegration, {
      id: serviceId,
      body: { integration: { type: "events_api_v2_inbound_integration", name: "Events" } }
    })
    yield* call(Services.getServiceIntegration, { id: serviceId, integration_id: String(integration.id) })
    const window = yield* call(MaintenanceWindows.createMaintenanceWindow, {
      body: {
        maintenance_window: {
          type: "maintenance_window",
          start_time: "2026-03-01T00:00:00Z",
          end_time: "2026-03-01T02:00:00Z",
          description: "Upgrade",
          services: [ref(serviceId, "service_reference")]
        }
      },
      from: "ada@example.com"
    })
    const windowId = String(window.id)
    yield* call(MaintenanceWindows.getMaintenanceWindow, { id: windowId })
    yield* call(MaintenanceWindows.updateMaintenanceWindow, {
      id: windowId,
      body: {
        maintenance_window: {
          type: "maintenance_window",
          start_time: "2026-03-01T00:00:00Z",
          end_time: "2026-03-01T03:00:00Z",
          services: [ref(serviceId, "service_reference")]
        }
      }
    })
    yield* list(MaintenanceWindows.listMaintenanceWindows, {})
    const business = yield* call(BusinessServices.createBusinessService, {
      body: { business_service: { name: "Payments", description: "Taking money" } }
    })
    const businessId = String(business.id)
    yield* call(BusinessServices.getBusinessService, { id: businessId })
    yield* call(BusinessServices.updateBusinessService, {
      id: businessId,
      body: { business_service: { name: "Payments platform" } }
    })
    yield* list(BusinessServices.listBusinessServices, {})

    // Webhook subscriptions.
    const subscription = yield* call(Webhooks.createWebhookSubscription, {
      body: {
        webhook_subscription: {
          type: "webhook_subscription",
          delivery_method: { type: "http_delivery_method", url: "https://example.com/hook" },
          events: ["incident.triggered"],
          filter: { type: "account_reference" }
        }
      }
    })
    const subscriptionId = String(subscription.id)
    yield* call(Webhooks.getWebhookSubscription, { id: subscriptionId })
    yield* call(Webhooks.updateWebhookSubscription, {
      id: subscriptionId,
      body: { webhook_subscription: { events: ["incident.triggered", "incident.resolved"] } }
    })
    yield* list(Webhooks.listWebhookSubscriptions, {})

    // Priorities, abilities, vendors, tags.
    const priorities = yield* list(Priorities.listPriorities, {})
    expect(priorities.map((priority) => priority.name)).toEqual(["P1", "P2"])
    const abilities = yield* call(Abilities.listAbilities, {})
    expect(abilities.length).toBeGreaterThan(0)
    yield* call(Abilities.getAbility, { id: String(abilities[0]) })
    const vendors = yield* list(Vendors.listVendors, {})
    yield* call(Vendors.getVendor, { id: String(vendors[0]?.id) })
    yield* call(Tags.createTags, { body: { tag: { type: "tag", label: "payments" } } })
    const tags = yield* list(Tags.listTags, {})
    yield* call(Tags.getTag, { id: String(tags[0]?.id) })

    // Extensions, add-ons, rulesets.
    const extension = yield* call(Extensions.createExtension, {
      body: {
        extension: {
          type: "extension",
          name: "Slack",
          endpoint_url: "https://example.com/slack",
          extension_schema: ref("PSCHEMA", "extension_schema_reference"),
          extension_objects: [ref(serviceId, "service_reference")]
        }
      }
    })
    const extensionId = String(extension.id)
    yield* call(Extensions.getExtension, { id: extensionId })
    yield* call(Extensions.updateExtension, {
      id: extensionId,
      body: {
        extension: {
          type: "extension",
          name: "Slack alerts",
          extension_schema: ref("PSCHEMA", "extension_schema_reference"),
          extension_objects: [ref(serviceId, "service_reference")]
        }
      }
    })
    yield* list(Extensions.listExtensions, {})
    const addon = yield* call(AddOns.createAddon, {
      body: { addon: { type: "full_page_addon", name: "Status", src: "https://example.com/status" } }
    })
    const addonId = String(addon.id)
    yield* call(AddOns.getAddon, { id: addonId })
    yield* call(AddOns.updateAddon, {
      id: addonId,
      body: { addon: { type: "full_page_addon", name: "Status board", src: "https://example.com/status" } }
    })
    yield* list(AddOns.listAddon, {})
    const ruleset = yield* call(Rulesets.createRuleset, { body: { ruleset: { name: "Routing" } } })
    const rulesetId = String(ruleset.id)
    yield* call(Rulesets.getRuleset, { id: rulesetId })
    yield* call(Rulesets.updateRuleset, { id: rulesetId, body: { ruleset: { name: "Routing rules" } } })
    yield* list(Rulesets.listRulesets, {})

    // Incidents, their alerts, notes and log entries.
    const incident = yield* call(Incidents.createIncident, {
      body: {
        incident: {
          type: "incident",
          title: "Disk full",
          service: ref(serviceId, "service_reference"),
          urgency: "high"
        }
      }
    })
    const incidentId = String(incident.id)
    yield* call(Incidents.getIncident, { id: incidentId })
    yield* call(Incidents.updateIncident, {
      id: incidentId,
      body: { incident: { type: "incident", status: "acknowledged" } },
      from: "ada@example.com"
    })
    yield* call(Incidents.createIncidentNote, { id: incidentId, body: { note: { content: "Looking" } } })
    yield* call(Incidents.listIncidentNotes, { id: incidentId })
    yield* list(Incidents.listIncidentAlerts, { id: incidentId })
    yield* list(Incidents.listIncidentLogEntries, { id: incidentId })
    const entries = yield* list(LogEntries.listLogEntries, {})
    yield* call(LogEntries.getLogEntry, { id: String(entries[0]?.id) })
    yield* call(Incidents.updateIncidents, {
      body: { incidents: [{ id: incidentId, type: "incident_reference", status: "resolved" }] },
      from: "ada@example.com"
    })
    yield* list(Incidents.listIncidents, {})

    // Alerts (from the Events API), incident actions, updates of nested records.
    const events = yield* EventsApi
    // Not in the document's Integration, but PagerDuty sends it (and unknown keys are kept).
    const routingKey = "integration_key" in integration ? String(integration.integration_key) : ""
    yield* events.trigger("CPU high", "db-1", { routingKey })
    const alerted = (yield* list(Incidents.listIncidents, { statuses: ["triggered"] }))[0]
    const alertedId = String(alerted?.id)
    const alerts = yield* list(Incidents.listIncidentAlerts, { id: alertedId })
    expect(alerts.length).toBe(1)
    const alertId = String(alerts[0]?.id)
    yield* call(Incidents.getIncidentAlert, { id: alertedId, alert_id: alertId })
    yield* call(Incidents.createIncidentSnooze, { id: alertedId, body: { duration: 3600 } })
    yield* call(Incidents.createIncidentStatusUpdate, { id: alertedId, body: { message: "Investigating" } })
    yield* call(Incidents.updateIncidentAlert, {
      id: alertedId,
      alert_id: alertId,
      body: { alert: { status: "resolved" } }
    })
    yield* call(Users.updateUserContactMethod, {
      id: adaId,
      contact_method_id: String(method.id),
      body: { contact_method: { type: "email_contact_method", address: "ada@example.com", label: "Home" } }
    })
    yield* call(Users.updateUserNotificationRule, {
      id: adaId,
      notification_rule_id: String(rule.id),
      body: {
        notification_rule: {
          type: "assignment_notification_rule",
          start_delay_in_minutes: 5,
          contact_method: ref(String(method.id), "email_contact_method_reference"),
          urgency: "low"
        }
      }
    })
    yield* call(Services.updateServiceIntegration, {
      id: serviceId,
      integration_id: String(integration.id),
      body: { integration: { type: "events_api_v2_inbound_integration", name: "Events v2" } }
    })
    yield* call(Webhooks.enableWebhookSubscription, { id: subscriptionId })
    yield* call(Extensions.enableExtension, { id: extensionId })
    yield* call(LogEntries.updateLogEntryChannel, {
      id: String(entries[0]?.id),
      body: { channel: { type: "web_trigger", details: "Updated" } }
    })

    yield* call(Schedules.createSchedulePreview, {
      since: "2026-01-01T00:00:00Z",
      until: "2026-01-15T00:00:00Z",
      body: { schedule: { type: "schedule", name: "Preview", time_zone: "Etc/UTC" } }
    })
    yield* call(Tags.createEntityTypeByIdChangeTags, {
      entity_type: "teams",
      id: teamId,
      body: { add: [{ type: "tag", label: "payments" }] }
    })
    yield* list(Tags.getEntityTypeByIdTags, { entity_type: "teams", id: teamId })
    yield* call(Teams.updateTeamEscalationPolicy, { id: teamId, escalation_policy_id: policyId })
    yield* call(Webhooks.testWebhookSubscription, { id: subscriptionId })

    // Deletes: PagerDuty answers 204, and the result is `undefined`.
    yield* call(Schedules.deleteScheduleOverride, {
      id: scheduleId,
      override_id: String(overrides[0]?.override.id)
    })
    yield* call(Teams.deleteTeamEscalationPolicy, { id: teamId, escalation_policy_id: policyId })
    yield* call(Incidents.deleteIncidentNote, {
      id: incidentId,
      note_id: String((yield* call(Incidents.listIncidentNotes, { id: incidentId }))[0]?.id)
    })
    yield* call(Users.deleteUserContactMethod, { id: adaId, contact_method_id: String(method.id) })
    yield* call(Webhooks.deleteWebhookSubscription, { id: subscriptionId })
    yield* call(MaintenanceWindows.deleteMaintenanceWindow, { id: windowId })
    yield* call(Rulesets.deleteRuleset, { id: rulesetId })
    yield* call(AddOns.deleteAddon, { id: addonId })
    yield* call(Extensions.deleteExtension, { id: extensionId })
    yield* call(BusinessServices.deleteBusinessService, { id: businessId })
    yield* call(Teams.deleteTeamUser, { id: teamId, user_id: adaId })
    yield* call(Teams.deleteTeam, { id: teamId })
    yield* call(Users.deleteUser, { id: bobId })

    return { called, failures, stillMismatched }
  }
)

/** What {@link typedGetSweep} did. */
export interface SweepResult {
  /** The operations called (`Module.operationId`). */
  readonly called: ReadonlyArray<string>
  /** The operations answered with a 2xx that decoded. */
  readonly answered: ReadonlyArray<string>
  /** The answers that did not decode and are not in {@link knownMismatches}. */
  readonly failures: ReadonlyArray<string>
}

/**
 * The headers an operation requires (an early-access API refuses a call without its header, and the document says
 * so), by path.
 */
const requiredHeaders: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "/ip_allow_lists": { "X-EARLY-ACCESS": "ip-allow-lists" }
}

/**
 * Every typed GET without path parameters and without pagination, called with no input but the headers the document
 * requires.
 */
export const typedGetSweep: Effect.Effect<SweepResult, never, RestApi | FakePagerDuty> = Effect.gen(function*() {
  const fake = yield* FakePagerDuty
  yield* fake.seed("users", [{ name: "Ada Lovelace", email: "ada@example.com" }])
  // A singleton whose name reads as a plural: the fake answers the one object, as the document shows.
  yield* fake.seed("paused_incident_reports/counts", [{ paused_count: 2, resolved_after_pause_count: 1 }])
  const failures: Array<string> = []
  const answered: Array<string> = []
  const called: Array<string> = []
  for (const [module, namespace] of Object.entries(Api)) {
    if (typeof namespace !== "object" || namespace === null || module === "Schemas") continue
    for (const fn of Object.values(namespace as Record<string, unknown>)) {
      const op = operationOf(fn)
      if (op === undefined || op.method !== "GET" || op.pathParams.length > 0 || op.pagination !== undefined) {
        continue
      }
      called.push(op.name)
      const result = yield* Effect.either(
        (fn as (input: unknown) => Effect.Effect<unknown, RestApiError, RestApi>)(
          op.path in requiredHeaders ? { headers: requiredHeaders[op.path] } : {}
        )
      )
      if (result._tag === "Right") answered.push(op.name)
      else if (result.left._tag === "PDClientError" && result.left.reason === "Decode") {
        if (!knownMismatches.has(op.name)) failures.push(`${op.name}: ${result.left.message}`)
      }
    }
  }
  return { called, answered, failures }
})
