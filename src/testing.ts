/**
 * The `effect-pagerduty/testing` entry: a fake PagerDuty for tests, demos and benchmarks.
 *
 * @since 0.1.0
 */
export * from "./FakePagerDuty.js"
export * from "./FakePagerDutyWebhooks.js"
