/**
 * effect-pagerduty: an Effect-native client for PagerDuty's REST API v2, Events API v2 and Change Events API.
 *
 * @since 0.1.0
 */
export * from "./Credentials.js"
export * from "./Endpoints.js"
export * from "./PagerDutyConfig.js"
export * from "./PagerDutyError.js"
export * as PagerDutyMetrics from "./PagerDutyMetrics.js"
export * from "./RestApi.js"
export * from "./RetryPolicy.js"
