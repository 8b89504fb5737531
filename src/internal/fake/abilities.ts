/**
 * Account abilities: `GET /abilities` lists the account's; `GET /abilities/{id}` answers 204 when the account has it,
 * 402 when it is a known ability the account lacks, 404 when no such ability exists.
 *
 * @internal
 */

/**
 * The abilities the fake knows: those of the REST API reference's example (`teams`, `read_only_users`,
 * `service_support_hours`, `urgencies`) and the other names PagerDuty's accounts report. By default the fake's
 * account has them all.
 *
 * @internal
 */
export const KNOWN_ABILITIES: ReadonlyArray<string> = [
  "teams",
  "read_only_users",
  "service_support_hours",
  "urgencies",
  "sso",
  "advanced_reports",
  "coordinated_responding",
  "event_rules",
  "manage_schedules",
  "manage_api_keys",
  "team_responders",
  "response_plays",
  "incident_workflows",
  "status_pages",
  "custom_fields",
  "business_services",
  "event_orchestration"
]
