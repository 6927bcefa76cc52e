import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// Vant's icon font names a CDN copy after its embedded one; the pages load nothing from
// another origin (the CSP forbids it), so that fallback is dropped from the CSS.
function noRemoteFonts(): Plugin {
  return {
    name: 'no-remote-fonts',
    transform(code, id) {
      if (!id.includes('vant') || !id.endsWith('.css')) return null
      return code.replace(/,\s*url\(\/\/at\.alicdn\.com[^)]*\)\s*format\("[a-z0-9]+"\)/g, '')
    },
  }
}

// the H5 is served by the gateway at /; `npm run dev` proxies the API to a running gateway
export default defineConfig({
  base: '/',
  plugins: [vue(), noRemoteFonts()],
  build: { modulePreload: { polyfill: false }, chunkSizeWarningLimit: 900 },
  server: { proxy: { '/api': process.env.GATEWAY_URL ?? 'http://127.0.0.1:8000' } },
})
