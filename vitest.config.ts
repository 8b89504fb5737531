import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^effect-pagerduty\/webhooks$/,
        replacement: fileURLToPath(new URL("./src/webhooks.ts", import.meta.url))
      },
      { find: /^effect-pagerduty\/api$/, replacement: fileURLToPath(new URL("./src/api/index.ts", import.meta.url)) },
      {
        find: /^effect-pagerduty\/rate-limit\/redis$/,
        replacement: fileURLToPath(new URL("./src/rate-limit/redis.ts", import.meta.url))
      },
      {
        find: /^effect-pagerduty\/rate-limit$/,
        replacement: fileURLToPath(new URL("./src/rate-limit.ts", import.meta.url))
      },
      {
        find: /^effect-pagerduty\/testing\/server$/,
        replacement: fileURLToPath(new URL("./src/testing/server.ts", import.meta.url))
      },
      { find: /^effect-pagerduty\/testing$/, replacement: fileURLToPath(new URL("./src/testing.ts", import.meta.url)) },
      { find: /^effect-pagerduty$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) }
    ]
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    globalSetup: ["test/support/openApiGlobalSetup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
