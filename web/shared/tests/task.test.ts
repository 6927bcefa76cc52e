import { describe, expect, it, vi } from 'vitest'
import { ApiFailure, useTask } from '../src'

describe('a step run on request', () => {
  it('is busy while it runs and answers what the step gave', async () => {
    const task = useTask()
    let finish: (value: string) => void = () => {}
    const running = task.run(() => new Promise<string>((resolve) => (finish = resolve)))
    expect(task.busy.value).toBe(true)
    finish('done')
    expect(await running).toBe('done')
    expect(task.busy.value).toBe(false)
    expect(task.error.value).toBe('')
  })

  it('ignores a second call while one runs', async () => {
    const task = useTask()
    const step = vi.fn(() => Promise.resolve(1))
    const first = task.run(step)
    expect(await task.run(step)).toBeUndefined()
    expect(await first).toBe(1)
    expect(step).toHaveBeenCalledTimes(1)
  })

  it("keeps a failure in the API's words, says it once, and forgets it on the next run", async () => {
    const said: string[] = []
    const task = useTask((message) => said.push(message))
    const refusal = new ApiFailure(409, 'STALE_VERSION', '内容已被更新，请刷新后重试', 'r-1')
    expect(await task.run(() => Promise.reject(refusal))).toBeUndefined()
    expect(task.error.value).toBe('内容已被更新，请刷新后重试（请求编号 r-1）')
    expect(task.failure.value?.code).toBe('STALE_VERSION')
    expect(said).toEqual([task.error.value])
    await task.run(() => Promise.reject(new Error('boom')))
    expect(task.error.value).toBe('操作失败，请稍后再试')
    expect(task.failure.value).toBeNull()
    await task.run(() => Promise.resolve(null))
    expect(task.error.value).toBe('')
    expect(said).toHaveLength(2)
  })
})
