// The program: config -> validated spec -> the selected target's building blocks -> the warehouse.
// Bad configuration stops here, before any resource is registered, with every problem of the neutral model and of
// the target's settings in one round.

import { ConfigError, ConfigProblem } from "../components/errors";
import { validateWarehouseSpec } from "../components/model";
import { Target } from "../components/target";
import { HealthDataWarehouse } from "../components/warehouse";
import { plaintextSecrets, readNamespace } from "./config";
import { TARGET_NAMES, createTarget, targetKeys } from "./targets";

// An async program (the runtime awaits it): the warehouse adds its research projects over several turns of the
// event loop, and the stack's outputs are known once they all are.
export = async () => {
    const raw = readNamespace();
    const problems: ConfigProblem[] = [...plaintextSecrets(raw)];
    const { spec, partial, invalidSections, problems: modelProblems } =
        validateWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
    problems.push(...modelProblems);
    // The target checks its own settings in the same round, against as much of the spec as is valid; what it
    // would say about an invalid section of the model is left out (the model has already said it).
    let target: Target<any, any, any, any, any> | undefined;
    if (partial) {
        try {
            target = createTarget(partial, raw);
        } catch (e) {
            if (!(e instanceof ConfigError) && spec) throw e;
            if (e instanceof ConfigError) {
                problems.push(...e.problems.filter(p => !invalidSections.some(s => p.key.startsWith(`warehouse:${s}`))));
            }
        }
    }
    if (problems.length > 0 || !spec || !target) throw new ConfigError(problems);
    const warehouse = new HealthDataWarehouse(spec.name, { spec, target });
    await warehouse.ready;
    /** The neutral outputs: the same keys on every target. */
    return { outputs: warehouse.outputs };
};
