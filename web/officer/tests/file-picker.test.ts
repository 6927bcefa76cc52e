import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import FilePicker from '../src/components/FilePicker.vue'

function choose(input: HTMLInputElement, file: File) {
  Object.defineProperty(input, 'files', { value: [file], configurable: true })
  input.dispatchEvent(new Event('change'))
}

describe('FilePicker', () => {
  it('reads in Chinese, names the chosen file and passes the change on', async () => {
    const wrapper = mount(FilePicker, { props: { id: 'f', accept: '.pdf', label: '上传依据文书' } })
    const input = wrapper.get('input[type=file]')
    expect(input.attributes('aria-label')).toBe('上传依据文书')
    expect(wrapper.get('label[for=f]').text()).toBe('选择文件')
    expect(wrapper.text()).toContain('未选择文件')
    choose(input.element as HTMLInputElement, new File(['%PDF-'], '复议决定书.pdf', { type: 'application/pdf' }))
    await wrapper.vm.$nextTick()
    expect(wrapper.text()).toContain('复议决定书.pdf')
    expect(wrapper.emitted('change')).toHaveLength(1)
  })

  it('forgets the file when cleared, and can leave the name out', async () => {
    const wrapper = mount(FilePicker, { props: { id: 'g', accept: '.pdf', label: '上传' } })
    choose(wrapper.get('input').element as HTMLInputElement, new File(['x'], 'a.pdf'))
    await wrapper.vm.$nextTick()
    wrapper.vm.clear()
    await wrapper.vm.$nextTick()
    expect(wrapper.text()).toContain('未选择文件')
    const silent = mount(FilePicker, { props: { id: 'h', accept: '.pdf', label: '上传', showName: false } })
    expect(silent.text()).toBe('选择文件')
  })
})
