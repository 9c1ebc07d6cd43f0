// First-run demo data across modules: the identity seed (tenant + one user per role), then
// customers with contacts and addresses, products, about sixty devices with warranties that
// run out at different times, and a few service contracts. The customer contact is linked to
// the first organisation. Dates are relative to the first start so the warranty states mix.
import type { CoveredService, CustomerTier } from '@aftercare/contracts'
import { permissionsOf } from './modules/identity/index.ts'
import type { Modules } from './modules.ts'
import { seedDemo, type DemoSeedResult } from './seed.ts'

type Place = [provinceCode: string, cityCode: string, districtCode: string, detail: string, lat: number, lng: number]
interface DemoCustomer {
  code: string
  name: string
  tier: CustomerTier
  tags: string[]
  contacts: [name: string, mobile: string, email?: string, title?: string][]
  place: Place
  /** Models and how many of each. */
  devices: [model: string, count: number][]
}

const demoProducts = [
  { model: 'KFR-35GW/BP', name: '变频壁挂式空调 1.5 匹', category: '空调', warrantyMonths: 36 },
  { model: 'KFR-72LW', name: '立柜式空调 3 匹', category: '空调', warrantyMonths: 36 },
  { model: 'RO-400G', name: '商用反渗透净水机', category: '净水设备', warrantyMonths: 12 },
  { model: 'HP-M4025', name: '黑白激光打印机', category: '办公设备', warrantyMonths: 12 },
  { model: 'SR-550', name: '2U 机架式服务器', category: 'IT 设备', warrantyMonths: 36 },
  { model: 'UPS-10K', name: '10kVA 在线式 UPS 电源', category: '电力设备', warrantyMonths: 24 },
  { model: 'CM-8800', name: '全自动商用咖啡机', category: '厨房设备', warrantyMonths: 12 },
  { model: 'EV-60', name: '60kW 直流充电桩', category: '充电设备', warrantyMonths: 24 },
]

const P = {
  pudong: ['310000', '310100', '310115', '张江路 665 号 3 号楼', 31.2035, 121.5914],
  xuhui: ['310000', '310100', '310104', '漕溪北路 88 号', 31.1883, 121.4365],
  nanshan: ['440000', '440300', '440305', '科技园南区深南大道 9988 号', 22.5405, 113.9533],
  futian: ['440000', '440300', '440304', '福华三路 168 号', 22.5364, 114.0578],
  tianhe: ['440000', '440100', '440106', '天河路 385 号', 23.1327, 113.3245],
  xihu: ['330000', '330100', '330106', '文三路 90 号', 30.2794, 120.1296],
  haidian: ['110000', '110100', '110108', '中关村大街 27 号', 39.9834, 116.3164],
  chaoyang: ['110000', '110100', '110105', '建国路 93 号', 39.9087, 116.4727],
  wuhou: ['510000', '510100', '510107', '人民南路四段 12 号', 30.6313, 104.0699],
  gulou: ['320000', '320100', '320106', '中山北路 101 号', 32.0673, 118.7766],
  huqiu: ['320000', '320500', '320505', '狮山路 22 号', 31.2966, 120.5734],
  wuchang: ['420000', '420100', '420106', '中北路 227 号', 30.5495, 114.3412],
  yanta: ['610000', '610100', '610113', '科技路 48 号', 34.2293, 108.8924],
  laoshan: ['370000', '370200', '370212', '海尔路 1 号', 36.1024, 120.4686],
  yuzhong: ['500000', '500100', '500103', '解放碑民族路 188 号', 29.5587, 106.5771],
  siming: ['350000', '350200', '350203', '鹭江道 8 号', 24.4527, 118.0776],
} satisfies Record<string, Place>

const demoCustomers: DemoCustomer[] = [
  {
    code: 'C0001',
    name: '华东精密制造有限公司',
    tier: 'strategic',
    tags: ['制造业', '华东'],
    contacts: [
      ['吴娜', '13800000009', 'customer@demo.aftercare.local', '设备科科长'],
      ['张伟', '13916620001', 'zhangwei@hdjm.example.com', '厂务经理'],
    ],
    place: P.pudong,
    devices: [
      ['KFR-72LW', 3],
      ['SR-550', 2],
      ['UPS-10K', 2],
    ],
  },
  {
    code: 'C0002',
    name: '星河连锁酒店管理集团',
    tier: 'gold',
    tags: ['酒店', '连锁'],
    contacts: [['刘芳', '13760120002', 'liufang@xinghe-hotel.example.com', '工程部主管']],
    place: P.futian,
    devices: [
      ['KFR-35GW/BP', 4],
      ['CM-8800', 2],
    ],
  },
  {
    code: 'C0003',
    name: '南山区第一人民医院',
    tier: 'silver',
    tags: ['医疗'],
    contacts: [['黄磊', '13602340003', 'huanglei@nsyy.example.com', '设备处']],
    place: P.nanshan,
    devices: [
      ['RO-400G', 2],
      ['UPS-10K', 1],
    ],
  },
  {
    code: 'C0004',
    name: '陈先生',
    tier: 'standard',
    tags: ['个人客户'],
    contacts: [['陈先生', '13512340004']],
    place: P.xuhui,
    devices: [['KFR-35GW/BP', 1]],
  },
  {
    code: 'C0005',
    name: '杭州云帆科技有限公司',
    tier: 'gold',
    tags: ['互联网', '华东'],
    contacts: [['周涛', '13857100005', 'zhoutao@yunfan.example.com', 'IT 运维']],
    place: P.xihu,
    devices: [
      ['SR-550', 3],
      ['HP-M4025', 2],
    ],
  },
  {
    code: 'C0006',
    name: '北京中关村创业大厦物业',
    tier: 'silver',
    tags: ['物业'],
    contacts: [['孙丽', '13910880006', 'sunli@zgc-pm.example.com', '物业经理']],
    place: P.haidian,
    devices: [['KFR-72LW', 3]],
  },
  {
    code: 'C0007',
    name: '国贸商务中心',
    tier: 'strategic',
    tags: ['写字楼', '华北'],
    contacts: [
      ['马超', '13701230007', 'machao@cwtc.example.com', '工程总监'],
      ['何静', '13701230017', 'hejing@cwtc.example.com', '行政'],
    ],
    place: P.chaoyang,
    devices: [
      ['KFR-72LW', 2],
      ['UPS-10K', 2],
      ['EV-60', 2],
    ],
  },
  {
    code: 'C0008',
    name: '成都锦城连锁咖啡',
    tier: 'standard',
    tags: ['餐饮'],
    contacts: [['罗敏', '13880010008', undefined, '店长']],
    place: P.wuhou,
    devices: [['CM-8800', 3]],
  },
  {
    code: 'C0009',
    name: '南京鼓楼实验中学',
    tier: 'silver',
    tags: ['教育'],
    contacts: [['郭强', '13951800009', 'guoqiang@glsyzx.example.com', '总务处']],
    place: P.gulou,
    devices: [
      ['HP-M4025', 2],
      ['RO-400G', 1],
    ],
  },
  {
    code: 'C0010',
    name: '苏州高新精工股份有限公司',
    tier: 'gold',
    tags: ['制造业', '华东'],
    contacts: [['林峰', '13962100010', 'linfeng@szjg.example.com', '设备部']],
    place: P.huqiu,
    devices: [
      ['UPS-10K', 2],
      ['SR-550', 1],
    ],
  },
  {
    code: 'C0011',
    name: '武汉楚天物流园',
    tier: 'standard',
    tags: ['物流'],
    contacts: [['胡斌', '13871200011']],
    place: P.wuchang,
    devices: [['EV-60', 3]],
  },
  {
    code: 'C0012',
    name: '西安古城数据中心',
    tier: 'strategic',
    tags: ['数据中心', '西北'],
    contacts: [['韩雪', '13991200012', 'hanxue@xadc.example.com', '值班长']],
    place: P.yanta,
    devices: [
      ['SR-550', 3],
      ['UPS-10K', 2],
    ],
  },
  {
    code: 'C0013',
    name: '李女士',
    tier: 'standard',
    tags: ['个人客户'],
    contacts: [['李女士', '13632100013']],
    place: P.tianhe,
    devices: [['RO-400G', 1]],
  },
  {
    code: 'C0014',
    name: '青岛海滨度假酒店',
    tier: 'silver',
    tags: ['酒店'],
    contacts: [['王磊', '13953200014', 'wanglei@qdhotel.example.com', '工程部']],
    place: P.laoshan,
    devices: [
      ['KFR-35GW/BP', 3],
      ['CM-8800', 1],
    ],
  },
  {
    code: 'C0015',
    name: '重庆山城百货',
    tier: 'standard',
    tags: ['零售'],
    contacts: [['邓红', '13883100015', undefined, '店务']],
    place: P.yuzhong,
    devices: [['KFR-72LW', 2]],
  },
  {
    code: 'C0016',
    name: '厦门鹭岛软件园',
    tier: 'gold',
    tags: ['园区'],
    contacts: [['蔡明', '13806000016', 'caiming@ldsp.example.com', '运营']],
    place: P.siming,
    devices: [
      ['EV-60', 2],
      ['HP-M4025', 1],
    ],
  },
  {
    code: 'C0017',
    name: '广州天河体育中心',
    tier: 'silver',
    tags: ['场馆'],
    contacts: [['梁伟', '13922000017', 'liangwei@thsports.example.com', '设施管理']],
    place: P.tianhe,
    devices: [['KFR-72LW', 2]],
  },
  {
    code: 'C0018',
    name: '赵先生',
    tier: 'standard',
    tags: ['个人客户'],
    contacts: [['赵先生', '13601100018']],
    place: P.haidian,
    devices: [['KFR-35GW/BP', 1]],
  },
  {
    code: 'C0019',
    name: '深圳前海物流有限公司',
    tier: 'gold',
    tags: ['物流'],
    contacts: [['郑洁', '13713300019', 'zhengjie@qhlogistics.example.com', '采购']],
    place: P.nanshan,
    devices: [
      ['EV-60', 2],
      ['UPS-10K', 1],
    ],
  },
  {
    code: 'C0020',
    name: '上海徐汇艺术中心',
    tier: 'standard',
    tags: ['文化'],
    contacts: [['沈玉', '13817600020', 'shenyu@xhart.example.com', '行政']],
    place: P.xuhui,
    devices: [
      ['RO-400G', 1],
      ['HP-M4025', 1],
    ],
  },
]

const demoContracts: {
  customerCode: string
  code: string
  name: string
  fromMonths: number
  months: number
  slaTier: CustomerTier
  services: CoveredService[]
  visits: number
}[] = [
  {
    customerCode: 'C0001',
    code: 'MC-C0001',
    name: '全厂设备年度维保合同',
    fromMonths: -5,
    months: 12,
    slaTier: 'strategic',
    services: ['onsite_repair', 'parts', 'labour', 'preventive_maintenance'],
    visits: 12,
  },
  {
    customerCode: 'C0007',
    code: 'MC-C0007',
    name: '空调与电源维保合同',
    fromMonths: -2,
    months: 24,
    slaTier: 'gold',
    services: ['onsite_repair', 'labour', 'preventive_maintenance'],
    visits: 6,
  },
  {
    customerCode: 'C0012',
    code: 'MC-C0012',
    name: '数据中心 7×24 保障合同',
    fromMonths: -10,
    months: 36,
    slaTier: 'strategic',
    services: ['onsite_repair', 'remote_support', 'parts', 'replacement'],
    visits: 24,
  },
  {
    customerCode: 'C0002',
    code: 'MC-C0002',
    name: '酒店空调季度保养（已到期）',
    fromMonths: -20,
    months: 12,
    slaTier: 'silver',
    services: ['preventive_maintenance'],
    visits: 4,
  },
]

const day = (d: Date) => d.toISOString().slice(0, 10)
const monthsFrom = (now: Date, months: number) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + months, Math.min(now.getUTCDate(), 28)))

/** Customers, contacts, addresses, products, devices and contracts of the demo tenant; returns the customer ids in order. */
export async function seedCustomersAndDevices(
  modules: Modules,
  tenantId: string,
  users: Record<string, string | undefined>,
): Promise<string[]> {
  const now = modules.deps.clock.now()
  return modules.deps.database.withTenant(tenantId, async (tx) => {
    const productIds = new Map<string, string>()
    for (const p of demoProducts) productIds.set(p.model, (await modules.devices.products.createAsSystem(tx, tenantId, p)).id)
    const customerIds: string[] = []
    const devicesOf = new Map<string, string[]>()
    let n = 0
    for (const [i, c] of demoCustomers.entries()) {
      const [provinceCode, cityCode, districtCode, detail, latitude, longitude] = c.place
      const manager = c.tier === 'strategic' || c.tier === 'gold' ? users.supervisor : users.agent_l2
      const row = await modules.customers.service.createAsSystem(tx, tenantId, {
        code: c.code,
        name: c.name,
        tier: c.tier,
        tags: c.tags,
        kind: c.tags.includes('个人客户') ? 'individual' : 'organisation',
        ...(manager ? { accountManagerId: manager } : {}),
        contacts: c.contacts.map(([name, mobile, email, title], k) => ({
          name,
          mobile,
          ...(email ? { email } : {}),
          ...(title ? { title } : {}),
          isPrimary: k === 0,
        })),
        addresses: [
          {
            label: c.tags.includes('个人客户') ? '家' : '总部',
            provinceCode,
            cityCode,
            districtCode,
            detail,
            latitude,
            longitude,
            isDefault: true,
          },
        ],
      })
      customerIds.push(row.id)
      const ids: string[] = []
      for (const [model, count] of c.devices)
        for (let k = 0; k < count; k++) {
          n++
          // bought between 1 and 52 months ago: some in warranty, some expired
          const bought = monthsFrom(now, -(((n * 7 + i * 3) % 52) + 1))
          const installed = new Date(bought.getTime() + 7 * 86_400_000)
          const device = await modules.devices.devices.createAsSystem(tx, tenantId, {
            serialNumber: `${model.replace(/[^A-Z0-9]/g, '').slice(0, 6)}-${bought.getUTCFullYear()}-${String(100_000 + n * 137).slice(-6)}`,
            productId: productIds.get(model)!,
            customerId: row.id,
            purchasedOn: day(bought),
            installedOn: day(installed),
            installPlace: {
              provinceCode,
              cityCode,
              districtCode,
              detail: `${detail}${k === 0 ? '' : ` ${k + 1} 号机位`}`,
              latitude,
              longitude,
            },
            ...(n % 11 === 0 ? { warrantyEndsOn: day(monthsFrom(now, 14)), notes: '已购延保' } : {}),
          })
          ids.push(device.id)
        }
      devicesOf.set(c.code, ids)
    }
    for (const k of demoContracts) {
      const customerId = customerIds[demoCustomers.findIndex((c) => c.code === k.customerCode)]!
      const startsOn = monthsFrom(now, k.fromMonths)
      await modules.devices.contracts.createAsSystem(tx, tenantId, {
        customerId,
        code: k.code,
        name: k.name,
        startsOn: day(startsOn),
        endsOn: day(new Date(monthsFrom(startsOn, k.months).getTime() - 86_400_000)),
        slaTier: k.slaTier,
        coveredServices: k.services,
        includedVisits: k.visits,
        deviceIds: devicesOf.get(k.customerCode) ?? [],
      })
    }
    return customerIds
  })
}

/** SEED_DEMO_TICKETS (about 200) tickets in every status on the demo customers and their devices (the tickets module's demo seed). */
async function seedTickets(modules: Modules, tenantId: string, users: Record<string, string | undefined>, customerIds: string[]) {
  const { admin, supervisor, agent_l1: agentL1, agent_l2: agentL2, engineer, customer_contact: contact } = users
  if (!admin || !supervisor || !agentL1 || !agentL2) return
  const ctx = {
    actor: {
      kind: 'session' as const,
      userId: admin,
      tenantId,
      roles: ['admin'],
      permissions: permissionsOf(['admin']),
      customerOrgId: null,
      locale: 'zh-CN',
    },
    requestId: 'demo-seed',
    ip: '127.0.0.1',
  }
  const customers = []
  for (const id of customerIds) {
    const devices = await modules.devices.devices.list(ctx, { customerId: id, sort: 'serialNumber', limit: 200, offset: 0 })
    customers.push({ id, deviceIds: devices.items.map((d) => d.id) })
  }
  await modules.tickets.seedDemo({
    tenantId,
    count: modules.deps.config.SEED_DEMO_TICKETS,
    people: {
      admin,
      supervisor,
      agentL1,
      agentL2,
      ...(engineer ? { engineer } : {}),
      ...(contact && customerIds[0] ? { contact: { userId: contact, customerId: customerIds[0] } } : {}),
    },
    customers,
  })
}

export async function seedDemoTenant(modules: Modules): Promise<DemoSeedResult> {
  return seedDemo(modules, {
    async seedCustomers({ tenantId, users }) {
      const ids = await seedCustomersAndDevices(modules, tenantId, users)
      if (users.customer_contact && ids[0]) await modules.identity.setCustomerOrg(tenantId, users.customer_contact, ids[0])
      await seedTickets(modules, tenantId, users, ids)
    },
  })
}
