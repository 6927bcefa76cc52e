import { ElMessage } from 'element-plus'
import { useTask } from '@credit/shared'

/**
 * Runs one step an officer asked for (see useTask): `busy` for a button's loading state, and
 * a failure in `error` for the page to show beside the form, and as a message too unless the
 * form shows it where the officer is looking (`inDialog`: a dialog's own error line).
 */
export function useAction(options: { inDialog?: boolean } = {}) {
  return useTask(options.inDialog ? undefined : (message) => ElMessage({ type: 'error', message, duration: 8000, showClose: true }))
}
