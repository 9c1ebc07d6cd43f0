import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const tmpDir = join(dirname(fileURLToPath(import.meta.url)), '../../../../.tmp')

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
  }
}
