import { defineConfig } from 'vite';

export default defineConfig({
  base: './', // the built page works from any folder
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2048, // tfjs alone is ~1 MB minified
  },
});
