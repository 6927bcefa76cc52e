import { afterEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import ToolbarForm from '../src/components/ToolbarForm.vue'

afterEach(() => { document.body.innerHTML = '' })

describe('the toolbar form of a page', () => {
  it('submits from its button, spins while busy and lists only the errors there are', async () => {
    const wrapper = mount(ToolbarForm, {
      props: { submitText: '查询', busy: false, errors: ['请选择日期', '', null, '服务暂时不可用'] },
      slots: { default: '<input id="field" />', buttons: '<button type="button" class="extra">重置</button>' },
      global: { plugins: [ElementPlus] },
      attachTo: document.body,
    })
    expect(wrapper.findAll('[role="alert"]').map((p) => p.text())).toEqual(['请选择日期', '服务暂时不可用'])
    const submit = wrapper.get('button[type="submit"]')
    expect(submit.text()).toBe('查询')
    expect(submit.element.nextElementSibling?.textContent).toBe('重置')
    await wrapper.get('form').trigger('submit')
    expect(wrapper.emitted('submit')).toHaveLength(1)
    await wrapper.setProps({ busy: true })
    await flushPromises()
    expect(wrapper.get('button[type="submit"]').classes()).toContain('is-loading')
  })
})
