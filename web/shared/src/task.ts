import { ref } from 'vue'
import { ApiFailure, describeError } from './errors'

/**
 * Runs one step a page asked for: `busy` while it runs, and on failure the API's Chinese
 * message with its request id in `error` (the failure itself in `failure`) for the page to
 * show beside what failed; `onError` also says it where the app says such things. A second
 * call while one runs is ignored, so a double click acts once.
 */
export function useTask(onError?: (message: string) => void) {
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
      onError?.(error.value)
      return undefined
    } finally {
      busy.value = false
    }
  }

  return { busy, error, failure, run }
}
