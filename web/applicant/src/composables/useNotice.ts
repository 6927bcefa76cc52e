import { reactive } from 'vue'

// The one place a page says "working" or "failed": a live region App.vue renders (Vant's
// toasts are unnamed dialogs to a screen reader, and vanish before a request id is copied).
export const notice = reactive({ working: '', error: '', done: '' })

let errorTimer: ReturnType<typeof setTimeout> | undefined
let doneTimer: ReturnType<typeof setTimeout> | undefined

export function showWorking(message: string): void {
  notice.working = message
}

export function stopWorking(): void {
  notice.working = ''
}

export function showError(message: string, seconds = 8): void {
  notice.error = message
  clearTimeout(errorTimer)
  errorTimer = setTimeout(() => (notice.error = ''), seconds * 1000)
}

export function dismissError(): void {
  notice.error = ''
  clearTimeout(errorTimer)
}

/** A short confirmation (已保存, 上传成功) that goes by itself. */
export function showDone(message: string, seconds = 3): void {
  notice.done = message
  clearTimeout(doneTimer)
  doneTimer = setTimeout(() => (notice.done = ''), seconds * 1000)
}

/** A new page starts without the previous page's confirmation covering its title. */
export function clearDone(): void {
  notice.done = ''
  clearTimeout(doneTimer)
}
