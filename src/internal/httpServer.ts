/**
 * The one place that imports `@effect/platform`'s HTTP server modules (the webhook receiver's side). Every other
 * module imports them from here, so a port to Effect 4 (where they live in `effect/unstable/http/*`) is a rewrite of
 * this file's imports. (Not marked internal: public declarations refer to these types.)
 */
export * as HttpApp from "@effect/platform/HttpApp"
export * as HttpServerRequest from "@effect/platform/HttpServerRequest"
export * as HttpServerResponse from "@effect/platform/HttpServerResponse"
