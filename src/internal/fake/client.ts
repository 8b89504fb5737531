/**
 * The in-memory transport: an `HttpClient` whose requests, to any host, are answered by the engine without a socket.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { FakeReply, FakeRequest } from "../../FakePagerDuty.js"
import { HttpClient, HttpClientError, type HttpClientRequest, HttpClientResponse } from "../http.js"

const decoder = new TextDecoder()

const NO_BODY_STATUSES = new Set([101, 204, 205, 304])

const bodyText = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<string, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(decoder.decode(body.body))
    case "Raw":
      return Effect.succeed(
        typeof body.body === "string" ?
          body.body :
          body.body instanceof Uint8Array ?
          decoder.decode(body.body) :
          String(body.body)
      )
    case "FormData":
      return Effect.succeed(
        new URLSearchParams(
          Array.from(body.formData.entries()).map((
            [key, value]
          ) => [key, typeof value === "string" ? value : value.name])
        ).toString()
      )
    case "Stream":
      return body.stream.pipe(
        Stream.runFold("", (text, chunk: Uint8Array) => text + decoder.decode(chunk, { stream: true })),
        Effect.mapError((cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause }))
      )
  }
}

const contentTypeOf = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  return body._tag === "Empty" ? undefined : body.contentType
}

/**
 * Turns an engine reply into a client response: a reset is a `Transport` `RequestError`, a hang never completes
 * (interruptible, so a client timeout fires).
 */
const toResponse = (
  request: HttpClientRequest.HttpClientRequest,
  reply: FakeReply
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> => {
  switch (reply._tag) {
    case "Response":
      return Effect.succeed(
        HttpClientResponse.fromWeb(
          request,
          new Response(NO_BODY_STATUSES.has(reply.status) ? null : reply.body, {
            status: reply.status,
            headers: reply.headers
          })
        )
      )
    case "ConnectionReset":
      return Effect.fail(
        new HttpClientError.RequestError({
          request,
          reason: "Transport",
          cause: Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }),
          description: "FakePagerDuty: connection reset by peer"
        })
      )
    case "Hang":
      return Effect.never
  }
}

/**
 * An `HttpClient` served by an engine `handle` function.
 *
 * @internal
 */
export const makeHttpClient = (handle: (request: FakeRequest) => Effect.Effect<FakeReply>): HttpClient.HttpClient =>
  HttpClient.make((request, url) =>
    Effect.flatMap(bodyText(request), (body) => {
      // A plain copy (the platform's `Headers` has a special prototype), with the body's content type as a real
      // client would send it.
      const headers: Record<string, string> = { ...request.headers }
      const contentType = contentTypeOf(request)
      if (contentType !== undefined && headers["content-type"] === undefined) headers["content-type"] = contentType
      return Effect.flatMap(
        handle({ method: request.method, url: url.toString(), headers, body }),
        (reply) => toResponse(request, reply)
      )
    })
  )
