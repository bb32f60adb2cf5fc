// The command line: bad input exits 2 with one line, before any program runs; `rehearse data` is reachable.

import { cli } from "./support";

describe("rehearse: bad input", () => {
    it.each([
        [["rehearse", "--to", "ovh-rehearsal"], /--from STACK is required/],
        [["rehearse", "--from", "azure-prod"], /--to STACK is required/],
        [["rehearse", "--from", "azure-prod", "--to", "azure-prod"], /same stack 'azure-prod'/],
        [["rehearse", "--from", "azure-prod", "--to", "gcp-prod"], /unknown stack 'gcp-prod'; stacks of health-data-warehouse: azure-prod, /],
        [["rehearse", "--from", "azure-prod", "--to", "ovh-rehearsal", "--format", "sarif"], /--format must be one of text, json, markdown/],
        [["rehearse", "--from", "azure-prod", "--to", "ovh-rehearsal", "--rollback-days", "0"], /--rollback-days must be a whole number/],
        [["rehearse", "--from", "azure-prod", "--to", "ovh-rehearsal", "--frm", "x"], /Unknown option '--frm'/],
    ])("%j exits 2 with a one-line error", async (args, message) => {
        const run = await cli(args);
        expect(run.code).toBe(2);
        expect(run.stdout).toBe("");
        expect(run.stderr.trim().split("\n")).toHaveLength(1);
        expect(run.stderr).toMatch(message);
    });
});

describe("rehearse: help", () => {
    it("documents both forms and the exit codes", async () => {
        const run = await cli(["rehearse", "--help"]);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/rehearse --from STACK --to STACK/);
        expect(run.stdout).toMatch(/rehearse data/);
        expect(run.stdout).toMatch(/exit status: 0 the target covers every capability/);
    });

    it("routes `rehearse data` to the data mover's rehearsal, with its own usage", async () => {
        const help = await cli(["rehearse", "data", "--help"]);
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/rehearse data/);
        expect(help.stdout).toMatch(/--bandwidth RATE/);
        const bad = await cli(["rehearse", "data", "--small", "0"]);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toMatch(/--small needs a whole number of at least 1/);
    });
});
