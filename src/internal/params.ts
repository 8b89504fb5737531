/**
 * A query parameter value: arrays are sent as `key[]=a&key[]=b`, `null` and `undefined` are dropped, booleans are
 * sent as `true` / `false`. (Public through `RestApi`'s `ParamValue`.)
 */
export type ParamValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number | boolean>

/** Query parameters by name. (Public through `RestApi`'s `Params`.) */
export type Params = Readonly<Record<string, ParamValue>>

/**
 * Encodes params into a query string (without the `?`), PagerDuty's way.
 *
 * @internal
 */
export const encodeParams = (params: Params | undefined): string => {
  if (params === undefined) return ""
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined) continue
    if (Array.isArray(value)) {
      const name = key.endsWith("[]") ? key : `${key}[]`
      for (const item of value as ReadonlyArray<string | number | boolean>) search.append(name, String(item))
    } else {
      search.append(key, String(value))
    }
  }
  return search.toString()
}

/**
 * Appends params to a URL that may already carry a query string.
 *
 * @internal
 */
export const withParams = (url: string, params: Params | undefined): string => {
  const query = encodeParams(params)
  if (query === "") return url
  const hash = url.indexOf("#")
  const base = hash === -1 ? url : url.slice(0, hash)
  return `${base}${base.includes("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?"}${query}`
}
