/**
 * The run-time controls of the fake: armed faults, the rate limiter and the bounded request log.
 *
 * @internal
 */
import type { FakeFault, FaultOptions, RecordedRequest } from "../../FakePagerDuty.js"

interface ArmedFault {
  readonly fault: FakeFault
  remaining: number
  readonly method: string | undefined
  readonly path: string | RegExp | undefined
}

/** @internal */
export class Faults {
  private armed: Array<ArmedFault> = []

  get size(): number {
    return this.armed.length
  }

  add(fault: FakeFault, options: FaultOptions | undefined): void {
    const times = options?.times ?? 1
    if (!(times > 0)) return
    this.armed.push({
      fault,
      remaining: times,
      method: options?.method?.toUpperCase(),
      path: options?.path
    })
  }

  clear(): void {
    this.armed = []
  }

  /**
   * The first armed fault matching a request, consuming one of its uses. `template` gives the canonical path
   * template, computed only when a fault matches on one.
   */
  take(method: string, path: string, template: () => string | undefined): FakeFault | undefined {
    for (let i = 0; i < this.armed.length; i++) {
      const armed = this.armed[i]
      if (armed.method !== undefined && armed.method !== method) continue
      if (armed.path !== undefined) {
        const pattern = armed.path
        const matches = typeof pattern === "string" ?
          pattern === path || (pattern.includes("{") && pattern === template()) :
          pattern.test(path)
        if (!matches) continue
      }
      armed.remaining -= 1
      if (armed.remaining <= 0) this.armed.splice(i, 1)
      return armed.fault
    }
    return undefined
  }
}

/** PagerDuty's documented default REST budget, reported when no budget is enforced. @internal */
export const DEFAULT_RATE_LIMIT = 960

const WINDOW_MILLIS = 60_000

/** @internal */
export interface RateLimitState {
  readonly limit: number
  readonly remaining: number
  /** Seconds until the window resets. */
  readonly reset: number
  readonly limited: boolean
}

/** Fixed one-minute windows per API key, starting at a key's first request. @internal */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>()

  constructor(public perMinute: number | undefined) {}

  hit(key: string, now: number): RateLimitState {
    let window = this.windows.get(key)
    if (window === undefined || now >= window.start + WINDOW_MILLIS) {
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    window.count += 1
    const limit = this.perMinute ?? DEFAULT_RATE_LIMIT
    return {
      limit,
      // Without an enforced budget the fake never refuses, so it never reports the budget as spent either (a client
      // that honours `ratelimit-remaining: 0` would otherwise hold its requests for nothing).
      remaining: this.perMinute === undefined ? Math.max(1, limit - window.count) : Math.max(0, limit - window.count),
      reset: Math.max(1, Math.ceil((window.start + WINDOW_MILLIS - now) / 1000)),
      limited: this.perMinute !== undefined && window.count > this.perMinute
    }
  }

  reset(): void {
    this.windows = new Map()
  }
}

/** @internal */
export const rateLimitHeaders = (state: RateLimitState): Record<string, string> => ({
  "ratelimit-limit": String(state.limit),
  "ratelimit-remaining": String(state.remaining),
  "ratelimit-reset": String(state.reset)
})

/** A ring buffer of the last `capacity` requests. @internal */
export class RequestLog {
  private buffer: Array<RecordedRequest> = []
  private next = 0

  constructor(public enabled: boolean, public capacity: number) {}

  push(request: RecordedRequest): void {
    if (!this.enabled || this.capacity <= 0) return
    if (this.buffer.length < this.capacity) {
      this.buffer.push(request)
    } else {
      this.buffer[this.next] = request
      this.next = (this.next + 1) % this.capacity
    }
  }

  toArray(): Array<RecordedRequest> {
    if (this.buffer.length < this.capacity || this.next === 0) return this.buffer.slice()
    return this.buffer.slice(this.next).concat(this.buffer.slice(0, this.next))
  }

  clear(): void {
    this.buffer = []
    this.next = 0
  }
}
