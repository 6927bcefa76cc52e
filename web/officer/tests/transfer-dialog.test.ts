import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { ApiFailure } from '@credit/shared'

const calls = vi.hoisted(() => ({ transferTargets: vi.fn() }))
vi.mock('../src/api/cases', async (original) => ({ ...(await original<object>()), ...calls }))

import TransferDialog from '../src/components/TransferDialog.vue'

beforeEach(() => calls.transferTargets.mockReset())
afterEach(() => { document.body.innerHTML = '' })

describe('转办', () => {
  it('shows why the offices could not be listed, and lists them on 重试', async () => {
    calls.transferTargets
      .mockRejectedValueOnce(new ApiFailure(504, 'UPSTREAM_TIMEOUT', '服务响应超时，请稍后再试', 'r-1'))
      .mockResolvedValueOnce([{ code: '44010602', name: '天河南所' }])
    const wrapper = mount(TransferDialog, {
      props: { open: true, number: 'XF-440106-20261123-000001' },
      global: { plugins: [ElementPlus] },
      attachTo: document.body,
    })
    await flushPromises()
    expect(calls.transferTargets).toHaveBeenCalledWith('XF-440106-20261123-000001')
    const alert = document.querySelector('.transfer__error [role="alert"]')
    expect(alert?.textContent).toBe('服务响应超时，请稍后再试（请求编号 r-1）')
    const retry = [...document.querySelectorAll('.transfer__error button')].find((b) => b.textContent?.includes('重试'))
    ;(retry as HTMLButtonElement).click()
    await flushPromises()
    expect(calls.transferTargets).toHaveBeenCalledTimes(2)
    expect(document.querySelector('.transfer__error')).toBeNull()
    wrapper.unmount()
  })
})
