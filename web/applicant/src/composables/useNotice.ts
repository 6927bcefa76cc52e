import { reactive } from 'vue'

// The one place a page says "working" or "failed": a live region App.vue renders (Vant's
// toasts are unnamed dialogs to a screen reader, and vanish before a request id is copied).
export const notice = reactive({ working: '', error: '', done: '' })

/** A line of the notice that goes by itself after a while, or sooner when cleared. */
function passingLine(line: 'error' | 'done') {
  let timer: ReturnType<typeof setTimeout> | undefined
  return {
    show(message: string, seconds: number): void {
      notice[line] = message
      clearTimeout(timer)
      timer = setTimeout(() => (notice[line] = ''), seconds * 1000)
    },
    clear(): void {
      notice[line] = ''
      clearTimeout(timer)
    },
  }
}

const errorLine = passingLine('error')
const doneLine = passingLine('done')

export function showWorking(message: string): void {
  notice.working = message
}

export function stopWorking(): void {
  notice.working = ''
}

export function showError(message: string, seconds = 8): void {
  errorLine.show(message, seconds)
}

export const dismissError = errorLine.clear

/** A short confirmation (已保存, 上传成功) that goes by itself. */
export function showDone(message: string, seconds = 3): void {
  doneLine.show(message, seconds)
}

/** A new page starts without the previous page's confirmation covering its title. */
export const clearDone = doneLine.clear
