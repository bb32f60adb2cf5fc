// Provider jurisdiction, certification and the EU Cloud Sovereignty Framework on every data store of the catalogue,
// through a real pack process: not a hand list of seven types.

import { PolicyPack } from "../../engine/policy/analyzer";
import { catalog, typeInfo } from "../../policies/catalog/resource-types";
import { OFFERS } from "../../policies/catalog/offers";
import { SEAL_GRADES, OBJECTIVE_IDS } from "../../policies/catalog/sovereignty-framework";
import { processesData } from "../../policies/rules/jurisdiction";
import { classify } from "../../policies/catalog/services";
import { CT, OVH } from "./fixtures";
import { failures, provider, resource, startPack } from "./support";

let pack: PolicyPack;
beforeAll(async () => { pack = await startPack(); });
afterAll(async () => { await pack?.stop(); });

const analyze = (type: string, props: Record<string, unknown>, extra = {}) => pack.analyze(resource(type, "r", props, extra));
const minio = provider("minio", "cloudtemple-s3", CT.minioProvider);

test("services the pack used to miss draw the jurisdiction finding: SQL, Cosmos DB, MySQL, MariaDB, Synapse, Databricks, Data Factory", async () => {
    for (const type of ["azure-native:sql:Server", "azure-native:cosmosdb:DatabaseAccount", "azure-native:dbformysql:Server",
        "azure-native:dbformariadb:Server", "azure-native:dbforpostgresql:SingleServer", "azure-native:synapse:Workspace",
        "azure-native:databricks:Workspace", "azure-native:datafactory:Factory", "azure-native:redis:Redis",
        "azure-native:servicebus:Namespace", "azure-native:containerregistry:Registry", "azure-native:machinelearningservices:Workspace",
        "azure-native:web:WebApp", "azure-native:recoveryservices:Vault"]) {
        expect({ type, found: failures(await analyze(type, { location: "francecentral" }), "provider-jurisdiction") })
            .toEqual({ type, found: [expect.stringMatching(/CLOUD Act/)] });
    }
    // Plumbing that holds no data: no operator finding.
    for (const type of ["azure-native:network:VirtualNetwork", "azure-native:sql:FirewallRule", "azure-native:insights:ActionGroup"]) {
        expect({ type, found: failures(await analyze(type, { location: "francecentral" }), "provider-jurisdiction") }).toEqual({ type, found: [] });
    }
});

test("every data store of the catalogue on Azure and OVHcloud has a certification record (none falls through)", () => {
    const missing = Object.keys(catalog().types).flatMap(type => {
        const cls = classify(type);
        if (!cls?.cloud || !processesData(cls)) return [];
        return OFFERS.some(o => o.cloud === cls.cloud && o.service === cls.service) ? [] : [`${cls.cloud} ${cls.service} (${type})`];
    });
    // OVHcloud backups and file storage map onto its storage offer; anything else without a record is refused, by design.
    expect([...new Set(missing.map(m => m.split(" (")[0]))].sort()).toEqual([]);
});

test("certification: OVHcloud's registry and Logs Data Platform are not on its HDS list; its business databases are", async () => {
    expect(failures(await analyze("ovh:CloudProject/database:Database", OVH.database), "certified-services")).toEqual([]);
    expect(failures(await analyze("ovh:CloudProject/containerRegistry:ContainerRegistry", { serviceName: "p", region: "GRA", name: "r" }), "certified-services"))
        .toEqual([expect.stringMatching(/Managed Private Registry is not HDS-certified \(not-found/)]);
    expect(failures(await analyze("ovh:Dbaas/logsCluster:LogsCluster", { serviceName: "ldp" }), "certified-services")).toHaveLength(1);
});

describe("EU Cloud Sovereignty Framework", () => {
    test("each cloud of the catalogue is graded on the eight objectives, dated and sourced", () => {
        for (const g of SEAL_GRADES) {
            expect(Object.keys(g.grades).sort()).toEqual([...OBJECTIVE_IDS].sort());
            expect(g.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
            expect(g.source).toMatch(/https:\/\//);
        }
    });
    test("minimumSeal SEAL-3: OVHcloud and Cloud Temple pass, Azure fails naming the objectives below it", async () => {
        await pack.configure({ "certified-services": { minimumSeal: "SEAL-3" } });
        try {
            expect(failures(await analyze("ovh:CloudProject/storage:Storage", OVH.bucket), "certified-services")).toEqual([]);
            expect(failures(await analyze("minio:index/s3Bucket:S3Bucket", CT.bucket, { provider: minio }), "certified-services")).toEqual([]);
            const azure = failures(await analyze("azure-native:sql:Server", { location: "francecentral" }), "certified-services");
            expect(azure).toEqual([expect.stringMatching(/below SEAL-3 .* on SOV-1 Strategic sovereignty SEAL-1; SOV-2 Legal and jurisdictional sovereignty SEAL-1;.*csf\.hop3\.abilian\.com/)]);
            expect(azure[0]).toMatch(/lower the `minimumSeal` setting of certified-services/);
        } finally { await pack.configure({}); }
    });
    test("sealObjectives narrows the requirement: SEAL-4 on SOV-2 passes OVHcloud and fails Cloud Temple", async () => {
        await pack.configure({ "certified-services": { minimumSeal: "SEAL-4", sealObjectives: ["SOV-2"] } });
        try {
            expect(failures(await analyze("ovh:CloudProject/storage:Storage", OVH.bucket), "certified-services")).toEqual([]);
            expect(failures(await analyze("minio:index/s3Bucket:S3Bucket", CT.bucket, { provider: minio }), "certified-services"))
                .toEqual([expect.stringMatching(/below SEAL-4 .* on SOV-2 Legal and jurisdictional sovereignty SEAL-3/)]);
        } finally { await pack.configure({}); }
    });
    test("an offer with no grade fails closed when a minimum is set", async () => {
        const ungraded = { cloud: "ovhcloud", service: "storage", offer: "Object Storage (regraded)", asOf: "2026-12-01",
            source: "test", hds: { status: "certified" }, secNumCloud: { status: "not-found" }, seal: {} };
        await pack.configure({ "certified-services": { minimumSeal: "SEAL-2", offerOverrides: [ungraded] } });
        try {
            expect(failures(await analyze("ovh:CloudProject/storage:Storage", OVH.bucket), "certified-services"))
                .toEqual([expect.stringMatching(/has no EU Cloud Sovereignty Framework grade for SOV-1, .*SOV-8/)]);
        } finally { await pack.configure({}); }
        // Without a minimum, grades are not asked for.
        expect(failures(await analyze("ovh:CloudProject/storage:Storage", OVH.bucket), "certified-services")).toEqual([]);
    });
    test("a misspelt level is refused by the setting's schema", async () => {
        const info = await pack.info();
        const schema = info.policies.find(p => p.name === "certified-services")!.configSchema!.properties;
        expect(schema.minimumSeal).toMatchObject({ enum: ["SEAL-0", "SEAL-1", "SEAL-2", "SEAL-3", "SEAL-4"] });
        expect(typeInfo("azure-native:sql:Server")?.holdsData).toBe(true);
    });
});
