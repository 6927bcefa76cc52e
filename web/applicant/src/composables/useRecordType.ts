import { computed } from 'vue'
import { useRoute } from 'vue-router'
import { isRecordType, type RecordType } from '../labels'

/**
 * The record type the steps of an application name in their address (/guide/:type,
 * /apply/:type/...), or null when the address names none of the six.
 */
export function useRecordType() {
  const route = useRoute()
  return computed<RecordType | null>(() => {
    const type = route.params.type
    return isRecordType(type) ? type : null
  })
}
