import { useTask } from '@credit/shared'
import { showError, showWorking, stopWorking } from './useNotice'

/**
 * Runs one step a person asked for (see useTask), saying it is working while it runs and, on
 * failure, the API's Chinese message with its request id (also kept in `error` for the page
 * to show inline). A second call while one runs is ignored, so a double tap acts once.
 */
export function useAction() {
  const task = useTask(showError)

  async function run<T>(step: () => Promise<T>, working = '处理中…'): Promise<T | undefined> {
    if (task.busy.value) return undefined
    if (working) showWorking(working)
    try {
      return await task.run(step)
    } finally {
      if (working) stopWorking()
    }
  }

  return { ...task, run }
}
