// Ticket configuration in the browser: an admin adds a required custom field to a category's form;
// an agent whose new-ticket form was opened before the change is refused by the server (the form
// then shows the field), and a freshly opened form shows the field, asks for it and sends it.
import { expect, test, type Page } from '@playwright/test'
import { demo, login } from './helpers.ts'

/** Picks an option in the antd Select or Cascader with this test id, searching when `search` is set. */
async function pick(page: Page, testId: string, option: string, search?: string) {
  await page.getByTestId(testId).click()
  if (search) await page.getByTestId(testId).locator('input').fill(search)
  const dropdown = page.locator('.ant-select-dropdown:visible, .ant-cascader-dropdown:visible')
  await dropdown.locator('.ant-select-item-option, .ant-cascader-menu-item').filter({ hasText: option }).first().click()
}

async function fillTicket(page: Page, category: string, subject: string) {
  await page.goto('/tickets/new')
  await pick(page, 'new-customer', '华东精密制造有限公司', '华东精密')
  await pick(page, 'new-type', '故障报修')
  await pick(page, 'new-category', category)
  await page.keyboard.press('Escape')
  await page.getByTestId('new-subject').fill(subject)
}

test('an admin adds a required field to a category form: it appears in the new-ticket form and the server enforces it', async ({
  page,
  browser,
}) => {
  const category = `现场故障-${Date.now().toString(36)}`
  await login(page, demo.admin)
  await page.goto('/admin/tickets')
  // the demo ships no ticket types: the form needs one
  await page.getByRole('tab', { name: '工单类型' }).click()
  await page.getByTestId('type-create').click()
  const typeDialog = page.locator('.ant-modal').filter({ has: page.locator('#ticketType_code') })
  await typeDialog.locator('#ticketType_code').fill('repair')
  await typeDialog.locator('#ticketType_name').fill('故障报修')
  await typeDialog.locator('.ant-modal-footer .ant-btn-primary').click()
  await expect(typeDialog).toHaveCount(0)
  await expect(page.getByRole('cell', { name: '故障报修' })).toBeVisible()
  await page.getByRole('tab', { name: '问题分类与表单' }).click()
  await page.getByTestId('category-create').click()
  await page.getByTestId('category-name').fill(category)
  await page.getByTestId('category-save').click()
  await expect(page.locator('.ant-tree').getByText(category)).toBeVisible()

  // an agent opens the new-ticket form while the category has no fields yet
  const agentContext = await browser.newContext()
  const agent = await agentContext.newPage()
  await login(agent, demo.agent1)
  await fillTicket(agent, category, '空调外机异响（表单打开于字段添加之前）')
  await expect(agent.getByTestId('custom-field-fault_code')).toHaveCount(0)

  // the admin adds a required text field and saves the category
  await page.getByTestId('template-add').click()
  await page.getByTestId('template-label-0').fill('故障代码')
  await page.getByTestId('template-key-0').fill('fault_code')
  await page.getByTestId('template-field-0').locator('.ant-switch').first().click()
  await expect(page.locator('.ant-card').filter({ hasText: '故障代码' }).last()).toBeVisible()
  await page.getByTestId('category-save').click()
  await expect(page.getByText('已保存')).toBeVisible()

  // the agent's stale form sends no value: the server refuses it, and the form now shows the field
  await agent.getByTestId('new-submit').click()
  await expect(agent.locator('.ant-message-error')).toContainText('提交的内容有误')
  const field = agent.getByTestId('custom-field-fault_code')
  await expect(field).toContainText('故障代码')
  await agent.getByTestId('new-submit').click()
  await expect(field.locator('.ant-form-item-explain-error')).toHaveText('必填')
  await expect(agent).toHaveURL(/\/tickets\/new$/)

  // a form opened now shows the field and asks for it before anything is sent
  await fillTicket(agent, category, '空调外机异响')
  await expect(agent.getByTestId('custom-field-fault_code')).toContainText('故障代码')
  await agent.getByTestId('new-submit').click()
  await expect(agent.getByTestId('custom-field-fault_code').locator('.ant-form-item-explain-error')).toHaveText('必填')
  await agent.getByTestId('custom-field-fault_code').locator('input').fill('E4-外机风扇')
  await agent.getByTestId('new-submit').click()
  await expect(agent).toHaveURL(/\/tickets\/[0-9a-f-]{36}$/)
  await expect(agent.getByText('E4-外机风扇')).toBeVisible()
  await agentContext.close()
})
