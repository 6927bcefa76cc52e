import { ref } from 'vue'
import { ElMessage } from 'element-plus'
import { ApiFailure, describeError } from '@credit/shared'

/**
 * Runs one step an officer asked for: `busy` while it runs (for a button's loading state),
 * and on failure the API's Chinese message with its request id, as a message and in `error`
 * for the page to show beside the form. A second call while one runs is ignored.
 */
export function useAction() {
  const busy = ref(false)
  const error = ref('')
  const failure = ref<ApiFailure | null>(null)

  async function run<T>(step: () => Promise<T>): Promise<T | undefined> {
    if (busy.value) return undefined
    busy.value = true
    error.value = ''
    failure.value = null
    try {
      return await step()
    } catch (e) {
      error.value = describeError(e)
      failure.value = e instanceof ApiFailure ? e : null
      ElMessage({ type: 'error', message: error.value, duration: 8000, showClose: true })
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { busy, error, failure, run }
}
