// An agent's own macros (saved replies) from the reply box: created with variables and a preview
// the server renders for the open ticket, picked from the "my macros" group of the picker, edited,
// deleted, and also listed on the profile page. And the ticket's actions follow the user's
// permissions: an L1 agent (no tickets.assign) gets no assign button, a supervisor does.
import { expect, test, type Page } from '@playwright/test'
import { demo, login } from './helpers.ts'
import { apiAs } from './portal-fixtures.ts'

interface ListItem {
  id: string
  number: string
  status: string
}

/** An open demo ticket (the reply box is there). */
async function openTicket(baseURL: string): Promise<ListItem> {
  const agent = await apiAs(baseURL, demo.agent1)
  const { items } = await agent.get<{ items: ListItem[] }>('/api/tickets?limit=50')
  await agent.close()
  const open = items.find((t) => !['closed', 'cancelled', 'resolved'].includes(t.status))
  expect(open, 'the demo seeds open tickets').toBeTruthy()
  return open!
}

/** The option with this label in the open picker, under the group with this title. */
async function pickMacro(page: Page, group: string, name: string) {
  await page.getByTestId('macro-picker').click()
  const dropdown = page.locator('.ant-select-dropdown:visible')
  await expect(dropdown.locator('.ant-select-item-group').filter({ hasText: group })).toBeVisible()
  await dropdown.locator('.ant-select-item-option').filter({ hasText: name }).click()
}

test('an agent manages their own macros from the reply box: variables, server preview, pick, edit, delete', async ({ page, baseURL }) => {
  // one agent's whole round (create, preview twice, pick, edit, profile, delete): on a busy two-core machine ~2 min
  test.setTimeout(240_000)
  const ticket = await openTicket(baseURL!)
  const name = `到场确认-${Date.now().toString(36)}`
  await login(page, demo.agent1)
  await page.goto(`/tickets/${ticket.id}`)
  await expect(page.getByTestId('ticket-number')).toContainText(ticket.number)

  // L1: no assign button (tickets.assign is not theirs)
  await expect(page.getByTestId('ticket-status-menu').or(page.getByTestId('ticket-watch')).first()).toBeVisible()
  await expect(page.getByTestId('ticket-assign')).toHaveCount(0)

  await page.getByTestId('macro-manage').click()
  const drawer = page.locator('.ant-drawer:visible')
  await expect(drawer.locator('.ant-drawer-title')).toHaveText('我的宏')
  await drawer.getByTestId('my-macro-create').click()
  const dialog = page.locator('.ant-modal:visible')
  await dialog.getByTestId('my-macro-name').fill(name)
  await dialog.getByTestId('my-macro-body').fill('您好，工单 ')
  await dialog.getByTestId('macro-var-ticket.number').click()
  await dialog.getByTestId('my-macro-body').press('End')
  await dialog.getByTestId('my-macro-body').pressSequentially(' 由 ')
  await dialog.getByTestId('macro-var-agent.name').click()
  await expect(dialog.getByTestId('my-macro-body')).toHaveValue('您好，工单 {{ticket.number}} 由 {{agent.name}}')

  // the server fills the variables from this ticket; an unknown one is named under the text
  await dialog.getByTestId('macro-preview').click()
  await expect(dialog.getByTestId('macro-preview-text')).toHaveText(`您好，工单 ${ticket.number} 由 一线客服 张丽`)
  await dialog.getByTestId('my-macro-body').fill('{{ticket.numbr}}')
  await dialog.getByTestId('macro-preview').click()
  await expect(dialog.locator('.ant-form-item-explain-error')).toContainText('ticket.numbr')
  await dialog.getByTestId('my-macro-body').fill('您好，工单 {{ticket.number}} 由 {{agent.name}} 跟进，今天下午到场。')
  await dialog.locator('.ant-modal-footer .ant-btn-primary').click()
  await expect(dialog).toHaveCount(0)
  await expect(drawer.getByRole('cell', { name })).toBeVisible()
  await drawer.locator('.ant-drawer-close').click()
  await expect(drawer).toHaveCount(0)

  // the picker lists it under "my macros"; choosing it puts the rendered text in the reply box
  await pickMacro(page, '我的宏', name)
  await expect(page.getByTestId('composer-input')).toHaveValue(`您好，工单 ${ticket.number} 由 一线客服 张丽 跟进，今天下午到场。`)

  // edited …
  await page.getByTestId('macro-manage').click()
  await drawer
    .getByRole('row')
    .filter({ hasText: name })
    .getByRole('button', { name: /编\s*辑/ })
    .click()
  await dialog.getByTestId('my-macro-name').fill(`${name}-改`)
  await dialog.locator('.ant-modal-footer .ant-btn-primary').click()
  await expect(dialog).toHaveCount(0)
  await expect(drawer.getByRole('cell', { name: `${name}-改` })).toBeVisible()

  // … and also on the profile page
  await page.goto('/profile')
  await expect(page.getByTestId('my-macros-card').getByRole('cell', { name: `${name}-改` })).toBeVisible()

  // … and deleted: gone from the picker
  await page
    .getByTestId('my-macros-card')
    .getByRole('row')
    .filter({ hasText: `${name}-改` })
    .getByTestId('my-macro-delete')
    .click()
  await page.locator('.ant-popconfirm:visible .ant-btn-primary').click()
  await expect(page.getByTestId('my-macros-card').getByRole('cell', { name: `${name}-改` })).toHaveCount(0)
  await page.goto(`/tickets/${ticket.id}`)
  await page.getByTestId('macro-picker').click()
  await expect(page.locator('.ant-select-dropdown:visible').getByText(`${name}-改`)).toHaveCount(0)
})

test('a supervisor sees the assign button on the same ticket', async ({ page, baseURL }) => {
  const ticket = await openTicket(baseURL!)
  await login(page, demo.supervisor)
  await page.goto(`/tickets/${ticket.id}`)
  await expect(page.getByTestId('ticket-assign')).toBeVisible()
})
