/**
 * `npm run bench` (`--quick` for a short run that does not write RESULTS.md).
 *
 * Starts the fake PagerDuty in a child process on 127.0.0.1, then measures, in one run:
 *
 * 1. listing 10,000 users, 100 per page, at 0 ms and 20 ms of server latency: hand-written loops over the same
 *    `HttpClient`s (the floor), this library sequential and with `concurrency: 8` over `FetchHttpClient` and
 *    `NodeHttpClient.layerUndici`, a plain `fetch` loop, and `@pagerduty/pdjs`;
 * 2. triggering 1,000 events: hand-written POSTs, this library and pdjs, sequential and 8 at a time;
 * 3. the memory of streaming 1,000,000 cursor-paged records through `iterAll` versus collecting them with `listAll`,
 *    each in a fresh process.
 *
 * Prints a markdown report and writes it to bench/RESULTS.md.
 */
import * as Fs from "node:fs"
import * as Os from "node:os"
import { runMemoryProbe, startServer } from "./children.js"
import type { Pdjs } from "./clients.js"
import {
  checked,
  clientLabel,
  fetchLoopUsers,
  handEvents,
  handLoopUsers,
  libraryEvents,
  libraryUsers,
  makePdjs,
  makeRuntime,
  pdjsEvents,
  pdjsUsers
} from "./clients.js"
import type { BenchRuntime, ClientKind } from "./clients.js"
import type { MemoryReport } from "./protocol.js"
import { AUDIT_RECORDS, SMALL_AUDIT_RECORDS, USERS } from "./protocol.js"
import type { Measured, Variant } from "./stats.js"
import { count, measure, mib, ms, ratio, table } from "./stats.js"

const quick = process.argv.includes("--quick")
const settings = quick
  ? { warmup: 1, listRuns0: 3, listRuns20: 2, eventRuns: 2, events: 1_000, memoryLarge: false }
  : { warmup: 1, listRuns0: 10, listRuns20: 5, eventRuns: 5, events: 1_000, memoryLarge: true }

const PAGE_SIZE = 100
const CONCURRENCY = 8
const LATENCIES = [0, 20] as const
const KINDS: ReadonlyArray<ClientKind> = ["fetch", "undici"]

const startedAt = new Date()
const wallStart = performance.now()
const out: Array<string> = []
const emit = (text: string) => {
  out.push(text)
  console.log(text)
}

const cpus = Os.cpus()
const machine = {
  cpu: cpus[0]?.model ?? "unknown",
  cores: cpus.length,
  memory: `${Math.round(Os.totalmem() / 2 ** 30)} GiB`,
  os: `${Os.type()} ${Os.release()} ${Os.arch()}`,
  load: Os.loadavg().map((l) => l.toFixed(2)).join(" ")
}

process.stderr.write(`starting the fake PagerDuty in a child process...\n`)
const server = await startServer()
const runtimes = new Map<ClientKind, BenchRuntime>(
  KINDS.map((kind) => [kind, makeRuntime(kind, server.url, server.routingKey)])
)
const runtime = (kind: ClientKind) => runtimes.get(kind)!
const pdjsVariants: ReadonlyArray<Pdjs> = [makePdjs(server.url, true), makePdjs(server.url, false)]

const sameRow = (rows: ReadonlyArray<Measured>, id: string): Measured => {
  const found = rows.find((row) => row.variant.id === id)
  if (found === undefined) throw new Error(`no row ${id}`)
  return found
}

interface Target {
  readonly what: string
  readonly measured: string
  readonly pass: boolean
}
const targets: Array<Target> = []

/** `x ms: 1.20× pdjs + keep-alive (y ms), 0.90× pdjs as shipped (z ms)`. */
const versusPdjs = (value: number, pdjsTimes: ReadonlyArray<number>): string =>
  `${ms(value)}: ${
    pdjsTimes.map((p, i) => `${ratio(value / p)} ${i === 0 ? "pdjs + keep-alive" : "pdjs as shipped"} (${ms(p)})`)
      .join(", ")
  }`

// ---------------------------------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------------------------------

emit(`# effect-pagerduty benchmark results`)
emit("")
emit(`- Command: \`npm run bench${quick ? " -- --quick" : ""}\``)
emit(`- Date: ${startedAt.toISOString()}`)
emit(`- Node ${process.version}; ${machine.os}`)
emit(
  `- CPU: ${machine.cpu}, ${machine.cores} cores; ${machine.memory} of memory; load average at start ${machine.load}`
)
emit(
  `- Server: \`FakePagerDutyServer.layer({ recordRequests: false })\` in a child process (another core) on 127.0.0.1; ` +
    `latency set per scenario over IPC (\`setLatency\`)`
)
emit(
  `- Method: variants interleaved round-robin (one run of each per round), ${settings.warmup} warm-up round, then ` +
    `the median of the counted rounds; every run checks the number of items it got`
)
emit("")

// ---------------------------------------------------------------------------------------------------------------------
// 1. Listing users
// ---------------------------------------------------------------------------------------------------------------------

const listVariants = (): ReadonlyArray<Variant> => {
  const expect = (who: string) => checked(who, USERS)
  const variants: Array<Variant> = []
  for (const kind of KINDS) {
    variants.push({
      id: `hand-${kind}`,
      label: "hand-written loop (floor)",
      transport: clientLabel(kind),
      concurrency: 1,
      run: () => handLoopUsers(runtime(kind), server.url, PAGE_SIZE).then(expect(`hand loop ${kind}`))
    })
  }
  for (const kind of KINDS) {
    variants.push({
      id: `lib-${kind}-seq`,
      label: "effect-pagerduty `listAll`",
      transport: clientLabel(kind),
      concurrency: 1,
      run: () => libraryUsers(runtime(kind), 1).then(expect(`listAll ${kind}`))
    })
  }
  for (const kind of KINDS) {
    variants.push({
      id: `lib-${kind}-c${CONCURRENCY}`,
      label: `effect-pagerduty \`listAll\`, \`concurrency: ${CONCURRENCY}\``,
      transport: clientLabel(kind),
      concurrency: CONCURRENCY,
      run: () => libraryUsers(runtime(kind), CONCURRENCY).then(expect(`listAll c${CONCURRENCY} ${kind}`))
    })
  }
  variants.push({
    id: "fetch-loop",
    label: "plain `fetch` loop (no Effect)",
    transport: "global fetch",
    concurrency: 1,
    run: () => fetchLoopUsers(server.url, PAGE_SIZE).then(expect("fetch loop"))
  })
  pdjsVariants.forEach((pdjs, i) =>
    variants.push({
      id: `pdjs-${i}`,
      label: `${pdjs.label}: \`api.all\``,
      transport: "cross-fetch → node-fetch 2",
      concurrency: 1,
      run: () => pdjsUsers(pdjs, PAGE_SIZE).then(expect(pdjs.label))
    })
  )
  return variants
}

emit(`## 1. Listing ${count(USERS)} users, ${PAGE_SIZE} per page (${USERS / PAGE_SIZE} requests)`)
emit("")
emit(
  `"÷ floor" divides by the hand-written loop over the same \`HttpClient\` (GET with limit/offset, JSON parse, ` +
    `collect); "÷ fetch loop" by the plain \`fetch\` loop. Lower is better.`
)
for (const latency of LATENCIES) {
  await server.setLatency(latency)
  const rows = await measure(`list ${latency} ms`, listVariants(), {
    warmup: settings.warmup,
    runs: latency === 0 ? settings.listRuns0 : settings.listRuns20
  })
  const fetchLoop = sameRow(rows, "fetch-loop").median
  emit("")
  emit(`### ${latency} ms latency (${rows[0].runs.length} runs)`)
  emit("")
  emit(table(
    [
      "client",
      "HttpClient / transport",
      "in flight",
      "median",
      "min – max",
      "items/s",
      "client CPU",
      "÷ floor",
      "÷ fetch loop"
    ],
    rows.map((row) => {
      const kind = KINDS.find((k) => row.variant.id.startsWith("lib-") && row.variant.id.includes(`-${k}-`))
      const floor = kind === undefined ? "" : ratio(row.median / sameRow(rows, `hand-${kind}`).median)
      return [
        row.variant.label,
        row.variant.transport,
        String(row.variant.concurrency),
        ms(row.median),
        `${ms(row.min)} – ${ms(row.max)}`,
        count(Math.round(USERS / (row.median / 1000))),
        ms(row.cpu),
        floor,
        ratio(row.median / fetchLoop)
      ]
    })
  ))
  const pdjsTimes = pdjsVariants.map((_, i) => sameRow(rows, `pdjs-${i}`).median)
  const pdjsBest = Math.min(...pdjsTimes)
  for (const kind of KINDS) {
    const seq = sameRow(rows, `lib-${kind}-seq`).median
    const hand = sameRow(rows, `hand-${kind}`).median
    const conc = sameRow(rows, `lib-${kind}-c${CONCURRENCY}`).median
    targets.push({
      what: `list, ${latency} ms, ${clientLabel(kind)}: sequential \`listAll\` within 1.3× of the hand loop`,
      measured: ratio(seq / hand),
      pass: seq / hand <= 1.3
    })
    targets.push({
      what: `list, ${latency} ms, ${clientLabel(kind)}: sequential \`listAll\` faster than pdjs (its faster setup)`,
      measured: versusPdjs(seq, pdjsTimes),
      pass: seq < pdjsBest
    })
    targets.push({
      what: `list, ${latency} ms, ${clientLabel(kind)}: \`concurrency: ${CONCURRENCY}\` faster than pdjs`,
      measured: versusPdjs(conc, pdjsTimes),
      pass: conc < pdjsBest
    })
    if (latency === 20) {
      targets.push({
        what: `list, 20 ms, ${
          clientLabel(kind)
        }: \`concurrency: ${CONCURRENCY}\` at least 5× the sequential throughput`,
        measured: `${ratio(seq / conc)} (${ms(seq)} → ${ms(conc)})`,
        pass: seq / conc >= 5
      })
    }
  }
}
await server.setLatency(0)

// ---------------------------------------------------------------------------------------------------------------------
// 2. Events
// ---------------------------------------------------------------------------------------------------------------------

const eventVariants = (): ReadonlyArray<Variant> => {
  const n = settings.events
  const variants: Array<Variant> = []
  for (const c of [1, CONCURRENCY]) {
    for (const kind of KINDS) {
      variants.push({
        id: `hand-${kind}-c${c}`,
        label: `hand-written POST loop (floor)${c > 1 ? `, \`Effect.forEach\` concurrency ${c}` : ""}`,
        transport: clientLabel(kind),
        concurrency: c,
        run: (tag) => handEvents(runtime(kind), server.url, server.routingKey, n, c, tag)
      })
    }
  }
  for (const c of [1, CONCURRENCY]) {
    for (const kind of KINDS) {
      variants.push({
        id: `lib-${kind}-c${c}`,
        label: `effect-pagerduty \`EventsApi.trigger\`${c > 1 ? `, \`Effect.forEach\` concurrency ${c}` : ""}`,
        transport: clientLabel(kind),
        concurrency: c,
        run: (tag) => libraryEvents(runtime(kind), n, c, tag)
      })
    }
  }
  for (const c of [1, CONCURRENCY]) {
    pdjsVariants.forEach((pdjs, i) =>
      variants.push({
        id: `pdjs-${i}-c${c}`,
        label: `${pdjs.label}: \`event()\`${c > 1 ? `, ${c} promises in flight` : ""}`,
        transport: "cross-fetch → node-fetch 2",
        concurrency: c,
        run: (tag) => pdjsEvents(pdjs, server.routingKey, n, c, tag)
      })
    )
  }
  return variants
}

emit("")
emit(`## 2. Triggering ${count(settings.events)} events (Events API v2, 0 ms latency)`)
emit("")
emit(
  `Every event has its own dedup key, so each one opens an alert on the fake. "÷ floor" divides by the ` +
    `hand-written POST loop (same JSON, JSON answer read) over the same \`HttpClient\` with the same concurrency. ` +
    `"client CPU per event": this process's CPU time (user + system) per event, median.`
)
{
  const rows = await measure("events", eventVariants(), { warmup: settings.warmup, runs: settings.eventRuns })
  emit("")
  emit(`(${rows[0].runs.length} runs)`)
  emit("")
  emit(table(
    [
      "client",
      "HttpClient / transport",
      "in flight",
      "median",
      "min – max",
      "events/s",
      "client CPU per event",
      "÷ floor"
    ],
    rows.map((row) => {
      const kind = KINDS.find((k) => row.variant.id.startsWith("lib-") && row.variant.id.includes(`-${k}-`))
      const floor = kind === undefined
        ? ""
        : ratio(row.median / sameRow(rows, `hand-${kind}-c${row.variant.concurrency}`).median)
      return [
        row.variant.label,
        row.variant.transport,
        String(row.variant.concurrency),
        ms(row.median),
        `${ms(row.min)} – ${ms(row.max)}`,
        count(Math.round(settings.events / (row.median / 1000))),
        `${count(Math.round((row.cpu * 1000) / settings.events))} µs`,
        floor
      ]
    })
  ))
  for (const c of [1, CONCURRENCY]) {
    const pdjsTimes = pdjsVariants.map((_, i) => sameRow(rows, `pdjs-${i}-c${c}`).median)
    const pdjsBest = Math.min(...pdjsTimes)
    for (const kind of KINDS) {
      const lib = sameRow(rows, `lib-${kind}-c${c}`).median
      targets.push({
        what: `events, ${clientLabel(kind)}, ${c === 1 ? "sequential" : `concurrency ${c}`}: faster than pdjs ` +
          `(its faster setup, same concurrency)`,
        measured: versusPdjs(lib, pdjsTimes),
        pass: lib < pdjsBest
      })
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// 3. Memory
// ---------------------------------------------------------------------------------------------------------------------

for (const r of runtimes.values()) await r.dispose()
for (const pdjs of pdjsVariants) pdjs.agent.destroy()

const small = `/services/${server.serviceId}/audit/records`
const probes: ReadonlyArray<{ readonly mode: "stream" | "list"; readonly path: string; readonly count: number }> = [
  { mode: "stream", path: small, count: SMALL_AUDIT_RECORDS },
  ...(settings.memoryLarge ? [{ mode: "stream", path: "/audit/records", count: AUDIT_RECORDS } as const] : []),
  { mode: "list", path: small, count: SMALL_AUDIT_RECORDS },
  ...(settings.memoryLarge ? [{ mode: "list", path: "/audit/records", count: AUDIT_RECORDS } as const] : [])
]
const reports: Array<MemoryReport> = []
for (const probe of probes) {
  process.stderr.write(`  memory: ${probe.mode} ${count(probe.count)} records (fresh process)\n`)
  const report = await runMemoryProbe({ url: server.url, ...probe })
  if (report.items !== probe.count) throw new Error(`memory probe read ${report.items} of ${probe.count} records`)
  reports.push(report)
}

emit("")
emit(`## 3. Memory: cursor-paged audit records, streamed vs collected`)
emit("")
emit(
  `Each row is a fresh process (\`--expose-gc\`, \`NodeHttpClient.layerUndici\`, 100 records per page, ~520 bytes ` +
    `of JSON per record). Baseline: \`process.memoryUsage()\` after a warm-up page and a full GC; peaks sampled every ` +
    `10 ms; "Δ at end": at the end of the run, the result still referenced, minus the baseline. "stream" is ` +
    `\`Stream.runForEachChunk(iterAll(...))\` counting items without keeping them; "listAll" collects them. ` +
    `"retained": after a full GC at the end, the result still referenced, minus the baseline.`
)
emit("")
emit(table(
  [
    "mode",
    "records",
    "time",
    "client CPU",
    "heap: baseline",
    "peak",
    "peak − baseline",
    "Δ at end",
    "retained",
    "RSS: baseline",
    "peak",
    "peak − baseline",
    "Δ at end"
  ],
  reports.map((r) => [
    r.mode === "stream" ? "stream (`iterAll`, drained)" : "`listAll`",
    count(r.count),
    `${r.seconds.toFixed(1)} s`,
    `${r.cpuSeconds.toFixed(1)} s`,
    mib(r.baseline.heapUsed),
    mib(r.peak.heapUsed),
    mib(r.peak.heapUsed - r.baseline.heapUsed),
    mib(r.delta.heapUsed),
    mib(r.retained.heapUsed),
    mib(r.baseline.rss),
    mib(r.peak.rss),
    mib(r.peak.rss - r.baseline.rss),
    mib(r.delta.rss)
  ])
))
const streams = reports.filter((r) => r.mode === "stream")
if (streams.length === 2) {
  const [a, b] = streams
  const growth = (b.peak.heapUsed - b.baseline.heapUsed) / (a.peak.heapUsed - a.baseline.heapUsed)
  targets.push({
    what: `memory: streaming ${count(b.count)} records peaks like streaming ${count(a.count)} (flat: ` +
      `peak heap above baseline grows < 1.5× for 10× the records)`,
    measured: `${mib(a.peak.heapUsed - a.baseline.heapUsed)} → ${mib(b.peak.heapUsed - b.baseline.heapUsed)} ` +
      `(${ratio(growth)}); peak RSS ${mib(a.peak.rss)} → ${mib(b.peak.rss)}`,
    pass: growth < 1.5
  })
}

// ---------------------------------------------------------------------------------------------------------------------
// Targets and notes
// ---------------------------------------------------------------------------------------------------------------------

emit("")
emit(`## Targets`)
emit("")
emit(table(
  ["target", "measured", "result"],
  targets.map((t) => [t.what, t.measured, t.pass ? "met" : "**missed**"])
))
emit("")
emit(`## Notes`)
emit("")
emit(
  `- \`@pagerduty/pdjs\` ${pdjsVersion()} fetches with cross-fetch, which on Node is node-fetch 2 over ` +
    `\`node:http\`/\`node:https\`. It builds \`https://api.pagerduty.com/...\` and ` +
    `\`https://events.pagerduty.com/v2/enqueue\` itself (its \`server\` option changes only the host, always ` +
    `\`https://\`; a full REST \`url\` breaks \`api.all\`, which finds the list by matching \`.com/<resource>\`), ` +
    `so its calls are left unchanged and an \`agent\` option (node-fetch's, passed through by pdjs) dials the loopback fake over plain ` +
    `TCP, as every other client here. Without an agent node-fetch 2 sends \`Connection: close\` (a new connection ` +
    `per request): "as shipped" reproduces that with a non-keep-alive agent; "+ keep-alive agent" is pdjs at its ` +
    `best. Lists use pdjs's paginator \`api({ token }).all("/users", { data: { limit: 100 } })\` (sequential); ` +
    `events use \`event({ data })\`, with a pool of promises for concurrency.`
)
emit(
  `- The memory scenario uses cursor paging (\`/audit/records\`, seeded with \`seedGenerated\`), since offset ` +
    `paging stops at 10,000 records.`
)
emit(`- Total time of this run: ${((performance.now() - wallStart) / 1000).toFixed(0)} s.`)

await server.stop()

if (!quick) {
  Fs.writeFileSync(new URL("./RESULTS.md", import.meta.url), `${out.join("\n")}\n`)
  process.stderr.write(`written to bench/RESULTS.md\n`)
} else {
  process.stderr.write(`--quick: bench/RESULTS.md not written\n`)
}

function pdjsVersion(): string {
  try {
    const text = Fs.readFileSync(new URL("../node_modules/@pagerduty/pdjs/package.json", import.meta.url), "utf8")
    return (JSON.parse(text) as { version: string }).version
  } catch {
    return ""
  }
}
