/**
 * Timing and formatting helpers of the benchmark.
 */

/** One variant of a scenario: a name for the table and one timed run. */
export interface Variant {
  readonly id: string
  readonly label: string
  /** The `HttpClient` (or transport) it uses, for the table. */
  readonly transport: string
  /** Requests in flight. */
  readonly concurrency: number
  /** One run; `tag` is unique per run (for unique dedup keys). */
  readonly run: (tag: string) => Promise<unknown>
}

/** The timings of a variant, in milliseconds. */
export interface Measured {
  readonly variant: Variant
  readonly runs: ReadonlyArray<number>
  readonly median: number
  readonly min: number
  readonly max: number
  /** The median CPU time (user + system) of this process during a run: the client's share of the work. */
  readonly cpu: number
}

export const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Runs the variants round-robin (one run of each per round, so that the machine's noise falls on all of them alike):
 * `warmup` rounds not counted, then `runs` rounds.
 */
export const measure = async (
  name: string,
  variants: ReadonlyArray<Variant>,
  options: { readonly warmup: number; readonly runs: number }
): Promise<ReadonlyArray<Measured>> => {
  const timings = new Map<string, Array<number>>(variants.map((v) => [v.id, []]))
  const cpuTimes = new Map<string, Array<number>>(variants.map((v) => [v.id, []]))
  const rounds = options.warmup + options.runs
  for (let round = 0; round < rounds; round++) {
    const counted = round >= options.warmup
    process.stderr.write(`  ${name}: ${counted ? `round ${round - options.warmup + 1}/${options.runs}` : "warm-up"}\n`)
    for (const variant of variants) {
      const cpuBefore = process.cpuUsage()
      const started = performance.now()
      await variant.run(`${variant.id}-${round}`)
      const elapsed = performance.now() - started
      const cpu = process.cpuUsage(cpuBefore)
      if (counted) {
        timings.get(variant.id)!.push(elapsed)
        cpuTimes.get(variant.id)!.push((cpu.user + cpu.system) / 1000)
      }
    }
  }
  return variants.map((variant) => {
    const runs = timings.get(variant.id)!
    return {
      variant,
      runs,
      median: median(runs),
      min: Math.min(...runs),
      max: Math.max(...runs),
      cpu: median(cpuTimes.get(variant.id)!)
    }
  })
}

export const ms = (value: number): string =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value >= 100 ? 0 : 1)} ms`

export const ratio = (value: number): string => `${value.toFixed(2)}×`

export const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`

export const count = (n: number): string => n.toLocaleString("en-US")

/** A markdown table. */
export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const align = header.map((_, i) => (i === 0 ? ":--" : "--:"))
  const line = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`
  return [line(header), line(align), ...rows.map(line)].join("\n")
}
