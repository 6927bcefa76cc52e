import { describe, expect, it, vi } from 'vitest'
import { dismissError, notice, showDone, showError } from '../src/composables/useNotice'
import { router } from '../src/router'

describe('the status banner', () => {
  it("does not carry the previous page's confirmation onto the next page", async () => {
    await router.push('/')
    showDone('上传成功')
    expect(notice.done).toBe('上传成功')
    await router.push('/public/search')
    expect(notice.done).toBe('')
  })
})

describe('the error line of the banner', () => {
  it('goes by itself after its seconds, or at once when dismissed', () => {
    vi.useFakeTimers()
    try {
      showError('网络连接失败', 8)
      vi.advanceTimersByTime(7_999)
      expect(notice.error).toBe('网络连接失败')
      vi.advanceTimersByTime(1)
      expect(notice.error).toBe('')
      showError('第一次', 8)
      vi.advanceTimersByTime(5_000)
      // a newer error gets its own full time
      showError('第二次', 8)
      vi.advanceTimersByTime(5_000)
      expect(notice.error).toBe('第二次')
      dismissError()
      expect(notice.error).toBe('')
      showDone('已保存')
      vi.advanceTimersByTime(3_000)
      expect(notice.done).toBe('')
    } finally {
      vi.useRealTimers()
    }
  })
})
