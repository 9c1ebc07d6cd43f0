export * from './database.ts'
export * from './migrate.ts'
export * from './lock.ts'
export { openDatabase } from './open.ts'
