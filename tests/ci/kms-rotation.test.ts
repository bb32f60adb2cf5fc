// AKS KMS names one version of its key (Microsoft, "Rotate the existing keys"), so a scheduled job moves the cluster
// to the key's current version. No Pulumi CLI runs here: these tests hold the pipeline definitions to what makes the
// automation work: a schedule shorter than the key's rotation period as the stack plans it, targets that are the
// planned key and cluster (a renamed resource would otherwise make the job a silent no-op), the cluster's key id
// taken from that key, the refresh before the update, the policy pack, and the deploy guides' credentials.

import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { ProgramRun, runWarehouse } from "../support/program";

const ROOT = path.resolve(__dirname, "../..");
const load = (file: string) => yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as any;

/** The longest gap, in days, between two days a cron expression fires on (minute and hour must be single values). */
export function cronPeriodDays(cron: string): number {
    const [minute, hour, dom, month, dow] = cron.trim().split(/\s+/);
    if ([minute, hour].some(f => !/^\d+$/.test(f)) || dow === undefined) throw new Error(`unsupported cron for this check: ${cron}`);
    const field = (spec: string, value: number, min: number, max: number) => spec.split(",").some(part => {
        const [range, step] = part.split("/");
        const [lo, hi] = range === "*" ? [min, max] : range.includes("-") ? range.split("-").map(Number) : [Number(range), step ? max : Number(range)];
        return value >= lo && value <= hi && (value - lo) % Number(step ?? 1) === 0;
    });
    const fires = (d: Date) => {
        const domMatch = field(dom, d.getUTCDate(), 1, 31);
        const dowMatch = field(dow, d.getUTCDay(), 0, 6) || (dow.includes("7") && d.getUTCDay() === 0);
        // Cron's rule: when both day fields are restricted, either may match.
        const day = dom !== "*" && dow !== "*" ? domMatch || dowMatch : domMatch && dowMatch;
        return day && field(month, d.getUTCMonth() + 1, 1, 12);
    };
    const days: number[] = [];
    for (let i = 0; i < 800; i++) if (fires(new Date(Date.UTC(2026, 0, 1 + i)))) days.push(i);
    if (days.length < 2) throw new Error(`cron ${cron} fires less than twice in two years`);
    return Math.max(...days.slice(1).map((d, i) => d - days[i]));
}

describe("the cron reader", () => {
    test("daily, weekly, every other day of month, monthly", () => {
        expect(cronPeriodDays("17 3 * * *")).toBe(1);
        expect(cronPeriodDays("0 2 * * 1")).toBe(7);
        expect(cronPeriodDays("0 2 */2 * *")).toBe(2);
        expect(cronPeriodDays("0 2 1 * *")).toBe(31);
        expect(() => cronPeriodDays("*/5 * * * *")).toThrow(/unsupported/);
    });
});

describe("AKS KMS follows its key's rotation", () => {
    let run: ProgramRun;
    let rotationDays: number;
    beforeAll(async () => {
        run = await runWarehouse({ stack: "azure-prod" });
        const trigger = run.one("azure-native:keyvault:Key", "aks-kms").inputs.properties.rotationPolicy.lifetimeActions[0].trigger;
        rotationDays = Number(/^P(\d+)D$/.exec(trigger.timeAfterCreate)![1]);
    });
    const urns = () => new Set(run.resources.map(r => r.urn));

    test("the cluster's KMS key id is read from the aks-kms key, which the job refreshes", () => {
        const cluster = run.one("azure-native:containerservice:ManagedCluster");
        const key = run.one("azure-native:keyvault:Key", "aks-kms");
        expect(cluster.propertyDependencies.securityProfile).toContain(key.urn);
        expect(cluster.inputs.securityProfile.azureKeyVaultKms.keyId).toMatch(/\/keys\/aks-kms\/[0-9a-f]+$/);
    });

    test("GitHub: a schedule shorter than the rotation period, on the planned key and cluster, refresh then update", () => {
        const workflow = load(".github/workflows/aks-kms-rotation.yml");
        const crons = (workflow.on.schedule as { cron: string }[]).map(s => s.cron);
        expect(crons.length).toBeGreaterThan(0);
        for (const cron of crons) expect(cronPeriodDays(cron)).toBeLessThan(rotationDays);
        const job = workflow.jobs["follow-kms-key"];
        expect(urns()).toContain(job.env.KMS_KEY_URN);
        expect(urns()).toContain(job.env.CLUSTER_URN);
        expect(job.env.STACK).toBe("azure-prod");
        expect(job["runs-on"]).toEqual(expect.arrayContaining(["self-hosted", "hdh-azure-vnet"]));
        expect(workflow.permissions["id-token"]).toBe("write");
        expect(JSON.stringify(workflow)).not.toMatch(/PULUMI_ACCESS_TOKEN|ARM_CLIENT_SECRET/);
        const script = job.steps.map((s: any) => s.run ?? "").join("\n");
        expect(script).toMatch(/pulumi refresh --stack "\$STACK" --target "\$KMS_KEY_URN" --yes[^\n]*\n\s*pulumi up --stack "\$STACK" --target "\$CLUSTER_URN" --policy-pack policies --yes/);
    });

    test("GitLab: the scheduled job states a cron shorter than the rotation period and the same steps", () => {
        const pipeline = load(".gitlab-ci.yml");
        const job = pipeline["aks-kms-rotation"];
        expect(job.rules.map((r: any) => r.if).join(" ")).toMatch(/\$CI_PIPELINE_SOURCE == "schedule"/);
        expect(cronPeriodDays(job.variables.KMS_ROTATION_CRON)).toBeLessThan(rotationDays);
        // GitLab expands variables in variables: `$$` is a literal `$`.
        expect(urns()).toContain(job.variables.KMS_KEY_URN.replace(/\$\$/g, "$"));
        expect(urns()).toContain(job.variables.CLUSTER_URN.replace(/\$\$/g, "$"));
        expect(job.tags).toEqual(["hdh-azure-vnet"]);
        expect(job.id_tokens.AZURE_ID_TOKEN.aud).toBe("api://AzureADTokenExchange");
        expect(job.script.join("\n")).toMatch(/pulumi refresh --stack "\$STACK" --target "\$KMS_KEY_URN" --yes[^\n]*\n\s*pulumi up --stack "\$STACK" --target "\$CLUSTER_URN" --policy-pack policies --yes/);
    });
});
