import { defineStore } from 'pinia'
import { ref } from 'vue'
import { tokens } from '../api'

/** Whether the applicant is logged in; the pages' router guard and the home page read it. */
export const useSession = defineStore('session', () => {
  const loggedIn = ref(tokens.loggedIn())
  tokens.onChange(() => (loggedIn.value = tokens.loggedIn()))
  return { loggedIn }
})
