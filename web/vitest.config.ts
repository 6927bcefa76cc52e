import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

export default defineConfig({
  plugins: [vue()],
  test: {
    environment: 'jsdom',
    include: ['shared/tests/**/*.test.ts', 'applicant/tests/**/*.test.ts', 'officer/tests/**/*.test.ts'],
  },
})
