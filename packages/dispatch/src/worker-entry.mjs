// Worker bootstrap: the solver is TypeScript run through tsx, whose loader is registered per thread.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
