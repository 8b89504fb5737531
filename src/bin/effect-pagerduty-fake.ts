#!/usr/bin/env node
/**
 * `effect-pagerduty-fake`: the fake PagerDuty as a shell command, for clients in any language.
 *
 *   npx effect-pagerduty-fake --port 8080 --seed demo
 *
 * Options: `--port N` (default 8080; 0 for a free port), `--host H` (default 127.0.0.1), `--seed NAME|FILE` (`demo`,
 * `empty`, or a JSON file of records by collection: `{"users": [...], "services": [...]}`; default `demo`),
 * `--api-key KEY` (repeatable: accept only these keys; default any non-empty key), `--public-url URL` (the base of
 * `self` links behind a proxy). Prints the REST and Events URLs and the keys it accepts; stops on Ctrl-C
 * (SIGINT) or SIGTERM, closing every connection.
 *
 * @internal
 */
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { readFileSync } from "node:fs"
import { FakePagerDuty, type FakeRecordInput } from "../FakePagerDuty.js"
import { FakePagerDutyServer, type FakePagerDutyServerOptions } from "../FakePagerDutyServer.js"
import { DEMO_ROUTING_KEY, namedSeeds } from "../internal/fake/seeds.js"

const USAGE = "usage: effect-pagerduty-fake [--port 8080] [--host 127.0.0.1] [--seed demo|empty|FILE.json] " +
  "[--api-key KEY]... [--public-url URL]"

interface Arguments {
  readonly port: number
  readonly host: string
  readonly seed: string
  readonly apiKeys: ReadonlyArray<string>
  readonly publicUrl: string | undefined
}

const parseArguments = (argv: ReadonlyArray<string>): Arguments | string => {
  let port = 8080
  let host = "127.0.0.1"
  let seed = "demo"
  let publicUrl: string | undefined
  const apiKeys: Array<string> = []
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith("--") && argv[i].includes("=") ?
      [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)] :
      [argv[i], undefined]
    if (flag === "--help" || flag === "-h") return USAGE
    const value = inline ?? argv[++i]
    if (value === undefined) return `${flag} needs a value\n${USAGE}`
    switch (flag) {
      case "--port": {
        const n = Number(value)
        if (!Number.isInteger(n) || n < 0 || n > 65_535) return `--port must be 0..65535, not ${value}`
        port = n
        break
      }
      case "--host":
        host = value
        break
      case "--seed":
        seed = value
        break
      case "--api-key":
        apiKeys.push(value)
        break
      case "--public-url":
        publicUrl = value
        break
      default:
        return `unknown option ${flag}\n${USAGE}`
    }
  }
  return { port, host, seed, apiKeys, publicUrl }
}

const loadSeed = (seed: string): Readonly<Record<string, ReadonlyArray<FakeRecordInput>>> | string => {
  const named = namedSeeds[seed]
  if (named !== undefined) return named
  try {
    const parsed: unknown = JSON.parse(readFileSync(seed, "utf8"))
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      return `${seed}: a seed file is a JSON object of record lists by collection`
    }
    for (const [collection, records] of Object.entries(parsed)) {
      if (!Array.isArray(records)) return `${seed}: "${collection}" must be a list of records`
    }
    return parsed as Record<string, ReadonlyArray<FakeRecordInput>>
  } catch (error) {
    return `--seed ${seed}: neither a named seed (${Object.keys(namedSeeds).join(", ")}) nor a readable JSON file ` +
      `(${error instanceof Error ? error.message : String(error)})`
  }
}

const serve = (args: Arguments, seed: Readonly<Record<string, ReadonlyArray<FakeRecordInput>>>) =>
  Effect.gen(function*() {
    const server = yield* FakePagerDutyServer
    const fake = yield* FakePagerDuty
    const routingKeys: Array<string> = []
    if (args.seed === "demo") routingKeys.push(`${yield* fake.addIntegration("PSVC001", DEMO_ROUTING_KEY)} (Checkout)`)
    const base = args.publicUrl ?? server.url
    yield* Console.log(`effect-pagerduty fake PagerDuty, seed "${args.seed}"`)
    yield* Console.log(`REST API:   ${base}`)
    yield* Console.log(`Events API: ${base}/v2/enqueue (change events: ${base}/v2/change/enqueue)`)
    yield* Console.log(`OAuth:      ${base}/oauth/token (any app)`)
    yield* Console.log(
      `API keys:   ${
        args.apiKeys.length === 0 ?
          "any non-empty key (Authorization: Token token=<key>)" :
          args.apiKeys.join(", ")
      }`
    )
    if (routingKeys.length > 0) yield* Console.log(`Routing keys: ${routingKeys.join(", ")}`)
    yield* Console.log(`Try: curl -H 'Authorization: Token token=demo' ${base}/users`)
    yield* Console.log("Press Ctrl-C to stop.")
    return yield* Effect.never
  }).pipe(
    Effect.provide(
      FakePagerDutyServer.layer(
        {
          port: args.port,
          host: args.host,
          seed,
          recordRequests: false,
          ...(args.apiKeys.length > 0 ? { apiKeys: args.apiKeys } : {}),
          ...(args.publicUrl !== undefined ? { publicUrl: args.publicUrl } : {})
        } satisfies FakePagerDutyServerOptions
      )
    )
  )

const main = (argv: ReadonlyArray<string>): void => {
  const args = parseArguments(argv)
  if (typeof args === "string") {
    Effect.runSync(args === USAGE ? Console.log(USAGE) : Console.error(args))
    process.exitCode = args === USAGE ? 0 : 2
    return
  }
  const seed = loadSeed(args.seed)
  if (typeof seed === "string") {
    Effect.runSync(Console.error(seed))
    process.exitCode = 2
    return
  }
  const fiber = Effect.runFork(serve(args, seed))
  const stop = () => {
    // Interrupting closes the layer's scope: the server and every connection close, then the process exits.
    Effect.runFork(Effect.zipRight(Fiber.interrupt(fiber), Console.log("Stopped.")))
  }
  process.once("SIGINT", stop)
  process.once("SIGTERM", stop)
  fiber.addObserver((exit) => {
    if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
      // E.g. the port is taken.
      Effect.runSync(Console.error(`effect-pagerduty-fake failed: ${Cause.pretty(exit.cause)}`))
      process.exitCode = 1
    }
  })
}

main(process.argv.slice(2))
