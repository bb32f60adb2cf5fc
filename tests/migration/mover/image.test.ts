import * as fs from "fs";
import * as path from "path";

// Defect 9: the mover's image installs exactly what the repository's lock file pins.

const ROOT = path.resolve(__dirname, "../../..");
const dockerfile = fs.readFileSync(path.join(ROOT, "migration/Dockerfile"), "utf8");
const instructions = dockerfile.split("\n").filter(l => !l.trim().startsWith("#")).join("\n");

describe("defect 9: the mover's image builds from the lock file", () => {
    test("copies package-lock.json and installs with npm ci, never npm install", () => {
        expect(instructions).toMatch(/COPY[^\n]*package-lock\.json/);
        expect(instructions).toMatch(/npm ci\b/);
        expect(instructions).not.toMatch(/npm (install|i)\b/);
    });
});
