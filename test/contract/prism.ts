/**
 * Contract-test support: test copies of PagerDuty's official OpenAPI documents, a Prism mock server
 * (`@stoplight/prism-cli`, a dev dependency) started on 127.0.0.1 for the lifetime of a layer, and an `HttpClient`
 * that records the `sl-violations` header Prism puts on every answer.
 *
 * Prism is run as `prism mock <spec copy> --host 127.0.0.1 --port <free port>` and nothing else:
 * - without `--errors`: that flag only turns RESPONSE violations (the spec's own examples against its own schemas)
 *   into 422 answers; request violations are reported in `sl-violations` with or without it, and the requests are
 *   what these tests check;
 * - static mocking (no `--dynamic`): answers are the spec's examples, deterministic;
 * - default CORS and log level: the log (every request and every violation) is what a failing test prints.
 *
 * It runs with the Node that runs the tests, under a small supervisor in its own process group: closing the scope
 * signals the whole group (SIGTERM, then SIGKILL after 5 s), and the supervisor stops Prism by itself when the test
 * process disappears without closing its scopes (its stdin closes), so no Prism outlives a run.
 *
 * If Prism cannot start (missing, crashed, not listening within {@link startTimeout}), the effect fails with Prism's
 * output: the contract tests then FAIL, they never skip.
 */
import type { HttpClientResponse } from "@effect/platform"
import { HttpClient, UrlParams } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { assert } from "@effect/vitest"
import { Data, Effect, Either, Layer, Ref } from "effect"
import type { Scope } from "effect"
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { connect, createServer } from "node:net"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

// ---------------------------------------------------------------------------------------------------------------------
// the specs
// ---------------------------------------------------------------------------------------------------------------------

/** The official documents (`PAGERDUTY_OPENAPI_DIR`, see `test/support/openapi.ts`). */
export { eventsSpecPath, restSpecPath } from "../support/openapi.js"

/** Prism's CLI entry (the `prism` bin of `@stoplight/prism-cli`), run with the Node that runs the tests. */
const prismCli = fileURLToPath(new URL("../../node_modules/@stoplight/prism-cli/dist/index.js", import.meta.url))

/** The media type the client sends in `Accept`, as the real REST API expects. */
export const pagerDutyMediaType = "application/vnd.pagerduty+json;version=2"

type Json = Record<string, unknown>

const isRecord = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

const methods = ["get", "put", "post", "delete", "patch", "options", "head", "trace"] as const

const operations = (spec: Json): Array<{ readonly path: string; readonly item: Json; readonly operation: Json }> => {
  const out: Array<{ readonly path: string; readonly item: Json; readonly operation: Json }> = []
  const paths = isRecord(spec.paths) ? spec.paths : {}
  for (const [path, item] of Object.entries(paths)) {
    if (!isRecord(item)) continue
    for (const method of methods) {
      const operation = item[method]
      if (isRecord(operation)) out.push({ path, item, operation })
    }
  }
  return out
}

/** Adds the PagerDuty media type, with the same schema and examples, to a content map declaring `application/json`. */
const addPagerDutyMediaType = (holder: unknown): number => {
  if (!isRecord(holder) || !isRecord(holder.content)) return 0
  const content = holder.content
  if (!("application/json" in content) || pagerDutyMediaType in content) return 0
  content[pagerDutyMediaType] = content["application/json"]
  return 1
}

const contentTypeRef = "#/components/parameters/header_Content-Type"

const isContentTypeParameter = (parameter: unknown): boolean =>
  isRecord(parameter) &&
  (parameter.$ref === contentTypeRef ||
    (parameter.in === "header" && typeof parameter.name === "string" &&
      parameter.name.toLowerCase() === "content-type"))

/** What a test copy changed, for the record (and asserted, so a changed upstream spec is noticed). */
export interface SpecAdjustments {
  readonly mediaTypesAdded: number
  readonly contentTypeMadeOptional: number
}

/**
 * The REST test copy. Two adjustments, nothing else:
 *
 * 1. Every request body and response that declares `application/json` also declares
 *    `application/vnd.pagerduty+json;version=2` with the same schema and examples (`components.requestBodies`,
 *    `components.responses`, and inline ones). The real API answers that media type, the client asks for it in
 *    `Accept`, and Prism answers 406 to an `Accept` no response declares. The request schemas are unchanged, and the
 *    client still sends `Content-Type: application/json`, which is still validated.
 * 2. The `Content-Type` header parameter (`required: true`, `enum: ["application/json"]`, declared even on GETs and
 *    DELETEs) is made optional on operations that declare NO request body (a bodiless request has no content to
 *    type; the real API does not ask for one, and the client sends none). It keeps its enum there, and stays
 *    required on every operation with a request body.
 */
export const adjustRestSpec = (spec: Json): SpecAdjustments => {
  let mediaTypesAdded = 0
  let contentTypeMadeOptional = 0
  const components = isRecord(spec.components) ? spec.components : {}
  const parameters = isRecord(components.parameters) ? components.parameters : {}
  const contentTypeParameter = parameters["header_Content-Type"]
  for (const group of [components.requestBodies, components.responses]) {
    if (isRecord(group)) { for (const holder of Object.values(group)) mediaTypesAdded += addPagerDutyMediaType(holder) }
  }
  for (const { item, operation } of operations(spec)) {
    mediaTypesAdded += addPagerDutyMediaType(operation.requestBody)
    if (isRecord(operation.responses)) {
      for (const response of Object.values(operation.responses)) mediaTypesAdded += addPagerDutyMediaType(response)
    }
    if (operation.requestBody !== undefined) continue
    const own = Array.isArray(operation.parameters) ? operation.parameters : []
    const inherited = Array.isArray(item.parameters) ? item.parameters : []
    const declared = [...own, ...inherited].find(isContentTypeParameter)
    if (declared === undefined) continue
    const resolved = isRecord(declared) && declared.$ref === contentTypeRef ? contentTypeParameter : declared
    if (!isRecord(resolved)) continue
    // an operation-level parameter overrides a path-level one with the same name and location
    operation.parameters = [...own.filter((p) => !isContentTypeParameter(p)), { ...resolved, required: false }]
    contentTypeMadeOptional += 1
  }
  return { mediaTypesAdded, contentTypeMadeOptional }
}

/**
 * The events test copy. One adjustment: the server URL `https://events.pagerduty.com/v2` becomes
 * `https://events.pagerduty.com` and the paths `/enqueue`, `/change/enqueue` become `/v2/enqueue`,
 * `/v2/change/enqueue` (the same absolute URLs). Prism matches request paths against `paths` only, so this makes it
 * check the path the client really sends (`${eventsUrl}/v2/enqueue`, `eventsUrl` being the bare origin) instead of a
 * shortened one. No media type is added: the Events API is plain `application/json` both ways, which is what the
 * client sends and accepts.
 */
export const adjustEventsSpec = (spec: Json): SpecAdjustments => {
  const servers = Array.isArray(spec.servers) ? spec.servers : []
  const prefixes = new Set<string>()
  spec.servers = servers.map((server) => {
    if (!isRecord(server) || typeof server.url !== "string") return server
    const url = new URL(server.url)
    prefixes.add(url.pathname.replace(/\/$/, ""))
    return { ...server, url: url.origin }
  })
  const prefix = [...prefixes][0] ?? ""
  const paths = isRecord(spec.paths) ? spec.paths : {}
  spec.paths = Object.fromEntries(Object.entries(paths).map(([path, item]) => [`${prefix}${path}`, item]))
  return { mediaTypesAdded: 0, contentTypeMadeOptional: 0 }
}

// ---------------------------------------------------------------------------------------------------------------------
// Prism
// ---------------------------------------------------------------------------------------------------------------------

/** How long Prism may take to listen (it parses a 2.7 MB document; generous for a busy 2-core CI machine). */
export const startTimeout = 90_000

/** How long a stopped Prism may take to exit before its process group is killed. */
const stopTimeout = 5_000

const outputLimit = 64 * 1024

/** Prism did not start: the message carries the command and the tail of its output. */
export class PrismStartError extends Data.TaggedError("PrismStartError")<{ readonly message: string }> {}

/** A running Prism. */
export interface Prism {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  readonly port: number
  /** The test copy of the spec it serves. */
  readonly specFile: string
  readonly adjustments: SpecAdjustments
  /** From spawning the process to accepting connections. */
  readonly startupMillis: number
  /** The tail of Prism's stdout and stderr (its log: every request and every violation). */
  readonly output: () => string
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" })
    socket.setTimeout(1_000)
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once("connect", () => done(true))
    socket.once("error", () => done(false))
    socket.once("timeout", () => done(false))
  })

const delay = (millis: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, millis))

const killGroup = (child: ChildProcess, signal: NodeJS.Signals): void => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    // detached: the child leads its own process group; a negative pid signals the whole group
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

const exited = (child: ChildProcess, millis: number): Promise<boolean> =>
  child.exitCode !== null || child.signalCode !== null ?
    Promise.resolve(true) :
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), millis)
      child.once("exit", () => {
        clearTimeout(timer)
        resolve(true)
      })
    })

interface Started {
  readonly child: ChildProcess
  readonly port: number
  readonly startupMillis: number
  readonly output: () => string
  readonly stop: () => Promise<void>
}

type Attempt = { readonly _tag: "Started"; readonly started: Started } | {
  readonly _tag: "Failed"
  readonly message: string
  readonly portTaken: boolean
}

/**
 * A tiny supervisor that runs Prism (argv: Prism's CLI and its arguments) in its own process group and stops it when
 * its stdin closes, i.e. when the test process is gone however it went (even killed with SIGKILL): no orphan Prism.
 * It forwards Prism's output and exit code.
 */
const supervisor = [
  "const { spawn } = require(\"node:child_process\")",
  "const prism = spawn(process.execPath, process.argv.slice(1), { stdio: [\"ignore\", \"inherit\", \"inherit\"] })",
  "const stop = () => { prism.kill(\"SIGTERM\"); setTimeout(() => prism.kill(\"SIGKILL\"), 3000).unref() }",
  "process.stdin.on(\"end\", stop)",
  "process.stdin.on(\"error\", stop)",
  "process.stdin.resume()",
  "process.on(\"SIGTERM\", stop)",
  "prism.on(\"exit\", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)))"
].join("\n")

/** `mock` (answers from the spec's examples) or `proxy` to an upstream URL (validates both directions). */
export type PrismMode = { readonly _tag: "Mock" } | { readonly _tag: "Proxy"; readonly upstream: string }

const attempt = async (specFile: string, mode: PrismMode): Promise<Attempt> => {
  const port = await freePort()
  const modeArgs = mode._tag === "Mock" ? ["mock", specFile] : ["proxy", specFile, mode.upstream]
  const args = [prismCli, ...modeArgs, "--host", "127.0.0.1", "--port", String(port)]
  const command = `node ${args.join(" ")}`
  let output = ""
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-outputLimit)
  }
  const began = performance.now()
  const child = spawn(process.execPath, ["-e", supervisor, ...args], {
    // its own process group (the supervisor and Prism), signalled as a whole by `killGroup`
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" }
  })
  child.stdout?.on("data", append)
  child.stderr?.on("data", append)
  let spawnError: Error | undefined
  child.once("error", (error) => {
    spawnError = error
  })
  // a safety net: a worker that dies without closing its scopes still takes its Prism with it
  const onExit = () => killGroup(child, "SIGKILL")
  process.once("exit", onExit)
  const stop = async () => {
    killGroup(child, "SIGTERM")
    if (!(await exited(child, stopTimeout))) {
      killGroup(child, "SIGKILL")
      await exited(child, stopTimeout)
    }
    process.removeListener("exit", onExit)
  }
  const fail = async (why: string): Promise<Attempt> => {
    await stop()
    return {
      _tag: "Failed",
      portTaken: output.includes("EADDRINUSE"),
      message: `Prism did not start: ${why}\ncommand: ${command}\n--- Prism output (tail) ---\n${output.slice(-16_384)}`
    }
  }
  const deadline = began + startTimeout
  while (performance.now() < deadline) {
    if (spawnError !== undefined) return fail(`spawning failed: ${spawnError.message}`)
    if (child.exitCode !== null || child.signalCode !== null) {
      return fail(`it exited with ${child.exitCode ?? child.signalCode} before listening`)
    }
    // the log line proves the listener is Prism's (not another process that took the port meanwhile)
    if (output.includes(`Prism is listening on http://127.0.0.1:${port}`) && (await accepts(port))) {
      return {
        _tag: "Started",
        started: { child, port, startupMillis: Math.round(performance.now() - began), output: () => output, stop }
      }
    }
    await delay(200)
  }
  return fail(`not listening on 127.0.0.1:${port} after ${startTimeout / 1000} s`)
}

const launch = async (specFile: string, mode: PrismMode): Promise<Started | string> => {
  let last = ""
  // a free port can be taken between choosing it and Prism binding it: try another one
  for (let i = 0; i < 3; i++) {
    const result = await attempt(specFile, mode)
    if (result._tag === "Started") return result.started
    last = result.message
    if (!result.portTaken) break
  }
  return last
}

/**
 * Writes a test copy of `source` (adjusted by `adjust`) into a fresh temp directory and starts Prism on it, for the
 * lifetime of the scope: closing the scope stops Prism (its whole process group) and removes the directory.
 */
export const startPrism = (
  source: string,
  adjust: (spec: Json) => SpecAdjustments,
  mode: PrismMode = { _tag: "Mock" }
): Effect.Effect<Prism, PrismStartError, Scope.Scope> =>
  Effect.gen(function*() {
    const dir = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => mkdtemp(join(tmpdir(), "effect-pagerduty-prism-")),
        catch: (cause) => new PrismStartError({ message: `Cannot create a temp directory: ${String(cause)}` })
      }),
      (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
    )
    const { adjustments, specFile } = yield* Effect.tryPromise({
      try: async () => {
        const spec: unknown = JSON.parse(await readFile(source, "utf8"))
        if (!isRecord(spec)) throw new Error("not a JSON object")
        const adjustments = adjust(spec)
        const specFile = join(dir, "openapiv3.json")
        await writeFile(specFile, JSON.stringify(spec))
        return { adjustments, specFile }
      },
      catch: (cause) => new PrismStartError({ message: `Cannot prepare the test copy of ${source}: ${String(cause)}` })
    })
    const started = yield* Effect.acquireRelease(
      Effect.flatMap(
        Effect.promise(() => launch(specFile, mode)),
        (result) =>
          typeof result === "string" ? Effect.fail(new PrismStartError({ message: result })) : Effect.succeed(result)
      ),
      (started) => Effect.promise(() => started.stop())
    )
    return {
      url: `http://127.0.0.1:${started.port}`,
      port: started.port,
      specFile,
      adjustments,
      startupMillis: started.startupMillis,
      output: started.output
    }
  })

// ---------------------------------------------------------------------------------------------------------------------
// recording Prism's verdicts
// ---------------------------------------------------------------------------------------------------------------------

/** One violation as Prism reports it in `sl-violations`. */
export interface Violation {
  readonly location: ReadonlyArray<string>
  readonly severity: string
  readonly code: string | number
  readonly message: string
}

/** One exchange with Prism as the client saw it. */
export interface Exchange {
  readonly method: string
  readonly url: string
  readonly status: number
  /** `undefined` when the header is absent. */
  readonly violations: ReadonlyArray<Violation> | undefined
  /** The raw header, when it is not a JSON array (Prism truncates very long ones). */
  readonly rawViolations: string | undefined
}

/** The violations of an `sl-violations` header value (absent: `undefined`; empty: `[]`). */
export const parseViolations = (
  header: string | null | undefined
): { readonly violations: ReadonlyArray<Violation> | undefined; readonly raw: string | undefined } => {
  if (header === null || header === undefined) return { violations: undefined, raw: undefined }
  if (header.trim() === "") return { violations: [], raw: undefined }
  try {
    const parsed: unknown = JSON.parse(header)
    return Array.isArray(parsed) ?
      { violations: parsed as ReadonlyArray<Violation>, raw: undefined } :
      { violations: undefined, raw: header }
  } catch {
    return { violations: undefined, raw: header }
  }
}

/** An `HttpClient` over Node's undici that records every exchange with its `sl-violations` verdict. */
export interface Recorder {
  readonly layer: Layer.Layer<HttpClient.HttpClient>
  /** The exchanges recorded so far. */
  readonly exchanges: Effect.Effect<ReadonlyArray<Exchange>>
  /** Forgets what was recorded (call before the requests a test checks). */
  readonly clear: Effect.Effect<void>
}

const record = (response: HttpClientResponse.HttpClientResponse): Exchange => {
  const { raw, violations } = parseViolations(response.headers["sl-violations"])
  const query = UrlParams.toString(response.request.urlParams)
  return {
    method: response.request.method,
    url: query === "" ? response.request.url : `${response.request.url}?${query}`,
    status: response.status,
    violations,
    rawViolations: raw
  }
}

export const makeRecorder: Effect.Effect<Recorder> = Effect.gen(function*() {
  const log = yield* Ref.make<ReadonlyArray<Exchange>>([])
  const layer = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(
      HttpClient.HttpClient,
      (client) => HttpClient.tap(client, (response) => Ref.update(log, (seen) => [...seen, record(response)]))
    )
  ).pipe(Layer.provide(NodeHttpClient.layerUndici))
  return { layer, exchanges: Ref.get(log), clear: Ref.set(log, []) }
})

// ---------------------------------------------------------------------------------------------------------------------
// assertions
// ---------------------------------------------------------------------------------------------------------------------

export const describeExchange = (exchange: Exchange): string =>
  `${exchange.method} ${exchange.url} -> ${exchange.status} ${
    JSON.stringify(exchange.violations ?? exchange.rawViolations ?? "no sl-violations")
  }`

/**
 * Runs `effect` (the library's calls) and gives what it returned with every exchange it caused; if it fails, the
 * test fails with the error and the exchanges (with Prism's verdicts).
 */
export const recorded = <A, E, R>(
  recorder: Recorder,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<{ readonly value: A; readonly exchanges: ReadonlyArray<Exchange> }, never, R> =>
  Effect.gen(function*() {
    yield* recorder.clear
    const result = yield* Effect.either(effect)
    const exchanges = yield* recorder.exchanges
    if (Either.isLeft(result)) {
      return assert.fail(`The call failed: ${String(result.left)}\n${exchanges.map(describeExchange).join("\n")}`)
    }
    return { value: result.right, exchanges }
  })

/**
 * Exactly `count` exchanges, each matched by Prism to an operation and answered with a success, and each with no
 * violation at all: `sl-violations` absent or empty (no request violation; Prism's own answers are checked too,
 * which costs nothing for the operations exercised here).
 */
export const assertNoViolations = (prism: Prism, exchanges: ReadonlyArray<Exchange>, count: number): void => {
  const context = `${exchanges.map(describeExchange).join("\n")}\n--- Prism output (tail) ---\n${
    prism.output().slice(-4_000)
  }`
  assert.strictEqual(exchanges.length, count, context)
  for (const exchange of exchanges) {
    assert.isUndefined(exchange.rawViolations, context)
    assert.deepStrictEqual(exchange.violations ?? [], [], context)
    assert.isTrue(exchange.status >= 200 && exchange.status < 300, context)
  }
}
