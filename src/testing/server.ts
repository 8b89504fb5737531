/**
 * The `effect-pagerduty/testing/server` entry: the fake PagerDuty on a loopback HTTP server (Node).
 *
 * @since 0.2.0
 */
export * from "../FakePagerDutyServer.js"
