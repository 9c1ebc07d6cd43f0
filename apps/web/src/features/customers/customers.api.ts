// Calls and cache keys of the customers, devices and contracts pages.
import { CustomerDetail, CustomerList, type CustomerListQuery } from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { api } from '../../shared/api/client.ts'

export const customersKey = ['customers'] as const
export const devicesKey = ['devices'] as const
export const contractsKey = ['contracts'] as const
export const productsKey = ['products'] as const

export type CustomerFilters = Partial<Pick<CustomerListQuery, 'q' | 'tier' | 'kind' | 'tag'>>

export function useCustomerList(filters: CustomerFilters, page: number, pageSize: number) {
  return useQuery({
    queryKey: [...customersKey, 'list', filters, page, pageSize],
    queryFn: () => api('/api/customers', CustomerList, { query: { ...filters, limit: pageSize, offset: (page - 1) * pageSize } }),
    placeholderData: (previous) => previous,
  })
}

/** One customer, masked; `revealed` replaces it with the audited full view once asked for. */
export function useCustomer(id: string) {
  return useQuery({ queryKey: [...customersKey, id, 'detail'], queryFn: () => api(`/api/customers/${id}`, CustomerDetail) })
}

/** Reads a File as base64 (for the JSON import body). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onerror = () => reject(reader.error ?? new Error('cannot read the file'))
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.readAsDataURL(file)
  })
}
