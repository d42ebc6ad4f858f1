// Vite build of the client portal (the dialog window's client side, served at /portal/) and of its
// widget script (served at /portal/widget.js). Run after the staff build (vite.config.ts), which
// empties dist/: this one adds to it. A build of its own, so that the portal's page never carries
// the staff app's stylesheet (the staff build joins all its CSS into one file) or its chunks.
//
//   vite build -c vite.portal.config.ts                  → dist/portal.html + assets/portal-*.{js,css}
//   vite build -c vite.portal.config.ts --mode widget    → dist/portal/widget.js (one IIFE, no imports)
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';

export default defineConfig(({ mode }) => {
  if (mode === 'widget') {
    return {
      publicDir: false,
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        target: 'es2017',
        sourcemap: false,
        lib: {
          entry: 'src/portal/widget.ts',
          formats: ['iife'],
          name: 'AdvocateWidget',
          fileName: () => 'portal/widget.js',
        },
      },
    };
  }
  return {
    plugins: [preact({ prerender: { enabled: false } })],
    base: '/',
    publicDir: false,
    build: {
      outDir: 'dist',
      assetsDir: 'assets',
      emptyOutDir: false,
      assetsInlineLimit: 0,
      modulePreload: { polyfill: false },
      cssCodeSplit: true,
      sourcemap: false,
      target: 'es2020',
      rollupOptions: { input: { portal: 'portal.html' } },
    },
  };
});
