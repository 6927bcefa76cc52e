import { computed, reactive, ref } from 'vue'
import { todayInShanghai } from '@credit/shared'
import { fieldProblems, isFutureDate, type VersionFields } from '../api/admin'
import { useAction } from './useAction'

/**
 * The part every new rule version's form shares: number, effective date (after Beijing's
 * today: versions in force are never rewritten) and source, the page's own objection, and the
 * API's refusal with each field it refused (`words` names a refused field in its own terms).
 */
export function useVersionForm(words?: Parameters<typeof fieldProblems>[1]) {
  const fields = reactive<VersionFields>({ version: '', effective_from: '', source: '' })
  const problem = ref('')
  const { busy, error, failure, run } = useAction()
  const today = ref(todayInShanghai())
  const dateProblem = computed(() =>
    fields.effective_from && !isFutureDate(fields.effective_from, today.value) ? `生效日期须晚于今天（${today.value}）` : '',
  )
  const refused = computed(() => fieldProblems(failure.value, words))

  /** a dialog opened again starts empty, with today as it is now */
  function reset() {
    today.value = todayInShanghai()
    problem.value = ''
    error.value = ''
    failure.value = null
    Object.assign(fields, { version: '', effective_from: '', source: '' })
  }

  /** the fields as sent, or null with `problem` naming the first one missing */
  function entered(): VersionFields | null {
    problem.value = ''
    if (!fields.version.trim()) problem.value = '请填写版本号'
    else if (!fields.effective_from) problem.value = '请选择生效日期'
    else if (!fields.source.trim()) problem.value = '请填写依据（文件名称、文号）'
    if (problem.value) return null
    return { version: fields.version.trim(), effective_from: fields.effective_from, source: fields.source.trim() }
  }

  return { fields, problem, busy, error, run, dateProblem, refused, reset, entered }
}
