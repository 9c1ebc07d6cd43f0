// Ready-made SLA policies from the seeds, and the defaults a tenant starts with.
import type { CreateSlaPolicyBody, PolicyTargets, PriorityTargets, SlaPreset, SlaTargetSpec } from '@aftercare/contracts'
import type { ComplaintTargets, DisputeTargets } from './sla.tables.ts'

const min = (minutes: number): SlaTargetSpec => ({ minutes })
const hours = (h: number): SlaTargetSpec => ({ minutes: h * 60 })

/** The same targets for every priority P0–P4 (the seeds quote one figure per service level). */
function flat(t: Partial<PriorityTargets>): PolicyTargets {
  const one: PriorityTargets = {
    firstResponse: t.firstResponse ?? null,
    nextUpdate: t.nextUpdate ?? null,
    resolution: t.resolution ?? null,
  }
  return { P0: one, P1: one, P2: one, P3: one, P4: one }
}

const policy = (p: Omit<Partial<CreateSlaPolicyBody>, 'targets'> & Pick<CreateSlaPolicyBody, 'name' | 'targets'>): SlaPreset['policy'] => ({
  description: null,
  tiers: [],
  categoryIds: [],
  typeIds: [],
  rank: 100,
  warningFraction: 0.8,
  pauseStatuses: ['pending_customer'],
  escalations: [
    { on: 'warning', target: 'any', action: 'notify_supervisor', queueId: null, maxPriority: 'P1' },
    { on: 'breach', target: 'any', action: 'notify_supervisor', queueId: null, maxPriority: 'P1' },
    { on: 'breach', target: 'resolution', action: 'raise_tier', queueId: null, maxPriority: 'P1' },
  ],
  compensation: null,
  active: true,
  ...p,
})

export const presets: SlaPreset[] = [
  {
    key: 'cloud-basic',
    name: '基础云服务 Basic cloud service',
    description: 'Response < 15 min, resolution 4 h, 7×24; 0.5% of the monthly fee per hour late (未达标：每超时1小时补偿0.5%费用).',
    calendar: 'always',
    policy: policy({
      name: '基础云服务',
      targets: flat({ firstResponse: min(15), nextUpdate: hours(1), resolution: hours(4) }),
      compensation: { rules: [{ kind: 'percent_per_hour', percentPerHour: 0.5, capPercent: 100 }], targets: ['resolution'] },
    }),
  },
  {
    key: 'cloud-enterprise',
    name: '企业定制服务 Enterprise service',
    description: 'Response < 30 min, resolution 24 h, 7×24; breach extends the service time (免费延长服务时长).',
    calendar: 'always',
    policy: policy({
      name: '企业定制服务',
      tiers: ['strategic'],
      targets: flat({ firstResponse: min(30), nextUpdate: hours(4), resolution: hours(24) }),
      compensation: { rules: [{ kind: 'service_extension', hoursPerHourLate: 1 }], targets: ['resolution'] },
    }),
  },
  {
    key: 'cloud-emergency',
    name: '紧急事件 Emergency',
    description: 'Response < 5 min, resolution 2 h, 7×24; a major fault is compensated at affected hours × 0.8% of the monthly fee.',
    calendar: 'always',
    policy: policy({
      name: '紧急事件',
      rank: 10,
      targets: { P0: { firstResponse: min(5), nextUpdate: min(30), resolution: hours(2) } },
      compensation: { rules: [{ kind: 'major_fault', percentPerHour: 0.8, capPercent: 100 }], targets: ['resolution'] },
    }),
  },
  {
    key: 'p0-response',
    name: 'P0 故障 10 分钟响应 P0 response 10 min',
    description: 'P0 faults: response within 10 minutes, 7×24; credit points on breach (1 h = 50 points).',
    calendar: 'always',
    policy: policy({
      name: 'P0 故障',
      rank: 20,
      targets: { P0: { firstResponse: min(10), nextUpdate: min(30), resolution: hours(4) } },
      compensation: { rules: [{ kind: 'credit_points', pointsPerHour: 50 }], targets: ['first_response', 'resolution'] },
    }),
  },
  {
    key: 'basic',
    name: '基础服务 Basic 2 h / 24 h',
    description: 'Response 2 h, resolution 24 h of business time (working days, Chinese holidays).',
    calendar: 'office',
    policy: policy({
      name: '基础服务',
      rank: 1000,
      targets: flat({ firstResponse: hours(2), nextUpdate: hours(8), resolution: hours(24) }),
      compensation: { rules: [{ kind: 'credit_points', pointsPerHour: 50 }], targets: ['resolution'] },
    }),
  },
  {
    key: 'advanced',
    name: '高级服务 Advanced 15 min / 4 h',
    description: 'Response 15 min, resolution 4 h, 7×24, for gold and strategic customers.',
    calendar: 'always',
    policy: policy({
      name: '高级服务',
      tiers: ['gold', 'strategic'],
      rank: 50,
      targets: flat({ firstResponse: min(15), nextUpdate: hours(2), resolution: hours(4) }),
      compensation: { rules: [{ kind: 'percent_per_hour', percentPerHour: 0.5, capPercent: 100 }], targets: ['resolution'] },
    }),
  },
]

/** The policies a new tenant starts with: basic for everyone, advanced for gold/strategic, P0 10 min for all. */
export const defaultPresetKeys = ['p0-response', 'advanced', 'basic'] as const

/** Complaints (seeds): A respond 2 h, plan 24 h; B 4 h, 72 h; C 8 h, 5 working days. */
export const defaultComplaintTargets: ComplaintTargets = {
  A: { response: hours(2), plan: hours(24) },
  B: { response: hours(4), plan: hours(72) },
  C: { response: hours(8), plan: { workingDays: 5 } },
}
/** Disputes (seeds): review within 3 working days, decision within 10 working days. */
export const defaultDisputeTargets: DisputeTargets = { review: { workingDays: 3 }, decision: { workingDays: 10 } }
