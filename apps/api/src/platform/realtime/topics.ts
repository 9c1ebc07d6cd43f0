// Topic names and the families the platform itself declares (modules add theirs to `modules.topics`).
import { RealtimeTopic } from '@aftercare/contracts'
import type { Actor } from '../http/access.ts'
import type { TopicAuthorizer } from './types.ts'

export interface ParsedTopic {
  family: string
  id: string | null
}

/** `ticket:42` → `{family: 'ticket', id: '42'}`; undefined when malformed. */
export function parseTopic(topic: string): ParsedTopic | undefined {
  if (!RealtimeTopic.safeParse(topic).success) return undefined
  const colon = topic.indexOf(':')
  return colon < 0 ? { family: topic, id: null } : { family: topic.slice(0, colon), id: topic.slice(colon + 1) }
}

/** The topics a domain event reaches: its aggregate (`ticket:<id>`) and the aggregate's family (`ticket`). */
export function topicsOfEvent(aggregateType: string | null, aggregateId: string | null): string[] {
  if (!aggregateType) return []
  const topics = [aggregateType, ...(aggregateId ? [`${aggregateType}:${aggregateId}`] : [])]
  return topics.filter((t) => parseTopic(t) !== undefined)
}

const isStaff = (actor: Actor) => actor.customerOrgId === null && !actor.roles.includes('customer_contact')

/**
 * Built-in families:
 * - `user:<id>`: events about one user (their profile, roles, sessions); only that user.
 *   `user` (every user of the tenant) for those who may read users.
 * - `tenant`: tenant-wide announcements, for every signed-in staff member (not customer contacts).
 */
export const platformTopics: TopicAuthorizer[] = [
  {
    family: 'user',
    authorize: (actor, id) => Promise.resolve(id === null ? actor.permissions.has('users.read') : id === actor.userId),
  },
  {
    family: 'tenant',
    authorize: (actor, id) => Promise.resolve(id === null && isStaff(actor)),
  },
]
