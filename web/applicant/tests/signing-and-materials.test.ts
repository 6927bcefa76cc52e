import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import Vant from 'vant'
import { ApiFailure } from '@credit/shared'
import EligibilityNote from '../src/components/EligibilityNote.vue'
import SignatureQrCode from '../src/components/SignatureQrCode.vue'
import MaterialUploader from '../src/components/MaterialUploader.vue'
import * as applications from '../src/api/applications'
import { signerProblem } from '../src/api/signing'

const global = { plugins: [Vant] }

describe('an ineligible record', () => {
  it('says why, under which rule version and article, and from when', () => {
    const note = mount(EligibilityNote, {
      props: {
        eligibility: {
          record_id: 'r1', eligible: false, reason_code: 'PUBLICITY_TOO_SHORT',
          reason: '公示满 6 个月后方可申请，最早可于 2027年05月07日 申请',
          rule_version: '2021.1', article: '《市场监督管理行政处罚信息公示规定》第十三条',
          earliest_eligible_date: '2027-05-07',
        },
      },
    })
    const text = note.text()
    expect(text).toContain('暂不可申请')
    expect(text).toContain('公示满 6 个月后方可申请')
    expect(text).toContain('最早可申请日期：2027年5月7日')
    expect(text).toContain('《市场监督管理行政处罚信息公示规定》第十三条（规则版本 2021.1）')
  })
})

describe('the signing QR code', () => {
  it('is an image of the gateway SVG, never markup put into the page', () => {
    const svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    const qr = mount(SignatureQrCode, {
      global,
      props: { link: { url: 'http://h/sign/t0k3n', api_url: 'http://h/api/v1/public/signatures/t0k3n', expires_at: '2026-11-24T10:00:00+08:00', qr_svg: svg } },
    })
    const img = qr.get('img')
    expect(img.attributes('src')).toBe(`data:image/svg+xml;utf8,${encodeURIComponent(svg)}`)
    expect(img.attributes('alt')).toContain('法定代表人签名二维码')
    expect(qr.find('svg').exists()).toBe(false)
    expect(qr.find('script').exists()).toBe(false)
    expect(qr.get('a').attributes('href')).toBe('http://h/sign/t0k3n')
    expect(qr.text()).toContain('有效期至 2026-11-24 10:00')
  })
})

describe("the signer's name, judged once the signer has left the field", () => {
  it.each<[string, string | null, boolean, string]>([
    ['陈大', '陈大文', false, ''],
    ['  ', '陈大文', true, '请输入法定代表人姓名'],
    ['陈大', '陈大文', true, '与登记的法定代表人姓名不一致，请核对'],
    [' 陈大文 ', '陈大文', true, ''],
    ['陈大文', null, true, ''], // no registered name: the service has the last word
  ])('“%s” against %s (left: %s)', (typed, registered, left, problem) => {
    expect(signerProblem(typed, registered, left)).toBe(problem)
  })
})

describe('uploading a material', () => {
  function uploader() {
    return mount(MaterialUploader, {
      global,
      props: { applicationId: 'a1', kind: 'application_form', label: '信用修复申请书', required: true, materials: [], editable: true },
    })
  }

  async function pick(wrapper: ReturnType<typeof uploader>, file: File) {
    const input = wrapper.get('input[aria-label="选择文件：信用修复申请书"]')
    Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
    await input.trigger('change')
    await flushPromises()
  }

  it('shows the API refusal for a file that is not what its name says', async () => {
    vi.spyOn(applications, 'uploadMaterial').mockRejectedValueOnce(
      new ApiFailure(422, 'UNSUPPORTED_FILE_TYPE', '仅支持 PDF、JPEG、PNG 格式的文件（按文件内容判断）', 'req-1'),
    )
    const wrapper = uploader()
    await pick(wrapper, new File(['MZ'], '申请书.pdf', { type: 'application/pdf' }))
    const alert = wrapper.get('[role="alert"]').text()
    expect(alert).toContain('仅支持 PDF、JPEG、PNG 格式的文件（按文件内容判断）（请求编号 req-1）')
    expect(alert).toContain('UNSUPPORTED_FILE_TYPE')
    expect(wrapper.emitted('changed')).toBeUndefined()
  })

  it('reports progress while uploading and tells the page when done', async () => {
    let finish: (value: applications.Material) => void = () => {}
    vi.spyOn(applications, 'uploadMaterial').mockImplementationOnce((_id, _kind, _file, onProgress) => {
      onProgress(40)
      return new Promise((resolve) => (finish = resolve))
    })
    const wrapper = uploader()
    await pick(wrapper, new File(['%PDF-'], '申请书.pdf'))
    expect(wrapper.text()).toContain('正在上传 40%')
    finish({ id: 'm1', kind: 'application_form', kind_label: '信用修复申请书', file_name: '申请书.pdf',
      content_type: 'application/pdf', size_bytes: 5, sha256: 'x', uploaded_at: null })
    await flushPromises()
    expect(wrapper.emitted('changed')).toHaveLength(1)
    expect(wrapper.text()).not.toContain('正在上传')
  })

  it('offers the camera for a photo and a file picker for PDFs and images', () => {
    const inputs = uploader().findAll('input[type="file"]')
    expect(inputs.map((i) => [i.attributes('accept'), i.attributes('capture') ?? null])).toEqual([
      ['image/*,application/pdf', null],
      ['image/*', 'environment'],
    ])
  })
})
