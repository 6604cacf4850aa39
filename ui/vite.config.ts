/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs: the same build is served by the standalone at `/` and loaded by the
  // native webview from its own scheme.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK (Linux editor), WebView2 and WKWebView all run this.
    target: "es2022",
    sourcemap: false,
  },
  server: {
    port: 5173,
    strictPort: false,
  },
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    environment: "node",
    restoreMocks: true,
  },
});
