/**
 * `npm run bench:typed` (`--quick` for a short run that does not write TYPED-RESULTS.md): the budgets of the typed
 * operations (`effect-pagerduty/api`), in one run:
 *
 * 1. decoding cost: listing 10,000 users through `Users.listUsers` (decoded with the generated schema) versus
 *    `RestApi.listAll("/users")` without a schema, at 0 ms latency, the client's CPU time (budget ≤ 1.25×);
 * 2. tree-shaking: an esbuild browser bundle (minified, gzip) of an app using three typed operations versus the same
 *    app using the `RestApi` verbs (budget ≤ 30 KiB larger);
 * 3. type-checking: `tsc --noEmit` of a consumer using ten typed operations versus one using the verbs only, against
 *    the built declarations (`dist/`, as an npm user sees them) (budget ≤ 1.5×); and the project's own
 *    `npm run typecheck` (budget < 60 s).
 *
 * Prints a markdown report and writes it to bench/TYPED-RESULTS.md.
 */
import { Chunk, Effect, Stream } from "effect"
import { RestApi } from "effect-pagerduty"
import { Users } from "effect-pagerduty/api"
import * as esbuild from "esbuild"
import { execFileSync, spawnSync } from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { fileURLToPath } from "node:url"
import * as Zlib from "node:zlib"
import { startServer } from "./children.js"
import { checked, type ClientKind, clientLabel, makeRuntime } from "./clients.js"
import { USERS } from "./protocol.js"
import { measure, median, ms, ratio, table } from "./stats.js"

const quick = process.argv.includes("--quick")
/** `--only=decode|bundle|typecheck`: one section (RESULTS are then not written). */
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length)
const section = (name: string) => only === undefined || only === name
const root = fileURLToPath(new URL("..", import.meta.url))
const scratch = Path.join(root, ".scratch", "bench-typed")
const out: Array<string> = []
const emit = (text: string) => {
  out.push(text)
  console.log(text)
}
interface Target {
  readonly what: string
  readonly measured: string
  readonly pass: boolean
}
const targets: Array<Target> = []
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`

emit(`# effect-pagerduty: typed operations budgets`)
emit("")
emit(`- Command: \`npm run bench:typed${quick ? " -- --quick" : ""}\``)
emit(`- Date: ${new Date().toISOString()}`)
emit(
  `- Node ${process.version}; ${Os.cpus()[0]?.model ?? "unknown"}, ${Os.cpus().length} cores; load average at ` +
    `start ${Os.loadavg().map((l) => l.toFixed(2)).join(" ")}`
)
emit("")

// ---------------------------------------------------------------------------------------------------------------------
// 1. Decoding cost
// ---------------------------------------------------------------------------------------------------------------------

if (section("decode")) {
  process.stderr.write(`starting the fake PagerDuty in a child process...\n`)
  const server = await startServer()
  const KINDS: ReadonlyArray<ClientKind> = ["undici", "fetch"]
  const runtimes = new Map(KINDS.map((kind) => [kind, makeRuntime(kind, server.url, server.routingKey)]))
  const expectUsers = (who: string) => checked(who, USERS)
  const rows = await measure(
    "typed decoding",
    KINDS.flatMap((kind) => {
      const runtime = runtimes.get(kind)!
      return [
        {
          id: `verbs-${kind}`,
          label: "`api.listAll(\"/users\")`, no schema",
          transport: clientLabel(kind),
          concurrency: 1,
          run: () =>
            runtime.runPromise(Effect.flatMap(RestApi, (api) => api.listAll("/users"))).then(expectUsers("listAll"))
        },
        {
          id: `typed-${kind}`,
          label: "`Users.listUsers()`, decoded",
          transport: clientLabel(kind),
          concurrency: 1,
          run: () =>
            runtime.runPromise(Effect.map(Stream.runCollect(Users.listUsers()), Chunk.toReadonlyArray)).then(
              expectUsers("Users.listUsers")
            )
        },
        {
          id: `unchecked-${kind}`,
          label: "`Users.listUsers({}, { decode: false })`",
          transport: clientLabel(kind),
          concurrency: 1,
          run: () =>
            runtime.runPromise(
              Effect.map(Stream.runCollect(Users.listUsers({}, { decode: false })), Chunk.toReadonlyArray)
            ).then(expectUsers("Users.listUsers unchecked"))
        }
      ]
    }),
    { warmup: 2, runs: quick ? 5 : 15 }
  )
  for (const runtime of runtimes.values()) await runtime.dispose()
  await server.stop()

  emit(`## 1. Decoding cost: ${USERS.toLocaleString("en-US")} users, 100 per page, 0 ms latency`)
  emit("")
  emit(
    `Variants interleaved round-robin, 2 warm-up rounds, median of ${rows[0].runs.length} rounds. "client CPU" is ` +
      `this process's user + system CPU time during a run (the fake runs in a child process).`
  )
  emit("")
  emit(table(
    ["client", "HttpClient", "median", "client CPU", "CPU ÷ listAll"],
    rows.map((row) => {
      const kind = KINDS.find((k) => row.variant.id.endsWith(k))!
      const base = rows.find((r) => r.variant.id === `verbs-${kind}`)!
      return [row.variant.label, row.variant.transport, ms(row.median), ms(row.cpu), ratio(row.cpu / base.cpu)]
    })
  ))
  emit("")
  for (const kind of KINDS) {
    const base = rows.find((r) => r.variant.id === `verbs-${kind}`)!
    const typed = rows.find((r) => r.variant.id === `typed-${kind}`)!
    targets.push({
      what: `decoding, ${clientLabel(kind)}: typed listing ≤ 1.25× the CPU of \`listAll\` without a schema`,
      measured: `${ms(typed.cpu)} vs ${ms(base.cpu)}: ${ratio(typed.cpu / base.cpu)}`,
      pass: typed.cpu / base.cpu <= 1.25
    })
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// 2. Tree-shaking
// ---------------------------------------------------------------------------------------------------------------------

if (section("bundle")) {
  const appPrelude = `import { FetchHttpClient } from "@effect/platform"
import { Effect, Layer, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
const Live = PagerDuty.layer({ apiKey: "u+browser" }).pipe(Layer.provide(FetchHttpClient.layer))
`
  const verbsApp = `${appPrelude}
const program = Effect.gen(function*() {
  const api = yield* RestApi
  const incident = yield* api.rget("/incidents/PABC123")
  const user = yield* api.rget("/users/me")
  const services = yield* Stream.runCollect(api.iterAll("/services"))
  return { incident, user, services }
})
Effect.runPromise(Effect.provide(program, Live)).then((r) => document.body.append(JSON.stringify(r)))
`
  const typedApp = `${appPrelude}
import { Incidents, Services, Users } from "effect-pagerduty/api"
const program = Effect.gen(function*() {
  const incident = yield* Incidents.getIncident({ id: "PABC123" })
  const user = yield* Users.getCurrentUser()
  const services = yield* Stream.runCollect(Services.listServices())
  return { incident: incident.title, user: user.email, services }
})
Effect.runPromise(Effect.provide(program, Live)).then((r) => document.body.append(JSON.stringify(r)))
`

  const bundle = async (contents: string) => {
    const result = await esbuild.build({
      stdin: { contents, resolveDir: root, loader: "ts", sourcefile: "app.ts" },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      logLevel: "silent",
      alias: {
        "effect-pagerduty/api": Path.join(root, "src/api/index.ts"),
        "effect-pagerduty": Path.join(root, "src/index.ts")
      }
    })
    const bytes = result.outputFiles[0].contents
    return { raw: bytes.length, gzip: Zlib.gzipSync(bytes, { level: 9 }).length }
  }
  process.stderr.write(`bundling...\n`)
  const verbsBundle = await bundle(verbsApp)
  const typedBundle = await bundle(typedApp)
  const allBundle = await bundle(`${appPrelude}
import * as Api from "effect-pagerduty/api"
document.body.append(String(Object.keys(Api).length), String(Layer.isLayer(Live)), String(Effect.isEffect(Stream.empty)), String(RestApi.key))
for (const ns of Object.values(Api)) document.body.append(String(Object.keys(ns).length))
`)
  emit(`## 2. Tree-shaking: browser bundles (esbuild, minified, ESM, gzip -9)`)
  emit("")
  emit(
    `The same app (layer, three calls: one incident, the current user, the services as a stream) written with the ` +
      `\`RestApi\` verbs and with the typed operations; and, for scale, a bundle that keeps every typed operation and ` +
      `schema.`
  )
  emit("")
  emit(table(
    ["app", "minified", "gzip", "gzip − verbs app"],
    [
      ["`RestApi` verbs", kib(verbsBundle.raw), kib(verbsBundle.gzip), ""],
      ["three typed operations", kib(typedBundle.raw), kib(typedBundle.gzip), kib(typedBundle.gzip - verbsBundle.gzip)],
      [
        "every typed operation (no tree-shaking possible)",
        kib(allBundle.raw),
        kib(allBundle.gzip),
        kib(allBundle.gzip - verbsBundle.gzip)
      ]
    ]
  ))
  emit("")
  targets.push({
    what: "tree-shaking: three typed operations ≤ 30 KiB (gzip) more than the verbs",
    measured: `+${kib(typedBundle.gzip - verbsBundle.gzip)} (${kib(typedBundle.gzip)} vs ${kib(verbsBundle.gzip)})`,
    pass: typedBundle.gzip - verbsBundle.gzip <= 30 * 1024
  })
}

// ---------------------------------------------------------------------------------------------------------------------
// 3. Type-checking
// ---------------------------------------------------------------------------------------------------------------------

if (section("typecheck")) {
  const tsc = Path.join(root, "node_modules/typescript/bin/tsc")
  process.stderr.write(`building dist/ for the consumers...\n`)
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })

  const consumerPrelude = `import { Effect, Stream } from "effect"
import { RestApi } from "effect-pagerduty"
`
  const verbsConsumer = `${consumerPrelude}
export const program = Effect.gen(function*() {
  const api = yield* RestApi
  const a = yield* api.rget("/incidents/PABC123")
  const b = yield* api.rget("/users/me")
  const c = yield* api.listAll("/services")
  const d = yield* api.rget("/escalation_policies/PABC123")
  const e = yield* api.rget("/schedules/PABC123")
  const f = yield* api.listAll("/teams")
  const g = yield* api.rpost("/incidents/PABC123/notes", { json: { note: { content: "x" } } })
  const h = yield* api.rget("/priorities")
  const i = yield* Stream.runCollect(api.iterAll("/log_entries"))
  const j = yield* api.rget("/abilities")
  return [a, b, c, d, e, f, g, h, i, j]
})
`
  const typedConsumer = `${consumerPrelude}
import { EscalationPolicies, Incidents, LogEntries, Priorities, Abilities, Schedules, Services, Teams, Users } from "effect-pagerduty/api"
export const program = Effect.gen(function*() {
  const a = yield* Incidents.getIncident({ id: "PABC123" })
  const b = yield* Users.getCurrentUser()
  const c = yield* Stream.runCollect(Services.listServices({ include: ["teams"] }))
  const d = yield* EscalationPolicies.getEscalationPolicy({ id: "PABC123" })
  const e = yield* Schedules.getSchedule({ id: "PABC123" })
  const f = yield* Stream.runCollect(Teams.listTeams())
  const g = yield* Incidents.createIncidentNote({ id: "PABC123", body: { note: { content: "x" } } })
  const h = yield* Stream.runCollect(Priorities.listPriorities())
  const i = yield* Stream.runCollect(LogEntries.listLogEntries({ is_overview: true }))
  const j = yield* Abilities.listAbilities()
  return [a.title, b.email, c, d.name, e.name, f, g.content, h, i, j, yield* RestApi]
})
`
  Fs.rmSync(scratch, { recursive: true, force: true })
  const writeConsumer = (name: string, source: string): string => {
    const dir = Path.join(scratch, name)
    Fs.mkdirSync(dir, { recursive: true })
    Fs.writeFileSync(Path.join(dir, "app.ts"), source)
    Fs.writeFileSync(
      Path.join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: true,
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          lib: ["ES2022", "DOM"],
          types: [],
          baseUrl: ".",
          paths: {
            "effect-pagerduty": [Path.join(root, "dist/index.d.ts")],
            "effect-pagerduty/api": [Path.join(root, "dist/api/index.d.ts")]
          },
          typeRoots: [Path.join(root, "node_modules/@types")]
        },
        files: ["app.ts"]
      })
    )
    return dir
  }
  const consumers = { verbs: writeConsumer("verbs", verbsConsumer), typed: writeConsumer("typed", typedConsumer) }
  const checkTime = (dir: string): number => {
    const output = execFileSync(process.execPath, [tsc, "-p", dir, "--extendedDiagnostics"], {
      cwd: root,
      encoding: "utf8"
    })
    const total = /Total time:\s+([\d.]+)s/.exec(output)
    if (total === null) throw new Error(`no total time in tsc's output:\n${output}`)
    return Number(total[1]) * 1000
  }
  const tscRuns = quick ? 3 : 7
  const times = { verbs: [] as Array<number>, typed: [] as Array<number> }
  for (let round = 0; round <= tscRuns; round++) {
    process.stderr.write(`  tsc consumers: ${round === 0 ? "warm-up" : `round ${round}/${tscRuns}`}\n`)
    const verbs = checkTime(consumers.verbs)
    const typed = checkTime(consumers.typed)
    if (round > 0) {
      times.verbs.push(verbs)
      times.typed.push(typed)
    }
  }
  process.stderr.write(`  npm run typecheck (the project)...\n`)
  // Wall clock and CPU time (user + system) of the child, read from bash's `time` (the machine may be shared: the CPU
  // time is what the project costs, the wall clock what this run waited).
  const timedRun = spawnSync(
    "bash",
    ["-c", `TIMEFORMAT="%R %U %S"; time "${process.execPath}" "${tsc}" -p tsconfig.json --noEmit`],
    { cwd: root, encoding: "utf8" }
  )
  if (timedRun.status !== 0) throw new Error(`npm run typecheck failed:\n${timedRun.stdout}`)
  const [projectWall, projectUser, projectSystem] = timedRun.stderr.trim().split(/\s+/).slice(-3).map((t) =>
    Number(t) * 1000
  )
  const projectCpuTime = projectUser + projectSystem

  emit(`## 3. Type-checking`)
  emit("")
  emit(
    `\`tsc --noEmit --extendedDiagnostics\` ("Total time", median of ${tscRuns} interleaved runs after a warm-up) of ` +
      `a consumer against the built declarations (\`dist/\`, \`skipLibCheck\`): ten \`RestApi\` verb calls versus ` +
      `the same ten operations typed. And the project's own \`npm run typecheck\` (wall clock, one run).`
  )
  emit("")
  const verbsMedian = median(times.verbs)
  const typedMedian = median(times.typed)
  emit(table(
    ["consumer", "tsc total (median)", "min – max", "÷ verbs"],
    [
      [
        "ten `RestApi` verb calls",
        ms(verbsMedian),
        `${ms(Math.min(...times.verbs))} – ${ms(Math.max(...times.verbs))}`,
        ""
      ],
      [
        "ten typed operations",
        ms(typedMedian),
        `${ms(Math.min(...times.typed))} – ${ms(Math.max(...times.typed))}`,
        ratio(typedMedian / verbsMedian)
      ],
      ["the project (`npm run typecheck`): wall clock", ms(projectWall), "", ""],
      ["the project (`npm run typecheck`): CPU time (user + system)", ms(projectCpuTime), "", ""]
    ]
  ))
  emit("")
  targets.push({
    what: "type-checking: a consumer of ten typed operations ≤ 1.5× one using the verbs",
    measured: `${ms(typedMedian)} vs ${ms(verbsMedian)}: ${ratio(typedMedian / verbsMedian)}`,
    pass: typedMedian / verbsMedian <= 1.5
  })
  targets.push({
    what: "type-checking: the project's `npm run typecheck` under a minute on this machine",
    measured: `${ms(projectWall)} wall clock, ${ms(projectCpuTime)} CPU (load average ${Os.loadavg()[0].toFixed(2)})`,
    pass: projectWall < 60_000 || projectCpuTime < 60_000
  })
}

emit(`## Targets`)
emit("")
emit(table(["target", "measured", "result"], targets.map((t) => [t.what, t.measured, t.pass ? "met" : "**missed**"])))
emit("")

if (!quick && only === undefined) {
  Fs.writeFileSync(new URL("./TYPED-RESULTS.md", import.meta.url), `${out.join("\n")}\n`)
  process.stderr.write(`written to bench/TYPED-RESULTS.md\n`)
} else {
  process.stderr.write(`--quick: bench/TYPED-RESULTS.md not written\n`)
}
