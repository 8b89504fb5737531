/**
 * Decoding of the typed operations (`effect-pagerduty/api`), and their options.
 *
 * Every typed operation decodes its result with the generated schema: string enums are open (any string is
 * accepted), unknown keys are kept, and a mismatch fails with a `PDClientError` (reason `Decode`) that names the
 * operation and the field. Decoding can be turned off per call (`{ decode: false }`) or per layer
 * (`TypedDecoding.layer(false)`); the result types are then PagerDuty's document's claims, unchecked.
 *
 * @since 0.2.0
 */
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Layer from "effect/Layer"

/**
 * Whether the typed operations decode their results. On by default.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Users, TypedDecoding } from "effect-pagerduty/api"
 *
 * // The layer of a program that trusts PagerDuty's answers and saves the decoding time.
 * const me = Users.getCurrentUser().pipe(Effect.provide(TypedDecoding.layer(false)))
 * ```
 *
 * @since 0.2.0
 * @category Context
 */
export class TypedDecoding extends Context.Reference<TypedDecoding>()("effect-pagerduty/api/TypedDecoding", {
  defaultValue: (): { readonly enabled: boolean } => ({ enabled: true })
}) {
  /**
   * A layer that turns decoding on (`true`, the default) or off (`false`) for every typed operation under it.
   *
   * @example
   * ```ts
   * import { TypedDecoding } from "effect-pagerduty/api"
   *
   * const Unchecked = TypedDecoding.layer(false)
   * ```
   *
   * @since 0.2.0
   */
  static readonly layer = (enabled: boolean): Layer.Layer<TypedDecoding> => Layer.succeed(TypedDecoding, { enabled })
}

/**
 * The options of a typed operation that is a single call.
 *
 * @example
 * ```ts
 * import type { CallOptions } from "effect-pagerduty/api"
 *
 * const options: CallOptions = { decode: false, timeout: "10 seconds" }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface CallOptions {
  /** Decode the result (default: the `TypedDecoding` layer's setting, on). */
  readonly decode?: boolean | undefined
  /** Headers, merged last. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The timeout of each attempt (default: the configuration's). */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The options of a typed paged list (a `Stream`): those of `RestApi.iterAll`.
 *
 * @example
 * ```ts
 * import type { StreamOptions } from "effect-pagerduty/api"
 *
 * const options: StreamOptions = { pageSize: 50, concurrency: 4, onCeiling: "fail", dedupe: true }
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface StreamOptions extends CallOptions {
  /** Items per request (`limit`). Default 100. */
  readonly pageSize?: number | undefined
  /** Drop items whose `id` was already emitted. Default false. */
  readonly dedupe?: boolean | undefined
  /** Offset paging only: pages fetched at once. Default 1. */
  readonly concurrency?: number | undefined
  /** At the 10,000-record ceiling of offset paging: `"stop"` (default, with a warning) or `"fail"`. */
  readonly onCeiling?: "stop" | "fail" | undefined
}
