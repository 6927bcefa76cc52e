// Dates and times as a person in mainland China reads them, always in Asia/Shanghai whatever
// the device's own time zone.
const ZONE = 'Asia/Shanghai'

const dateTime = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
})
const dateOnly = new Intl.DateTimeFormat('zh-CN', {
  timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit',
})

function parts(format: Intl.DateTimeFormat, value: Date): Record<string, string> {
  return Object.fromEntries(format.formatToParts(value).map((p) => [p.type, p.value]))
}

/** `2026-11-23T02:00:00Z` → `2026-11-23 10:00` (Beijing time). */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return ''
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  const p = parts(dateTime, d)
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** A `YYYY-MM-DD` date stays as it is (it has no time zone); a timestamp becomes its Beijing date. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return ''
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  const p = parts(dateOnly, d)
  return `${p.year}-${p.month}-${p.day}`
}

/** `2026-11-23` → `2026年11月23日`, as official documents write dates. */
export function formatChineseDate(value: string | null | undefined): string {
  const d = formatDate(value)
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d)
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : d
}

/** Today's date in Beijing, `YYYY-MM-DD`. */
export function todayInShanghai(now: Date = new Date()): string {
  const p = parts(dateOnly, now)
  return `${p.year}-${p.month}-${p.day}`
}

/** Money in yuan from the API's decimal string: `"5000.00"` → `5,000.00 元`. */
export function formatYuan(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  const [whole, fraction = '00'] = value.split('.')
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0').slice(0, 2)} 元`
}
