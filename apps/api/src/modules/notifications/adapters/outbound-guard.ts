// SSRF guard for every URL an administrator gives us to call (webhooks, robots, vendor endpoints):
// loopback, private, link-local (cloud metadata at 169.254.169.254), shared, multicast and reserved
// addresses are refused — when the URL is saved, and again for the address actually connected to when
// sending, so a name that resolves publicly at save time and privately later (DNS rebinding) is caught.
// WEBHOOK_ALLOW_PRIVATE=true lifts it (local fakes in tests, a lab without public DNS).
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'

/** Every address a name has (DNS is the outside world: tests give their own). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>
export const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true }, (err, found) => (err ? reject(err) : resolve(found))))

export interface OutboundPolicy {
  allowPrivate: boolean
  resolve?: Resolver
}
export const strictPolicy: OutboundPolicy = Object.freeze({ allowPrivate: false })

const blocked = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  blocked.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (AWS metadata fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  blocked.addSubnet(net, bits, 'ipv6')

/** Names that always mean this host or the cloud's metadata service. */
const blockedNames = /^(localhost|metadata|metadata\.google\.internal|instance-data|.*\.localhost|.*\.internal)\.?$/i

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d), if any. */
function embeddedIpv4(ip: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip)
  if (!m) return undefined
  if (m[1]) return m[1]
  const hi = parseInt(m[2]!, 16)
  const lo = parseInt(m[3]!, 16)
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
}

/** True for an address on the public internet. */
export function isPublicAddress(ip: string): boolean {
  const family = isIP(ip)
  if (family === 4) return !blocked.check(ip, 'ipv4')
  if (family === 6) {
    const v4 = embeddedIpv4(ip)
    if (v4) return isPublicAddress(v4)
    return !blocked.check(ip, 'ipv6')
  }
  return false
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '')

/**
 * Why this URL may not be called, without asking DNS: not http(s), a name of this host or of the
 * metadata service, or a literal private address. undefined when nothing is wrong (yet).
 */
export function refusalOf(url: string, policy: OutboundPolicy): string | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return 'is not a URL'
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be an http(s) URL'
  if (policy.allowPrivate) return undefined
  const host = bare(u.hostname)
  if (isIP(host)) return isPublicAddress(host) ? undefined : `points at a private, loopback or link-local address (${host})`
  if (blockedNames.test(host)) return `points at this host or a metadata service (${host})`
  return undefined
}

const RESOLVE_TIMEOUT_MS = 3_000

/**
 * The save-time check: refusalOf, then every address the name resolves to now. A name that does not
 * resolve (yet) is accepted: the send-time check sees the address actually used.
 */
export async function checkOutboundUrl(url: string, policy: OutboundPolicy): Promise<string | undefined> {
  const refusal = refusalOf(url, policy)
  if (refusal || policy.allowPrivate) return refusal
  const host = bare(new URL(url).hostname)
  if (isIP(host)) return undefined
  const addresses = await Promise.race([
    (policy.resolve ?? systemResolver)(host).catch((): LookupAddress[] => []),
    new Promise<LookupAddress[]>((resolve) => setTimeout(() => resolve([]), RESOLVE_TIMEOUT_MS).unref()),
  ])
  const bad = addresses.find((a) => !isPublicAddress(a.address))
  return bad ? `resolves to a private, loopback or link-local address (${bad.address})` : undefined
}

/** Raised by the guarded lookup when a name resolves to a refused address at send time. */
export class BlockedAddressError extends Error {
  readonly code = 'EBLOCKEDADDRESS'
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for http.request that refuses private addresses: the socket connects only to an address
 * checked here, so the answer cannot change between the check and the connection.
 */
export function guardedLookup(policy: OutboundPolicy) {
  const resolve = policy.resolve ?? systemResolver
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    const wanted = options.family === 4 || options.family === 6 ? options.family : undefined
    resolve(hostname).then(
      (all) => {
        const found = wanted ? all.filter((a) => a.family === wanted) : all
        const bad = policy.allowPrivate ? undefined : found.find((a) => !isPublicAddress(a.address))
        if (bad) return callback(new BlockedAddressError(`${hostname} resolves to a refused address (${bad.address})`), [])
        if (options.all) return callback(null, found)
        const first = found[0]
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), [])
        callback(null, first.address, first.family)
      },
      (err: NodeJS.ErrnoException) => callback(err, []),
    )
  }
}
