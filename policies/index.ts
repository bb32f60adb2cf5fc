// The policy pack's entry: `pulumi preview --policy-pack policies` runs this file. Constructing a PolicyPack starts
// the analyzer server, so this file does nothing else; the policies live in pack.ts.

import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./pack";
import { withConfigGuard } from "./framework/config-guard";
import { decodeOnce } from "./framework/decode-once";

// Each request's properties are converted from protobuf once, not once per policy (framework/decode-once.ts).
decodeOnce();

// The server refuses a configuration naming an unknown policy or setting (framework/config-guard.ts).
withConfigGuard(policies, () => new PolicyPack(PACK_NAME, {
    policies,
    enforcementLevel: PACK_ENFORCEMENT_LEVEL,
    displayName: "Health data sovereignty",
    description: "Residency, provider jurisdiction and certification, key sovereignty and network isolation for the " +
        "national health-data warehouse (HDS, SecNumCloud, CNIL, ANSSI).",
    provider: "azure-native, ovh, kubernetes, vault, minio",
    tags: ["sovereignty", "hds", "secnumcloud"],
}));
