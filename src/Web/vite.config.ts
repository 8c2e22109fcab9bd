import { defineConfig } from 'vite';

// Built into dist/, which the API serves at /. In development, `npx vite` proxies the API.
// MapLibre is a chunk of its own, so the viewer's own first-view JavaScript can be measured (make bench).
export default defineConfig({
  build: {
    outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500,
    rollupOptions: { output: { manualChunks: (id) => (id.includes('node_modules/maplibre-gl') ? 'maplibre-gl' : undefined) } },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8080', '/tiles': 'http://127.0.0.1:8080', '/maps': 'http://127.0.0.1:8080', '/health': 'http://127.0.0.1:8080', '/reports': 'http://127.0.0.1:8080', '/ogc': 'http://127.0.0.1:8080' } },
});
