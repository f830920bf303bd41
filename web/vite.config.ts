// The web UI's build: `vite build web` (npm run build:web) writes dist/web/index.html and
// hashed files under dist/web/assets/, which src/web/index.ts serves. Preact's JSX through
// Oxc's automatic runtime, so no Babel plugin is needed.
import { defineConfig } from 'vite'

export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: new URL('../dist/web/', import.meta.url).pathname,
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // one small app: a single script and a single stylesheet
    modulePreload: { polyfill: false },
    reportCompressedSize: true
  },
  server: {
    // `npx vite web` during development: the API, images and WebDAV from a running momoshtrem
    proxy: { '/api': 'http://127.0.0.1:4444', '/dav': 'http://127.0.0.1:4444' }
  }
})
