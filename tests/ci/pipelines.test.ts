// The pipelines run what the README and the guides say CI runs (the type check, the tests, the offline check), and
// their real-preview jobs follow the deploy guides: a self-managed backend, federated credentials, no Pulumi Cloud
// token, no Azure client secret, a runner inside the VNet for Azure.

import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const ROOT = path.resolve(__dirname, "../..");
const load = (file: string) => yaml.load(fs.readFileSync(path.join(ROOT, file), "utf8")) as any;

/** Every shell line a job runs. */
function githubScripts(job: any): string {
    return (job.steps ?? []).map((s: any) => s.run ?? "").join("\n");
}
function gitlabScripts(job: any, all: any): string {
    const base = job.extends ? gitlabScripts(all[job.extends], all) : "";
    return [base, ...[job.before_script, job.script].flat().filter(Boolean)].join("\n");
}

describe("GitHub Actions", () => {
    const workflow = load(".github/workflows/policy-check.yml");
    const jobs = Object.values<any>(workflow.jobs);
    const onPullRequests = jobs.filter(j => !String(j.if ?? "").includes("workflow_dispatch"));
    const scripts = onPullRequests.map(githubScripts).join("\n");

    test("runs on pull requests", () => {
        expect(workflow.on).toHaveProperty("pull_request");
    });

    test("every pull request gets the type check, the tests and the offline check", () => {
        expect(scripts).toMatch(/npm run typecheck/);
        expect(scripts).toMatch(/npx jest|npm test/);
        expect(scripts).toMatch(/npm run --silent check/);
    });

    test("the real preview follows the deploy guides", () => {
        const preview = workflow.jobs["pulumi-preview"];
        const text = JSON.stringify(preview);
        expect(text).not.toMatch(/PULUMI_ACCESS_TOKEN|ARM_CLIENT_SECRET|OVH_APPLICATION_SECRET|OVH_CONSUMER_KEY/);
        expect(preview.permissions["id-token"]).toBe("write");
        expect(preview.env.PULUMI_BACKEND_URL).toBeDefined();
        expect(githubScripts(preview)).toMatch(/pulumi login "\$PULUMI_BACKEND_URL"/);
        const azure = preview.strategy.matrix.include.find((m: any) => m.stack === "azure-prod");
        expect(azure.runner).toContain("self-hosted");
        expect(preview["runs-on"]).toBe("${{ matrix.runner }}");
    });
});

describe("GitLab CI", () => {
    const pipeline = load(".gitlab-ci.yml");
    const jobs = Object.entries<any>(pipeline).filter(([name, j]) => !name.startsWith(".") && j && typeof j === "object" && (j.script || j.extends));
    const previews = jobs.filter(([name]) => name.startsWith("pulumi-preview"));
    const scripts = jobs.filter(([name]) => !name.startsWith("pulumi-preview")).map(([, j]) => gitlabScripts(j, pipeline)).join("\n");

    test("every merge request gets the type check, the tests and the offline check", () => {
        expect(scripts).toMatch(/npm run typecheck/);
        expect(scripts).toMatch(/npx jest|npm test/);
        expect(scripts).toMatch(/npm run --silent check/);
    });

    test("the real preview follows the deploy guides", () => {
        expect(previews.map(([name]) => name).sort()).toEqual(["pulumi-preview-azure", "pulumi-preview-cloudtemple", "pulumi-preview-ovh"]);
        const text = JSON.stringify(previews) + JSON.stringify(pipeline[".pulumi-preview"]);
        expect(text).not.toMatch(/PULUMI_ACCESS_TOKEN|ARM_CLIENT_SECRET/);
        expect(gitlabScripts(previews[0][1], pipeline)).toMatch(/pulumi login "\$PULUMI_BACKEND_URL"/);
        const azure = pipeline["pulumi-preview-azure"];
        expect(azure.tags).toEqual(["hdh-azure-vnet"]);
        expect(azure.id_tokens.AZURE_ID_TOKEN.aud).toBe("api://AzureADTokenExchange");
        expect(azure.variables.ARM_USE_OIDC).toBe("true");
    });
});

test("the project's own CI runs the type check, the tests and the check", () => {
    const run = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    expect(run).toMatch(/npm test/);
    expect(run).toMatch(/npm start/);
});
