/**
 * The request loop's decisions, alone: plain data in, a plain decision out (no Effect, no clock, no client).
 */
import { describe, expect, it } from "vitest"
import type { DecisionPolicy, LoopState, Outcome, PendingRetry } from "../src/internal/retryDecision.js"
import {
  decide,
  delayFor,
  holdMillis,
  initialState,
  mayRetry,
  refused,
  serverWaitMillis,
  turnLimits
} from "../src/internal/retryDecision.js"

const policy: DecisionPolicy = {
  rules: "rest",
  retry: new Map(),
  restDefaults: new Map([[502, 2], [503, 2], [504, 2]]),
  eventsRetry: new Map([[500, 2], [502, 4], [503, 6], [504, 6]]),
  maxHttpAttempts: 10,
  maxNetworkAttempts: 3,
  sleepTimerMs: 1500,
  sleepTimerBase: 2,
  staggerCooldown: 0.1,
  maxWaitMs: 60_000,
  maxServerWaitMs: 300_000,
  rateLimitBudgetMs: 900_000
}

const answer = (
  status: number,
  headers: Record<string, string> = {},
  extra: Partial<{ method: string; canRefresh: boolean; now: number }> = {}
): Outcome => ({
  _tag: "Answer",
  method: extra.method ?? "GET",
  url: "https://api.pagerduty.com/users",
  status,
  headers,
  now: extra.now ?? 0,
  canRefresh: extra.canRefresh ?? false
})

const transport = (timeout = false): Outcome => ({
  _tag: "Transport",
  method: "GET",
  timeout,
  description: timeout ? "the request timed out" : "transport error: read ECONNRESET"
})

const state = (overrides: Partial<LoopState> = {}): LoopState => ({ ...initialState, attempts: 1, ...overrides })

describe("decide: what to do after an answer", () => {
  const table: ReadonlyArray<
    readonly [name: string, outcome: Outcome, before: LoopState, expected: string, options?: Partial<DecisionPolicy>]
  > = [
    ["a 200 is returned", answer(200), state(), "Return"],
    ["a 404 is returned (the caller makes it an error)", answer(404), state(), "Return"],
    ["a 401 with a refreshable credential refreshes once", answer(401, {}, { canRefresh: true }), state(), "Refresh"],
    [
      "a second 401 fails",
      answer(401, {}, { canRefresh: true }),
      state({ refreshed: true }),
      "Fail:Status:401"
    ],
    ["a 401 without a credential fails", answer(401), state(), "Fail:Status:401"],
    ["a 429 is retried", answer(429), state(), "Retry:429"],
    ["a 503 on GET is retried", answer(503), state(), "Retry:503"],
    ["a 503 on POST is returned", answer(503, {}, { method: "POST" }), state(), "Return"],
    ["a 503 on GET after two retries is returned", answer(503), state({ perStatus: new Map([[503, 2]]) }), "Return"],
    ["a 500 on REST is returned", answer(500), state(), "Return"],
    ["a 500 with retry { 500: 1 } is retried", answer(500), state(), "Retry:500", { retry: new Map([[500, 1]]) }],
    ["a 500 on the Events API is retried", answer(500, {}, { method: "POST" }), state(), "Retry:500", {
      rules: "events"
    }],
    [
      "maxHttpAttempts: the 10th counted answer is returned",
      answer(503),
      state({ countedResponses: 9 }),
      "Return",
      { retry: new Map([[503, -1]]) }
    ],
    ["a 429 with retry { 429: 0 } is returned", answer(429), state(), "Return", { retry: new Map([[429, 0]]) }],
    ["a 302 fails as a redirect", answer(302, { location: "https://evil.example/x?k=1" }), state(), "Fail:Status:302"],
    ["a 301 without Location fails", answer(301), state(), "Fail:Status:301"],
    ["a transport failure is retried", transport(), state(), "Retry:transport"],
    ["a fourth transport failure fails", transport(), state({ networkFailures: 3 }), "Fail:Transport"],
    ["a timeout after maxNetworkAttempts: 0 fails", transport(true), state(), "Fail:Transport", {
      maxNetworkAttempts: 0
    }],
    [
      "a 429 asking 86400 s fails at once",
      answer(429, { "ratelimit-reset": "86400" }),
      state(),
      "Fail:Status:429"
    ],
    [
      "a 503 with Retry-After: 86400 fails at once",
      answer(503, { "retry-after": "86400" }),
      state(),
      "Fail:Status:503"
    ],
    [
      "a 429 asking exactly maxServerWait is retried",
      answer(429, { "ratelimit-reset": "300" }),
      state(),
      "Retry:429"
    ]
  ]

  for (const [name, outcome, before, expected, options] of table) {
    it(name, () => {
      const { decision } = decide({ ...policy, ...options }, before, outcome)
      const summary = decision._tag === "Retry"
        ? `Retry:${decision.retry.status ?? "transport"}`
        : decision._tag === "Fail"
        ? `Fail:${decision.failure._tag}${decision.failure._tag === "Status" ? `:${decision.failure.status}` : ""}`
        : decision._tag
      expect(summary).toBe(expected)
    })
  }

  it("a wait past maxServerWait names what PagerDuty asked for and the option", () => {
    const { decision } = decide(policy, state(), answer(429, { "ratelimit-reset": "86400" }))
    expect(decision._tag === "Fail" && decision.failure._tag === "Status" && decision.failure.description).toBe(
      "PagerDuty asked to wait 86400 s before retrying (ratelimit-reset: 86400), longer than RetryPolicy's " +
        "maxServerWait (300 s); not retried"
    )
    const retryAfter = decide(policy, state(), answer(503, { "retry-after": "86400" }))
    expect(
      retryAfter.decision._tag === "Fail" && retryAfter.decision.failure._tag === "Status" &&
        retryAfter.decision.failure.description
    ).toContain("(Retry-After: 86400), longer than RetryPolicy's maxServerWait")
  })

  it("a redirect carries the Location's origin only", () => {
    const { decision } = decide(policy, state(), answer(302, { location: "https://evil.example/x?k=1" }))
    expect(decision._tag === "Fail" && decision.failure._tag === "Status" && decision.failure.location).toBe(
      "https://evil.example"
    )
    const relative = decide(policy, state(), answer(307, { location: "/elsewhere" }))
    expect(
      relative.decision._tag === "Fail" && relative.decision.failure._tag === "Status" &&
        relative.decision.failure.location
    )
      .toBe("https://api.pagerduty.com")
  })

  it("counts: a retried 503 adds to perStatus and countedResponses; a 429 only to perStatus", () => {
    const after503 = decide(policy, state(), answer(503)).state
    expect([after503.perStatus.get(503), after503.countedResponses]).toEqual([1, 1])
    const after429 = decide(policy, state(), answer(429)).state
    expect([after429.perStatus.get(429), after429.countedResponses]).toEqual([1, 0])
    const afterTransport = decide(policy, state(), transport()).state
    expect(afterTransport.networkFailures).toBe(1)
  })

  it("giving up is flagged only after more than one attempt", () => {
    const exhausted = state({ attempts: 3, perStatus: new Map([[503, 2]]) })
    expect(decide(policy, exhausted, answer(503)).decision).toEqual({ _tag: "Return", givingUp: true })
    expect(decide(policy, state(), answer(500)).decision).toEqual({ _tag: "Return", givingUp: false })
  })

  it("mayRetry: the body of a final answer is read with it; 401s and redirects are not", () => {
    expect(mayRetry(policy, state(), "GET", 200)).toBe(false)
    expect(mayRetry(policy, state(), "GET", 404)).toBe(false)
    expect(mayRetry(policy, state(), "GET", 401)).toBe(true)
    expect(mayRetry(policy, state(), "GET", 302)).toBe(true)
    expect(mayRetry(policy, state(), "GET", 429)).toBe(true)
    expect(mayRetry(policy, state({ perStatus: new Map([[503, 2]]) }), "GET", 503)).toBe(false)
  })
})

describe("delayFor: how long to wait", () => {
  const status = (code: number, serverWaitMs?: number): PendingRetry => ({
    status: code,
    timeout: false,
    description: `HTTP error ${code}`,
    serverWaitMs,
    rateLimited: code === 429 || serverWaitMs !== undefined
  })
  const none = { jitter: 0.5, spread: 0 }

  const table: ReadonlyArray<
    readonly [
      name: string,
      retry: PendingRetry,
      before: LoopState,
      draws: { jitter: number; spread: number },
      ms: number
    ]
  > = [
    ["the first backoff is sleepTimer × base", status(503), state(), none, 3000],
    ["the third backoff is 1.5 s × 2³", status(503), state({ backoffIndex: 2 }), none, 12_000],
    ["the backoff is capped at maxWait", status(503), state({ backoffIndex: 10 }), none, 60_000],
    ["jitter low end: ×0.9", status(503), state(), { jitter: 0, spread: 0 }, 2700],
    ["jitter high end: ×1.1", status(503), state(), { jitter: 1, spread: 0 }, 3300],
    ["PagerDuty's wait is honoured in full", status(429, 30_000), state(), none, 30_000],
    ["plus at most 250 ms + 10 % of it", status(429, 30_000), state(), { jitter: 0.5, spread: 1 }, 33_250],
    ["Retry-After on a 503 wins over the backoff", status(503, 5_000), state({ backoffIndex: 5 }), none, 5_000]
  ]
  for (const [name, retry, before, draws, ms] of table) {
    it(name, () => {
      expect(delayFor(policy, before, retry, undefined, draws).delay).toEqual({ _tag: "Wait", ms })
    })
  }

  it("maxWait and sleepTimerBase shape the backoff", () => {
    const custom = { ...policy, sleepTimerBase: 3, maxWaitMs: 20_000, staggerCooldown: 0 }
    const waits = [0, 1, 2].map((index) =>
      delayFor(custom, state({ backoffIndex: index }), status(503), undefined, none).delay
    )
    expect(waits).toEqual([{ _tag: "Wait", ms: 4500 }, { _tag: "Wait", ms: 13_500 }, { _tag: "Wait", ms: 20_000 }])
  })

  it("a user schedule's delay replaces the backoff, but not PagerDuty's wait; when it is done, retrying stops", () => {
    expect(delayFor(policy, state(), status(503), { _tag: "Delay", ms: 2000 }, none).delay).toEqual({
      _tag: "Wait",
      ms: 2000
    })
    expect(delayFor(policy, state(), status(429, 30_000), { _tag: "Delay", ms: 2000 }, none).delay).toEqual({
      _tag: "Wait",
      ms: 30_000
    })
    expect(delayFor(policy, state({ attempts: 2 }), status(503), { _tag: "Done" }, none).delay).toEqual({
      _tag: "Stop",
      decision: { _tag: "Return", givingUp: true }
    })
    const transportRetry: PendingRetry = {
      status: undefined,
      timeout: true,
      description: "the request timed out",
      serverWaitMs: undefined,
      rateLimited: false
    }
    const stopped = delayFor(policy, state(), transportRetry, { _tag: "Done" }, none).delay
    expect(stopped._tag === "Stop" && stopped.decision._tag === "Fail" && stopped.decision.failure._tag).toBe(
      "Transport"
    )
  })

  it("rate-limit waits add up; one that would pass rateLimitBudget stops the call with a 429 naming the option", () => {
    const first = delayFor(policy, state(), status(429, 60_000), undefined, none)
    expect(first.state.rateLimitWaitedMs).toBe(60_000)
    const near = state({ rateLimitWaitedMs: 870_000 })
    const stopped = delayFor(policy, near, status(429, 60_000), undefined, none).delay
    expect(stopped._tag === "Stop" && stopped.decision._tag === "Fail" && stopped.decision.failure).toEqual({
      _tag: "Status",
      status: 429,
      description: "PagerDuty asked to wait 60 s more after 870 s of rate-limit waits in this call, past " +
        "RetryPolicy's rateLimitBudget (900 s); not retried"
    })
    // A 503's backoff is not rate-limit waiting.
    expect(delayFor(policy, near, status(503), undefined, none).delay._tag).toBe("Wait")
  })

  it("a permanent 429 without headers ends within the budget", () => {
    let current = state()
    let requests = 1
    while (true) {
      const decided = decide(policy, current, answer(429))
      if (decided.decision._tag !== "Retry") throw new Error("expected a retry")
      const planned = delayFor(policy, decided.state, decided.decision.retry, undefined, none)
      if (planned.delay._tag === "Stop") break
      current = { ...planned.state, attempts: planned.state.attempts + 1 }
      requests += 1
    }
    expect(current.rateLimitWaitedMs).toBeLessThanOrEqual(900_000)
    // 3 + 6 + 12 + 24 + 48 s, then 13 waits of 60 s: 873 s; one more would pass 900 s.
    expect(current.rateLimitWaitedMs).toBe(873_000)
    expect(requests).toBe(19)
  })
})

describe("the gate's limit and refusals", () => {
  it("a single hold is capped by maxServerWait, the whole wait at the gate by what is left of the budget", () => {
    expect(turnLimits(policy, state())).toEqual({ holdMs: 300_000, totalMs: 900_000 })
    expect(turnLimits(policy, state({ rateLimitWaitedMs: 800_000 }))).toEqual({ holdMs: 300_000, totalMs: 100_000 })
    expect(turnLimits(policy, state({ rateLimitWaitedMs: 950_000 }))).toEqual({ holdMs: 300_000, totalMs: 0 })
  })

  it("a hold longer than maxServerWait is refused naming maxServerWait; a long wait for the first call, the budget", () => {
    expect(refused(policy, state(), { holdMs: 86_400_000, waitedMs: 0 })).toEqual({
      _tag: "Status",
      status: 429,
      description: "PagerDuty said the rate-limit window is spent for 86400 s more (ratelimit-reset with " +
        "ratelimit-remaining: 0, or a 429); longer than RetryPolicy's maxServerWait (300 s); not sent"
    })
    const waiting = refused(policy, state({ rateLimitWaitedMs: 600_000 }), { holdMs: undefined, waitedMs: 300_000 })
    expect(waiting._tag === "Status" && waiting.description).toContain("after 900 s of rate-limit waits")
    expect(waiting._tag === "Status" && waiting.description).toContain("rateLimitBudget (900 s)")
  })
})

describe("server waits and holds from headers", () => {
  const table: ReadonlyArray<readonly [string, number, Record<string, string>, number | undefined]> = [
    ["ratelimit-reset on a 429", 429, { "ratelimit-reset": "30" }, 30_000],
    ["Retry-After in seconds", 503, { "retry-after": "7" }, 7_000],
    ["Retry-After as an HTTP date", 503, { "retry-after": "Thu, 01 Jan 1970 00:01:00 GMT" }, 50_000],
    ["an HTTP date in the past is no wait", 503, { "retry-after": "Thu, 01 Jan 1970 00:00:01 GMT" }, 0],
    ["an unparsable Retry-After is ignored", 503, { "retry-after": "soon" }, undefined],
    ["ratelimit-reset counts only on a 429", 503, { "ratelimit-reset": "30" }, undefined],
    ["Retry-After on a 429 without ratelimit-reset", 429, { "retry-after": "12" }, 12_000]
  ]
  for (const [name, code, headers, expected] of table) {
    it(name, () => expect(serverWaitMillis(code, headers, 10_000)).toBe(expected))
  }

  it("a hold: a 429, or ratelimit-remaining: 0, with a positive reset", () => {
    expect(holdMillis(429, { "ratelimit-reset": "2" })).toBe(2000)
    expect(holdMillis(200, { "ratelimit-remaining": "0", "ratelimit-reset": "5" })).toBe(5000)
    expect(holdMillis(200, { "ratelimit-remaining": "3", "ratelimit-reset": "5" })).toBe(undefined)
    expect(holdMillis(200, { "ratelimit-remaining": "0" })).toBe(undefined)
    expect(holdMillis(429, { "ratelimit-reset": "0" })).toBe(undefined)
  })
})
