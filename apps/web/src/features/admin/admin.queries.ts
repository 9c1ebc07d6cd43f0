// Queries shared by the admin pages.
import { Team } from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { z } from 'zod'
import { api } from '../../shared/api/client.ts'

export const teamsKey = ['teams'] as const
export const usersKey = ['users'] as const

export function useTeams() {
  return useQuery({ queryKey: teamsKey, queryFn: () => api('/api/teams', z.array(Team)) })
}
