// The program: config -> validated spec -> the selected target's building blocks -> the warehouse.
// Bad configuration stops here, before any resource is registered.

import { parseWarehouseSpec } from "../components/model";
import { HealthDataWarehouse } from "../components/warehouse";
import { readNamespace } from "./config";
import { TARGET_NAMES, createTarget, targetKeys } from "./targets";

// An async program (the runtime awaits it): the warehouse adds its research projects over several turns of the
// event loop, and the stack's outputs are known once they all are.
export = async () => {
    const raw = readNamespace();
    const spec = parseWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
    const target = createTarget(spec, raw);
    const warehouse = new HealthDataWarehouse(spec.name, { spec, target });
    await warehouse.ready;
    /** The neutral outputs: the same keys on every target. */
    return { outputs: warehouse.outputs };
};
