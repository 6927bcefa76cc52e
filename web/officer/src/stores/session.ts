import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { tokens } from '../api'
import { myProfile, type OfficerProfile, type Role } from '../api/auth'

/** The logged-in officer: the menu and the router guard read the roles (the API still decides). */
export const useSession = defineStore('session', () => {
  const officer = ref<OfficerProfile | null>(null)
  const loggedIn = ref(tokens.loggedIn())
  tokens.onChange(() => {
    loggedIn.value = tokens.loggedIn()
    if (!loggedIn.value) officer.value = null
  })

  async function load(): Promise<OfficerProfile | null> {
    if (!tokens.loggedIn()) return null
    officer.value ??= await myProfile()
    return officer.value
  }

  function hasRole(...roles: Role[]): boolean {
    return !!officer.value && roles.some((r) => officer.value!.roles.includes(r))
  }

  const isAdministrator = computed(() => hasRole('administrator'))
  return { officer, loggedIn, load, hasRole, isAdministrator }
})
