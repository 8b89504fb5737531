/**
 * The REST request path every `RestApi` method goes through: URL resolution and the origin check, params, headers
 * (`Accept`, `Content-Type`, `From`, `User-Agent`), the `From` requirement from the endpoint table, and the
 * executor (retries, timeouts, rate limits, spans, metrics).
 *
 * `From`: PagerDuty requires it on 13 operations, but only for account-level API keys (a user's API key or an OAuth
 * user token acts as that user). The client cannot tell a key's kind, so a request without `From` is SENT; when
 * PagerDuty refuses it (400 naming the `From` header), the `PDHTTPError`'s message says how to set it, and the client
 * remembers that this key needs `From`: later requests to such an operation without one fail before sending, with a
 * `PDClientError` (reason `Config`). A client never refuses a request PagerDuty would accept.
 *
 * @internal
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import type { CredentialsService } from "../Credentials.js"
import type { PagerDutyConfigService } from "../PagerDutyConfig.js"
import { PDClientError } from "../PagerDutyError.js"
import type { PDHTTPError } from "../PagerDutyError.js"
import type { RequestOptions } from "../RestApi.js"
import type { RetryPolicyService } from "../RetryPolicy.js"
import { durationMillis } from "./config.js"
import { durationProblem } from "./configValidation.js"
import { canonicalPath, lookupEndpoint } from "./endpoints.js"
import type { Executor, HttpMethodName } from "./executor.js"
import { makeExecutor } from "./executor.js"
import type { HttpClient, HttpClientResponse } from "./http.js"
import { withParams } from "./params.js"
import type { ResponseFacts } from "./responses.js"
import { httpError, parseJson } from "./responses.js"
import type { ParsedBase, ResourceUrl } from "./url.js"
import { parseBase, relativePath, resolveUrl } from "./url.js"

/** PagerDuty's REST media type. @internal */
export const restAccept = "application/vnd.pagerduty+json;version=2"

/** @internal */
export type RestMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** A decoded JSON answer with what an error about it needs. @internal */
export interface JsonResponse extends ResponseFacts {
  readonly json: unknown
  /** The canonical path template, when the URL is in the endpoint table. */
  readonly canonical: Option.Option<string>
}

/** Extra facts a caller (pagination) adds to the request span. @internal */
export interface CallContext {
  readonly operation: string
  readonly attributes?: Readonly<Record<string, unknown>> | undefined
}

/** @internal */
export interface RestCore {
  readonly config: PagerDutyConfigService
  readonly base: ParsedBase
  /** Resolves a resource to an absolute URL on the configured origin. */
  readonly resolve: (url: ResourceUrl, method?: string) => Effect.Effect<string, PDClientError>
  /** The canonical path template of an absolute URL on the base. */
  readonly canonical: (absoluteUrl: string) => Option.Option<string>
  /** The raw verb path: the response for any status but 401. */
  readonly raw: (
    method: RestMethod,
    url: ResourceUrl,
    options: RequestOptions | undefined,
    context: CallContext
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, PDClientError | PDHTTPError>
  /**
   * The JSON verb path: a non-2xx fails with `PDHTTPError`; an empty body is `undefined`. `finish` (unwrapping,
   * decoding) runs inside the call's span, so its failures are the span's.
   */
  readonly json: <B = JsonResponse, E = never>(
    method: RestMethod,
    url: ResourceUrl,
    options: RequestOptions | undefined,
    context: CallContext,
    finish?: (response: JsonResponse) => Effect.Effect<B, E>
  ) => Effect.Effect<B, PDClientError | PDHTTPError | E>
}

/** What to do about `From` (the email of a PagerDuty user), said by the early error and by PagerDuty's 400. */
const fromAdvice = "set defaultFrom in PagerDutyConfig (or PAGERDUTY_FROM), or pass headers: { From: \"...\" }"

/** The hint a 400 answer to a request without `From` gets, on an operation that requires it for account keys. */
const fromHint = (endpoint: string) =>
  `${endpoint} requires a From header (the email of a PagerDuty user) when the API key is account-level: ${fromAdvice}`

const hasHeader = (headers: Readonly<Record<string, string>> | undefined, name: string): boolean =>
  headers !== undefined && Object.keys(headers).some((key) => key.toLowerCase() === name && headers[key] !== "")

/** A request's own `timeout`, validated like the configured one: an invalid one is an `InvalidInput` error. */
const requestTimeout = (
  value: Duration.DurationInput,
  method: string,
  url: string
): Effect.Effect<Duration.Duration, PDClientError> => {
  const problem = durationProblem("timeout", value, durationMillis(value), { zero: false })
  return problem === undefined
    ? Effect.sync(() => Duration.decode(value))
    : Effect.fail(
      new PDClientError({
        reason: "InvalidInput",
        description: `Nothing was sent: ${problem.message}`,
        method,
        url,
        field: "timeout"
      })
    )
}

/** @internal */
export const makeRestCore = (options: {
  readonly config: PagerDutyConfigService
  readonly policy: RetryPolicyService
  readonly client: HttpClient.HttpClient
  readonly credentials: CredentialsService
}): Effect.Effect<RestCore> =>
  Effect.gen(function*() {
    const { config } = options
    const base = parseBase(config.restUrl)
    /** Whether PagerDuty has refused a request without `From` for this client's key (an account-level key). */
    const keyNeedsFrom = yield* Ref.make(false)
    const executor: Executor = yield* makeExecutor({
      client: options.client,
      policy: options.policy,
      rules: "rest",
      credentials: options.credentials,
      debug: config.debug
    })

    // An `Either` is an `Effect` in effect 3: no conversion needed.
    const resolve = (url: ResourceUrl, method?: string): Effect.Effect<string, PDClientError> =>
      resolveUrl(base, url, method)

    const canonical = (absoluteUrl: string) => canonicalPath(relativePath(base, absoluteUrl))

    const prepare = (
      method: RestMethod,
      url: ResourceUrl,
      requestOptions: RequestOptions | undefined,
      context: CallContext
    ) =>
      Effect.gen(function*() {
        const resolved = yield* resolve(url, method)
        const absolute = withParams(resolved, requestOptions?.params)
        const template = canonical(absolute)
        const endpoint = `${method} ${Option.getOrElse(template, () => relativePath(base, absolute))}`
        const headers: Record<string, string> = { accept: restAccept }
        if (Option.isSome(config.userAgent)) headers["user-agent"] = config.userAgent.value
        if (Option.isSome(config.defaultFrom)) headers["from"] = config.defaultFrom.value
        let body: { readonly contentType: string; readonly text: string } | undefined
        if (requestOptions !== undefined && requestOptions.json !== undefined) {
          const text = yield* Effect.try({
            try: () => JSON.stringify(requestOptions.json),
            catch: (cause) =>
              new PDClientError({
                reason: "InvalidInput",
                description: "The JSON body cannot be serialized",
                method,
                url: absolute,
                cause
              })
          })
          body = { contentType: "application/json", text }
          headers["content-type"] = "application/json"
        }
        for (const [name, value] of Object.entries(requestOptions?.headers ?? {})) {
          headers[name.toLowerCase()] = value
        }
        const withoutRequiredFrom = Option.isSome(template) && !hasHeader(headers, "from") &&
          Option.exists(lookupEndpoint(method, template.value), (entry) => entry.requiresFrom)
        if (withoutRequiredFrom && (yield* Ref.get(keyNeedsFrom))) {
          return yield* new PDClientError({
            reason: "Config",
            description: `${endpoint} requires a From header (the email of a PagerDuty user), ` +
              `and PagerDuty refused a request without one for this API key (an account-level key): ${fromAdvice}`,
            method,
            url: absolute
          })
        }
        return {
          method,
          url: absolute,
          endpoint,
          operation: context.operation,
          headers,
          body,
          timeout: requestOptions?.timeout !== undefined
            ? yield* requestTimeout(requestOptions.timeout, method, absolute)
            : config.timeout,
          attributes: context.attributes,
          /** Computed once here, reused for the response (this runs on every request). */
          template,
          withoutRequiredFrom
        } as const
      })

    const raw: RestCore["raw"] = (method, url, requestOptions, context) =>
      Effect.flatMap(
        prepare(method, url, requestOptions, context),
        (request) => Effect.map(executor.send(request, Effect.succeed), (sent) => sent.response)
      )

    const json: RestCore["json"] = <B = JsonResponse, E = never>(
      method: RestMethod,
      url: ResourceUrl,
      requestOptions: RequestOptions | undefined,
      context: CallContext,
      finish?: (response: JsonResponse) => Effect.Effect<B, E>
    ) =>
      Effect.flatMap(prepare(method, url, requestOptions, context), (request) =>
        executor.send(request, (response) =>
          response.text, (sent): Effect.Effect<B, E | PDClientError | PDHTTPError> => {
          const facts: ResponseFacts = {
            method: request.method as HttpMethodName,
            url: request.url,
            status: sent.response.status,
            headers: sent.response.headers,
            bodyText: sent.value
          }
          if (request.withoutRequiredFrom && facts.status === 400) {
            // PagerDuty's answer says the key is account-level when it names the header: remember it.
            return Effect.zipRight(
              /\bFrom\b/.test(facts.bodyText) ? Ref.set(keyNeedsFrom, true) : Effect.void,
              Effect.fail(httpError(facts, { hint: fromHint(request.endpoint) }))
            )
          }
          if (facts.status < 200 || facts.status >= 300) {
            return Effect.fail(httpError(facts))
          }
          const parsed = parseJson(facts)
          if (parsed._tag === "Left") {
            return Effect.fail(parsed.error)
          }
          const response: JsonResponse = { ...facts, json: parsed.value, canonical: request.template }
          return finish === undefined ? Effect.succeed(response as B) : finish(response)
        }))

    return { config, base, resolve, canonical, raw, json }
  })
