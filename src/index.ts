/**
 * effect-pagerduty: an Effect-native client for PagerDuty's REST API v2, Events API v2 and Change Events API.
 *
 * @since 0.1.0
 */

/**
 * The Change Events API service.
 *
 * @since 0.1.0
 */
export * from "./ChangeEventsApi.js"

/**
 * Where the REST API's `Authorization` header comes from: the configured key, or refreshed OAuth tokens.
 *
 * @since 0.1.0
 */
export * from "./Credentials.js"

/**
 * The endpoint table generated from PagerDuty's OpenAPI spec: canonical paths, entity wrappers, pagination styles.
 *
 * @since 0.1.0
 */
export * from "./Endpoints.js"

/**
 * The Events API v2 service: trigger, acknowledge, resolve.
 *
 * @since 0.1.0
 */
export * from "./EventsApi.js"

/**
 * OAuth helpers: the authorization-code flow with PKCE, code exchange, token refresh.
 *
 * @since 0.1.0
 */
export * as OAuth from "./OAuth.js"

/**
 * One layer for the three services from one configuration.
 *
 * @since 0.1.0
 */
export * as PagerDuty from "./PagerDuty.js"

/**
 * The configuration layer: credentials, region, base URLs, timeout, `From`, user agent, debug logging.
 *
 * @since 0.1.0
 */
export * from "./PagerDutyConfig.js"

/**
 * The typed failures: `PDHTTPError` and `PDClientError`.
 *
 * @since 0.1.0
 */
export * from "./PagerDutyError.js"

/**
 * The metrics every call records: calls, attempts, latency, 429s.
 *
 * @since 0.1.0
 */
export * as PagerDutyMetrics from "./PagerDutyMetrics.js"

/**
 * The REST API v2 client service.
 *
 * @since 0.1.0
 */
export * from "./RestApi.js"

/**
 * The retry policy layer.
 *
 * @since 0.1.0
 */
export * from "./RetryPolicy.js"
