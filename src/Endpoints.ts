/**
 * The PagerDuty REST API endpoint table, derived from PagerDuty's official OpenAPI document, and the functions the
 * client uses to read it: the canonical path of a URL, the entity wrappers of an operation, and its pagination style.
 *
 * @since 0.1.0
 */
import type * as Option from "effect/Option"
import * as internal from "./internal/endpoints.js"
import type * as EndpointTypes from "./internal/endpointTypes.js"

/**
 * One operation of the PagerDuty REST API: its method and path template, the single top-level key its JSON request
 * and response bodies are wrapped in (`null` when the body is sent or returned as is), how it pages, and whether it
 * requires a `From` header.
 *
 * @example
 * ```ts
 * import type { EndpointEntry } from "effect-pagerduty"
 *
 * const entry: EndpointEntry = {
 *   method: "GET",
 *   path: "/users/{id}",
 *   requestWrapper: null,
 *   responseWrapper: "user",
 *   pagination: null,
 *   requiresFrom: false
 * }
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type EndpointEntry = EndpointTypes.EndpointEntry

/**
 * How a list endpoint pages: `"offset"` (`limit`/`offset`, response `more`), `"cursor"` (`cursor`, response
 * `next_cursor`), `"after"` (`after`, from the previous response's `after`) or `"analytics"` (`POST /analytics/raw/*`,
 * paged inside the JSON body with `starting_after`/`limit`; the items are under `data`).
 *
 * @example
 * ```ts
 * import type { PaginationStyle } from "effect-pagerduty"
 *
 * const style: PaginationStyle = "cursor"
 * ```
 *
 * @since 0.1.0
 * @category models
 */
export type PaginationStyle = EndpointTypes.PaginationStyle

/**
 * Every operation of PagerDuty's REST API v2 OpenAPI document, one entry each, sorted by path then method.
 *
 * @example
 * ```ts
 * import { endpoints } from "effect-pagerduty"
 *
 * const cursorPaged = endpoints.filter((entry) => entry.pagination === "cursor").map((entry) => entry.path)
 * // [ "/audit/records", ... ]
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const endpoints: ReadonlyArray<EndpointEntry> = internal.endpoints

/**
 * The canonical path template of a path or URL, or `None` when it matches no operation. Accepts `users/P1`,
 * `/users/P1` or a full URL (scheme and host are dropped: check the origin separately); ignores `?query` and
 * `#fragment`, and one trailing slash (`/users/` is `/users`); percent-decodes segments. When several templates
 * match, the most specific wins: at the first position where they differ, a literal segment beats a placeholder.
 * Never throws.
 *
 * @example
 * ```ts
 * import { canonicalPath } from "effect-pagerduty"
 *
 * canonicalPath("https://api.pagerduty.com/users/PABC123?include[]=teams") // Option.some("/users/{id}")
 * canonicalPath("/users/me") // Option.some("/users/me")
 * canonicalPath("/services/PX/rules/convert") // Option.some("/services/{id}/rules/convert")
 * canonicalPath("/no/such/thing") // Option.none()
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const canonicalPath: (url: string) => Option.Option<string> = internal.canonicalPath

/**
 * The table entry of an operation, by method (case-insensitive) and canonical path template.
 *
 * @example
 * ```ts
 * import { lookupEndpoint } from "effect-pagerduty"
 * import * as Option from "effect/Option"
 *
 * const entry = lookupEndpoint("post", "/incidents")
 * Option.map(entry, (e) => e.requiresFrom) // Option.some(true)
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const lookupEndpoint: (method: string, path: string) => Option.Option<EndpointEntry> = internal.lookupEndpoint

/**
 * The keys an operation's request and response entities are wrapped in (`{"user": {...}}`), `None` meaning "sent or
 * returned as is". Read from the table; for a path outside it, inferred as pdpyras does: a path ending in a
 * placeholder gives the singular of the node before it (`/widgets/{id}` → `widget`), a POST the singular of the last
 * node, anything else the last node.
 *
 * @example
 * ```ts
 * import { entityWrappers } from "effect-pagerduty"
 *
 * entityWrappers("GET", "/users/me").response // Option.some("user")
 * entityWrappers("PUT", "/incidents").request // Option.some("incidents")
 * entityWrappers("POST", "/schedules/{id}/overrides").response // Option.none(): a bare array
 * ```
 *
 * @since 0.1.0
 * @category endpoints
 */
export const entityWrappers: (
  method: string,
  canonicalPath: string
) => { readonly request: Option.Option<string>; readonly response: Option.Option<string> } = internal.entityWrappers
