// engine/compile-cache.js turns on Node's module compile cache (Node 22.1+) in the CLI, the language host and the
// pack, and says whether compiled code is now being kept. Node does not throw when the cache cannot be used: it
// answers a status (FAILED for an unusable directory, DISABLED under NODE_DISABLE_COMPILE_CACHE=1), and neither is
// "kept". Node 20 has no such cache. The tests stand in for Node's function, so they run on every Node.

import Module = require("module");

import * as path from "path";

const { keepCompiledCode, CACHE_DIR } = require("../../engine/compile-cache") as
    { keepCompiledCode: (env?: NodeJS.ProcessEnv) => boolean; CACHE_DIR: string };

/** Node's statuses (module.constants.compileCacheStatus in Node 22.1+). */
const STATUS = { FAILED: 0, ENABLED: 1, ALREADY_ENABLED: 2, DISABLED: 3 };

describe("keepCompiledCode", () => {
    const mod = Module as unknown as { enableCompileCache?: unknown };
    const real = mod.enableCompileCache;
    afterEach(() => {
        if (real === undefined) delete mod.enableCompileCache;
        else mod.enableCompileCache = real;
    });
    const answering = (answer: object | Error) => {
        mod.enableCompileCache = () => {
            if (answer instanceof Error) throw answer;
            return answer;
        };
    };

    it("is true when Node keeps compiled code, or already did", () => {
        answering({ status: STATUS.ENABLED, directory: "/tmp/node-compile-cache" });
        expect(keepCompiledCode()).toBe(true);
        answering({ status: STATUS.ALREADY_ENABLED, directory: "/tmp/node-compile-cache" });
        expect(keepCompiledCode()).toBe(true);
    });

    it("is false when the directory cannot be used or the cache is turned off (Node answers, it does not throw)", () => {
        answering({ status: STATUS.FAILED, message: "Cannot create cache directory: not a directory" });
        expect(keepCompiledCode()).toBe(false);
        answering({ status: STATUS.DISABLED, message: "Disabled by NODE_DISABLE_COMPILE_CACHE" });
        expect(keepCompiledCode()).toBe(false);
    });

    it("is false, without throwing, on a Node without the cache or one that throws", () => {
        delete mod.enableCompileCache;
        expect(keepCompiledCode()).toBe(false);
        answering(new Error("EACCES"));
        expect(keepCompiledCode()).toBe(false);
    });

    it("keeps it in the installation's node_modules/.cache, or where NODE_COMPILE_CACHE says, never the shared default", () => {
        const asked: unknown[] = [];
        mod.enableCompileCache = (dir?: string) => { asked.push(dir); return { status: STATUS.ENABLED, directory: dir }; };
        keepCompiledCode({});
        keepCompiledCode({ NODE_COMPILE_CACHE: "/srv/cache" });
        expect(asked).toEqual([CACHE_DIR, "/srv/cache"]);
        expect(CACHE_DIR).toBe(path.join(path.resolve(__dirname, "..", ".."), "node_modules", ".cache", "warehouse-check", "compiled"));
    });
});
