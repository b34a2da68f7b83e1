// Prisma CLI configuration. Only `prisma generate` uses it (through scripts/prisma-generate.mjs);
// migrations are applied by the bot itself through the WebAssembly schema engine.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
