import { ProgramRun, runWarehouse } from "../../support/program";
import { STACK, T, idOf, inNamespace } from "./helpers";

describe("OVH catalogue: managed PostgreSQL on a certified plan, private network only", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: STACK }); });

    test("runs the neutral PostgreSQL version on the business plan, protected against deletion twice over", () => {
        const db = run.one(T.database);
        expect(db.inputs).toMatchObject({
            engine: "postgresql", version: "16", plan: "business", flavor: "b3-8", diskSize: 64,
            deletionProtection: true, serviceName: "5c2e9a0d4b7f41e38a6d2f1c0b9e7d53",
        });
        expect(db.protect).toBe(true);
    });

    test("places the plan's two nodes in the private network's database subnet, in the region", () => {
        const subnet = run.ofType(T.subnet).find(s => s.inputs.name === "hdh-rehearsal-database")!;
        const node = { region: "EU-WEST-PAR", networkId: idOf(run.one(T.network)), subnetId: idOf(subnet) };
        expect(run.one(T.database).inputs.nodes).toEqual([node, node]);
    });

    test("accepts connections from the cluster subnet only", () => {
        const restrictions = run.one(T.database).inputs.ipRestrictions;
        expect(restrictions.map((r: any) => r.ip)).toEqual(["10.40.0.0/17"]);
    });

    test("keeps backups in the database's own region, inside the jurisdiction", () => {
        expect(run.one(T.database).inputs.backupRegions).toEqual(["EU-WEST-PAR"]);
    });

    test("creates the catalog database in the cluster, protected", () => {
        const instance = run.one(T.databaseInstance);
        expect(instance.inputs).toMatchObject({ name: "catalog", engine: "postgresql", clusterId: idOf(run.one(T.database)) });
        expect(instance.protect).toBe(true);
    });

    test("tells workloads where the catalogue is and opens egress to its subnet on OVH's PostgreSQL port", () => {
        expect(inNamespace(run, "kubernetes:core/v1:ConfigMap", "diabfr").inputs.data).toMatchObject({
            CATALOG_HOST: "postgresql-hdh-catalog-postgresql.database.cloud.ovh.net",
            CATALOG_PORT: "20184", CATALOG_DATABASE: "catalog", CATALOG_SSLMODE: "require",
        });
        const allow = inNamespace(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "diabfr", "allow-warehouse-services");
        expect(allow.inputs.spec.egress).toContainEqual({
            to: [{ ipBlock: { cidr: "10.40.129.0/24" } }], ports: [{ protocol: "TCP", port: 20184 }],
        });
    });

    test("lists the catalogue among the private endpoints", () => {
        const url = "postgresql://postgresql-hdh-catalog-postgresql.database.cloud.ovh.net:20184/catalog?sslmode=require";
        expect(run.outputs.outputs.endpoints.catalog).toEqual({ url, private: true });
        expect(run.outputs.outputs.privateEndpoints).toEqual([url]);
    });
});
