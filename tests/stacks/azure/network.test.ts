import { ProgramRun, runWarehouse } from "../../support/program";
import { planAzureSubnets } from "../../../stacks/azure/network";
import { nsgRules } from "./helpers";

describe("Azure network isolation (azure-prod)", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: "azure-prod" }); });

    test("puts everything in francecentral (private DNS is global by nature), in one resource group protected against deletion", () => {
        const group = run.one("azure-native:resources:ResourceGroup");
        expect(group.inputs).toMatchObject({ resourceGroupName: "rg-hdh-prod", location: "francecentral" });
        expect(group.protect).toBe(true);
        const located = run.resources.filter(r => r.type.startsWith("azure-native:") && r.inputs.location !== undefined);
        expect(new Set(located.map(r => r.inputs.location))).toEqual(new Set(["francecentral", "global"]));
        expect(new Set(located.filter(r => r.inputs.location === "global").map(r => r.type)))
            .toEqual(new Set(["azure-native:privatedns:PrivateZone", "azure-native:privatedns:VirtualNetworkLink"]));
    });

    test("carves the VNet from the neutral address space, subnets without default outbound access", () => {
        expect(run.one("azure-native:network:VirtualNetwork").inputs.addressSpace)
            .toEqual({ addressPrefixes: ["10.40.0.0/16"] });
        const subnets: Record<string, any> = Object.fromEntries(run.ofType("azure-native:network:Subnet")
            .map(s => [s.inputs.subnetName, s.inputs]));
        expect(Object.keys(subnets).sort())
            .toEqual(["AzureFirewallSubnet", "snet-apiserver", "snet-cluster", "snet-database", "snet-endpoints"]);
        expect(Object.values(subnets).every(s => s.defaultOutboundAccess === false)).toBe(true);
        expect(subnets["snet-cluster"].addressPrefix).toBe("10.40.0.0/17");
        expect(subnets["snet-endpoints"].addressPrefix).toBe("10.40.128.0/24");
        expect(subnets["snet-database"].addressPrefix).toBe("10.40.129.0/24");
        expect(subnets["AzureFirewallSubnet"].addressPrefix).toBe("10.40.130.0/24");
        expect(subnets["snet-apiserver"].addressPrefix).toBe("10.40.131.0/28");
        expect(subnets["snet-database"].delegations)
            .toEqual([expect.objectContaining({ serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" })]);
        expect(subnets["snet-apiserver"].delegations)
            .toEqual([expect.objectContaining({ serviceName: "Microsoft.ContainerService/managedClusters" })]);
        expect(subnets["snet-endpoints"].privateEndpointNetworkPolicies).toBe("Enabled");
    });

    test("creates the subnets one after another (Azure refuses concurrent subnet changes in a VNet)", () => {
        const subnets = run.ofType("azure-native:network:Subnet");
        for (let i = 1; i < subnets.length; i++) expect(subnets[i].dependencies).toContain(subnets[i - 1].urn);
    });

    test("every NSG denies all traffic, both ways, at the lowest priority", () => {
        const nsgs = run.ofType("azure-native:network:NetworkSecurityGroup");
        expect(nsgs).toHaveLength(4);
        for (const nsg of nsgs) {
            for (const direction of ["Inbound", "Outbound"]) {
                const rules = nsg.inputs.securityRules.filter((r: any) => r.direction === direction);
                const last = rules.reduce((a: any, b: any) => (a.priority > b.priority ? a : b));
                expect(last).toMatchObject({ access: "Deny", priority: 4096, protocol: "*",
                    sourceAddressPrefix: "*", destinationAddressPrefix: "*", destinationPortRange: "*" });
                expect(rules.filter((r: any) => r.access === "Deny")).toHaveLength(1);
            }
        }
    });

    test("lets administrators reach only the private API server, on 443", () => {
        const admin = "192.0.2.0/28";
        const allowsAdmin = run.ofType("azure-native:network:NetworkSecurityGroup").flatMap(n => n.inputs.securityRules)
            .filter((r: any) => r.sourceAddressPrefix === admin || r.sourceAddressPrefixes?.includes(admin));
        expect(allowsAdmin).toEqual([expect.objectContaining({
            direction: "Inbound", access: "Allow", protocol: "Tcp", destinationAddressPrefix: "10.40.131.0/28",
            destinationPortRange: "443" })]);
    });

    test("opens the services only to the cluster: endpoints on 443, database on 5432", () => {
        const endpoints = nsgRules(run, "endpoints");
        expect(endpoints["allow-cluster-in"]).toMatchObject({ sourceAddressPrefix: "10.40.0.0/17", destinationPortRange: "443" });
        const database = nsgRules(run, "database");
        expect(database["allow-cluster-in"]).toMatchObject({ sourceAddressPrefix: "10.40.0.0/17", destinationPortRange: "5432" });
        // The database sends nothing to the internet but regional storage (backups) and Entra ID.
        expect(database["allow-platform-out"].destinationAddressPrefixes).toEqual(["Storage.FranceCentral", "AzureActiveDirectory"]);
    });

    test("routes cluster and database egress to a firewall that allows only what AKS needs", () => {
        const routes = run.one("azure-native:network:RouteTable");
        expect(routes.inputs.routes).toEqual([expect.objectContaining({
            addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.40.130.4" })]);
        expect(routes.inputs.disableBgpRoutePropagation).toBe(true);
        const subnets = Object.fromEntries(run.ofType("azure-native:network:Subnet").map(s => [s.inputs.subnetName, s.inputs]));
        expect(subnets["snet-cluster"].routeTable).toEqual({ id: `${routes.name}-id` });
        expect(subnets["snet-database"].routeTable).toEqual({ id: `${routes.name}-id` });
        const collections = run.one("azure-native:network:FirewallPolicyRuleCollectionGroup").inputs.ruleCollections;
        const rules = collections.flatMap((c: any) => c.rules);
        expect(collections.every((c: any) => c.action.type === "Allow")).toBe(true);
        expect(rules.find((r: any) => r.ruleType === "ApplicationRule"))
            .toMatchObject({ fqdnTags: ["AzureKubernetesService"], sourceAddresses: ["10.40.0.0/17"] });
        // One name beyond the tag, for workload identity (research pods leave with their node's address).
        expect(rules.flatMap((r: any) => r.targetFqdns ?? [])).toEqual(["login.microsoftonline.com"]);
        expect(run.one("azure-native:network:FirewallPolicy").inputs.threatIntelMode).toBe("Deny");
    });

    test("declares the private DNS zones of every private endpoint and links them to the VNet", () => {
        const zones = run.ofType("azure-native:privatedns:PrivateZone").map(z => z.inputs.privateZoneName);
        expect(zones.sort()).toEqual(["hdh-prod.private.postgres.database.azure.com", "privatelink.blob.core.windows.net",
            "privatelink.dfs.core.windows.net", "privatelink.vaultcore.azure.net"]);
        const links = run.ofType("azure-native:privatedns:VirtualNetworkLink");
        expect(links).toHaveLength(4);
        const vnet = run.one("azure-native:network:VirtualNetwork");
        for (const link of links) {
            expect(link.inputs).toMatchObject({ registrationEnabled: false, virtualNetwork: { id: `${vnet.name}-id` } });
        }
    });
});

describe("planAzureSubnets", () => {
    test("adds a /28 for the API server after the neutral subnets, inside the address space", () => {
        expect(planAzureSubnets("10.40.0.0/16")).toEqual({ cluster: "10.40.0.0/17", endpoints: "10.40.128.0/24",
            database: "10.40.129.0/24", gateway: "10.40.130.0/24", apiServer: "10.40.131.0/28" });
        expect(planAzureSubnets("172.16.0.0/20").apiServer).toBe("172.16.11.0/28");
    });
});
