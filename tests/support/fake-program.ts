// The warehouse program with the fake target in place of a cloud.
import * as pulumi from "@pulumi/pulumi";
import { parseWarehouseSpec } from "../../components/model";
import { HealthDataWarehouse } from "../../components/warehouse";
import { readNamespace } from "../../stacks/config";
import { fakeTarget } from "./fake-target";

export = async () => {
    const raw = readNamespace();
    const spec = parseWarehouseSpec({ target: "fake", ...raw }, { targets: ["fake"], reservedKeys: [] });
    const failOnProject = new pulumi.Config("test").get("failOnProject");
    const warehouse = new HealthDataWarehouse(spec.name, { spec, target: fakeTarget({ failOnProject }) });
    await warehouse.ready;
    return { outputs: warehouse.outputs };
};
