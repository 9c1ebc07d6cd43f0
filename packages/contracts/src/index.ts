export * from './errors.ts'
export * from './common.ts'
export * from './identity.ts'
export * from './customers.ts'
