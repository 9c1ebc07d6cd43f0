import { z } from 'zod'

export const Uuid = z.uuid()
export const IdParams = z.object({ id: z.uuid() })
export const Locale = z.enum(['zh-CN', 'en-US'])
export type Locale = z.infer<typeof Locale>

/** Single-line text: trimmed, no control characters (CR/LF would allow header injection). */
export const Line = (max = 200) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' })

export const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
})

export const Ok = z.object({ ok: z.literal(true) })
