import { defineConfig } from 'vite';

// Built into dist/, which the API serves at /. In development, `npx vite` proxies the API.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080', '/maps': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080' } },
});
