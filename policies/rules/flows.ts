// Rules over the intents a program publishes (policies/flows/intents.ts): every required flow is allowed at every
// hop and every forbidden flow is denied at one at least (network-flows), and every identity holds what it needs
// and nothing that undoes isolation or reaches another project (identity-permissions). A program that publishes no
// intents has nothing to judge here.

import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, StackResource } from "../framework/policy";
import { INTENTS_OUTPUT, INTENTS_TYPE, INTENTS_VERSION, Intents } from "../flows/intents";
import { verifyFlows } from "../flows/verify";
import { verifyPermissions } from "../flows/permissions";
import { FlowFinding } from "../flows/verify";
import { safe } from "../framework/plain";

function published(resources: readonly StackResource[]): { intents?: Intents; urn: string; problem?: string }[] {
    return resources.filter(r => r.type === INTENTS_TYPE).map(r => {
        const intents = safe(r.props, INTENTS_OUTPUT) as Intents | undefined;
        if (!intents || !Array.isArray(intents.flows) || !Array.isArray(intents.endpoints)) {
            return { urn: r.urn, problem: `${r.name} publishes no readable intents (output "${INTENTS_OUTPUT}" missing or unknown).` };
        }
        if (intents.version !== INTENTS_VERSION) {
            return { urn: r.urn, problem: `${r.name} publishes intents of version ${intents.version}; this pack reads version ${INTENTS_VERSION}.` };
        }
        return { intents, urn: r.urn };
    });
}

function judge(resources: readonly StackResource[], verify: (i: Intents, urn: string) => FlowFinding[]): Finding[] {
    return published(resources).flatMap(p => p.problem ? [cannotVerify(p.problem, p.urn)]
        : verify(p.intents!, p.urn).map(f => (f.kind === "violation" ? violation(f.message, f.urn ?? p.urn) : cannotVerify(f.message, f.urn ?? p.urn))));
}

export const FLOWS: Readonly<Record<string, Predicate>> = {
    "network-flows": { scope: "stack", checks: [rs => judge(rs, (i, urn) => verifyFlows(rs, i, urn))] },
    "identity-permissions": { scope: "stack", checks: [rs => judge(rs, (i, urn) => verifyPermissions(rs, i, urn))] },
};
