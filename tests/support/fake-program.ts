// The warehouse program with the fake target in place of a cloud.
import { parseWarehouseSpec } from "../../components/model";
import { HealthDataWarehouse } from "../../components/warehouse";
import { readNamespace } from "../../stacks/config";
import { fakeTarget } from "./fake-target";

const raw = readNamespace();
const spec = parseWarehouseSpec({ target: "fake", ...raw }, { targets: ["fake"], reservedKeys: [] });
export const outputs = new HealthDataWarehouse(spec.name, { spec, target: fakeTarget() }).outputs;
