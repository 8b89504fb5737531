/** @internal */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Credentials } from "../Credentials.js"
import { PagerDutyConfig } from "../PagerDutyConfig.js"
import type { RestApiService } from "../RestApi.js"
import { RetryPolicy } from "../RetryPolicy.js"
import { makeEntityMethods } from "./entities.js"
import { HttpClient } from "./http.js"
import { makePagination } from "./pagination.js"
import type { RestCore, RestMethod } from "./restCore.js"
import { makeRestCore } from "./restCore.js"

const rawVerbs = (core: RestCore) => {
  const request: RestApiService["request"] = (method, url, options) =>
    core.raw(method, url, options, { operation: `RestApi.${method.toLowerCase()}` })
  const verb = (method: RestMethod): RestApiService["get"] => (url, options) =>
    core.raw(method, url, options, { operation: `RestApi.${method.toLowerCase()}` })
  const jverb = (method: RestMethod): RestApiService["jget"] => (url, options) =>
    Effect.map(
      core.json(method, url, options, { operation: `RestApi.j${method.toLowerCase()}` }),
      (response) => response.json
    )
  return {
    request,
    get: verb("GET"),
    post: verb("POST"),
    put: verb("PUT"),
    patch: verb("PATCH"),
    delete: verb("DELETE"),
    jget: jverb("GET"),
    jpost: jverb("POST"),
    jput: jverb("PUT"),
    jpatch: jverb("PATCH"),
    jdelete: jverb("DELETE")
  }
}

/** @internal */
export const make: Effect.Effect<RestApiService, never, PagerDutyConfig | RetryPolicy | HttpClient.HttpClient> = Effect
  .gen(function*() {
    const config = yield* PagerDutyConfig
    const policy = yield* RetryPolicy
    const client = yield* HttpClient.HttpClient
    const credentials = Option.getOrElse(
      yield* Effect.serviceOption(Credentials),
      () => Credentials.fromConfig(config)
    )
    const core = yield* makeRestCore({ config, policy, client, credentials })
    const entities = yield* makeEntityMethods(core)
    const pagination = makePagination(core, entities)
    return { ...rawVerbs(core), ...entities, ...pagination }
  })
