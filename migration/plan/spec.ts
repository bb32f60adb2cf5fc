// A stack's neutral spec, read from its configuration as the program reads it (stacks/config.ts decodes the
// `warehouse:` namespace the same way) and validated by the model itself. The rehearsal compares what each stack
// asks for (key sizes, retention, pools) beside what its plan declares.

import { WarehouseSpec, parseWarehouseSpec } from "../../components/model";
import { decodeNamespace } from "../../stacks/config";
import { TARGET_NAMES, targetKeys } from "../../stacks/targets";

/** The spec of a stack's merged configuration (`namespace:key` -> string), or undefined if it does not validate. */
export function specOf(config: Readonly<Record<string, string>>): WarehouseSpec | undefined {
    const raw = decodeNamespace(config);
    try {
        return parseWarehouseSpec(raw, { targets: TARGET_NAMES, reservedKeys: targetKeys(raw) });
    } catch {
        // The program reports bad configuration itself, with the key and the value; here it only costs the facts.
        return undefined;
    }
}
