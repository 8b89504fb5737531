import { describe, expect, it } from "@effect/vitest"
import * as FastCheck from "effect/FastCheck"
import * as Option from "effect/Option"
import { deriveEndpoints, loadSpec } from "../scripts/generate-endpoints.js"
import { canonicalPath, endpoints, entityWrappers, lookupEndpoint } from "../src/Endpoints.js"
import { templates } from "../src/internal/endpoints.generated.js"
import { inferEntityWrapper, isPathParam, pluralName, singularName } from "../src/internal/endpoints.js"
import { describeWithOpenApi } from "./support/openapi.js"

/** Every literal segment of every template: an ID equal to one of these could be shadowed by a literal template. */
const literalSegments = new Set(templates.flatMap((t) => t.split("/").filter((s) => s !== "" && !isPathParam(s))))

const instantiate = (template: string, ids: ReadonlyArray<string>): string => {
  let i = 0
  return template.replace(/\{[^}]+\}/g, () => ids[i++ % ids.length])
}

const pagerDutyId = FastCheck.stringMatching(/^P[A-Z0-9]{6}$/)
const anyId = FastCheck.oneof(
  pagerDutyId,
  FastCheck.uuid(),
  // Arbitrary text, percent-encoded as a client would put it in a path; never one of the literal segments.
  FastCheck.string({ minLength: 1 }).filter((s) => !literalSegments.has(s)).map(encodeURIComponent)
)

const wrappersOf = (method: string, path: string) => {
  const { request, response } = entityWrappers(method, path)
  return { request: Option.getOrNull(request), response: Option.getOrNull(response) }
}

const entry = (method: string, path: string) => Option.getOrThrow(lookupEndpoint(method, path))

describeWithOpenApi("the endpoint table against PagerDuty's REST document", () => {
  const { spec } = loadSpec()
  const derived = deriveEndpoints(spec)
  const specPaths = (spec as { readonly paths: Record<string, Record<string, unknown>> }).paths
  const specOperations = Object.entries(specPaths).flatMap(([path, item]) =>
    ["get", "post", "put", "patch", "delete"].filter((m) => item[m] !== undefined).map((m) => ({ method: m, path }))
  )

  it("every operation of the spec has an entry", () => {
    expect(specOperations).toHaveLength(465)
    for (const { method, path } of specOperations) {
      expect(Option.isSome(lookupEndpoint(method, path)), `${method} ${path}`).toBe(true)
    }
  })

  it("every entry is what the generator derives from the spec", () => {
    expect(endpoints).toEqual(derived.entries)
  })
})

describe("the endpoint table", () => {
  it("has 465 entries", () => {
    expect(endpoints).toHaveLength(465)
  })

  it("entityWrappers returns every entry's wrappers", () => {
    for (const e of endpoints) {
      expect(wrappersOf(e.method, e.path), `${e.method} ${e.path}`).toEqual({
        request: e.requestWrapper,
        response: e.responseWrapper
      })
    }
  })

  it("every template is its own canonical path", () => {
    for (const template of templates) expect(canonicalPath(template), template).toEqual(Option.some(template))
  })

  it.prop("every template, filled with random IDs, round-trips through canonicalPath", [
    FastCheck.array(anyId, { minLength: 6, maxLength: 6 })
  ], ([ids]) => {
    for (const template of templates) {
      const path = instantiate(template, ids)
      expect(canonicalPath(path), `${path} (${template})`).toEqual(Option.some(template))
      expect(canonicalPath(`https://api.pagerduty.com${path}?limit=10#x`), path).toEqual(Option.some(template))
      expect(canonicalPath(`${path.slice(1)}/`), path).toEqual(Option.some(template))
    }
  })

  it("only GETs page by query (offset, cursor, after); only POSTs page in the body (analytics)", () => {
    for (const e of endpoints) {
      if (e.pagination === "offset" || e.pagination === "cursor" || e.pagination === "after") {
        expect(e.method, e.path).toBe("GET")
      }
      if (e.pagination === "analytics") {
        expect(e.method, e.path).toBe("POST")
        expect(e.path.startsWith("/analytics/raw/"), e.path).toBe(true)
      }
    }
  })

  it("a paged list always has a response wrapper, except /tags/{id}/{entity_type}", () => {
    const unwrapped = endpoints.filter((e) => e.pagination !== null && e.responseWrapper === null)
    expect(unwrapped.map((e) => `${e.method} ${e.path}`)).toEqual(["GET /tags/{id}/{entity_type}"])
  })
})

describe("canonicalPath", () => {
  it.each([
    ["/users/PABC123", "/users/{id}"],
    ["users/PABC123", "/users/{id}"],
    ["/users/me", "/users/me"],
    ["/users", "/users"],
    ["/users/", "/users"],
    ["users/", "/users"],
    ["/users/PABC123/", "/users/{id}"],
    ["/services/P1/change_tags", "/{entity_type}/{id}/change_tags"],
    ["/escalation_policies/P1/tags", "/{entity_type}/{id}/tags"],
    ["/tags/P1/users", "/tags/{id}/{entity_type}"],
    ["/users?query=bob", "/users"],
    ["/users/P1?include[]=contact_methods#top", "/users/{id}"],
    ["/users#frag?x", "/users"],
    ["https://api.pagerduty.com/users/P1", "/users/{id}"],
    ["https://api.eu.pagerduty.com/incidents/Q1/notes?x=1", "/incidents/{id}/notes"],
    ["https://api.pagerduty.com:443/users", "/users"],
    ["/services/PX/rules/convert", "/services/{id}/rules/convert"],
    ["/services/PX/rules/R1", "/services/{id}/rules/{rule_id}"],
    ["/event_orchestrations/PX/integrations/migration", "/event_orchestrations/{id}/integrations/migration"],
    ["/event_orchestrations/PX/integrations/I1", "/event_orchestrations/{id}/integrations/{integration_id}"],
    ["/event_orchestrations/services/PS", "/event_orchestrations/services/{service_id}"],
    ["/incidents/count", "/incidents/count"],
    ["/users/%6De", "/users/me"],
    ["/users/a%2Fb", "/users/{id}"],
    ["/users/%E0%A4%A", "/users/{id}"],
    ["/v3/schedules/P1/rotations/R1/events/E1", "/v3/schedules/{id}/rotations/{rotation_id}/events/{event_id}"]
  ])("%s → %s", (url, expected) => {
    expect(canonicalPath(url)).toEqual(Option.some(expected))
  })

  it.each([
    "",
    "/",
    "?users",
    "https://api.pagerduty.com",
    "https://api.pagerduty.com/",
    "/users//",
    "/users//P1",
    "//users",
    "/v2/users",
    "/no_such_resource",
    "/users/P1/no_such_thing",
    "/USERS",
    "/a/b/c/d/e/f/g/h/i/j/k/l/m/n"
  ])("%j matches nothing", (url) => {
    expect(canonicalPath(url)).toEqual(Option.none())
  })

  it.prop("never throws on arbitrary strings", [
    FastCheck.oneof(
      FastCheck.string(),
      FastCheck.string({ unit: "binary" }),
      FastCheck.webUrl(),
      FastCheck.array(FastCheck.constantFrom("/", "users", "%", "%2", "?", "#", "me", "{id}", "", "P1", "//"))
        .map((parts) => parts.join(""))
    )
  ], ([url]) => {
    const result = canonicalPath(url)
    if (Option.isSome(result)) expect(templates).toContain(result.value)
  })

  it("returns None rather than throwing for a non-string at run time", () => {
    const notAString: unknown = 42
    expect(canonicalPath(notAString as string)).toEqual(Option.none())
  })
})

describe("lookupEndpoint", () => {
  it("is case-insensitive in the method and exact in the path", () => {
    expect(lookupEndpoint("get", "/users/{id}")).toEqual(lookupEndpoint("GET", "/users/{id}"))
    expect(Option.isSome(lookupEndpoint("Get", "/users/{id}"))).toBe(true)
    expect(lookupEndpoint("GET", "/users/P1")).toEqual(Option.none())
    expect(lookupEndpoint("PATCH", "/users/{id}")).toEqual(Option.none())
    expect(lookupEndpoint("GET", "/incidents/count")).toEqual(Option.none())
  })

  it("requiresFrom: 13 operations, POST /incidents among them", () => {
    const requiring = endpoints.filter((e) => e.requiresFrom).map((e) => `${e.method} ${e.path}`)
    expect(requiring).toHaveLength(13)
    expect(requiring).toEqual(expect.arrayContaining([
      "POST /incidents",
      "PUT /incidents",
      "PUT /incidents/{id}",
      "POST /incidents/{id}/notes",
      "POST /incidents/{id}/snooze",
      "POST /maintenance_windows",
      "POST /users"
    ]))
    expect(entry("GET", "/incidents").requiresFrom).toBe(false)
  })

  it("pagination styles", () => {
    const cursor = endpoints.filter((e) => e.pagination === "cursor").map((e) => e.path)
    expect(cursor).toHaveLength(18)
    expect(cursor).toEqual(expect.arrayContaining([
      "/audit/records",
      "/users/{id}/audit/records",
      "/automation_actions/actions",
      "/incident_workflows/triggers",
      "/workflows/integrations/{integration_id}/connections"
    ]))
    expect(entry("GET", "/audit/records")).toMatchObject({ pagination: "cursor", responseWrapper: "records" })
    expect(entry("GET", "/users")).toMatchObject({ pagination: "offset", responseWrapper: "users" })
    expect(entry("GET", "/incidents")).toMatchObject({ pagination: "offset", responseWrapper: "incidents" })
    // The spec declares limit/offset on these multi-updates, but only GETs page.
    expect(entry("PUT", "/incidents").pagination).toBeNull()
    expect(entry("PUT", "/incidents/{id}/alerts").pagination).toBeNull()
    expect(entry("GET", "/alert_grouping_settings")).toMatchObject({
      pagination: "after",
      responseWrapper: "alert_grouping_settings"
    })
  })

  it("the lists that page without declaring limit/offset are offset-paged", () => {
    expect(entry("GET", "/status_pages")).toMatchObject({ pagination: "offset", responseWrapper: "status_pages" })
    expect(entry("GET", "/status_pages/{id}/posts")).toMatchObject({ pagination: "offset", responseWrapper: "posts" })
    expect(entry("GET", "/business_services/{id}/subscribers")).toMatchObject({
      pagination: "offset",
      responseWrapper: "subscribers"
    })
    expect(entry("GET", "/incidents/{id}/status_updates/subscribers")).toMatchObject({
      pagination: "offset",
      responseWrapper: "subscribers"
    })
    expect(entry("GET", "/users/{id}/notification_subscriptions")).toMatchObject({
      pagination: "offset",
      responseWrapper: "subscriptions"
    })
    expect(entry("GET", "/teams/{id}/notification_subscriptions")).toMatchObject({
      pagination: "offset",
      responseWrapper: "subscriptions"
    })
    // Single entities under status pages are not paged.
    expect(entry("GET", "/status_pages/{id}/posts/{post_id}").pagination).toBeNull()
  })

  it("POST /analytics/raw/* lists page in the body, items under data; the single-entity ones do not page", () => {
    for (
      const path of [
        "/analytics/raw/incidents",
        "/analytics/raw/users",
        "/analytics/raw/responders/{responder_id}/incidents"
      ]
    ) {
      expect(entry("POST", path)).toMatchObject({
        pagination: "analytics",
        requestWrapper: null,
        responseWrapper: "data"
      })
    }
    expect(entry("GET", "/analytics/raw/incidents/{id}")).toMatchObject({ pagination: null, responseWrapper: null })
    expect(entry("GET", "/analytics/raw/incidents/{id}/responses")).toMatchObject({
      pagination: null,
      responseWrapper: null
    })
    expect(entry("POST", "/analytics/metrics/incidents/all")).toMatchObject({
      pagination: null,
      requestWrapper: null,
      responseWrapper: null
    })
  })
})

describe("entityWrappers", () => {
  it.each([
    ["GET", "/users/{id}", null, "user"],
    ["POST", "/users", "user", "user"],
    ["GET", "/users/me", null, "user"],
    ["GET", "/event_orchestrations", null, "orchestrations"],
    ["POST", "/event_orchestrations", "orchestration", "orchestration"],
    ["GET", "/event_orchestrations/{id}", null, "orchestration"],
    ["PUT", "/event_orchestrations/{id}", "orchestration", "orchestration"],
    ["GET", "/event_orchestrations/{id}/router", null, "orchestration_path"],
    ["POST", "/incidents/{id}/snooze", null, "incident"],
    ["PUT", "/incidents/{id}/merge", "source_incidents", "incident"],
    ["POST", "/schedules/{id}/overrides", "overrides", null],
    ["PUT", "/incidents", "incidents", "incidents"],
    ["PUT", "/incidents/{id}/alerts", "alerts", "alerts"],
    ["POST", "/{entity_type}/{id}/change_tags", null, null],
    ["GET", "/{entity_type}/{id}/tags", null, "tags"],
    ["PUT", "/teams/{id}/users/{user_id}", null, null],
    ["POST", "/extensions/{id}/enable", null, "extension"],
    ["POST", "/business_services/{id}/subscribers", "subscribers", "subscriptions"],
    ["GET", "/users/{id}/sessions", null, "user_sessions"],
    [
      "PUT",
      "/users/{id}/status_update_notification_rules/{status_update_notification_rule_id}",
      "status_update_notification_rule",
      null
    ],
    ["GET", "/paused_incident_reports/alerts", null, null]
  ])("%s %s → (%s, %s)", (method, path, request, response) => {
    expect(wrappersOf(method, path)).toEqual({ request, response })
  })

  it("infers wrappers for operations outside the table, as pdpyras does", () => {
    // PUT /priorities (a multi-update) is not in the spec: inferred as the plural.
    expect(wrappersOf("PUT", "/priorities")).toEqual({ request: "priorities", response: "priorities" })
    expect(wrappersOf("GET", "/incidents/count")).toEqual({ request: "count", response: "count" })
    expect(wrappersOf("get", "/widgets/{id}")).toEqual({ request: "widget", response: "widget" })
    expect(wrappersOf("post", "/escalation_policies/{id}/widgets")).toEqual({ request: "widget", response: "widget" })
    expect(wrappersOf("PATCH", "/users/{id}")).toEqual({ request: "user", response: "user" })
    expect(wrappersOf("GET", "/")).toEqual({ request: null, response: null })
    expect(inferEntityWrapper("GET", "/{a}/{b}")).toEqual(Option.none())
  })
})

describe("inflection", () => {
  it.each([
    ["escalation_policies", "escalation_policy"],
    ["services", "service"],
    ["log_entries", "log_entry"],
    ["addresses", "address"],
    ["statuses", "status"],
    ["responses", "response"],
    ["status", "status"],
    ["address", "address"],
    ["analysis", "analysis"],
    ["user", "user"],
    ["s", "s"]
  ])("singularName(%s) = %s", (plural, singular) => {
    expect(singularName(plural)).toBe(singular)
  })

  it.each([
    ["escalation_policy", "escalation_policies"],
    ["service", "services"],
    ["log_entry", "log_entries"],
    ["user_reference", "users"],
    ["escalation_policy_reference", "escalation_policies"],
    ["status", "statuses"],
    ["key", "keys"],
    ["match", "matches"]
  ])("pluralName(%s) = %s", (singular, plural) => {
    expect(pluralName(singular)).toBe(plural)
  })

  it("singularName undoes pluralName for every wrapper in the table", () => {
    const singles = endpoints.flatMap((e) => [e.requestWrapper, e.responseWrapper]).filter((w) => w !== null)
    for (const name of new Set(singles)) {
      if (!name.endsWith("s")) expect(singularName(pluralName(name)), name).toBe(name)
    }
  })

  it("isPathParam", () => {
    expect(isPathParam("{id}")).toBe(true)
    expect(isPathParam("{}")).toBe(false)
    expect(isPathParam("id")).toBe(false)
    expect(isPathParam("{id")).toBe(false)
  })
})
