// Complaints and disputes in the browser: a supervisor registers a grade-A complaint for a demo
// customer, watches the 2 h response deadline count down, responds (the response deadline shows
// met, the plan deadline keeps running; a second tab still holding the old version is told so and
// reloads), resolves it with a resolution (shown with who and when; the list filters it by status),
// then opens a dispute appealing it and moves it from review into investigation (the
// 10-working-day decision deadline starts) and to a decision; the dispute links to the complaint
// and the complaint lists the dispute, each link opening the other.
import { expect, test, type Locator, type Page } from '@playwright/test'
import { demo, login } from './helpers.ts'

const CUSTOMER = '华东精密制造有限公司'

async function pickOption(page: Page, select: Locator, text: string, search?: string) {
  await expect(async () => {
    await select.click()
    if (search) await page.keyboard.type(search)
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text }).first().click({ timeout: 3000 })
  }).toPass({ timeout: 20_000 })
}

/** The countdown text of a badge, then a later different one: it runs in the browser every second. */
async function expectCountingDown(badge: Locator) {
  const first = (await badge.textContent())!
  await expect(badge).not.toHaveText(first, { timeout: 5000 })
}

test('a grade-A complaint: 2 h response countdown, responded (met), resolved; a dispute appealing it moves to a decision; each links to the other', async ({
  page,
}) => {
  // one long flow (two clocks, five writes) on a shared two-core machine
  test.setTimeout(540_000)
  await login(page, demo.supervisor)
  await page.getByTestId('nav-/complaints').click()
  await expect(page).toHaveURL(/\/complaints$/)

  // register: the grades show the seeds' targets
  await page.getByTestId('complaint-create').click()
  const modal = page.locator('.ant-modal').filter({ has: page.getByTestId('complaint-summary') })
  await expect(modal.getByTestId('complaint-grade-targets-A')).toHaveText('响应 2 小时 · 方案 24 小时')
  await expect(modal.getByTestId('complaint-grade-targets-B')).toHaveText('响应 4 小时 · 方案 72 小时')
  await expect(modal.getByTestId('complaint-grade-targets-C')).toHaveText('响应 8 小时 · 方案 5 个工作日')
  await pickOption(page, modal.getByTestId('complaint-customer'), CUSTOMER, '华东精密')
  await modal.getByTestId('complaint-grade-A').click()
  const summary = `生产数据库中断超过 1 小时 ${Date.now().toString(36)}`
  await modal.getByTestId('complaint-summary').fill(summary)
  await modal.getByTestId('complaint-submit').click()
  await expect(modal).toHaveCount(0)

  // the drawer opens on the new complaint: the 2 h response deadline counts down live
  const drawer = page.getByTestId('complaint-drawer')
  await expect(drawer.getByTestId('complaint-status')).toHaveText('待响应')
  await expect(drawer.getByTestId('grade-A')).toBeVisible()
  await expect(drawer.getByTestId('complaint-response-due')).toContainText('时限 2 小时')
  const responseBadge = drawer.getByTestId('complaint-detail-response-clock')
  await expect(responseBadge).toHaveAttribute('data-sla-state', /^(ok|warning)$/)
  await expect(responseBadge).toContainText('投诉响应 剩余')
  await expectCountingDown(responseBadge)

  // the list row shows the grade, the customer and both deadlines
  const row = page.getByTestId('complaint-row').filter({ hasText: summary })
  await expect(row.getByTestId('grade-A')).toBeVisible()
  await expect(row.getByTestId('complaint-customer')).toHaveText(CUSTOMER)
  await expect(row.getByTestId('complaint-response-clock')).toHaveAttribute('data-sla-state', /^(ok|warning)$/)

  // the same complaint open in a second tab, read before the response below
  const other = await page.context().newPage()
  await other.goto(page.url())
  const otherDrawer = other.getByTestId('complaint-drawer')
  // (a second page load: slow while the machine is busy)
  await expect(otherDrawer.getByTestId('complaint-status')).toHaveText('待响应', { timeout: 180_000 })

  // respond: the response deadline is met, the plan deadline still runs
  await drawer.getByTestId('complaint-action-respond').click()
  const act = page.locator('.ant-modal').filter({ has: page.getByTestId('complaint-action-text') })
  await act.getByTestId('complaint-action-ok').click()
  await expect(act.locator('.ant-form-item-explain-error')).toHaveText('请填写内容')
  await act.getByTestId('complaint-action-text').fill('已成立专项小组，30 分钟内电话回访客户')
  await act.getByTestId('complaint-action-ok').click()
  await expect(act).toHaveCount(0)
  await expect(drawer.getByTestId('complaint-status')).toHaveText('已响应')
  await expect(responseBadge).toHaveAttribute('data-sla-state', 'met')
  await expect(responseBadge).toHaveText('已达标')
  await expect(drawer.getByTestId('complaint-detail-plan-clock')).toHaveAttribute('data-sla-state', /^(ok|warning)$/)
  await expect(drawer.getByTestId('complaint-event-responded')).toContainText('已成立专项小组')
  await expect(drawer.getByTestId('complaint-action-respond')).toHaveCount(0)
  await expect(row.getByTestId('complaint-response-clock')).toHaveAttribute('data-sla-state', 'met')

  // the second tab still holds the old version: its write answers 412, it says so and reloads
  await otherDrawer.getByTestId('complaint-action-plan').click()
  await other.getByTestId('complaint-action-text').fill('迁移至高可用集群')
  await other.getByTestId('complaint-action-ok').click()
  await expect(otherDrawer.getByTestId('stale-alert')).toContainText('该记录已被他人修改')
  await otherDrawer.getByTestId('complaint-reload').click()
  await expect(otherDrawer.getByTestId('stale-alert')).toHaveCount(0)
  await expect(otherDrawer.getByTestId('complaint-status')).toHaveText('已响应')
  await expect(otherDrawer.getByTestId('complaint-detail-response-clock')).toHaveAttribute('data-sla-state', 'met')
  await other.close()

  // resolve: the resolution is required, then shown with who resolved it; the plan deadline stops (met)
  await drawer.getByTestId('complaint-action-resolve').click()
  await act.getByTestId('complaint-action-ok').click()
  await expect(act.locator('.ant-form-item-explain-error')).toHaveText('请填写解决结果')
  const resolution = '已迁移至高可用集群并补偿 2 天服务时长'
  await act.getByTestId('complaint-action-text').fill(resolution)
  await act.getByTestId('complaint-action-ok').click()
  await expect(act).toHaveCount(0)
  await expect(drawer.getByTestId('complaint-status')).toHaveText('已解决')
  await expect(drawer.getByTestId('complaint-resolution-text')).toHaveText(resolution)
  await expect(drawer.getByTestId('complaint-resolved-by')).toContainText(' 解决')
  await expect(drawer.getByTestId('complaint-detail-plan-clock')).toHaveAttribute('data-sla-state', 'met')
  await expect(drawer.getByTestId('complaint-event-resolved')).toContainText(resolution)
  for (const a of ['respond', 'plan', 'resolve']) await expect(drawer.getByTestId(`complaint-action-${a}`)).toHaveCount(0)
  await expect(drawer.getByTestId('complaint-disputes')).toContainText('暂无申诉')

  // the list filters by status: among the resolved, not among those awaiting a response
  await drawer.locator('.ant-drawer-close').click()
  await expect(drawer).toHaveCount(0)
  await pickOption(page, page.getByTestId('complaints-filter-status'), '已解决')
  await expect(row.getByTestId('complaint-row-status')).toHaveText('已解决')
  await pickOption(page, page.getByTestId('complaints-filter-status'), '待响应')
  await expect(row).toHaveCount(0)
  await pickOption(page, page.getByTestId('complaints-filter-status'), '已解决')
  await row.click()
  await expect(drawer.getByTestId('complaint-status')).toHaveText('已解决')

  // the customer appeals the outcome: a dispute from the complaint carries its customer and words
  await drawer.getByTestId('complaint-open-dispute').click()
  const create = page.locator('.ant-modal').filter({ has: page.getByTestId('dispute-evidence') })
  await expect(create.getByTestId('dispute-from-complaint')).toContainText(summary)
  await expect(create.getByTestId('dispute-summary')).toHaveValue(`来自投诉：${summary}`)
  await create.getByTestId('dispute-evidence').fill('故障时间线截图 screenshot-0915.png\n监控告警记录 09:12–10:31')
  await create.getByTestId('dispute-submit').click()
  await expect(create).toHaveCount(0)

  const dispute = page.getByTestId('dispute-drawer')
  await expect(dispute.getByTestId('dispute-stage')).toHaveText('受理审核')
  const review = dispute.getByTestId('dispute-detail-review-clock')
  await expect(review).toHaveAttribute('data-sla-state', /^(ok|warning)$/)
  await expect(dispute).toContainText('时限 3 个工作日')
  await expectCountingDown(review)
  await expect(dispute.getByTestId('dispute-detail-decision-clock')).toHaveText('调查开始后起算 10 个工作日')

  // review → investigation: the review deadline is met, the decision deadline runs
  await dispute.getByTestId('dispute-move-investigation').click()
  const move = page.locator('.ant-modal').filter({ has: page.getByTestId('dispute-move-note') })
  await move.getByTestId('dispute-move-note').fill('材料齐全，受理')
  await move.getByTestId('dispute-move-ok').click()
  await expect(move).toHaveCount(0)
  await expect(dispute.getByTestId('dispute-stage')).toHaveText('调查核实')
  await expect(review).toHaveAttribute('data-sla-state', 'met')
  const decision = dispute.getByTestId('dispute-detail-decision-clock')
  await expect(decision).toHaveAttribute('data-sla-state', /^(ok|warning)$/)
  await expect(decision).toContainText('申诉裁决 剩余')
  await expect(dispute).toContainText('时限 10 个工作日')
  await expectCountingDown(decision)

  // investigation → decided: the decision text is required
  await dispute.getByTestId('dispute-move-decided').click()
  await move.getByTestId('dispute-move-ok').click()
  await expect(move.locator('.ant-form-item-explain-error')).toHaveText('请填写裁决结果')
  await move.getByTestId('dispute-move-note').fill('认定服务中断 79 分钟，按合同补偿')
  await move.getByTestId('dispute-move-ok').click()
  await expect(move).toHaveCount(0)
  await expect(dispute.getByTestId('dispute-stage')).toHaveText('已裁决')
  await expect(dispute.getByTestId('dispute-decision-text')).toHaveText('认定服务中断 79 分钟，按合同补偿')
  await expect(decision).toHaveAttribute('data-sla-state', 'met')
  await expect(dispute.getByTestId('dispute-move-arbitration')).toBeVisible()
  await expect(dispute.getByTestId('dispute-history-decided')).toContainText('认定服务中断')

  // the dispute links to the complaint it appeals; the complaint lists the dispute and links back
  const toComplaint = dispute.getByTestId('dispute-complaint-link')
  await expect(toComplaint).toContainText(summary)
  await toComplaint.click()
  await expect(page).toHaveURL(/complaint=/)
  await expect(drawer.getByTestId('complaint-status')).toHaveText('已解决')
  await expect(drawer.getByTestId('complaint-resolution-text')).toHaveText(resolution)
  const toDispute = drawer.getByTestId('complaint-dispute-link')
  await expect(toDispute).toHaveCount(1)
  await expect(toDispute.getByTestId('dispute-stage')).toHaveText('已裁决')
  await toDispute.click()
  await expect(page).toHaveURL(/tab=disputes&dispute=/)
  await expect(dispute.getByTestId('dispute-decision-text')).toHaveText('认定服务中断 79 分钟，按合同补偿')
  await expect(dispute.getByTestId('dispute-complaint-link')).toContainText(summary)

  // the disputes tab lists it at its stage
  await dispute.locator('.ant-drawer-close').click()
  const drow = page.getByTestId('dispute-row').filter({ hasText: summary })
  await expect(drow.getByTestId('dispute-stage')).toHaveText('已裁决')
})
