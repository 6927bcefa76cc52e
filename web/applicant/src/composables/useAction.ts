import { ref } from 'vue'
import { ApiFailure, describeError } from '@credit/shared'
import { showError, showWorking, stopWorking } from './useNotice'

/**
 * Runs one step a person asked for: says it is working while it runs and, on failure, the
 * API's Chinese message with its request id (also kept in `error` for the page to show
 * inline). A second call while one runs is ignored, so a double tap acts once.
 */
export function useAction() {
  const busy = ref(false)
  const error = ref('')
  const failure = ref<ApiFailure | null>(null)

  async function run<T>(step: () => Promise<T>, working = '处理中…'): Promise<T | undefined> {
    if (busy.value) return undefined
    busy.value = true
    error.value = ''
    failure.value = null
    if (working) showWorking(working)
    try {
      return await step()
    } catch (e) {
      error.value = describeError(e)
      failure.value = e instanceof ApiFailure ? e : null
      showError(error.value)
      return undefined
    } finally {
      busy.value = false
      if (working) stopWorking()
    }
  }

  return { busy, error, failure, run }
}
