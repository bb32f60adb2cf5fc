/** Tests transpile only (tsconfig isolatedModules); `npm run typecheck` is the type check. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  testTimeout: 120000,
  // Two cores: jest would otherwise keep one worker.
  maxWorkers: 2,
};
