// Demo tickets for a newcomer's first start: ticket types, categories, two queues, a few shared
// macros, and about 200 tickets across every status with replies, notes, assignments and
// resolutions — all through the tickets service as the demo users, so timelines, audit entries
// and events are those real work leaves. Deterministic (a fixed pseudo-random seed); the times
// spread over the last 60 days through the service's own clock. Does nothing when the tenant
// has tickets already.
import type { Permission, TicketChannel, TicketStatus } from '@aftercare/contracts'
import { sql } from 'drizzle-orm'
import { rows } from '../../platform/db/index.ts'
import type { Actor, RequestContext } from '../../platform/http/access.ts'
import { permissionsOf } from '../identity/index.ts'
import { createTicketConversation } from './conversation.ts'
import { createTicketCreation } from './create.ts'
import { createTicketLifecycle } from './lifecycle.ts'
import { createTicketRecorder, whoOf, type TicketDeps } from './ticket-writes.ts'
import { createTicketService } from './tickets.service.ts'

export interface DemoTicketPeople {
  admin: string
  supervisor: string
  agentL1: string
  agentL2: string
  engineer?: string
  /** The customer contact user and their organisation, who confirm their own tickets. */
  contact?: { userId: string; customerId: string }
}

export interface DemoTicketInput {
  tenantId: string
  people: DemoTicketPeople
  customers: { id: string; deviceIds: string[] }[]
  count?: number
}

/** A small deterministic generator (mulberry32). */
export function seededRandom(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  return {
    next,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
  }
}

const problems: [category: string, subject: string, description: string][] = [
  ['空调故障', '空调不制冷', '办公区空调开机后只吹自然风，室温 30 度以上。'],
  ['空调故障', '空调外机噪音大', '外机运行时有明显的金属摩擦声，邻居投诉。'],
  ['空调故障', '空调漏水', '室内机出风口下方持续滴水，地面已有积水。'],
  ['空调故障', '空调显示 E4 故障码', '遥控开机后数分钟停机，面板显示 E4。'],
  ['IT 设备', '服务器风扇告警', '机房 2U 服务器前面板风扇告警灯亮，iLO 报 Fan 3 故障。'],
  ['IT 设备', '服务器无法开机', '断电重启后服务器电源灯闪烁，无法进入系统。'],
  ['IT 设备', '打印机频繁卡纸', '激光打印机每打印十几张就卡纸，提示 13.A2。'],
  ['IT 设备', '打印浓度不均', '打印件左侧发白，已更换过硒鼓。'],
  ['电力设备', 'UPS 电池告警', 'UPS 面板提示电池需更换，自检未通过。'],
  ['电力设备', 'UPS 切换时断电', '市电断电时 UPS 未能及时切换，机柜掉电。'],
  ['充电设备', '充电桩无法启动充电', '扫码后提示通信异常，车辆无法充电。'],
  ['充电设备', '充电桩屏幕黑屏', '充电桩显示屏无显示，指示灯正常。'],
  ['厨房设备', '咖啡机出水温度低', '意式浓缩出品温度不足 80 度，顾客反馈偏凉。'],
  ['厨房设备', '咖啡机研磨异响', '磨豆时有咔咔声，出粉不均匀。'],
  ['净水设备', '净水机出水量变小', '纯水出水明显变慢，TDS 值升高到 60。'],
  ['净水设备', '净水机漏水', '机器底部漏水，已关闭进水阀。'],
  ['咨询', '保修期咨询', '请问设备保修期到什么时候，延保如何办理？'],
  ['咨询', '年度保养预约', '希望预约下月的年度保养，请安排工程师。'],
  ['安装', '新设备安装预约', '新购设备已到货，请安排上门安装调试。'],
  ['安装', '设备移机', '办公室搬迁，需要将设备移到新址并重新调试。'],
]
const replies = [
  '您好，已收到您的报修，我们会尽快安排处理。',
  '请问方便提供一下设备铭牌照片和故障现象的视频吗？',
  '已安排工程师，预计明天上午到达现场，请保持电话畅通。',
  '远程查看了运行日志，初步判断为部件老化，需要上门更换。',
  '所需备件已下单，到货后第一时间联系您。',
]
const customerReplies = ['好的，谢谢！', '照片已上传，请查看。', '明天上午有人在，可以上门。', '问题还在，麻烦尽快处理。']
const notes = [
  '客户为重点客户，请优先处理。',
  '上次同类故障是电容问题，可带备件上门。',
  '@二线支持 请协助远程排查。',
  '已与备件库确认库存。',
]
const resolutions = [
  { cause: '压缩机启动电容老化', actions: '更换启动电容，清洗滤网，测试制冷 30 分钟正常', suggestions: '每年入夏前做一次保养' },
  { cause: '排水管堵塞', actions: '疏通排水管并重新固定坡度，试机 1 小时无滴水', suggestions: '定期清洗接水盘' },
  { cause: '风扇模块故障', actions: '更换 3 号风扇模块，固件升级到最新版本', suggestions: '保持机房温度在 18–27 度' },
  { cause: '电池组寿命到期', actions: '更换整组电池并做放电测试，切换正常', suggestions: '电池建议每 3 年更换' },
  { cause: '通信模块松动', actions: '重新插接 4G 模块并更换天线，充电测试正常', suggestions: '雨季注意检查防水' },
  { cause: '滤芯堵塞', actions: '更换 RO 膜及前置滤芯，TDS 恢复到 8', suggestions: '前置滤芯每 6 个月更换' },
]
const channels: TicketChannel[] = ['phone', 'phone', 'email', 'workbench', 'wechat', 'chat']
/** How many of each status, per 200 tickets. */
const mix: [TicketStatus, number][] = [
  ['new', 24],
  ['assigned', 18],
  ['in_progress', 40],
  ['pending_customer', 18],
  ['pending_parts', 14],
  ['pending_third_party', 8],
  ['resolved', 46],
  // a few: each closed ticket gets its PDF service report from the worker at first start
  ['closed', 12],
  ['cancelled', 20],
]

const hour = 3_600_000

export async function seedDemoTickets(deps: TicketDeps, input: DemoTicketInput): Promise<number> {
  const { tenantId, people } = input
  const [existing] = await deps.database.withTenant(tenantId, (tx) =>
    rows<{ n: number }>(tx, sql`select count(*)::int as n from tickets where tenant_id = ${tenantId}`),
  )
  if ((existing?.n ?? 0) > 0) return 0
  // the service runs on its own clock: each ticket's story happens in the past
  const realNow = deps.clock.now().getTime()
  let at = realNow
  const demoDeps: TicketDeps = { ...deps, clock: { now: () => new Date(at) } }
  const service = createTicketService(demoDeps)
  const rnd = seededRandom(20_260_501)
  const actor = (userId: string, roles: string[], customerOrgId: string | null = null): RequestContext => ({
    actor: {
      kind: 'session',
      userId,
      tenantId,
      roles,
      permissions: permissionsOf(roles) as ReadonlySet<Permission>,
      customerOrgId,
      locale: 'zh-CN',
    } satisfies Actor,
    requestId: 'demo-seed',
    ip: '127.0.0.1',
  })
  const admin = actor(people.admin, ['admin'])
  const supervisor = actor(people.supervisor, ['supervisor'])
  const l1 = actor(people.agentL1, ['agent_l1'])
  const l2 = actor(people.agentL2, ['agent_l2'])
  const engineer = people.engineer ? actor(people.engineer, ['engineer']) : l2
  const contact = people.contact ? actor(people.contact.userId, ['customer_contact'], people.contact.customerId) : undefined
  const workers = [l1, l1, l2, engineer]

  // configuration: types, categories with default queues, macros
  // codes the browser tests do not create themselves (they add `repair` and `service`)
  const repair = await service.config.createType(admin, { code: 'fault', name: '故障维修', sortOrder: 0 })
  const consult = await service.config.createType(admin, { code: 'inquiry', name: '咨询服务', sortOrder: 1 })
  const install = await service.config.createType(admin, { code: 'installation', name: '安装调试', sortOrder: 2 })
  const queueL1 = await service.config.createQueue(admin, { name: '一线服务组', tier: 'L1', memberIds: [people.agentL1] })
  const queueL2 = await service.config.createQueue(admin, {
    name: '二线技术组',
    tier: 'L2',
    memberIds: [people.agentL2, ...(people.engineer ? [people.engineer] : [])],
  })
  const categories = new Map<string, { id: string; typeId: string }>()
  for (const [i, name] of [...new Set(problems.map((p) => p[0]))].entries()) {
    const typeId = name === '咨询' ? consult.id : name === '安装' ? install.id : repair.id
    const c = await service.config.createCategory(admin, { name, typeId, defaultQueueId: queueL1.id, sortOrder: i })
    categories.set(name, { id: c.id, typeId })
  }
  await service.macros.create(admin, {
    name: '受理确认',
    body: '{{customer.name}} 您好，您的工单 {{ticket.number}}（{{ticket.subject}}）已受理，我们会尽快安排处理。——{{agent.name}}',
    shared: true,
  })
  await service.macros.create(admin, {
    name: '请补充信息',
    body: '{{requester.name}} 您好，为尽快处理工单 {{ticket.number}}，请补充设备铭牌照片和故障现象视频。',
    actions: { status: 'pending_customer' },
    shared: true,
  })
  await service.macros.create(admin, {
    name: '等待备件',
    body: '您好，工单 {{ticket.number}} 所需备件已下单，到货后我们第一时间联系您安排上门。',
    actions: { status: 'pending_parts', addTags: ['待备件'] },
    shared: true,
  })

  const total = input.count ?? 200
  const statuses = mix.flatMap(([s, n]) => Array<TicketStatus>(Math.round((n * total) / 200)).fill(s)).slice(0, total)
  // the stories are written through the use cases' transaction-level steps, many tickets per transaction
  const creation = createTicketCreation(demoDeps)
  const lifecycle = createTicketLifecycle(demoDeps)
  const conversation = createTicketConversation(demoDeps)
  const record = createTicketRecorder(demoDeps)
  const whoOfCtx = (ctx: RequestContext) => deps.database.withTenant(tenantId, (tx) => whoOf(tx, ctx))
  const [wSupervisor, wL1] = [await whoOfCtx(supervisor), await whoOfCtx(l1)]
  const workerWhos = await Promise.all(workers.map(whoOfCtx))
  const wContact = contact ? await whoOfCtx(contact) : undefined
  let created = 0
  const batch = 5
  for (let from = 0; from < statuses.length; from += batch)
    await deps.database.withTenant(tenantId, async (tx) => {
      for (const target of statuses.slice(from, from + batch)) {
        const customer = input.customers[created % input.customers.length]!
        const [categoryName, subject, description] = rnd.pick(problems)
        const category = categories.get(categoryName)!
        // older tickets got further; open ones are recent
        const ageDays = ['resolved', 'closed', 'cancelled'].includes(target) ? rnd.int(5, 60) : rnd.int(0, 12)
        at = realNow - ageDays * 24 * hour - rnd.int(1, 20) * hour
        const step = () => {
          at = Math.min(at + rnd.int(1, 18) * hour, realNow - 60_000)
        }
        const byContact = wContact && customer.id === people.contact?.customerId && rnd.next() < 0.6
        const deviceId = customer.deviceIds.length && rnd.next() < 0.8 ? rnd.pick(customer.deviceIds) : undefined
        let t = await creation.insertTicket(
          tx,
          tenantId,
          {
            subject,
            description,
            typeId: category.typeId,
            categoryId: category.id,
            customerId: customer.id,
            channel: byContact ? 'portal' : rnd.pick(channels),
            ...(byContact ? { requesterId: wContact.userId! } : {}),
            ...(deviceId ? { deviceId } : {}),
            impact: rnd.int(1, 5),
            urgency: rnd.int(1, 3),
          },
          byContact ? wContact : wL1,
          byContact ? 'customer' : 'staff',
        )
        created++
        if (target === 'new') continue
        const k = rnd.int(0, workers.length - 1)
        const owner = workerWhos[k]!
        step()
        if (target === 'cancelled') {
          await lifecycle.applyTransition(tx, t, wL1, 'cancelled', rnd.pick(['客户重复提交', '客户已自行解决', '非我方设备']))
          continue
        }
        const escalate = rnd.next() < 0.2
        t = await lifecycle.applyAssignment(tx, t, wSupervisor, { assigneeId: owner.userId, queueId: escalate ? queueL2.id : queueL1.id })
        if (target === 'assigned') continue
        step()
        t = await lifecycle.applyTransition(tx, t, owner, 'in_progress')
        step()
        t = (await conversation.applyMessage(tx, t, owner, { body: rnd.pick(replies), visibility: 'public', mentionUserIds: [] })).ticket
        if (rnd.next() < 0.35)
          t = (await conversation.applyMessage(tx, t, owner, { body: rnd.pick(notes), visibility: 'internal', mentionUserIds: [] })).ticket
        if (byContact && rnd.next() < 0.7) {
          step()
          t = (
            await conversation.applyMessage(tx, t, wContact, { body: rnd.pick(customerReplies), visibility: 'public', mentionUserIds: [] })
          ).ticket
        }
        if (target === 'in_progress') continue
        step()
        if (target === 'pending_customer' || target === 'pending_parts' || target === 'pending_third_party') {
          const reason = {
            pending_customer: '等待客户确认上门时间',
            pending_parts: '等待备件到货',
            pending_third_party: '等待厂家技术支持回复',
          }[target]
          await lifecycle.applyTransition(tx, t, owner, target, reason)
          continue
        }
        t = await lifecycle.applyTransition(tx, t, owner, 'resolved', undefined, rnd.pick(resolutions))
        if (target === 'resolved') continue
        step()
        if (byContact) {
          const comment = '已恢复正常，谢谢'
          t = await lifecycle.applyTransition(tx, t, wContact, 'closed', comment)
          await record.timeline(tx, t, wContact, 'confirmed', { comment }, 'public')
        } else await lifecycle.applyTransition(tx, t, owner, 'closed')
      }
    })
  return created
}
