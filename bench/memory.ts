/**
 * A memory probe, run in a fresh process per measurement (`bench/children.ts` forks it with `--expose-gc`): reads a
 * cursor-paged collection of the bench server with this library, either streaming it without keeping items
 * (`Stream.runDrain(iterAll(...))`) or collecting it (`listAll`), samples `process.memoryUsage()` every 10 ms, and
 * reports the peaks and deltas to the parent over IPC.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer, ManagedRuntime, Stream } from "effect"
import { PagerDuty, RestApi } from "effect-pagerduty"
import type { MemoryReport, MemoryTask } from "./protocol.js"
import { API_KEY } from "./protocol.js"

const task = JSON.parse(process.argv[2] ?? "{}") as MemoryTask

const collectGarbage = () => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) {
    gc()
    gc()
  }
}

const main = async () => {
  const runtime = ManagedRuntime.make(
    Layer.provideMerge(PagerDuty.layer({ apiKey: API_KEY, restUrl: task.url }), NodeHttpClient.layerUndici)
  )
  const api = await runtime.runPromise(RestApi)
  // Warm the connection and the code paths, so that the baseline includes them.
  await runtime.runPromise(Stream.runDrain(Stream.take(api.iterAll(task.path), 200)))
  collectGarbage()

  const before = process.memoryUsage()
  const peak = { rss: before.rss, heapUsed: before.heapUsed }
  let samples = 0
  const sample = () => {
    const now = process.memoryUsage()
    samples += 1
    if (now.rss > peak.rss) peak.rss = now.rss
    if (now.heapUsed > peak.heapUsed) peak.heapUsed = now.heapUsed
  }
  const timer = setInterval(sample, 10)

  const started = performance.now()
  const cpuBefore = process.cpuUsage()
  let items: number
  let kept: ReadonlyArray<unknown> | undefined
  if (task.mode === "stream") {
    let n = 0
    await runtime.runPromise(Stream.runForEachChunk(api.iterAll(task.path), (chunk) =>
      Effect.sync(() => {
        n += chunk.length
      })))
    items = n
  } else {
    kept = await runtime.runPromise(api.listAll(task.path))
    items = kept.length
  }
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  sample()
  clearInterval(timer)
  const after = process.memoryUsage()
  collectGarbage()
  const retained = process.memoryUsage()
  const report: MemoryReport = {
    type: "memory",
    mode: task.mode,
    count: task.count,
    items,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    baseline: { rss: before.rss, heapUsed: before.heapUsed },
    peak,
    delta: { rss: after.rss - before.rss, heapUsed: after.heapUsed - before.heapUsed },
    retained: { rss: retained.rss - before.rss, heapUsed: retained.heapUsed - before.heapUsed },
    samples
  }
  // `kept` is referenced until here, so that the delta includes the collected items.
  if (kept !== undefined && kept.length !== items) throw new Error("unreachable")
  await runtime.dispose()
  process.send?.(report, () => process.exit(0))
}

main().catch((error: unknown) => {
  console.error("memory probe failed:", error)
  process.exit(1)
})
