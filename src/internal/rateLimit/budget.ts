/**
 * The pure arithmetic of the rate-limit layer: what PagerDuty's headers say, and the pace that spends a budget
 * evenly. No Effect imports.
 *
 * @internal
 */

/** A budget: `limit` requests per `windowMillis`. @internal */
export interface Budget {
  readonly limit: number
  readonly windowMillis: number
}

/** What one answer says about the budget (each field only when its header is present and valid). @internal */
export interface BudgetHeaders {
  readonly limit: number | undefined
  readonly remaining: number | undefined
  /** Milliseconds until the window resets (`ratelimit-reset` is in seconds). */
  readonly resetMillis: number | undefined
}

const nonNegative = (value: string | undefined): number | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}

/** Reads `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (lower-case header names). @internal */
export const readBudgetHeaders = (headers: Readonly<Record<string, string | undefined>>): BudgetHeaders => {
  const limit = nonNegative(headers["ratelimit-limit"])
  const reset = nonNegative(headers["ratelimit-reset"])
  return {
    limit: limit !== undefined && limit >= 1 ? Math.floor(limit) : undefined,
    remaining: nonNegative(headers["ratelimit-remaining"]),
    resetMillis: reset !== undefined && reset > 0 ? reset * 1000 : undefined
  }
}

/**
 * The interval between two requests that spends `1 - headroom` of the budget evenly over the window: with 50 per
 * second and a headroom of 0.1, 45 requests per second, one every 22.2 ms. The headroom absorbs timing jitter (in
 * any window of the server the count is at most the paced count plus one) and leaves room for other users of the
 * key. At least one request per window is always allowed.
 *
 * @internal
 */
export const paceIntervalMillis = (budget: Budget, headroom: number): number =>
  budget.windowMillis / Math.max(1, Math.floor(budget.limit * (1 - headroom)))
