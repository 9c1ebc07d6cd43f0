import type { TicketPriority } from '@aftercare/contracts'

/**
 * Default impact × urgency matrix (ITIL-style). Rows: impact 1 (whole business) … 5 (cosmetic);
 * columns: urgency 1 (high) … 3 (low). Tenants change it in the ticket settings.
 */
export const defaultPriorityMatrix: TicketPriority[][] = [
  ['P0', 'P1', 'P2'],
  ['P1', 'P2', 'P2'],
  ['P1', 'P2', 'P3'],
  ['P2', 'P3', 'P4'],
  ['P3', 'P4', 'P4'],
]

export function priorityOf(matrix: readonly (readonly TicketPriority[])[], impact: number, urgency: number): TicketPriority {
  const p = matrix[impact - 1]?.[urgency - 1]
  if (!p) throw new RangeError(`impact ${impact} × urgency ${urgency} is outside the matrix`)
  return p
}
