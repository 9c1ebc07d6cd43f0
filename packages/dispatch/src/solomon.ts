// Reader for the classic Solomon VRPTW text format (header, VEHICLE NUMBER/CAPACITY, 101 node rows).
import type { DispatchProblemParsed } from '@aftercare/contracts'

export interface SolomonInstance {
  name: string
  vehicles: number
  capacity: number
  /** Node 0 is the depot. */
  nodes: { id: number; x: number; y: number; demand: number; ready: number; due: number; service: number }[]
}

export function parseSolomon(text: string, customers?: number): SolomonInstance {
  const lines = text.split(/\r?\n/).map((l) => l.trim())
  const name = lines.find((l) => l.length > 0) ?? 'instance'
  const vIdx = lines.findIndex((l) => /^VEHICLE/i.test(l))
  if (vIdx < 0) throw new Error('Solomon file: missing VEHICLE section')
  const vLine = lines.slice(vIdx + 1).find((l) => /^\d/.test(l))
  if (!vLine) throw new Error('Solomon file: missing vehicle number/capacity line')
  const [vehicles, capacity] = vLine.split(/\s+/).map(Number)
  const cIdx = lines.findIndex((l) => /^CUSTOMER/i.test(l))
  if (cIdx < 0) throw new Error('Solomon file: missing CUSTOMER section')
  const nodes: SolomonInstance['nodes'] = []
  for (const l of lines.slice(cIdx + 1)) {
    if (!/^\d/.test(l)) continue
    const f = l.split(/\s+/).map(Number)
    if (f.length < 7 || f.some((v) => !Number.isFinite(v))) throw new Error(`Solomon file: bad node row "${l}"`)
    nodes.push({ id: f[0]!, x: f[1]!, y: f[2]!, demand: f[3]!, ready: f[4]!, due: f[5]!, service: f[6]! })
  }
  if (nodes.length < 2 || nodes[0]!.id !== 0) throw new Error('Solomon file: expected the depot (node 0) and at least one customer')
  if (!Number.isFinite(vehicles) || !Number.isFinite(capacity)) throw new Error('Solomon file: bad vehicle line')
  return { name, vehicles: vehicles!, capacity: capacity!, nodes: customers ? nodes.slice(0, customers + 1) : nodes }
}

/** The instance as a dispatch problem: vehicles "v1".., job ids = customer numbers, Euclidean travel (speed 1). */
export function solomonToProblem(inst: SolomonInstance): DispatchProblemParsed {
  const depot = inst.nodes[0]!
  const loc = { x: depot.x, y: depot.y }
  return {
    engineers: Array.from({ length: inst.vehicles }, (_, k) => ({
      id: `v${k + 1}`,
      start: loc,
      end: loc,
      shift: { start: depot.ready, end: depot.due },
      skills: [],
      capacity: inst.capacity,
      fixedCost: 0,
    })),
    jobs: inst.nodes.slice(1).map((c) => ({
      id: String(c.id),
      location: { x: c.x, y: c.y },
      duration: c.service,
      timeWindows: [{ start: c.ready, end: c.due }],
      requiredSkills: [],
      demand: c.demand,
      priority: 1,
      forbiddenEngineers: [],
      maxLateness: 0,
      after: [],
    })),
    distance: { type: 'euclidean', speed: 1 },
    objective: { distance: 1, travelTime: 0, unassigned: 1, lateness: 1, balance: 0 },
  }
}
