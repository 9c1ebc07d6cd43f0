// Generated city-day problems (tests and benchmarks): engineers with skills, shifts and lunch breaks,
// jobs with 2-hour appointment windows, around a city centre. Times in minutes since midnight.
import type { DispatchProblem } from '@aftercare/contracts'
import { Rng } from './rng.ts'

const SKILLS = ['boiler', 'air-conditioning', 'refrigerator', 'washer', 'electrical']

export function cityProblem(o: { engineers: number; jobs: number; seed: number; centre?: { lat: number; lng: number } }): DispatchProblem {
  const rng = new Rng(o.seed)
  const centre = o.centre ?? { lat: 31.23, lng: 121.47 }
  const around = (spread: number) => ({
    lat: Math.round((centre.lat + (rng.next() - 0.5) * spread) * 1e5) / 1e5,
    lng: Math.round((centre.lng + (rng.next() - 0.5) * spread * 1.15) * 1e5) / 1e5,
  })
  const engineers = Array.from({ length: o.engineers }, (_, k) => {
    const skills = SKILLS.filter(() => rng.next() < 0.5)
    if (skills.length === 0) skills.push(SKILLS[k % SKILLS.length]!)
    const early = rng.next() < 0.5
    return {
      id: `eng-${k + 1}`,
      start: around(0.3),
      shift: early ? { start: 480, end: 1080 } : { start: 540, end: 1140 },
      skills,
      maxJobs: 12,
      capacity: 20,
      break: rng.next() < 0.5 ? { start: 720, end: 750 } : undefined,
    }
  })
  const jobs = Array.from({ length: o.jobs }, (_, i) => {
    const slot = 480 + 120 * rng.int(5)
    return {
      id: `job-${i + 1}`,
      location: around(0.3),
      duration: 20 + 5 * rng.int(9),
      timeWindows: [{ start: slot, end: slot + 120 }],
      requiredSkills: rng.next() < 0.8 ? [SKILLS[rng.int(SKILLS.length)]!] : [],
      demand: rng.int(4),
      priority: rng.int(3),
    }
  })
  return {
    engineers,
    jobs,
    distance: { type: 'haversine', detourFactor: 1.3, speedKmh: 30, timeUnitsPerMinute: 1 },
    objective: { distance: 1, travelTime: 0, unassigned: 1 },
  }
}
