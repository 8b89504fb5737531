/**
 * Child processes of the benchmark: the fake server (`bench/server.ts`) and the memory probes (`bench/memory.ts`),
 * each forked with `tsx` and an IPC channel. Every child is killed when the runner exits, however it exits.
 */
import { type ChildProcess, fork } from "node:child_process"
import { fileURLToPath } from "node:url"
import type { ControlAck, ControlRequest, MemoryReport, MemoryTask, ServerReady } from "./protocol.js"

const live = new Set<ChildProcess>()

const killAll = () => {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
  }
  live.clear()
}
process.on("exit", killAll)
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    killAll()
    process.exit(130)
  })
}

const spawnTs = (file: string, extraExecArgv: ReadonlyArray<string>, args: ReadonlyArray<string>): ChildProcess => {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), [...args], {
    execArgv: ["--import", "tsx", ...extraExecArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  live.add(child)
  child.once("exit", () => live.delete(child))
  return child
}

/** The fake PagerDuty in its own process. */
export interface ServerProcess {
  readonly url: string
  readonly routingKey: string
  readonly serviceId: string
  readonly pid: number
  readonly setLatency: (ms: number) => Promise<void>
  readonly resetRateLimits: () => Promise<void>
  readonly stop: () => Promise<void>
}

/** Forks the server and waits for its URL. */
export const startServer = (): Promise<ServerProcess> =>
  new Promise((resolve, reject) => {
    const child = spawnTs("./server.ts", [], [])
    let nextId = 1
    const pending = new Map<number, (ack: ControlAck) => void>()
    const control = (message: ControlRequest): Promise<void> =>
      new Promise((done, fail) => {
        const id = nextId++
        pending.set(id, (ack) => (ack.ok ? done() : fail(new Error(`server refused ${message.type}`))))
        child.send({ ...message, id })
      })
    child.once("exit", (code) => {
      for (const [, settle] of pending) settle({ type: "ack", id: 0, ok: false })
      reject(new Error(`bench server exited with code ${code}`))
    })
    child.on("message", (raw: unknown) => {
      const message = raw as ServerReady | ControlAck
      if (message.type === "ready") {
        resolve({
          url: message.url,
          routingKey: message.routingKey,
          serviceId: message.serviceId,
          pid: message.pid,
          setLatency: (ms) => control({ type: "latency", ms }),
          resetRateLimits: () => control({ type: "resetRateLimits" }),
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done()
              child.once("exit", () => done())
              child.disconnect()
              setTimeout(() => child.kill("SIGKILL"), 2000).unref()
            })
        })
      } else if (message.type === "ack") {
        const settle = pending.get(message.id)
        pending.delete(message.id)
        settle?.(message)
      }
    })
  })

/** Runs one memory probe in a fresh process (with `--expose-gc`) and returns its report. */
export const runMemoryProbe = (task: MemoryTask): Promise<MemoryReport> =>
  new Promise((resolve, reject) => {
    const child = spawnTs("./memory.ts", ["--expose-gc"], [JSON.stringify(task)])
    let report: MemoryReport | undefined
    child.on("message", (raw: unknown) => {
      report = raw as MemoryReport
    })
    child.once("exit", (code) => {
      if (report !== undefined) resolve(report)
      else reject(new Error(`memory probe ${task.mode} ${task.count} exited with code ${code} and no report`))
    })
  })
