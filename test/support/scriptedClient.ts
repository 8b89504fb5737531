/**
 * An in-memory HttpClient for unit tests: every request is recorded and answered by a script.
 */
import { HttpClient, HttpClientError, HttpClientResponse } from "@effect/platform"
import type { HttpClientRequest } from "@effect/platform"
import { Effect, Layer, Ref } from "effect"

export interface RecordedRequest {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

export type ScriptedReply =
  | {
    readonly status: number
    readonly body?: string | object | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
  }
  | { readonly reset: true }
  | { readonly hang: true }

export interface Scripted {
  readonly client: HttpClient.HttpClient
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
}

const bodyText = (request: HttpClientRequest.HttpClientRequest): string | undefined =>
  request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : undefined

/** A client answering each request with `script(request, index)` (index counts from 0). */
export const scripted = (
  script: (request: RecordedRequest, index: number) => ScriptedReply | Effect.Effect<ScriptedReply>
): Effect.Effect<Scripted> =>
  Effect.gen(function*() {
    const log = yield* Ref.make<ReadonlyArray<RecordedRequest>>([])
    const client = HttpClient.make((request, url) =>
      Effect.gen(function*() {
        const recorded: RecordedRequest = {
          method: request.method,
          url,
          headers: request.headers,
          body: bodyText(request)
        }
        const index = (yield* Ref.getAndUpdate(log, (all) => [...all, recorded])).length
        const produced = script(recorded, index)
        const reply = Effect.isEffect(produced) ? yield* produced : produced
        if ("reset" in reply) {
          return yield* new HttpClientError.RequestError({
            request,
            reason: "Transport",
            cause: new Error("read ECONNRESET")
          })
        }
        if ("hang" in reply) return yield* Effect.never
        const body = reply.body === undefined
          ? null
          : typeof reply.body === "string"
          ? reply.body
          : JSON.stringify(reply.body)
        const headers = new Headers(reply.headers ?? {})
        if (typeof reply.body === "object" && !headers.has("content-type")) {
          headers.set("content-type", "application/json")
        }
        return HttpClientResponse.fromWeb(
          request,
          new Response(reply.status === 204 ? null : body, { status: reply.status, headers })
        )
      })
    )
    return { client, layer: Layer.succeed(HttpClient.HttpClient, client), requests: Ref.get(log) }
  })

/** A JSON reply. */
export const json = (status: number, body: object, headers?: Record<string, string>): ScriptedReply => ({
  status,
  body,
  ...(headers !== undefined ? { headers } : {})
})
