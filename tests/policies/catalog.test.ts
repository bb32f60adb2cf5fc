// The generated catalogue of resource types (policies/catalog/resource-types.generated.json): generated from the SDKs
// package-lock.json installs, covering every type they register, and resolving versioned API types to their entry.

import * as fs from "fs";
import * as path from "path";
import { catalog, fieldsOf, readField, typeInfo, unversionedType } from "../../policies/catalog/resource-types";
import { SDK_PACKAGES } from "../../policies/catalog/generate";
import { categorise } from "../../policies/catalog/generate/fields";

const ROOT = path.resolve(__dirname, "../..");

test("the catalogue was generated from the SDK versions package-lock.json installs (else: npm run catalog)", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const locked = Object.fromEntries(SDK_PACKAGES.map(p => [p, lock.packages[`node_modules/${p}`]?.version]));
    expect(catalog().sdks).toEqual(locked);
});

/** The type tokens an SDK's classes register (`__pulumiType`), read from its JavaScript. */
function registeredTypes(pkg: string): string[] {
    const dir = path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] }));
    const out: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) { if (e.name !== "node_modules") walk(p); continue; }
            if (!e.name.endsWith(".js")) continue;
            const js = fs.readFileSync(p, "utf8");
            if (!js.includes("extends pulumi.CustomResource")) continue;
            const token = /__pulumiType = ['"]([^'"]+)['"]/.exec(js)?.[1];
            if (token) out.push(token);
        }
    };
    walk(dir);
    return out;
}

test("every resource type the installed SDKs register has an entry", () => {
    const missing = SDK_PACKAGES.flatMap(registeredTypes).filter(t => !catalog().types[t]);
    expect(missing).toEqual([]);
}, 60000);

test("versioned API types and renamed types resolve to the unversioned entry", () => {
    expect(unversionedType("azure-native:storage/v20230101:StorageAccount")).toBe("azure-native:storage:StorageAccount");
    expect(typeInfo("azure-native:storage/v20230101:StorageAccount")?.token).toBe("azure-native:storage:StorageAccount");
    expect(typeInfo("azure-native:containerservice/v20240102preview:ManagedCluster")?.token).toBe("azure-native:containerservice:ManagedCluster");
    // Cosmos DB was `documentdb` in azure-native 1.x and 2.x.
    expect(typeInfo("azure-native:documentdb/v20230415:DatabaseAccount")?.token).toBe("azure-native:cosmosdb:DatabaseAccount");
    expect(typeInfo("azure-native:storage:NoSuchThing")).toBeUndefined();
    expect(typeInfo("aws:s3/bucket:Bucket")).toBeUndefined();
});

test("data-holding types are classified from module and name, not a hand list", () => {
    const holds = (t: string) => typeInfo(t)?.holdsData;
    for (const t of ["azure-native:storage:StorageAccount", "azure-native:sql:Server", "azure-native:sql:Database",
        "azure-native:cosmosdb:DatabaseAccount", "azure-native:dbformysql:Server", "azure-native:dbformysql:SingleServer", "azure-native:dbformariadb:Server", "azure-native:synapse:Workspace",
        "azure-native:databricks:Workspace", "azure-native:datafactory:Factory", "azure-native:redis:Redis",
        "azure-native:servicebus:Namespace", "azure-native:containerregistry:Registry",
        "azure-native:machinelearningservices:Workspace", "azure-native:compute:Disk", "azure-native:recoveryservices:Vault",
        "ovh:CloudProject/storage:Storage", "ovh:CloudProject/database:Database", "ovh:CloudProject/containerRegistry:ContainerRegistry"]) {
        expect({ t, holds: holds(t) }).toEqual({ t, holds: true });
    }
    for (const t of ["azure-native:sql:FirewallRule", "azure-native:network:VirtualNetwork", "azure-native:keyvault:Vault",
        "azure-native:storage:ManagementPolicy", "azure-native:authorization:RoleAssignment", "ovh:CloudProjectDatabase/user:User",
        "kubernetes:apps/v1:Deployment"]) {
        expect({ t, holds: holds(t) }).toEqual({ t, holds: false });
    }
});

test("the fields rules rely on are found where each service puts them", () => {
    const paths = (t: string, c: Parameters<typeof fieldsOf>[1]) => fieldsOf(typeInfo(t), c).map(f => f.path);
    expect(paths("azure-native:cosmosdb:DatabaseAccount", "region")).toContain("locations[].locationName");
    expect(paths("azure-native:sql:FailoverGroup", "replica")).toContain("partnerServers[].id");
    expect(paths("azure-native:storage:StorageAccount", "geo")).toEqual(["sku.name"]);
    expect(paths("azure-native:dbforpostgresql:Server", "exposure")).toContain("network.publicNetworkAccess");
    expect(paths("azure-native:keyvault:Vault", "exposure")).toContain("properties.networkAcls.defaultAction");
    expect(paths("azure-native:web:WebApp", "tls")).toEqual(expect.arrayContaining(["httpsOnly", "siteConfig.minTlsVersion", "siteConfig.ftpsState"]));
    expect(paths("azure-native:containerservice:ManagedCluster", "auth")).toEqual(expect.arrayContaining(["disableLocalAccounts", "aadProfile.enableAzureRBAC"]));
    expect(paths("ovh:CloudProject/database:Database", "region")).toEqual(expect.arrayContaining(["nodes[].region", "backupRegions[]"]));
    expect(paths("kubernetes:batch/v1:CronJob", "pod")).toEqual(["spec.jobTemplate.spec.template.spec"]);
    const tls = fieldsOf(typeInfo("azure-native:storage:StorageAccount"), "tls").find(f => f.path === "minimumTlsVersion");
    expect(tls?.values).toContain("TLS1_2");
    const sharedKey = fieldsOf(typeInfo("azure-native:storage:StorageAccount"), "auth").find(f => f.path === "allowSharedKeyAccess");
    expect(sharedKey).toMatchObject({ kind: "boolean", documentedDefault: "true" });
});

test("field names: camel-case words, not substrings", () => {
    const ctx = { path: [], typeName: "X" };
    expect(categorise("sysctls", { kind: "string" }, ctx)).toBeUndefined();
    expect(categorise("minimumTlsVersion", { kind: "string" }, ctx)).toBe("tls");
    expect(categorise("httpsProxy", { kind: "string" }, ctx)).toBeUndefined();
    expect(categorise("secretLocation", { kind: "string" }, { path: ["x"], typeName: "X" })).toBeUndefined();
    expect(categorise("geoBackupKeyURI", { kind: "string" }, ctx)).toBe("encryption");
});

test("readField expands lists and maps and reports the concrete path", () => {
    const props = { locations: [{ locationName: "francecentral" }, { locationName: "eastus" }], tags: { a: { region: "x" } } };
    expect(readField(props, "locations[].locationName")).toEqual([
        { path: "locations[0].locationName", value: "francecentral" }, { path: "locations[1].locationName", value: "eastus" }]);
    expect(readField(props, "tags{}.region")).toEqual([{ path: "tags.a.region", value: "x" }]);
    expect(readField(props, "missing.path")).toEqual([]);
    expect(readField({ location: "westus" }, "location")).toEqual([{ path: "location", value: "westus" }]);
});
