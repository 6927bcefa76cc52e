import { computed, reactive, ref, watch, type Ref } from 'vue'
import { todayInShanghai } from '@credit/shared'
import { fieldProblems, isFutureDate, type VersionFields } from '../api/admin'
import { useAction } from './useAction'

/**
 * The part every new rule version's dialog shares: number, effective date (after Beijing's
 * today: versions in force are never rewritten) and source, the page's own objection, and the
 * API's refusal with each field it refused (`words` names a refused field in its own terms).
 * Each opening starts empty (`started` fills the dialog's own fields); a stored version
 * goes to `saved` and closes the dialog.
 */
export function useVersionForm(options: {
  open: Ref<boolean>
  started: () => void
  saved: (version: string) => void
  words?: Parameters<typeof fieldProblems>[1]
}) {
  const { open, started, saved, words } = options
  const fields = reactive<VersionFields>({ version: '', effective_from: '', source: '' })
  const problem = ref('')
  const { busy, error, failure, run } = useAction({ inDialog: true })
  const today = ref(todayInShanghai())
  const dateProblem = computed(() =>
    fields.effective_from && !isFutureDate(fields.effective_from, today.value) ? `生效日期须晚于今天（${today.value}）` : '',
  )
  const refused = computed(() => fieldProblems(failure.value, words))

  // a dialog opened again starts empty, with today as it is now
  watch(open, (now) => {
    if (!now) return
    today.value = todayInShanghai()
    problem.value = ''
    error.value = ''
    failure.value = null
    Object.assign(fields, { version: '', effective_from: '', source: '' })
    started()
  }, { immediate: true })

  /** the fields as sent, or null with `problem` naming the first one missing */
  function entered(): VersionFields | null {
    problem.value = ''
    if (!fields.version.trim()) problem.value = '请填写版本号'
    else if (!fields.effective_from) problem.value = '请选择生效日期'
    else if (!fields.source.trim()) problem.value = '请填写依据（文件名称、文号）'
    if (problem.value) return null
    return { version: fields.version.trim(), effective_from: fields.effective_from, source: fields.source.trim() }
  }

  /** stores the version; once stored, it is announced and the dialog closes */
  async function store(add: () => Promise<{ version: string }>) {
    const added = await run(add)
    if (!added) return
    saved(added.version)
    open.value = false
  }

  return { fields, problem, busy, error, dateProblem, refused, entered, store }
}
