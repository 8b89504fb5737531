/**
 * Hand-written corrections applied by `generate-endpoints.ts` on top of what it derives from PagerDuty's OpenAPI
 * document. Each one is there because the spec is irregular for that operation (it is silent about the pagination
 * parameters, or its schema contradicts itself); every override says why. The generator fails when an override names
 * an operation the spec does not have, so a stale entry cannot linger after an upstream update.
 *
 * Keys are `"METHOD /path/template"`, exactly as the spec spells the path.
 */
import type { EndpointEntry } from "../src/internal/endpointTypes.js"

/** The fields an override may set, plus the reason for it. */
export interface EndpointOverride {
  readonly pagination?: EndpointEntry["pagination"]
  readonly requestWrapper?: string | null
  readonly responseWrapper?: string | null
  readonly why: string
}

// Lists whose response schema has the classic `offset`/`limit`/`more`/`total` fields but whose operation declares no
// `limit`/`offset` query parameters. PagerDuty's API reference documents them as classic paginated lists, and
// pdpyras pages them with `iter_all`.
const undeclaredOffset = "a list with offset/limit/more/total in its response schema, but no limit/offset parameters"

// The `POST /analytics/raw/*` lists page inside the JSON body: the request takes `limit` and `starting_after` (the
// previous response's `last`), the response has `first`/`last`/`more`. The items are in `data`, which is also what
// the "one array beside the pagination fields" rule derives; it is stated here so the choice is explicit. The
// single-entity raw endpoints (`GET /analytics/raw/incidents/{id}` and `GET .../{id}/responses`) are not paged.
const analytics = "pages in the request body (starting_after/limit), response first/last/more; items under `data`"

/**
 * The overrides, keyed by `"METHOD /path"`.
 */
export const endpointOverrides: Readonly<Record<string, EndpointOverride>> = {
  // Status pages: all of their lists are undeclared offset lists.
  "GET /status_pages": { pagination: "offset", why: undeclaredOffset },
  "GET /status_pages/{id}/impacts": { pagination: "offset", why: undeclaredOffset },
  "GET /status_pages/{id}/services": { pagination: "offset", why: undeclaredOffset },
  "GET /status_pages/{id}/severities": { pagination: "offset", why: undeclaredOffset },
  "GET /status_pages/{id}/statuses": { pagination: "offset", why: undeclaredOffset },
  "GET /status_pages/{id}/posts": { pagination: "offset", why: undeclaredOffset },
  "GET /status_pages/{id}/posts/{post_id}/post_updates": { pagination: "offset", why: undeclaredOffset },
  "GET /status_pages/{id}/subscriptions": { pagination: "offset", why: undeclaredOffset },
  // Status-update subscribers: the response also carries `account_id`; the items are the `subscribers` array.
  "GET /business_services/{id}/subscribers": { pagination: "offset", why: undeclaredOffset },
  "GET /incidents/{id}/status_updates/subscribers": { pagination: "offset", why: undeclaredOffset },
  // Notification subscriptions of a team or a user: items under `subscriptions`.
  "GET /teams/{id}/notification_subscriptions": { pagination: "offset", why: undeclaredOffset },
  "GET /users/{id}/notification_subscriptions": { pagination: "offset", why: undeclaredOffset },

  // Declares `after`/`before` query parameters (descriptions: "cursor to retrieve next page") and its response example
  // has `after`/`before`/`limit`/`total`, but the response schema omits those fields, so nothing can be derived.
  "GET /alert_grouping_settings": {
    pagination: "after",
    responseWrapper: "alert_grouping_settings",
    why: "pages with the `after` cursor; the response schema omits the after/before fields its example shows"
  },

  "POST /analytics/raw/incidents": {
    pagination: "analytics",
    requestWrapper: null,
    responseWrapper: "data",
    why: analytics
  },
  "POST /analytics/raw/responders/{responder_id}/incidents": {
    pagination: "analytics",
    requestWrapper: null,
    responseWrapper: "data",
    why: analytics
  },
  "POST /analytics/raw/users": {
    pagination: "analytics",
    requestWrapper: null,
    responseWrapper: "data",
    why: analytics
  },

  // The response schema says `notification_rule` (like the GET), but the response example says
  // `status_update_notification_rule` (like the request). With no way to tell which the server sends, return the body
  // as is rather than fail on a missing key.
  "PUT /users/{id}/status_update_notification_rules/{status_update_notification_rule_id}": {
    responseWrapper: null,
    why: "the response schema (`notification_rule`) and its example (`status_update_notification_rule`) disagree"
  },
  // The response schema says `paused_incident_reporting_alerts`, but the example (and pdpyras's configuration, which
  // was probably copied from it) says `paused_incident_reporting_counts`, like `GET /paused_incident_reports/counts`.
  // Same policy: return the body as is.
  "GET /paused_incident_reports/alerts": {
    responseWrapper: null,
    why: "the response schema (`paused_incident_reporting_alerts`) and its example (`..._counts`) disagree"
  }
}
