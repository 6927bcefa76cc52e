import { describe, expect, it } from 'vitest'
import { ApiFailure, describeError } from '../src/errors'

describe('what a person reads when a call fails', () => {
  it("shows the API's Chinese message with its request id", () => {
    const failure = ApiFailure.from(409, { code: 'SIGNING_INCOMPLETE', message: '尚未完成签名', request_id: 'r-1' })
    expect(failure.code).toBe('SIGNING_INCOMPLETE')
    expect(failure.display).toBe('尚未完成签名（请求编号 r-1）')
    expect(describeError(failure)).toBe(failure.display)
  })

  it('falls back to a Chinese message and the header request id for a body not from the API', () => {
    const failure = ApiFailure.from(503, '<html>bad gateway</html>', 'r-2')
    expect(failure.code).toBe('HTTP_503')
    expect(failure.display).toBe('服务暂时不可用，请稍后再试（请求编号 r-2）')
    expect(describeError(new Error('x'))).toBe('操作失败，请稍后再试')
  })
})
