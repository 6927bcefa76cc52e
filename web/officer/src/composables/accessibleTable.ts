import type { Directive } from 'vue'

// el-table draws its header and its body as two separate <table>s, so to a screen reader (and
// to axe-core) the header cells describe no data. `v-accessible-table="'名称'"` on an el-table
// makes the whole of it one ARIA table: the inner <table>s become layout, and rows, column
// headers and cells say what they are. Rows el-table redraws later are fixed as they appear.
function describe(root: HTMLElement, label: string) {
  root.setAttribute('role', 'table')
  root.setAttribute('aria-label', label)
  const mark = (selector: string, role: string) =>
    root.querySelectorAll(selector).forEach((node) => {
      if (node.getAttribute('role') !== role) node.setAttribute('role', role)
    })
  mark('table', 'presentation')
  mark('thead, tbody, tfoot', 'rowgroup')
  mark('tr', 'row')
  mark('th', 'columnheader')
  mark('td', 'cell')
}

const observers = new WeakMap<HTMLElement, MutationObserver>()
const labels = new WeakMap<HTMLElement, string>()

export const vAccessibleTable: Directive<HTMLElement, string> = {
  mounted(el, binding) {
    labels.set(el, binding.value)
    describe(el, binding.value)
    // only added or removed nodes are watched: setting roles cannot trigger it again
    const observer = new MutationObserver(() => describe(el, labels.get(el) ?? ''))
    observer.observe(el, { childList: true, subtree: true })
    observers.set(el, observer)
  },
  updated(el, binding) {
    labels.set(el, binding.value)
    describe(el, binding.value)
  },
  unmounted(el) {
    observers.get(el)?.disconnect()
    observers.delete(el)
  },
}
