import { ProgramRun, runWarehouse } from "../../support/program";
import { STACK, T, byUrn, idOf } from "./helpers";

describe("OVH network: project in the vRack, private network, subnets, gateway", () => {
    let run: ProgramRun;
    beforeAll(async () => { run = await runWarehouse({ stack: STACK }); });

    test("attaches the existing Public Cloud project to the configured vRack", () => {
        expect(run.one(T.vrack).inputs).toEqual({ serviceName: "pn-1045822", projectId: "5c2e9a0d4b7f41e38a6d2f1c0b9e7d53" });
        expect(run.one(T.vrack).importId).toBe("");
    });

    test("creates the private network on the configured VLAN, in the compute region, once the project is in the vRack", () => {
        const network = run.one(T.network);
        expect(network.inputs).toMatchObject({
            serviceName: "5c2e9a0d4b7f41e38a6d2f1c0b9e7d53", region: "EU-WEST-PAR", vlanId: 1402, name: "hdh-rehearsal-private",
        });
        expect(network.dependencies).toContain(run.one(T.vrack).urn);
    });

    test("carves the cluster and catalogue subnets from the neutral plan, with DHCP, in the network", () => {
        const network = run.one(T.network);
        const subnets = Object.fromEntries(run.ofType(T.subnet).map(s => [s.inputs.name, s.inputs]));
        expect(Object.keys(subnets).sort()).toEqual(["hdh-rehearsal-cluster", "hdh-rehearsal-database"]);
        expect(subnets["hdh-rehearsal-cluster"]).toMatchObject({
            cidr: "10.40.0.0/17", region: "EU-WEST-PAR", networkId: idOf(network), dhcpEnabled: true,
        });
        expect(subnets["hdh-rehearsal-database"]).toMatchObject({
            cidr: "10.40.129.0/24", region: "EU-WEST-PAR", networkId: idOf(network), dhcpEnabled: true,
        });
    });

    test("routes both subnets through one gateway that is the only way out", () => {
        const gateway = run.one(T.gateway);
        expect(gateway.inputs.externalGateway).toEqual({ enabled: true, model: "S" });
        expect(gateway.inputs.region).toBe("EU-WEST-PAR");
        expect([...gateway.inputs.subnetIds].sort()).toEqual(run.ofType(T.subnet).map(idOf).sort());
    });

    test("keeps every network resource inside the Network component of the warehouse", () => {
        const component = run.one("health-data:ovh:Network");
        expect(byUrn(run, component.parent).type).toBe("health-data:warehouse:HealthDataWarehouse");
        for (const type of [T.vrack, T.network, T.subnet, T.gateway]) {
            for (const r of run.ofType(type)) expect(r.parent).toBe(component.urn);
        }
    });

});
