// Private endpoints for every data service that offers Private Link (checks/private-link.ts): a service is reached
// privately when a network:PrivateEndpoint of the program links to it (by reference, or by a literal resource id
// that ends with its name), or when a setting keeps it off the internet without one (VNet injection).

import { PrivateLinkType } from "../checks/model";
import { Finding, cannotVerify, violation } from "../framework/finding";
import { Predicate, StackResource, isUnknownValueError } from "../framework/policy";
import { isRecord, list, peek } from "../framework/props";
import { applies, holds, refersTo } from "./declared";
import { resourceTypeOf } from "./types";

const ENDPOINT = "azure-native:network:PrivateEndpoint";

/** The names a resource is known by: its logical name and every physical `...Name` it sets. */
function namesOf(r: StackResource): Set<string> {
    const names = new Set<string>([r.name.toLowerCase()]);
    for (const key of Object.keys(r.props)) {
        if (!/name$/i.test(key) || key === "resourceGroupName") continue;
        const v = peek(r.props, key);
        if (typeof v === "string") names.add(v.toLowerCase());
    }
    return names;
}

/** The resource ids an endpoint names literally (connections and manual connections). */
function linkedIds(pe: StackResource): string[] {
    return ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"].flatMap(k =>
        list(peek(pe.props, k)).map(c => (isRecord(c) ? peek(c, "privateLinkServiceId") : undefined))
            .filter((id): id is string => typeof id === "string"));
}

export function privateLinkPredicate(types: readonly PrivateLinkType[]): Predicate {
    const byType = new Map(types.map(t => [t.type, t]));
    return {
        scope: "stack",
        checks: [(resources: readonly StackResource[]): Finding[] => {
            const endpoints = resources.filter(r => resourceTypeOf(r.type) === ENDPOINT);
            const lastSegments = new Set(endpoints.flatMap(linkedIds).map(id => id.split("/").pop()!.toLowerCase()));
            const findings: Finding[] = [];
            for (const target of resources) {
                const link = byType.get(resourceTypeOf(target.type));
                if (!link) continue;
                try {
                    if (link.onlyIf && !applies({ onlyIf: link.onlyIf }, target.props)) continue;
                    if (link.privateWithout?.some(c => holds(target.props, c))) continue;
                } catch (e) {
                    if (!isUnknownValueError(e)) throw e;
                    findings.push(cannotVerify(`Whether ${target.name} needs a private endpoint depends on .${e.props.join(".")}, ` +
                        "unknown until the update runs.", target.urn));
                    continue;
                }
                if (endpoints.some(pe => refersTo(pe, target))) continue;
                if ([...namesOf(target)].some(n => lastSegments.has(n))) continue;
                findings.push(violation(`${target.name} has no private endpoint: add a network:PrivateEndpoint whose ` +
                    `\`privateLinkServiceConnections[].privateLinkServiceId\` is its id, with \`groupIds\` ` +
                    `${link.groupIds.length === 1 ? link.groupIds[0] : `one of ${link.groupIds.join(", ")}`}.`, target.urn));
            }
            return findings;
        }],
    };
}
