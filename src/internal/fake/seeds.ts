/**
 * Named seeds of the `effect-pagerduty-fake` command: a small, coherent account to explore or to run examples
 * against (`demo`), or nothing (`empty`).
 *
 * @internal
 */
import type { FakeRecordInput } from "../../FakePagerDuty.js"

const ref = (id: string, type: string) => ({ id, type })

/** The demo account's Events API routing key (32 hex characters), on the Checkout service. @internal */
export const DEMO_ROUTING_KEY = "0de30de30de30de30de30de30de30de3"

/** @internal */
export const namedSeeds: Readonly<Record<string, Readonly<Record<string, ReadonlyArray<FakeRecordInput>>>>> = {
  empty: {},
  demo: {
    users: [
      { id: "PADA001", name: "Ada Lovelace", email: "ada.lovelace@example.com", role: "admin", time_zone: "Etc/UTC" },
      { id: "PBOB001", name: "Bob Hopper", email: "bob.hopper@example.com", role: "user", time_zone: "Etc/UTC" },
      { id: "PCAR001", name: "Carol Shaw", email: "carol.shaw@example.com", role: "user", time_zone: "Etc/UTC" }
    ],
    teams: [{ id: "PTEAM01", name: "Payments", description: "The payments team", default_role: "manager" }],
    schedules: [{
      id: "PSCHED1",
      name: "Payments primary",
      time_zone: "Etc/UTC",
      schedule_layers: [{
        name: "Weekly",
        start: "2024-01-01T00:00:00Z",
        rotation_virtual_start: "2024-01-01T00:00:00Z",
        rotation_turn_length_seconds: 604_800,
        users: [{ user: ref("PADA001", "user_reference") }, { user: ref("PBOB001", "user_reference") }]
      }]
    }],
    escalation_policies: [{
      id: "PPOLICY",
      name: "Payments",
      num_loops: 0,
      escalation_rules: [
        { escalation_delay_in_minutes: 15, targets: [ref("PSCHED1", "schedule_reference")] },
        { escalation_delay_in_minutes: 30, targets: [ref("PCAR001", "user_reference")] }
      ],
      teams: [ref("PTEAM01", "team_reference")]
    }],
    services: [
      {
        id: "PSVC001",
        name: "Checkout",
        status: "active",
        escalation_policy: ref("PPOLICY", "escalation_policy_reference"),
        teams: [ref("PTEAM01", "team_reference")],
        incident_urgency_rule: { type: "constant", urgency: "high" }
      },
      {
        id: "PSVC002",
        name: "Search",
        status: "active",
        escalation_policy: ref("PPOLICY", "escalation_policy_reference"),
        teams: [],
        incident_urgency_rule: { type: "constant", urgency: "low" }
      }
    ],
    priorities: [
      { id: "PPRIO01", name: "P1", description: "Critical" },
      { id: "PPRIO02", name: "P2", description: "High" },
      { id: "PPRIO03", name: "P3", description: "Moderate" }
    ]
  }
}
