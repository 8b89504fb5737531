/**
 * The decisions of the request loop, as pure functions over plain data: given the retry policy, what the call has
 * done so far and what the last attempt got (an answer or a transport failure), what to do next: return the answer,
 * fail with this error, refresh the credential, or wait this long and try again. No Effect import: the executor
 * (`executor.ts`) carries the decisions out, and these functions are tested alone with tables.
 *
 * @internal
 */

/** The retry policy as plain numbers (milliseconds). @internal */
export interface DecisionPolicy {
  /** `rest`: the REST per-status rules (defaults on GET only); `events`: the Events API's. */
  readonly rules: "rest" | "events"
  readonly retry: ReadonlyMap<number, number>
  readonly restDefaults: ReadonlyMap<number, number>
  readonly eventsRetry: ReadonlyMap<number, number>
  readonly maxHttpAttempts: number
  readonly maxNetworkAttempts: number
  readonly sleepTimerMs: number
  readonly sleepTimerBase: number
  readonly staggerCooldown: number
  readonly maxWaitMs: number
  /** The longest single wait PagerDuty may ask for (`ratelimit-reset`, `Retry-After`, a rate-limit hold). */
  readonly maxServerWaitMs: number
  /** The most one call may spend waiting for rate limits and server-directed waits, in total. */
  readonly rateLimitBudgetMs: number
}

/** What one call has done so far. @internal */
export interface LoopState {
  /** Requests sent. */
  readonly attempts: number
  /** Answers whose status counts toward `maxHttpAttempts` (every status but an uncounted 429). */
  readonly countedResponses: number
  readonly networkFailures: number
  /** Retries so far, by status. */
  readonly perStatus: ReadonlyMap<number, number>
  /** Retries so far, whatever their cause: the backoff's exponent. */
  readonly backoffIndex: number
  /** Whether the credential was refreshed once already after a 401. */
  readonly refreshed: boolean
  /** Time spent waiting for rate limits and server-directed waits. */
  readonly rateLimitWaitedMs: number
}

/** @internal */
export const initialState: LoopState = {
  attempts: 0,
  countedResponses: 0,
  networkFailures: 0,
  perStatus: new Map(),
  backoffIndex: 0,
  refreshed: false,
  rateLimitWaitedMs: 0
}

/** @internal */
export type Headers = Readonly<Record<string, string | undefined>>

/** What the last attempt got. @internal */
export type Outcome =
  | {
    readonly _tag: "Answer"
    readonly method: string
    readonly url: string
    readonly status: number
    readonly headers: Headers
    /** Epoch millis when the answer arrived (for a `Retry-After` date). */
    readonly now: number
    /** Whether a 401 may be answered by refreshing the credential (REST with a credential that can refresh). */
    readonly canRefresh: boolean
  }
  | {
    readonly _tag: "Transport"
    readonly method: string
    readonly timeout: boolean
    readonly description: string
  }

/** An error to fail the call with, described as data; the executor builds the typed error. @internal */
export type Failure =
  | {
    /** A `PDHTTPError` for this status; the answer's body is read for it. */
    readonly _tag: "Status"
    readonly status: number
    readonly description: string | undefined
    /** The origin of a redirect's `Location`, when the answer is a redirect. */
    readonly location?: string | undefined
  }
  | {
    /** A `PDClientError` of reason `Transport` or `Timeout`. */
    readonly _tag: "Transport"
    readonly timeout: boolean
    readonly description: string
  }

/** What the loop does next. @internal */
export type Decision =
  /** The answer is final: read its body (under the timeout) and hand it back. `givingUp`: log that retries ran out. */
  | { readonly _tag: "Return"; readonly givingUp: boolean }
  | { readonly _tag: "Fail"; readonly failure: Failure }
  /** Refresh the credential, then send again. */
  | { readonly _tag: "Refresh" }
  /** Retry after a wait computed by {@link delayFor} (it may still decide to stop). */
  | { readonly _tag: "Retry"; readonly retry: PendingRetry }

/** A retry the rules allow, before its wait is known. @internal */
export interface PendingRetry {
  /** The status answered, or `undefined` after a transport failure. */
  readonly status: number | undefined
  readonly timeout: boolean
  readonly description: string
  /** The wait PagerDuty asked for, if any. */
  readonly serverWaitMs: number | undefined
  /** Whether the wait counts toward the rate-limit budget (a 429, or a server-directed wait). */
  readonly rateLimited: boolean
}

const seconds = (ms: number): string => {
  const s = ms / 1000
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(3)} s`
}

const numberHeader = (headers: Headers, name: string): number | undefined => {
  const raw = headers[name]
  if (raw === undefined || raw.trim() === "") return undefined
  const value = Number(raw)
  return Number.isFinite(value) ? value : undefined
}

/**
 * The wait an answer asks for, in milliseconds: `ratelimit-reset` (PagerDuty's, seconds until the window resets) on a
 * 429, else `Retry-After` (seconds or an HTTP date).
 *
 * @internal
 */
export const serverWaitMillis = (status: number, headers: Headers, now: number): number | undefined => {
  if (status === 429) {
    const reset = numberHeader(headers, "ratelimit-reset")
    if (reset !== undefined && reset >= 0) return reset * 1000
  }
  const retryAfter = headers["retry-after"]
  if (retryAfter === undefined || retryAfter.trim() === "") return undefined
  const value = Number(retryAfter)
  if (Number.isFinite(value) && value >= 0) return value * 1000
  const date = Date.parse(retryAfter)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** How PagerDuty asked for a wait, for messages: `ratelimit-reset: 30` or `Retry-After: 30`. */
const askedFor = (status: number, headers: Headers): string =>
  status === 429 && numberHeader(headers, "ratelimit-reset") !== undefined
    ? `ratelimit-reset: ${headers["ratelimit-reset"]}`
    : `Retry-After: ${headers["retry-after"]}`

/**
 * How long a response says the rate-limit window stays spent (a 429, or `ratelimit-remaining: 0`), in milliseconds
 * from `now`; `undefined` when it does not say so.
 *
 * @internal
 */
export const holdMillis = (status: number, headers: Headers): number | undefined => {
  const reset = numberHeader(headers, "ratelimit-reset")
  if (reset === undefined || reset <= 0) return undefined
  const remaining = numberHeader(headers, "ratelimit-remaining")
  return status === 429 || remaining === 0 ? reset * 1000 : undefined
}

/**
 * The retry decision for a status, as documented on `RetryPolicy`: how many retries (`-1`: no per-status limit) and
 * whether they count toward `maxHttpAttempts`.
 *
 * @internal
 */
export const statusRule = (
  policy: Pick<DecisionPolicy, "rules" | "retry" | "restDefaults" | "eventsRetry">,
  method: string,
  status: number
): { readonly limit: number; readonly counted: boolean } => {
  const explicit = policy.rules === "rest" ? policy.retry.get(status) : policy.eventsRetry.get(status)
  const limit = explicit ?? (policy.rules === "rest" && method === "GET" ? policy.restDefaults.get(status) : undefined)
  if (limit === undefined) {
    return status === 429 ? { limit: -1, counted: false } : { limit: 0, counted: true }
  }
  return { limit, counted: true }
}

/**
 * Whether an answer with this status might be retried (or refreshed) rather than returned, before it is counted:
 * its body is then not read with the answer. Changes nothing.
 *
 * @internal
 */
export const mayRetry = (policy: DecisionPolicy, state: LoopState, method: string, status: number): boolean => {
  if (status < 300) return false
  // A redirect and a 401 fail (or refresh) with their own reading of the body.
  if (status < 400 || status === 401) return true
  const rule = statusRule(policy, method, status)
  const used = state.perStatus.get(status) ?? 0
  return rule.limit !== 0 && (rule.limit === -1 || used < rule.limit) &&
    (!rule.counted || state.countedResponses + 1 < policy.maxHttpAttempts)
}

const locationOrigin = (location: string | undefined, url: string): string => {
  if (location === undefined || location.trim() === "") return "no Location"
  try {
    return new URL(location, url).origin
  } catch {
    return "an unparsable Location"
  }
}

const withCount = (map: ReadonlyMap<number, number>, key: number): ReadonlyMap<number, number> =>
  new Map(map).set(key, (map.get(key) ?? 0) + 1)

/**
 * What to do after an attempt. Returns the next state with the decision; a `Retry` still needs {@link delayFor}.
 *
 * @internal
 */
export const decide = (
  policy: DecisionPolicy,
  state: LoopState,
  outcome: Outcome
): { readonly decision: Decision; readonly state: LoopState } => {
  if (outcome._tag === "Transport") {
    const next = { ...state, networkFailures: state.networkFailures + 1 }
    if (next.networkFailures > policy.maxNetworkAttempts) {
      return { decision: transportFailure(state.attempts, outcome.timeout, outcome.description), state: next }
    }
    return {
      decision: {
        _tag: "Retry",
        retry: {
          status: undefined,
          timeout: outcome.timeout,
          description: outcome.description,
          serverWaitMs: undefined,
          rateLimited: false
        }
      },
      state: next
    }
  }

  const { headers, method, status } = outcome
  if (status >= 300 && status < 400) {
    const origin = locationOrigin(headers["location"], outcome.url)
    return {
      decision: {
        _tag: "Fail",
        failure: {
          _tag: "Status",
          status,
          description: `PagerDuty answered with a redirect to ${origin}; effect-pagerduty never follows redirects ` +
            `(check restUrl, eventsUrl and identityUrl)`,
          location: origin
        }
      },
      state
    }
  }
  if (status === 401 && outcome.canRefresh && !state.refreshed) {
    return { decision: { _tag: "Refresh" }, state: { ...state, refreshed: true } }
  }
  const rule = statusRule(policy, method, status)
  const counted = rule.counted ? state.countedResponses + 1 : state.countedResponses
  const used = state.perStatus.get(status) ?? 0
  const next = { ...state, countedResponses: counted }
  const retryable = status >= 400 && status !== 401 && rule.limit !== 0 &&
    (rule.limit === -1 || used < rule.limit) && (!rule.counted || counted < policy.maxHttpAttempts)
  if (!retryable) {
    if (status === 401) {
      // The 401's body is read for the error here: `raw` callers never get a 401 response.
      return { decision: { _tag: "Fail", failure: { _tag: "Status", status, description: undefined } }, state: next }
    }
    const givingUp = status >= 400 && rule.limit !== 0 && state.attempts > 1
    return { decision: { _tag: "Return", givingUp }, state: next }
  }

  const serverWaitMs = serverWaitMillis(status, headers, outcome.now)
  if (serverWaitMs !== undefined && serverWaitMs > policy.maxServerWaitMs) {
    return {
      decision: {
        _tag: "Fail",
        failure: {
          _tag: "Status",
          status,
          description: `PagerDuty asked to wait ${seconds(serverWaitMs)} before retrying (${
            askedFor(status, headers)
          }), longer than RetryPolicy's maxServerWait (${seconds(policy.maxServerWaitMs)}); not retried`
        }
      },
      state: next
    }
  }
  return {
    decision: {
      _tag: "Retry",
      retry: {
        status,
        timeout: false,
        description: status === 429 ? "rate limited (429)" : `HTTP error ${status}`,
        serverWaitMs,
        rateLimited: status === 429 || serverWaitMs !== undefined
      }
    },
    state: { ...next, perStatus: withCount(state.perStatus, status) }
  }
}

const transportFailure = (attempts: number, timeout: boolean, description: string): Decision => ({
  _tag: "Fail",
  failure: {
    _tag: "Transport",
    timeout,
    description: `${timeout ? "No answer within the timeout" : "The connection failed"} after ${attempts} ${
      attempts === 1 ? "attempt" : "attempts"
    } (${description})`
  }
})

/** What a user `schedule` said when stepped with the retry: stop, or wait this long. @internal */
export type ScheduleVerdict = { readonly _tag: "Done" } | { readonly _tag: "Delay"; readonly ms: number }

/** Two uniform random numbers in [0, 1): the backoff's jitter and the spread added to a server wait. @internal */
export interface Draws {
  readonly jitter: number
  readonly spread: number
}

/** The wait before a retry, or the end of retrying. @internal */
export type Delay =
  | { readonly _tag: "Wait"; readonly ms: number }
  | { readonly _tag: "Stop"; readonly decision: Decision }

/**
 * The wait before a retry the rules allow: PagerDuty's wait in full plus a spread of at most 250 ms +
 * `staggerCooldown` × that wait, else the user schedule's delay, else the exponential backoff (capped at `maxWait`,
 * jittered). Stops when the schedule is done, or when the wait would take the call's rate-limit waiting past
 * `rateLimitBudget`. `state` is the one {@link decide} returned.
 *
 * @internal
 */
export const delayFor = (
  policy: DecisionPolicy,
  state: LoopState,
  retry: PendingRetry,
  schedule: ScheduleVerdict | undefined,
  draws: Draws
): { readonly delay: Delay; readonly state: LoopState } => {
  const backoffIndex = state.backoffIndex + 1
  const counted = { ...state, backoffIndex }
  if (schedule !== undefined && schedule._tag === "Done") {
    const decision: Decision = retry.status === undefined
      ? transportFailure(state.attempts, retry.timeout, retry.description)
      : { _tag: "Return", givingUp: state.attempts > 1 }
    return { delay: { _tag: "Stop", decision }, state: counted }
  }
  let ms: number
  if (retry.serverWaitMs !== undefined) {
    ms = Math.round(retry.serverWaitMs + draws.spread * (250 + policy.staggerCooldown * retry.serverWaitMs))
  } else if (schedule !== undefined) {
    ms = Math.max(0, schedule.ms)
  } else {
    const raw = policy.sleepTimerMs * Math.pow(policy.sleepTimerBase, backoffIndex)
    const jitter = 1 + policy.staggerCooldown * (2 * draws.jitter - 1)
    ms = Math.round(Math.min(raw, policy.maxWaitMs) * jitter)
  }
  if (!retry.rateLimited) return { delay: { _tag: "Wait", ms }, state: counted }
  const asked = retry.serverWaitMs ?? ms
  if (state.rateLimitWaitedMs + asked > policy.rateLimitBudgetMs) {
    const status = retry.status ?? 429
    return {
      delay: {
        _tag: "Stop",
        decision: {
          _tag: "Fail",
          failure: {
            _tag: "Status",
            status,
            description: `${
              retry.serverWaitMs !== undefined ?
                `PagerDuty asked to wait ${seconds(asked)} more` :
                `retrying needs ${seconds(asked)} more`
            } after ${seconds(state.rateLimitWaitedMs)} of rate-limit waits in this call, past RetryPolicy's ` +
              `rateLimitBudget (${seconds(policy.rateLimitBudgetMs)}); not retried`
          }
        }
      },
      state: counted
    }
  }
  return { delay: { _tag: "Wait", ms }, state: { ...counted, rateLimitWaitedMs: state.rateLimitWaitedMs + ms } }
}

/** How long a call may wait at the gate. @internal */
export interface TurnLimits {
  /** The longest single rate-limit hold it waits out (`maxServerWait`): a longer one is refused at once. */
  readonly holdMs: number
  /**
   * The most it may wait at the gate in all, holds and the wait for the request that goes first after one: what is
   * left of its `rateLimitBudget`. A storm of short holds is waited out within the budget, however many holds.
   */
  readonly totalMs: number
}

/**
 * The limits of this call's wait for its turn at the gate: a single hold is capped by `maxServerWait`, the whole wait
 * by what is left of the budget.
 *
 * @internal
 */
export const turnLimits = (policy: DecisionPolicy, state: LoopState): TurnLimits => ({
  holdMs: policy.maxServerWaitMs,
  totalMs: Math.max(0, policy.rateLimitBudgetMs - state.rateLimitWaitedMs)
})

/** The gate refused this call its turn: the hold (or the wait for the first request) is longer than allowed. */
export interface Refusal {
  /** How long the gate would still have to hold this call, when known (a hold); `undefined` while waiting for the first request after a hold. */
  readonly holdMs: number | undefined
  /** How long this call waited at the gate before it was refused. */
  readonly waitedMs: number
}

/**
 * The failure when the gate refused the call's turn: a 429 whose message says what PagerDuty asked for and which
 * option bounds it.
 *
 * @internal
 */
export const refused = (policy: DecisionPolicy, state: LoopState, refusal: Refusal): Failure => {
  const waited = state.rateLimitWaitedMs + refusal.waitedMs
  const bySingle = refusal.holdMs !== undefined && refusal.holdMs > policy.maxServerWaitMs
  const asked = refusal.holdMs === undefined
    ? "the rate-limit window is still spent (waiting for the request sent first after a 429)"
    : `PagerDuty said the rate-limit window is spent for ${seconds(refusal.holdMs)} more ` +
      `(ratelimit-reset with ratelimit-remaining: 0, or a 429)`
  return {
    _tag: "Status",
    status: 429,
    description: `${asked}; ${
      bySingle
        ? `longer than RetryPolicy's maxServerWait (${seconds(policy.maxServerWaitMs)})`
        : `after ${seconds(waited)} of rate-limit waits in this call, past RetryPolicy's rateLimitBudget (${
          seconds(policy.rateLimitBudgetMs)
        })`
    }; not sent`
  }
}
