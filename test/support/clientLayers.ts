/**
 * Every `HttpClient` layer a user may choose, for the tests that run each fault on each: a difference between them is
 * our bug until shown otherwise.
 */
import { FetchHttpClient } from "@effect/platform"
import type { HttpClient } from "@effect/platform"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import type { Layer } from "effect"

export const clientLayers: ReadonlyArray<readonly [string, Layer.Layer<HttpClient.HttpClient>]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient.layerUndici", NodeHttpClient.layerUndici],
  ["NodeHttpClient.layer", NodeHttpClient.layer]
]
