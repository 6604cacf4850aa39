/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  // Relative asset URLs: served at `/` by the plugin's bridge and from the editor's own scheme.
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022" },
  test: { include: ["test/**/*.test.{ts,tsx}"], environment: "jsdom", restoreMocks: true },
});
