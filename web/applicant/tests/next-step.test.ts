import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import Vant from 'vant'
import NextStep from '../src/components/NextStep.vue'

afterEach(() => { document.body.innerHTML = '' })

describe("the page's next step", () => {
  it('shows the last failure with its code above the button, which takes the attributes given', async () => {
    const go = vi.fn()
    const wrapper = mount(NextStep, {
      props: { error: '链接已过期（请求编号 r-1）', code: 'LINK_EXPIRED', disabled: false, onClick: go },
      slots: { default: '确认签名' },
      global: { plugins: [Vant] },
      attachTo: document.body,
    })
    expect(wrapper.get('[role="alert"]').text()).toBe('链接已过期（请求编号 r-1）（错误代码 LINK_EXPIRED）')
    const button = wrapper.get('.actions button')
    expect(button.classes()).toEqual(expect.arrayContaining(['van-button--primary', 'van-button--block']))
    expect(button.text()).toBe('确认签名')
    await button.trigger('click')
    expect(go).toHaveBeenCalledTimes(1)
    await wrapper.setProps({ error: '', disabled: true })
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
    expect(wrapper.get('.actions button').attributes('disabled')).toBeDefined()
  })
})
