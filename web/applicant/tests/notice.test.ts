import { describe, expect, it } from 'vitest'
import { notice, showDone } from '../src/composables/useNotice'
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
