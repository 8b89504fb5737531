/**
 * The one place that imports `@effect/platform`'s HTTP modules. Every other module imports them from here, so a port
 * to Effect 4 (where they live in `effect/http/*`) is a rewrite of this file's imports. (Not marked internal: public
 * declarations refer to these types, and `stripInternal` would remove them; the `./internal/*` export path stays
 * blocked.)
 */
export * as FetchHttpClient from "@effect/platform/FetchHttpClient"
export * as Headers from "@effect/platform/Headers"
export * as HttpBody from "@effect/platform/HttpBody"
export * as HttpClient from "@effect/platform/HttpClient"
export * as HttpClientError from "@effect/platform/HttpClientError"
export * as HttpClientRequest from "@effect/platform/HttpClientRequest"
export * as HttpClientResponse from "@effect/platform/HttpClientResponse"
export * as HttpMethod from "@effect/platform/HttpMethod"
export * as UrlParams from "@effect/platform/UrlParams"
