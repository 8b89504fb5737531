/**
 * Strict input: a REST request's query parameters and JSON body checked against the facts derived from PagerDuty's
 * OpenAPI document (`facts.generated.ts`): required fields, types, enums, the `email` and `date-time` formats.
 * PagerDuty refuses such requests with 400 "Invalid Input Provided" (code 2001) and one message per problem.
 *
 * Two leniencies, where the documents are stricter than the API: a reference's `type` may also be the entity's own
 * type (`"service"` where the document says `"service_reference"`; PagerDuty accepts both), and `null` is accepted for
 * an optional field (PagerDuty's way to clear one; the documents rarely mark fields `nullable`).
 *
 * @internal
 */
import { requestFacts } from "./facts.generated.js"
import type { QueryFact, RequestFact, ValueFact } from "./factTypes.js"
import { isObject, parseTime } from "./json.js"
import type { ParsedRequest } from "./request.js"

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const INTEGER = /^-?\d+$/
const NUMBER = /^-?\d+(\.\d+)?$/
const BOOLEAN = new Set(["true", "false", "TRUE", "FALSE", "True", "False", "1", "0"])

const describe = (values: ReadonlyArray<unknown>): string => values.map(String).join(", ")

const typeMatches = (type: ValueFact["type"], value: unknown): boolean => {
  switch (type) {
    case undefined:
      return true
    case "string":
      return typeof value === "string"
    case "integer":
      return typeof value === "number" && Number.isInteger(value)
    case "number":
      return typeof value === "number"
    case "boolean":
      return typeof value === "boolean"
    case "array":
      return Array.isArray(value)
    case "object":
      return isObject(value)
  }
}

const enumAllows = (allowed: ReadonlyArray<string | number | boolean>, value: unknown): boolean => {
  if (allowed.includes(value as string)) return true
  // A reference's type: the entity's own type is accepted too.
  return typeof value === "string" &&
    allowed.some((option) => typeof option === "string" && option === `${value}_reference`)
}

/** An update is partial: of the fields a schema requires, only a record's `id` and `type` must be given. */
const PARTIAL_REQUIRED = new Set(["id", "type"])

const checkValue = (
  fact: ValueFact,
  value: unknown,
  where: string,
  errors: Array<string>,
  partial: boolean
): void => {
  if (errors.length >= 20) return
  if (!typeMatches(fact.type, value)) {
    errors.push(`${where} must be ${fact.type === "integer" || fact.type === "array" ? "an" : "a"} ${fact.type}.`)
    return
  }
  if (fact.enum !== undefined && !enumAllows(fact.enum, value)) {
    errors.push(`${where} must be one of: ${describe(fact.enum)}.`)
    return
  }
  if (fact.format === "email" && typeof value === "string" && !EMAIL.test(value)) {
    errors.push(`${where} must be a valid email address.`)
  }
  if (fact.format === "date-time" && typeof value === "string" && parseTime(value) === undefined) {
    errors.push(`${where} must be an ISO 8601 date-time.`)
  }
  if (isObject(value)) {
    for (const field of fact.required ?? []) {
      if (partial && !PARTIAL_REQUIRED.has(field)) continue
      if (value[field] === undefined || value[field] === null) errors.push(`${where}.${field} is required.`)
    }
    const properties = fact.properties
    if (properties !== undefined) {
      for (const field in properties) {
        const child = value[field]
        if (child === undefined || child === null) continue
        checkValue(properties[field], child, `${where}.${field}`, errors, partial)
      }
    }
  } else if (Array.isArray(value) && fact.items !== undefined) {
    for (let i = 0; i < value.length; i++) checkValue(fact.items, value[i], `${where}[${i}]`, errors, partial)
  }
}

const scalarMatches = (type: QueryFact["itemType"] | QueryFact["type"], text: string): boolean => {
  switch (type) {
    case "integer":
      return INTEGER.test(text)
    case "number":
      return NUMBER.test(text)
    case "boolean":
      return BOOLEAN.has(text)
    default:
      return true
  }
}

const checkQuery = (facts: Readonly<Record<string, QueryFact>>, request: ParsedRequest, errors: Array<string>) => {
  const query = request.query
  for (const name in facts) {
    const fact = facts[name]
    const isArray = name.endsWith("[]")
    const values = isArray ? query.getAll(name.slice(0, -2)) : query.entries.get(name)
    if (values === undefined || values.length === 0) {
      if (fact.required === true) errors.push(`'${name}' is required.`)
      continue
    }
    for (const text of values) {
      const type = fact.type === "array" ? fact.itemType : fact.type
      if (!scalarMatches(type, text)) {
        errors.push(`Invalid '${name}' parameter value: ${text} (expected ${type === "integer" ? "an" : "a"} ${type}).`)
      } else if (fact.enum !== undefined && !fact.enum.includes(text)) {
        errors.push(`Invalid '${name}' parameter value: ${text} (one of: ${describe(fact.enum)}).`)
      } else if (fact.format === "date-time" && parseTime(text) === undefined) {
        errors.push(`Invalid '${name}' parameter value: ${text} (an ISO 8601 date-time).`)
      }
    }
  }
}

/** The facts of an operation (`"POST /users"`), if the spec has any. @internal */
export const requestFactOf = (method: string, template: string): RequestFact | undefined =>
  requestFacts[`${method} ${template}`]

/**
 * The problems of a request against its operation's facts (empty: valid). A body that is not JSON is left to the
 * route (it answers its own 400).
 *
 * @internal
 */
export const validateRequest = (method: string, template: string, request: ParsedRequest): Array<string> => {
  const fact = requestFactOf(method, template)
  const errors: Array<string> = []
  if (fact === undefined) return errors
  if (fact.query !== undefined) checkQuery(fact.query, request, errors)
  if (fact.body !== undefined) {
    const body = request.body()
    // The body's own required fields (the wrapper) always; inside it, an update needs only ids and types.
    const partial = method === "PUT" || method === "PATCH"
    const checkBody = (value: unknown) => {
      if (partial && isObject(value)) {
        for (const field of fact.body?.required ?? []) {
          // A wrapper (`{"incident": {...}}`) is required; the fields of an unwrapped entity are not.
          if (fact.body?.properties?.[field]?.type !== "object") continue
          if (value[field] === undefined || value[field] === null) errors.push(`body.${field} is required.`)
        }
      }
      if (fact.body !== undefined) checkValue(fact.body, value, "body", errors, partial)
    }
    if (body._tag === "Json") checkBody(body.value)
    else if (body._tag === "Empty" && fact.bodyRequired === true) checkBody({})
  }
  return errors
}
