// "Done when" of issue 14: breaking a flow the warehouse needs, or giving researchers a role that can undo their
// isolation, makes the offline check (`npm start`) exit 1 with a finding that names the flow, the hop and the rule.
// Each case copies the project, applies one textual mutation to its source, checks that the mutation applied (so the
// test cannot pass by changing nothing), and runs the CLI's `check` on the copy with this repository's pack.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cli, ROOT } from "../../cli/support";

const COPIED = ["components", "stacks", "policies", "migration", "Pulumi.yaml", "tsconfig.json", "package.json"];

function copyProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hdw-mutation-"));
    for (const entry of COPIED) {
        fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true,
            filter: src => !/[/\\](node_modules|bin)([/\\]|$)/.test(path.relative(ROOT, src)) });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    return dir;
}

function mutate(dir: string, file: string, from: string | RegExp, to: string): void {
    const p = path.join(dir, file);
    const text = fs.readFileSync(p, "utf8");
    const changed = text.replace(from, to);
    if (changed === text) throw new Error(`mutation did not apply to ${file}: ${from}`);
    fs.writeFileSync(p, changed);
}

async function check(dir: string, stack: string) {
    const run = await cli(["check", "--program", dir, "--stack", stack, "--policy-pack", path.join(ROOT, "policies"), "--format", "json"]);
    const report = JSON.parse(run.stdout);
    const mandatory = report.stacks[0].findings.filter((f: any) => f.level === "mandatory");
    return { code: run.code, mandatory, stderr: run.stderr };
}

describe("the verifiers catch a broken flow or permission in `npm start`", () => {
    const dirs: string[] = [];
    afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });
    const copy = () => { const d = copyProject(); dirs.push(d); return d; };

    test("deleting the DNS egress rule of research namespaces fails the flow to cluster DNS", async () => {
        const dir = copy();
        mutate(dir, "components/workspaces.ts", "new k8s.networking.v1.NetworkPolicy(`${name}-allow-dns`",
            "false && new k8s.networking.v1.NetworkPolicy(`${name}-allow-dns`");
        const { code, mandatory } = await check(dir, "ovh-rehearsal");
        expect(code).toBe(1);
        const dns = mandatory.filter((f: any) => f.policy === "network-flows" && /Required flow "rp-oncoprev workloads -> cluster DNS \(kube-system\)" \(UDP\/53\) is blocked at hop "Kubernetes egress from rp-oncoprev" by NetworkPolicy rp-oncoprev/.test(f.message));
        expect(dns).toHaveLength(1);
    }, 240000);

    test("deleting the overlay NSG rule fails pod-to-pod traffic at the cluster subnet's NSG", async () => {
        const dir = copy();
        mutate(dir, "stacks/azure/network.ts", /any\("allow-cluster-in", 100, "Inbound", nodesAndPods, nodesAndPods,\s*"[^"]*"\),/, "");
        const { code, mandatory } = await check(dir, "azure-prod");
        expect(code).toBe(1);
        const messages = mandatory.filter((f: any) => f.policy === "network-flows").map((f: any) => f.message);
        expect(messages).toContainEqual(expect.stringMatching(
            /^Required flow "cluster pods -> cluster pods" \(any port\) is blocked at hop "NSG nsg-hdh-prod-cluster inbound \(snet-cluster\)" by NSG nsg-hdh-prod-cluster inbound rule deny-all-inbound \(priority 4096, Deny\)/));
    }, 240000);

    test("removing the mover's access to OpenBao fails its flow to OpenBao, at OpenBao's chart-rendered policy", async () => {
        const dir = copy();
        mutate(dir, "stacks/cloudtemple/keys.ts", "clients: spec.migration ? [{ namespace: DATA_MOVER_NAMESPACE, podLabels: DATA_MOVER_LABELS }] : [],", "clients: [],");
        const { code, mandatory } = await check(dir, "cloudtemple-rehearsal");
        expect(code).toBe(1);
        const messages = mandatory.filter((f: any) => f.policy === "network-flows").map((f: any) => f.message);
        expect(messages).toContainEqual(expect.stringMatching(
            /^Required flow "data-migration data mover -> OpenBao \(in-cluster\)" \(TCP\/8200\) is blocked at hop "Kubernetes ingress to hdh-keys" by NetworkPolicy hdh-keys\/\{openbao \(rendered by chart openbao 0\.29\.2\)\}/));
    }, 240000);

    test("a researcher group bound to `edit` (which writes NetworkPolicies) fails the permission check", async () => {
        const dir = copy();
        mutate(dir, "components/workspaces.ts", `roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },`,
            `roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },`);
        const { code, mandatory } = await check(dir, "ovh-rehearsal");
        expect(code).toBe(1);
        const messages = mandatory.filter((f: any) => f.policy === "identity-permissions").map((f: any) => f.message);
        expect(messages).toContainEqual(expect.stringContaining(
            "group rp-oncoprev-researchers (project oncoprev) may create/delete/deletecollection/patch/update networking.k8s.io/networkpolicies in rp-oncoprev"));
    }, 240000);
});
