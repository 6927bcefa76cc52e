import { ElMessage } from 'element-plus'
import { useTask } from '@credit/shared'

/**
 * Runs one step an officer asked for (see useTask): `busy` for a button's loading state, and
 * a failure both in `error` for the page to show beside the form and as a message.
 */
export function useAction() {
  return useTask((message) => ElMessage({ type: 'error', message, duration: 8000, showClose: true }))
}
