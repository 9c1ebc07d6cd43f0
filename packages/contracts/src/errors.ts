import { z } from 'zod'

/** Every 4xx/5xx body of the API. `code` is stable: clients switch on it. */
export const ApiError = z.object({
  code: z.string(),
  message: z.string(),
  issues: z
    .array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }))
    .optional(),
  allowed: z.array(z.string()).optional(),
  requestId: z.string().optional(),
})
export type ApiError = z.infer<typeof ApiError>

export const ErrorCodes = [
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'precondition_failed',
  'unprocessable',
  'rate_limited',
  'internal',
] as const
