/*
 * The shape of one row of the endpoint table (`endpoints.generated.ts`). Kept in its own small module so the generated
 * file and the public `Endpoints` module can share it without a cycle. Deliberately not tagged internal: the public
 * `Endpoints` module re-exports these types, so `stripInternal` must keep them in the declaration output.
 */

/**
 * The HTTP methods the PagerDuty REST API uses.
 *
 * @since 0.1.0
 */
export type EndpointMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/**
 * How a list endpoint pages:
 *
 * - `"offset"`: `limit`/`offset` query parameters, response `more` (and `total` on request);
 * - `"cursor"`: `cursor` query parameter, response `next_cursor` (`null` on the last page);
 * - `"after"`: `after` query parameter taken from the previous response's `after` field;
 * - `"analytics"`: `POST /analytics/raw/*`, paged inside the JSON body (`starting_after` set from the previous
 *   response's `last`, until `more` is `false`); the items are in the response's `data` array.
 *
 * @since 0.1.0
 */
export type PaginationStyle = "offset" | "cursor" | "after" | "analytics"

/**
 * One operation of the PagerDuty REST API, as derived from PagerDuty's OpenAPI document.
 *
 * @since 0.1.0
 */
export interface EndpointEntry {
  /** The HTTP method. */
  readonly method: EndpointMethod
  /** The path template as the spec writes it, e.g. `"/users/{id}"`. */
  readonly path: string
  /** The single top-level property of the JSON request body (e.g. `"user"`), or `null` when the body is sent as is. */
  readonly requestWrapper: string | null
  /**
   * The single top-level property of the 2xx JSON response (for a paged list: the one array beside the pagination
   * fields), or `null` when the body is returned as is.
   */
  readonly responseWrapper: string | null
  /** How the operation pages, or `null` when it does not. Only `GET`s page by query (and `POST` analytics in body). */
  readonly pagination: PaginationStyle | null
  /** Whether the operation requires a `From` header (the email address of a PagerDuty user). */
  readonly requiresFrom: boolean
}
