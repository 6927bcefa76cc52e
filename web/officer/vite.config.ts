import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// the workbench is served by the gateway at /workbench/
export default defineConfig({
  base: '/workbench/',
  plugins: [vue()],
  build: { modulePreload: { polyfill: false }, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': process.env.GATEWAY_URL ?? 'http://127.0.0.1:8000' } },
})
